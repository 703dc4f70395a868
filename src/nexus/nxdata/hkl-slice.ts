/**
 * Geometry of a 2-D slice through a 3-D NXdata (an HKL transform: signal (L, K, H), axes Ql, Qk,
 * Qh), drawn in true shape when the two displayed axes are not perpendicular — NeXpy's skewed plot.
 *
 * Which axes are shown: the slice holds one dimension constant; the other two are shown with the
 * last array dimension horizontal (x) and the other vertical (y), as NeXpy does: L constant → H
 * across, K up; K constant → H across, L up; H constant → K across, L up.
 *
 * Which angle: NXdata `@angles` lists one angle per dimension, the angle between the *other two*
 * axes (NeXpy `get_skew_angle`: `angles[dim]` for the dimension not shown). NXRefine writes
 * `angles = (γ*, β*, α*)` for axes (Ql, Qk, Qh): the L = const slice is skewed by γ* (between a*
 * and b*), K = const by β*, H = const by α*.
 *
 * The map (NeXpy `transform`, extended to unequal scaling factors): with θ the angle between the
 * displayed axes, s_x and s_y their lengths per unit (`@scaling_factor`, e.g. a* and b* in Å⁻¹)
 * and r = s_y/s_x, a point (x, y) in axis units is drawn at
 *
 *     u = x + r·y·cos θ,    v = y·sin θ,
 *
 * u along the horizontal plot axis in units of x and v along the vertical one in units of y, the
 * vertical axis stretched by r relative to the horizontal (plotly `scaleratio` = r). In Cartesian
 * lengths that is X = s_x·u = s_x·x + s_y·y·cos θ, Y = s_y·v = s_y·y·sin θ: the two axes at θ with
 * their true lengths. NeXpy's own map is the r = 1 case (it leaves unequal lengths to the aspect
 * ratio only, which shears a monoclinic H–L slice by the wrong amount when a* ≠ c*).
 *
 * Pure: no I/O; angles in degrees, lengths in whatever unit the scaling factors use.
 */
import type { NxNode } from '../model/types.ts';
import type { NxDataResolution } from './resolve-nxdata.ts';

/** A dimension of a 3-D signal, in array order (0 = slowest, e.g. L of (L, K, H)). */
export type SliceDim = 0 | 1 | 2;

export const SLICE_DIMS: readonly SliceDim[] = [0, 1, 2];

/** The displayed dimensions when `constant` is held fixed: x = the later remaining one. */
export function sliceAxes(constant: SliceDim): { x: SliceDim; y: SliceDim } {
  if (constant === 0) return { x: 2, y: 1 };
  if (constant === 1) return { x: 2, y: 0 };
  return { x: 1, y: 0 };
}

/**
 * Angle between the displayed axes (degrees) of the slice holding `constant` fixed: `angles` has
 * one entry per dimension (the angle between the other two, NXdata @angles). 90 when `angles` is
 * absent, malformed, or not strictly between 0° and 180°.
 */
export function skewAngleOf(angles: ArrayLike<number> | null | undefined, constant: SliceDim): number {
  if (!angles || angles.length !== 3) return 90;
  const a = Number(angles[constant]);
  return Number.isFinite(a) && a > 0 && a < 180 ? a : 90;
}

export interface SliceGeometry {
  /** Angle between the x and y axes, degrees, 0 < θ < 180 (90 = orthogonal). */
  angleDeg: number;
  /** Length of one unit along x and along y (e.g. a*, b* in Å⁻¹); both 1 to draw in axis units. */
  scaleX: number;
  scaleY: number;
}

/** Axis units, perpendicular: the plot is the array as it is. */
export const ORTHOGONAL_SLICE: SliceGeometry = { angleDeg: 90, scaleX: 1, scaleY: 1 };

/**
 * The geometry of a slice from the displayed axes' angle and scaling factors; a missing or
 * non-positive scaling factor counts as 1 for both (then only the angle is used).
 */
export function sliceGeometry(
  angleDeg: number,
  scaleX: number | null | undefined,
  scaleY: number | null | undefined,
): SliceGeometry {
  const ok = (s: number | null | undefined): s is number =>
    typeof s === 'number' && Number.isFinite(s) && s > 0;
  const both = ok(scaleX) && ok(scaleY);
  const angle = Number.isFinite(angleDeg) && angleDeg > 0 && angleDeg < 180 ? angleDeg : 90;
  return { angleDeg: angle, scaleX: both ? scaleX : 1, scaleY: both ? scaleY : 1 };
}

/** The map as numbers: u = uX·x + uY·y, v = vY·y (vX is always 0). */
export interface SkewMatrix {
  uX: number;
  uY: number;
  vY: number;
  /** Vertical stretch of the plot relative to the horizontal axis: r = s_y / s_x. */
  aspect: number;
}

const DEG = Math.PI / 180;

/** cos and sin of an angle in degrees, exact at 90° (so an orthogonal slice is not sheared by 6e-17). */
function cosSinDeg(angleDeg: number): [number, number] {
  if (angleDeg === 90) return [0, 1];
  return [Math.cos(angleDeg * DEG), Math.sin(angleDeg * DEG)];
}

export function skewMatrix(g: SliceGeometry): SkewMatrix {
  const [c, s] = cosSinDeg(g.angleDeg);
  const r = g.scaleY / g.scaleX;
  return { uX: 1, uY: r * c, vY: s, aspect: r };
}

/** True when the plot is sheared (the axes are not at 90°). */
export function isSkewed(g: SliceGeometry): boolean {
  return Math.abs(g.angleDeg - 90) > 1e-9;
}

/** Axis coordinates (x, y) → plot coordinates (u, v). */
export function toPlot(g: SliceGeometry, x: number, y: number): [number, number] {
  const m = skewMatrix(g);
  return [x + m.uY * y, m.vY * y];
}

/** Plot coordinates (u, v) → axis coordinates (x, y): the inverse of {@link toPlot}. */
export function fromPlot(g: SliceGeometry, u: number, v: number): [number, number] {
  const m = skewMatrix(g);
  const y = v / m.vY;
  return [u - m.uY * y, y];
}

/** The plot-coordinate bounding box of the axis rectangle [x0, x1] × [y0, y1] (a parallelogram). */
export function plotBounds(
  g: SliceGeometry,
  x: readonly [number, number],
  y: readonly [number, number],
): { u: [number, number]; v: [number, number] } {
  const corners = [
    toPlot(g, x[0], y[0]),
    toPlot(g, x[1], y[0]),
    toPlot(g, x[0], y[1]),
    toPlot(g, x[1], y[1]),
  ];
  const us = corners.map((p) => p[0]);
  const vs = corners.map((p) => p[1]);
  return { u: [Math.min(...us), Math.max(...us)], v: [Math.min(...vs), Math.max(...vs)] };
}

/**
 * The range of axis values [lo, hi] that a plot window [u0, u1] × [v0, v1] shows (the axis-aligned
 * box of the window's preimage, clipped to nothing else): for choosing grid lines and ticks.
 */
export function axisRangesInView(
  g: SliceGeometry,
  u: readonly [number, number],
  v: readonly [number, number],
): { x: [number, number]; y: [number, number] } {
  const pts = [
    fromPlot(g, u[0], v[0]),
    fromPlot(g, u[1], v[0]),
    fromPlot(g, u[0], v[1]),
    fromPlot(g, u[1], v[1]),
  ];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return { x: [Math.min(...xs), Math.max(...xs)], y: [Math.min(...ys), Math.max(...ys)] };
}

// ------------------------------------------------------------------ axes and planes

/**
 * How the samples of one displayed dimension lie along its axis: the centre of each of `count`
 * samples, and the uniform start/step when the centres are evenly spaced (the usual case).
 */
export interface AxisSampling {
  count: number;
  /** Centre of sample i (length `count`), ascending or descending. */
  centres: Float64Array;
  /** Centre of sample i = start + i·step when evenly spaced (relative tolerance 1e-6). */
  uniform: { start: number; step: number } | null;
}

/**
 * The sampling of a dimension of `size` elements from its axis values: one value per element
 * (centres), `size + 1` values (bin edges: centres are the midpoints), or none / anything else
 * (the indices 0…size−1).
 */
export function axisSampling(values: ArrayLike<number> | null | undefined, size: number): AxisSampling {
  let centres: Float64Array;
  if (values && values.length === size && size > 0) centres = Float64Array.from(values);
  else if (values && values.length === size + 1 && size > 0) {
    centres = new Float64Array(size);
    for (let i = 0; i < size; i++) centres[i] = (Number(values[i]) + Number(values[i + 1])) / 2;
  } else centres = Float64Array.from({ length: size }, (_, i) => i);
  for (const c of centres) if (!Number.isFinite(c)) return axisSampling(null, size);
  // must be strictly monotonic to be an axis; otherwise fall back to indices
  const dir = size > 1 ? Math.sign(centres[1]! - centres[0]!) : 1;
  for (let i = 1; i < size; i++) {
    if (Math.sign(centres[i]! - centres[i - 1]!) !== dir || dir === 0) return axisSampling(null, size);
  }
  let uniform: AxisSampling['uniform'] = null;
  if (size === 1) uniform = { start: centres[0]!, step: 1 };
  else {
    const start = centres[0]!;
    const step = (centres[size - 1]! - start) / (size - 1);
    const tol = 1e-6 * Math.abs(step);
    let even = true;
    for (let i = 1; i < size - 1 && even; i++)
      if (Math.abs(centres[i]! - (start + i * step)) > tol) even = false;
    if (even) uniform = { start, step };
  }
  return { count: size, centres, uniform };
}

/** Half the spacing at each end, so the first and last samples cover as much as the others. */
function halfSpacing(a: AxisSampling, i: number): number {
  if (a.count === 1) return 0.5 * (a.uniform?.step ?? 1);
  const j = i === 0 ? 1 : i - 1;
  return Math.abs(a.centres[i]! - a.centres[j]!) / 2;
}

/** Axis range covered by the samples' cells: [min, max] of (first − half spacing, last + half spacing). */
export function axisExtent(a: AxisSampling): [number, number] {
  const first = a.centres[0]!;
  const last = a.centres[a.count - 1]!;
  const lo = Math.min(first, last);
  const hi = Math.max(first, last);
  const hFirst = halfSpacing(a, 0);
  const hLast = halfSpacing(a, a.count - 1);
  return first <= last ? [lo - hFirst, hi + hLast] : [lo - hLast, hi + hFirst];
}

/**
 * Index of the sample whose cell holds `value` (the nearest centre), or −1 when `value` is outside
 * the axis extent. Cells end halfway between centres.
 */
export function sampleIndexOf(a: AxisSampling, value: number): number {
  if (!Number.isFinite(value)) return -1;
  const n = a.count;
  if (a.uniform) {
    const i = Math.round((value - a.uniform.start) / a.uniform.step);
    return i >= 0 && i < n ? i | 0 : -1; // | 0: not −0
  }
  const [lo, hi] = axisExtent(a);
  if (value < lo || value > hi) return -1;
  const c = a.centres;
  const asc = n < 2 || c[n - 1]! > c[0]!;
  // first index whose centre is ≥ value (ascending) / ≤ value (descending)
  let a0 = 0;
  let b0 = n;
  while (a0 < b0) {
    const m = (a0 + b0) >> 1;
    if (asc ? c[m]! < value : c[m]! > value) a0 = m + 1;
    else b0 = m;
  }
  if (a0 === 0) return 0;
  if (a0 === n) return n - 1;
  return Math.abs(c[a0]! - value) < Math.abs(c[a0 - 1]! - value) ? a0 : a0 - 1;
}

/** The nearest sample to `value`, clamped to the axis (for snapping a typed value to a plane). */
export function nearestSample(a: AxisSampling, value: number): number {
  const i = sampleIndexOf(a, value);
  if (i >= 0) return i;
  const first = a.centres[0]!;
  const last = a.centres[a.count - 1]!;
  const nearFirst = Math.abs(value - first) <= Math.abs(value - last);
  return Number.isNaN(value) || nearFirst ? 0 : a.count - 1;
}

/**
 * The planes summed for a slice `thickness` planes thick around plane `centre`: `[start, count]`,
 * the centre plane and (thickness − 1)/2 planes each side (one more above when even), clipped to
 * 0…planes−1.
 */
export function slabPlanes(centre: number, thickness: number, planes: number): [number, number] {
  const t = Math.max(1, Math.min(planes, Math.round(thickness)));
  const c = Math.max(0, Math.min(planes - 1, Math.round(centre)));
  let start = c - Math.floor((t - 1) / 2);
  start = Math.max(0, Math.min(planes - t, start));
  return [start, t];
}

/** The mean axis value of planes start…start+count−1 (what a thick slice is labelled with). */
export function slabCentre(a: AxisSampling, start: number, count: number): number {
  let sum = 0;
  for (let i = start; i < start + count; i++) sum += a.centres[i]!;
  return sum / count;
}

// ------------------------------------------------------------------ grid lines and ticks

/** Round tick values between lo and hi, about `target` of them (steps 1, 2, 2.5, 5 × 10ⁿ as NeXpy). */
export function niceTicks(lo: number, hi: number, target = 8): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let k = first; k <= last; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/**
 * Grid lines of a (skewed) slice in plot coordinates: lines of constant x (along the y direction,
 * slanted by the skew) at `xTicks` and of constant y (horizontal) at `yTicks`, each spanning the
 * axis rectangle [x0, x1] × [y0, y1]. Returned as polyline coordinates with NaN between lines.
 */
export function gridLines(
  g: SliceGeometry,
  xTicks: readonly number[],
  yTicks: readonly number[],
  x: readonly [number, number],
  y: readonly [number, number],
): { u: number[]; v: number[] } {
  const u: number[] = [];
  const v: number[] = [];
  const seg = (a: [number, number], b: [number, number]): void => {
    u.push(a[0], b[0], NaN);
    v.push(a[1], b[1], NaN);
  };
  for (const t of xTicks) seg(toPlot(g, t, y[0]), toPlot(g, t, y[1]));
  for (const t of yTicks) seg(toPlot(g, x[0], t), toPlot(g, x[1], t));
  return { u, v };
}

/**
 * Where to label the lines of constant x along the bottom edge of a view (v = vBottom): the plot
 * coordinate u at which each line meets it. Lines of constant y are horizontal, so their labels
 * go on the vertical axis at v = y·sin θ (see {@link toPlot}).
 */
export function bottomTickPositions(g: SliceGeometry, xTicks: readonly number[], vBottom: number): number[] {
  const m = skewMatrix(g);
  const yAtBottom = vBottom / m.vY;
  return xTicks.map((t) => t + m.uY * yAtBottom);
}

// ------------------------------------------------------------------ which NXdata

/** Reciprocal-space axis names: Qh, Qk, Ql (NXRefine), H, K, L, h, k, l. */
const HKL_AXIS = /^(q[hkl]|[hkl])$/i;

/**
 * True when a 3-D NXdata is best shown as slices rather than as frames: the group has NXdata
 * `@angles`, or all three of its axes are named like reciprocal-space axes. (A raw frame stack,
 * axes frame_number, y_pixel, x_pixel, is not.)
 */
export function isHklNxData(group: NxNode, resolved: NxDataResolution | undefined): boolean {
  if (!resolved || resolved.signalShape?.length !== 3) return false;
  if (group.attributes.some((a) => a.name === 'angles')) return true;
  return resolved.axes.length === 3 && resolved.axes.every((a) => a !== null && HKL_AXIS.test(a));
}

/** Short name of an axis for controls and read-outs: Qh → H, else the name itself. */
export function shortAxisName(name: string): string {
  return HKL_AXIS.test(name) ? name.slice(-1).toUpperCase() : name;
}

/**
 * The weights of an NXdata signal as nexusformat finds them: a field `<signal>_weights`, else the
 * field named by the signal's @weights, else a field `weights`; only when its shape is the signal's.
 * Returns its path, or null.
 */
export function resolveWeightsPath(group: NxNode, signal: string): string | null {
  const kids = group.children ?? [];
  const sig = kids.find((c) => c.name === signal);
  if (!sig) return null;
  const named = sig.attributes.find((a) => a.name === 'weights')?.value;
  const candidates = [`${signal}_weights`, ...(typeof named === 'string' ? [named] : []), 'weights'];
  for (const name of candidates) {
    const w = kids.find((c) => c.name === name && c.kind === 'dataset');
    if (!w) continue;
    if (w.shape && sig.shape && w.shape.join() === sig.shape.join()) return w.path;
  }
  return null;
}
