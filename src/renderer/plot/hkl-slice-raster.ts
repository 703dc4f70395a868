/**
 * An HKL slice drawn in true shape: the slice's voxels (v/n on the grid of two axes) resampled onto
 * a Cartesian raster of the plot (src/nexus/nxdata/hkl-slice.ts: u, v plot coordinates), as palette
 * indices for the 8-bit BMP the plot shows. Each raster pixel takes the value of the voxel under its
 * centre (nearest neighbour, as NeXpy's default interpolation). When a pixel is larger than a voxel,
 * the slice is first max-pooled (a bright peak stays visible, as in the frame plot's binning).
 * Runs in the slice worker; pure, so it is tested directly.
 *
 * Colour classes (colormap.ts palette): valid values through the table; NaN / ±Inf (n = 0: never
 * measured) the `nan` colour; negative values the `negative` colour under a log scale (linear scales
 * map them through the table); raster pixels outside the slice the {@link INDEX_OUTSIDE} entry.
 */
import {
  axisExtent,
  sampleIndexOf,
  skewMatrix,
  type AxisSampling,
  type SliceGeometry,
} from '../../nexus/nxdata/hkl-slice.ts';
import {
  framePalette,
  INDEX_MASKED,
  INDEX_NAN,
  INDEX_NEGATIVE,
  LEVELS,
  resolveLimits,
  type ColormapName,
  type ColorOptions,
  type FrameColorStats,
} from './colormap.ts';

/** Palette entry of raster pixels outside the slice (the frame palette's `masked` slot: slices have no mask). */
export const INDEX_OUTSIDE = INDEX_MASKED;
/** Colour of the area outside a (skewed) slice: the plot background. */
export const OUTSIDE_RGB: [number, number, number] = [238, 238, 238];

/** The palette of a slice image: the frame palette with the outside colour in the masked slot. */
export function slicePalette(name: ColormapName): Uint8Array {
  const p = framePalette(name);
  p.set(OUTSIDE_RGB, 3 * INDEX_OUTSIDE);
  return p;
}

/** v/n per voxel: NaN where n is 0 or not finite (never measured); v itself when there are no weights. */
export function normalizeSlice(v: ArrayLike<number>, n: ArrayLike<number> | null): Float64Array {
  const out = new Float64Array(v.length);
  if (!n) {
    for (let i = 0; i < v.length; i++) out[i] = v[i]!;
    return out;
  }
  if (n.length !== v.length) throw new RangeError(`${v.length} values and ${n.length} weights`);
  for (let i = 0; i < v.length; i++) {
    const w = n[i]!;
    out[i] = w !== 0 && Number.isFinite(w) ? v[i]! / w : NaN;
  }
  return out;
}

/**
 * Automatic limits and class counts of a slice: linear — every finite value is valid; log — finite
 * values ≥ 0 are valid (0 takes the lowest colour), negative ones are counted apart. `masked` is 0.
 */
export function scanSlice(
  data: ArrayLike<number>,
  scale: ColorOptions['scale'],
): { lo: number; hi: number; valid: number; masked: number; notFinite: number; negative: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let valid = 0;
  let notFinite = 0;
  let negative = 0;
  const log = scale === 'log';
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) notFinite++;
    else if (log && v < 0) negative++;
    else {
      valid++;
      if (v > hi) hi = v;
      if (log ? v > 0 && v < lo : v < lo) lo = v;
    }
  }
  if (valid === 0) return { lo: NaN, hi: NaN, valid, masked: 0, notFinite, negative };
  if (lo === Infinity) lo = hi > 0 ? hi : 1;
  return { lo, hi, valid, masked: 0, notFinite, negative };
}

/** Colour statistics of a slice for the options (limits given win over automatic ones). */
export function sliceColorStats(
  data: ArrayLike<number>,
  options: Pick<ColorOptions, 'scale' | 'min' | 'max'>,
): FrameColorStats {
  const scan = scanSlice(data, options.scale);
  const { lo, hi } = resolveLimits(scan, options);
  return {
    lo,
    hi,
    autoLo: scan.lo,
    autoHi: scan.hi,
    valid: scan.valid,
    masked: 0,
    notFinite: scan.notFinite,
    negative: scan.negative,
  };
}

/** Maps values to palette indices for given limits (the classes of the module comment). */
export function sliceLevelOf(scale: ColorOptions['scale'], lo: number, hi: number): (v: number) => number {
  const log = scale === 'log';
  const f0 = log ? Math.log10(lo) : lo;
  const k = LEVELS / ((log ? Math.log10(hi) : hi) - f0);
  return (v: number): number => {
    if (!Number.isFinite(v)) return INDEX_NAN;
    if (log) {
      if (v < 0) return INDEX_NEGATIVE;
      const t = v <= lo ? 0 : (Math.log10(v) - f0) * k;
      return t >= LEVELS ? LEVELS - 1 : t | 0;
    }
    const t = (v - f0) * k;
    return t <= 0 ? 0 : t >= LEVELS ? LEVELS - 1 : t | 0;
  };
}

/** A slice's values: row j is sample j of the y axis, column i sample i of the x axis. */
export interface SliceGrid {
  data: Float64Array;
  x: AxisSampling;
  y: AxisSampling;
}

/**
 * The slice max-pooled by bx × by samples (the largest finite value of each block; NaN when it has
 * none). Axes: a block's centre is the mean of its samples' centres. Blocks at the far ends may be
 * partial. bx = by = 1 gives the slice itself.
 */
export function poolSlice(s: SliceGrid, bx: number, by: number): SliceGrid {
  if (bx <= 1 && by <= 1) return s;
  const nx = s.x.count;
  const ny = s.y.count;
  const ox = Math.ceil(nx / bx);
  const oy = Math.ceil(ny / by);
  const out = new Float64Array(ox * oy).fill(-Infinity);
  for (let j = 0; j < ny; j++) {
    const row = ((j / by) | 0) * ox;
    const src = j * nx;
    for (let i = 0; i < nx; i++) {
      const v = s.data[src + i]!;
      const o = row + ((i / bx) | 0);
      if (v > out[o]!) out[o] = v; // NaN never wins
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] === -Infinity) out[i] = NaN;
  const pooledAxis = (a: AxisSampling, b: number, n: number): AxisSampling => {
    const centres = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      const i0 = q * b;
      const i1 = Math.min(a.count, i0 + b);
      let sum = 0;
      for (let i = i0; i < i1; i++) sum += a.centres[i]!;
      centres[q] = sum / (i1 - i0);
    }
    // the extent stays that of the original samples; uniform only when every block is whole
    const whole = a.count % b === 0 || n === 1;
    const uniform =
      a.uniform && whole
        ? { start: centres[0]!, step: n > 1 ? centres[1]! - centres[0]! : a.uniform.step * b }
        : null;
    return { count: n, centres, uniform };
  };
  return { data: out, x: pooledAxis(s.x, bx, ox), y: pooledAxis(s.y, by, oy) };
}

/** The raster: its edges in plot coordinates (u0 left, u1 right, v0 bottom, v1 top) and size. */
export interface RasterWindow {
  u0: number;
  u1: number;
  v0: number;
  v1: number;
  width: number;
  height: number;
}

/**
 * Palette indices of the raster, row-major with row 0 at the top (v1): pixel (c, r) shows the
 * sample of `s` whose cell holds the axis point under its centre, u = u0 + (c + ½)·Δu,
 * v = v1 − (r + ½)·Δv; {@link INDEX_OUTSIDE} where that point is off the slice.
 */
export function rasterizeSlice(
  s: SliceGrid,
  g: SliceGeometry,
  w: RasterWindow,
  indexOf: (v: number) => number,
): Uint8Array {
  const { width, height } = w;
  const out = new Uint8Array(width * height).fill(INDEX_OUTSIDE);
  const m = skewMatrix(g);
  const du = (w.u1 - w.u0) / width;
  const dv = (w.v1 - w.v0) / height;
  const nx = s.x.count;
  const [xLo, xHi] = axisExtent(s.x);
  const ux = s.x.uniform;
  for (let r = 0; r < height; r++) {
    const v = w.v1 - (r + 0.5) * dv;
    const y = v / m.vY;
    const iy = sampleIndexOf(s.y, y);
    if (iy < 0) continue;
    const rowOut = r * width;
    const rowIn = iy * nx;
    // x = u − uY·y along the row: the columns whose centres fall inside the x extent
    const shift = m.uY * y;
    const c0 = Math.max(0, Math.ceil((Math.min(xLo, xHi) + shift - w.u0) / du - 0.5));
    const c1 = Math.min(width - 1, Math.floor((Math.max(xLo, xHi) + shift - w.u0) / du - 0.5));
    for (let c = c0; c <= c1; c++) {
      const x = w.u0 + (c + 0.5) * du - shift;
      let ix: number;
      if (ux) {
        ix = Math.round((x - ux.start) / ux.step);
        if (ix < 0 || ix >= nx) continue;
      } else {
        ix = sampleIndexOf(s.x, x);
        if (ix < 0) continue;
      }
      out[rowOut + c] = indexOf(s.data[rowIn + ix]!);
    }
  }
  return out;
}

/** Most raster pixels along a side. */
export const MAX_RASTER_SIDE = 4096;

/**
 * The raster for a view: the part of the slice in view (plus `margin` of the view on each side,
 * clipped to the slice's bounds), at the screen's resolution (`viewportPx`: the plot area in
 * device pixels for the view) but no finer than half a voxel; and the pooling that keeps a raster
 * pixel from skipping voxels (bx, by ≥ 1 voxels per pixel along x and y).
 */
export function planRaster(
  bounds: { u: readonly [number, number]; v: readonly [number, number] },
  view: { u: readonly [number, number]; v: readonly [number, number] } | null,
  viewportPx: readonly [number, number],
  stepX: number,
  stepY: number,
  g: SliceGeometry,
  margin = 0.25,
): { window: RasterWindow; bx: number; by: number } {
  const vu = view ? [Math.min(...view.u), Math.max(...view.u)] : [bounds.u[0], bounds.u[1]];
  const vv = view ? [Math.min(...view.v), Math.max(...view.v)] : [bounds.v[0], bounds.v[1]];
  const wu = Math.max(vu[1]! - vu[0]!, 1e-12);
  const wv = Math.max(vv[1]! - vv[0]!, 1e-12);
  const mu = view ? wu * margin : 0;
  const mv = view ? wv * margin : 0;
  const u0 = Math.max(bounds.u[0], vu[0]! - mu);
  const u1 = Math.min(bounds.u[1], vu[1]! + mu);
  const v0 = Math.max(bounds.v[0], vv[0]! - mv);
  const v1 = Math.min(bounds.v[1], vv[1]! + mv);
  const spanU = Math.max(u1 - u0, 1e-12);
  const spanV = Math.max(v1 - v0, 1e-12);
  // plot units per voxel along u and v
  const voxU = Math.abs(stepX);
  const voxV = Math.abs(stepY) * skewMatrix(g).vY;
  const pxU = wu / Math.max(1, viewportPx[0]);
  const pxV = wv / Math.max(1, viewportPx[1]);
  const sizeU = Math.max(pxU, voxU / 2, spanU / MAX_RASTER_SIDE);
  const sizeV = Math.max(pxV, voxV / 2, spanV / MAX_RASTER_SIDE);
  const width = Math.max(1, Math.min(MAX_RASTER_SIDE, Math.round(spanU / sizeU)));
  const height = Math.max(1, Math.min(MAX_RASTER_SIDE, Math.round(spanV / sizeV)));
  const bx = Math.max(1, Math.floor(spanU / width / voxU));
  const by = Math.max(1, Math.floor(spanV / height / voxV));
  return { window: { u0, u1, v0, v1, width, height }, bx, by };
}

/** What the pointer is over: axis values, the voxel (column ix, row iy) and its value, or null off the slice. */
export function sliceValueAt(
  s: SliceGrid,
  g: SliceGeometry,
  u: number,
  v: number,
): { x: number; y: number; ix: number; iy: number; value: number } | null {
  const m = skewMatrix(g);
  const y = v / m.vY;
  const x = u - m.uY * y;
  const ix = sampleIndexOf(s.x, x);
  const iy = sampleIndexOf(s.y, y);
  if (ix < 0 || iy < 0) return null;
  return { x, y, ix, iy, value: s.data[iy * s.x.count + ix]! };
}
