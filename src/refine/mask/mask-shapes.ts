/**
 * Shapes drawn on a detector image to add pixels to, or remove them from, a 2-D pixel mask
 * (Experiment ▸ Create Mask).
 *
 * Coordinates are pixels, with pixel (row i, column j) centred at (x = j, y = i) — the values of the
 * x_pixel / y_pixel axes and of beam_center_x / beam_center_y. A pixel belongs to a shape when its
 * CENTRE lies inside the shape:
 * - rectangle (x, y, width, height): x ≤ j < x + width and y ≤ i < y + height (half-open, so a
 *   rectangle with integer x, y, w, h covers exactly w × h pixels, columns x … x + w − 1, and two
 *   rectangles sharing an edge never share a pixel); negative width/height extend left/down;
 * - circle (x, y, radius): (j − x)² + (i − y)² ≤ radius² (closed: centres on the circle count);
 * - polygon (vertices in order, closed automatically): the even–odd rule with the half-open
 *   convention of the rectangle — a centre on a left or bottom edge is inside, on a right or top
 *   edge outside — so a polygon drawn as a rectangle covers the same pixels as the rectangle.
 *
 * NXRefine's dialog differs slightly: it truncates the rectangle's corners (`mask[int(y0):int(y1),
 * int(x0):int(x1)]`) and the circle's centre and counts (x − int(xc))² + (y − int(yc))² < r²
 * (strictly); for integer rectangles and integer circle centres with non-integer radii they agree.
 */

export type MaskShapeMode = 'add' | 'remove';

export interface MaskRectangle {
  type: 'rectangle';
  /** Left edge, pixels. */
  x: number;
  /** Lower edge (smaller y), pixels. */
  y: number;
  width: number;
  height: number;
  /** @default 'add' */
  mode?: MaskShapeMode;
}

export interface MaskCircle {
  type: 'circle';
  /** Centre, pixels. */
  x: number;
  y: number;
  radius: number;
  /** @default 'add' */
  mode?: MaskShapeMode;
}

export interface MaskPolygon {
  type: 'polygon';
  /** Vertices [x, y] in order (at least 3). */
  points: ReadonlyArray<readonly [number, number]>;
  /** @default 'add' */
  mode?: MaskShapeMode;
}

export type MaskShape = MaskRectangle | MaskCircle | MaskPolygon;

/** Why a shape cannot be drawn (null when it can). */
export function checkMaskShape(s: MaskShape): string | null {
  const finite = (...v: number[]): boolean => v.every((n) => typeof n === 'number' && Number.isFinite(n));
  if (s.mode !== undefined && s.mode !== 'add' && s.mode !== 'remove')
    return `mode must be 'add' or 'remove', got '${String(s.mode)}'`;
  switch (s.type) {
    case 'rectangle':
      return finite(s.x, s.y, s.width, s.height) ? null : 'rectangle x, y, width, height must be numbers';
    case 'circle':
      if (!finite(s.x, s.y, s.radius)) return 'circle x, y, radius must be numbers';
      return s.radius >= 0 ? null : `circle radius must be ≥ 0, got ${s.radius}`;
    case 'polygon':
      if (!Array.isArray(s.points) || s.points.length < 3) return 'a polygon needs at least 3 points';
      return s.points.every((p) => Array.isArray(p) && p.length === 2 && finite(p[0], p[1]))
        ? null
        : 'polygon points must be [x, y] number pairs';
    default:
      return `unknown shape type '${String((s as { type: unknown }).type)}'`;
  }
}

/** First integer ≥ v (pixel index whose centre is at or after v). */
function firstAtOrAfter(v: number): number {
  return Math.ceil(v);
}

/**
 * Calls `span(i, j0, j1)` for every row i with the pixels j0 ≤ j < j1 whose centres are inside the
 * shape (rows outside [0, ny) and columns outside [0, nx) clipped away).
 */
export function forEachShapeSpan(
  s: MaskShape,
  ny: number,
  nx: number,
  span: (row: number, j0: number, j1: number) => void,
): void {
  const emit = (i: number, j0: number, j1: number): void => {
    const a = Math.max(0, j0);
    const b = Math.min(nx, j1);
    if (b > a) span(i, a, b);
  };
  if (s.type === 'rectangle') {
    const x0 = Math.min(s.x, s.x + s.width);
    const x1 = Math.max(s.x, s.x + s.width);
    const y0 = Math.min(s.y, s.y + s.height);
    const y1 = Math.max(s.y, s.y + s.height);
    const j0 = firstAtOrAfter(x0);
    const j1 = firstAtOrAfter(x1);
    for (let i = Math.max(0, firstAtOrAfter(y0)); i < Math.min(ny, firstAtOrAfter(y1)); i++) emit(i, j0, j1);
    return;
  }
  if (s.type === 'circle') {
    const r = s.radius;
    const r2 = r * r;
    for (let i = Math.max(0, Math.ceil(s.y - r)); i <= Math.min(ny - 1, Math.floor(s.y + r)); i++) {
      const dy = i - s.y;
      const rem = r2 - dy * dy;
      if (rem < 0) continue;
      const half = Math.sqrt(rem);
      const inside = (j: number): boolean => (j - s.x) ** 2 + dy * dy <= r2;
      // exact test at the two ends (the square root may be off by a rounding error)
      let j0 = Math.ceil(s.x - half);
      if (inside(j0 - 1)) j0--;
      else if (!inside(j0)) j0++;
      let j1 = Math.floor(s.x + half);
      if (inside(j1 + 1)) j1++;
      else if (!inside(j1)) j1--;
      if (j1 >= j0) emit(i, j0, j1 + 1);
    }
    return;
  }
  // polygon: scanline through each row's pixel centres, even–odd crossings
  const pts = s.points;
  const n = pts.length;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const p of pts) {
    ymin = Math.min(ymin, p[1]);
    ymax = Math.max(ymax, p[1]);
  }
  const xs: number[] = [];
  for (let i = Math.max(0, Math.ceil(ymin)); i <= Math.min(ny - 1, Math.floor(ymax)); i++) {
    xs.length = 0;
    for (let k = 0, l = n - 1; k < n; l = k++) {
      const [xk, yk] = pts[k]!;
      const [xl, yl] = pts[l]!;
      // edge crosses the row's horizontal line: one end ≤ i, the other > i
      if (yk > i !== yl > i) xs.push(xk + ((i - yk) * (xl - xk)) / (yl - yk));
    }
    xs.sort((a, b) => a - b);
    // a centre x is inside when an odd number of crossings lie strictly right of it:
    // between crossing 2m and 2m+1 → [xs[2m], xs[2m+1]) in pixel centres
    for (let k = 0; k + 1 < xs.length; k += 2) emit(i, firstAtOrAfter(xs[k]!), firstAtOrAfter(xs[k + 1]!));
  }
}

/**
 * Applies the shapes in order to `mask` (row-major [ny, nx], changed in place): 'add' sets the
 * pixels inside to 1, 'remove' to 0. Returns the number of pixels each shape changed.
 */
export function applyMaskShapes(
  mask: Uint8Array,
  ny: number,
  nx: number,
  shapes: readonly MaskShape[],
): number[] {
  if (mask.length !== ny * nx) throw new Error(`mask has ${mask.length} values, not ${ny} × ${nx}`);
  return shapes.map((s) => {
    const problem = checkMaskShape(s);
    if (problem !== null) throw new Error(problem);
    const value = s.mode === 'remove' ? 0 : 1;
    let changed = 0;
    forEachShapeSpan(s, ny, nx, (i, j0, j1) => {
      const row = i * nx;
      for (let j = row + j0; j < row + j1; j++) {
        if (mask[j] !== value) {
          mask[j] = value;
          changed++;
        }
      }
    });
    return changed;
  });
}

/** Number of pixels of an [ny, nx] detector whose centres lie inside the shape. */
export function countShapePixels(s: MaskShape, ny: number, nx: number): number {
  let n = 0;
  forEachShapeSpan(s, ny, nx, (_i, j0, j1) => (n += j1 - j0));
  return n;
}
