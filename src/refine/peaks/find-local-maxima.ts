import type { FrameShape, FrameValues, LocalMaximum } from './models.ts';

export interface LocalMaximaOptions {
  /** Candidates need counts strictly above this (skimage `threshold_abs`). */
  threshold: number;
  /** Half size of the maximum-filter window and minimum spacing of the maxima (pixels, ≥ 1). */
  minDistance: number;
  /** 1 = masked pixel (never a maximum, counts as 0 for its neighbours). */
  mask?: Uint8Array | null;
  /** Rows and columns this close to the edge hold no maxima. @default minDistance */
  excludeBorder?: number;
}

/**
 * 2-D local maxima of one frame, as scikit-image `peak_local_max(frame, min_distance=m,
 * threshold_abs=t)` finds them on NXRefine's clipped and masked frame (spec §5.1 step 3):
 *
 * - the frame is read as `max(v, 0)` with masked and non-finite pixels set to 0;
 * - a candidate is a pixel with value > t equal to the maximum of its (2m+1)×(2m+1) window;
 * - pixels within `excludeBorder` (default m) of the edge are excluded;
 * - candidates are sorted by decreasing value (stable in raster order) and thinned so that no two
 *   kept maxima are closer than m in Chebyshev distance (skimage `ensure_spacing` with p = ∞ keeps
 *   points at exactly m).
 *
 * Only pixels above the threshold are examined, so a frame costs one pass plus a window test per
 * bright pixel (usually cut short by a brighter neighbour).
 */
export function findLocalMaxima(
  data: FrameValues,
  shape: FrameShape,
  options: LocalMaximaOptions,
): LocalMaximum[] {
  const [ny, nx] = shape;
  const m = Math.max(1, Math.floor(options.minDistance));
  const t = Math.max(0, options.threshold);
  const mask = options.mask ?? null;
  const border = Math.max(0, Math.floor(options.excludeBorder ?? m));
  const found: Array<{ i: number; v: number }> = [];
  const y0 = border;
  const y1 = ny - border;
  const x0 = border;
  const x1 = nx - border;
  for (let y = y0; y < y1; y++) {
    const row = y * nx;
    for (let x = x0; x < x1; x++) {
      const i = row + x;
      const v = data[i]!;
      if (!(v > t)) continue;
      if (mask !== null && mask[i] !== 0) continue;
      if (isWindowMaximum(data, mask, nx, ny, x, y, v, m)) found.push({ i, v });
    }
  }
  if (found.length === 0) return [];
  // Stable sort by decreasing value (found is in raster order).
  found.sort((a, b) => b.v - a.v || a.i - b.i);
  return thin(found, nx, m);
}

/** True if no unmasked pixel of the (2m+1)² window (clipped to the frame) is brighter than v. */
function isWindowMaximum(
  data: FrameValues,
  mask: Uint8Array | null,
  nx: number,
  ny: number,
  x: number,
  y: number,
  v: number,
  m: number,
): boolean {
  // Immediate neighbours first: most bright pixels of a peak have a brighter neighbour.
  const ya = Math.max(0, y - 1);
  const yb = Math.min(ny - 1, y + 1);
  const xa = Math.max(0, x - 1);
  const xb = Math.min(nx - 1, x + 1);
  for (let yy = ya; yy <= yb; yy++) {
    const row = yy * nx;
    for (let xx = xa; xx <= xb; xx++) {
      const j = row + xx;
      if (data[j]! > v && (mask === null || mask[j] === 0)) return false;
    }
  }
  const yA = Math.max(0, y - m);
  const yB = Math.min(ny - 1, y + m);
  const xA = Math.max(0, x - m);
  const xB = Math.min(nx - 1, x + m);
  for (let yy = yA; yy <= yB; yy++) {
    const row = yy * nx;
    for (let xx = xA; xx <= xB; xx++) {
      const j = row + xx;
      if (data[j]! > v && (mask === null || mask[j] === 0)) return false;
    }
  }
  return true;
}

/** Greedy thinning in decreasing value: drop a maximum closer than m (Chebyshev) to a kept one. */
function thin(sorted: Array<{ i: number; v: number }>, nx: number, m: number): LocalMaximum[] {
  const kept: LocalMaximum[] = [];
  // Grid of cell size m: a point closer than m to another lies in the same or an adjacent cell.
  const cells = new Map<number, LocalMaximum[]>();
  const key = (cx: number, cy: number): number => cy * 1_000_003 + cx;
  for (const { i, v } of sorted) {
    const x = i % nx;
    const y = (i - x) / nx;
    const cx = Math.floor(x / m);
    const cy = Math.floor(y / m);
    let near = false;
    for (let dy = -1; dy <= 1 && !near; dy++) {
      for (let dx = -1; dx <= 1 && !near; dx++) {
        for (const p of cells.get(key(cx + dx, cy + dy)) ?? []) {
          if (Math.max(Math.abs(p.x - x), Math.abs(p.y - y)) < m) {
            near = true;
            break;
          }
        }
      }
    }
    if (near) continue;
    const p: LocalMaximum = { x, y, value: v };
    kept.push(p);
    const k = key(cx, cy);
    const list = cells.get(k);
    if (list) list.push(p);
    else cells.set(k, [p]);
  }
  return kept;
}
