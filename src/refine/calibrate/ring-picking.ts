/**
 * Picking points on powder rings (NXRefine's Select Points and Autogenerate Rings, spec §7).
 *
 * NXRefine takes the maximum of a `search_size` box around a click and lets pyFAI's Massif walk
 * the connected ridge; Autogenerate Rings starts at radius L·tan 2θ/p around the beam centre every
 * 0.2 rad. Here both are one ring tracer that uses the app's detector geometry: walk around the
 * beam in azimuth steps of about `step` pixels along the ring, predict where the ring crosses the
 * detector (tilted plane, `createPowderFrame().ringPoint`), take the maximum of the search box
 * there, keep it if it stands out of the box's background, refine it to a sub-pixel centroid, and
 * follow the ring's offset from the prediction to the next step (so a rough geometry still tracks
 * the real ring). The search never strays more than about half-way to a neighbouring line.
 */
import type { AbortSignalLike } from '../../shared/abort.ts';
import { NxrError } from '../../shared/errors.ts';
import { twoThetaOfD, type CalibrantLine } from './calibrant-lines.ts';
import type { PowderGeometry, PowderImage, RingPoint } from './models.ts';
import { createPowderFrame, type PowderFrame } from './powder-geometry.ts';

export interface RingPickOptions {
  /** Width of the square search box, pixels (NXRefine's Search Size). @default 10 */
  searchSize?: number;
  /** Arc length between samples along a ring, pixels. @default searchSize */
  step?: number;
  /** A maximum is kept when it stands this many σ above the local background (see boxMaximum). @default 5 */
  minSignalToNoise?: number;
  /** Half-width of the box the sub-pixel centroid is taken in, pixels. @default 2 */
  centroidHalfWidth?: number;
  /**
   * Largest distance, pixels, between a point and the ring it is assigned to (as predicted, or as
   * clicked). @default 1.5 × searchSize; never more than 0.45 × the gap to a neighbouring line
   */
  maxShift?: number;
  signal?: AbortSignalLike;
}

interface Resolved {
  searchSize: number;
  step: number;
  minSignalToNoise: number;
  centroidHalfWidth: number;
  maxShift: number;
}

function resolve(o: RingPickOptions): Resolved {
  const searchSize = Math.round(o.searchSize ?? 10);
  if (!(searchSize >= 3 && searchSize <= 200))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `search size must be 3–200 pixels (got ${o.searchSize})`,
    });
  const step = o.step ?? searchSize;
  const minSignalToNoise = o.minSignalToNoise ?? 5;
  const centroidHalfWidth = Math.round(o.centroidHalfWidth ?? 2);
  const maxShift = o.maxShift ?? 1.5 * searchSize;
  if (!(step > 0) || !(minSignalToNoise >= 0) || !(centroidHalfWidth >= 1) || !(maxShift > 0))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'ring picking: step, maxShift and centroidHalfWidth must be positive, minSignalToNoise ≥ 0',
    });
  return { searchSize, step, minSignalToNoise, centroidHalfWidth, maxShift };
}

/** Read access to an image with its invalid pixels (mask, negative or non-finite values). */
interface Pixels {
  nx: number;
  ny: number;
  /** The value, or NaN for an invalid or outside pixel. */
  at(x: number, y: number): number;
}

function pixelsOf(image: PowderImage): Pixels {
  const [ny, nx] = image.shape;
  const { data } = image;
  const mask = image.mask ?? null;
  if (data.length !== ny * nx)
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `image has ${data.length} values for a shape of [${ny}, ${nx}]`,
    });
  if (mask && mask.length !== ny * nx)
    throw new NxrError({ code: 'WRONG_SHAPE', message: `mask has ${mask.length} values for [${ny}, ${nx}]` });
  return {
    nx,
    ny,
    at(x, y) {
      if (x < 0 || y < 0 || x >= nx || y >= ny) return NaN;
      const i = y * nx + x;
      if (mask && mask[i]) return NaN;
      const v = data[i]!;
      return Number.isFinite(v) && v >= 0 ? v : NaN;
    },
  };
}

function median(a: number[]): number {
  a.sort((p, q) => p - q);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

/**
 * The largest valid pixel of the `size`×`size` box around (x, y) — NXRefine's `find_peak`: box
 * columns round(x − size/2) … + size − 1, rows likewise; the first maximum in row order wins.
 * undefined when the box has no valid pixel.
 */
export function findLocalMaximum(
  image: PowderImage,
  x: number,
  y: number,
  size = 10,
): { x: number; y: number; value: number } | undefined {
  return boxMaximum(pixelsOf(image), x, y, size)?.peak;
}

interface BoxStats {
  peak: { x: number; y: number; value: number };
  /** Background level of the box, estimated from its lower values (a ring may cover half of it). */
  background: number;
  /** Noise σ of the background (at least 1 count). */
  sigma: number;
}

/** Quantile q (0…1) of sorted values, linear interpolation. */
function quantile(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/**
 * Maximum of the `size` box, and the background and noise around it from the 5 % and 30 %
 * quantiles (normal quantiles −1.645 and −0.524) of the box twice as wide with the same centre, so
 * a ring covering up to about two thirds of that does not raise them.
 */
function boxMaximum(px: Pixels, x: number, y: number, size: number): BoxStats | undefined {
  const left = Math.max(0, Math.round(x - size / 2));
  const top = Math.max(0, Math.round(y - size / 2));
  const right = Math.min(px.nx, Math.round(x - size / 2) + size);
  const bottom = Math.min(px.ny, Math.round(y - size / 2) + size);
  let best: BoxStats['peak'] | undefined;
  for (let j = top; j < bottom; j++)
    for (let i = left; i < right; i++) {
      const v = px.at(i, j);
      if (!Number.isNaN(v) && (!best || v > best.value)) best = { x: i, y: j, value: v };
    }
  if (!best) return undefined;
  const values: number[] = [];
  const l2 = Math.max(0, Math.round(x - size));
  const t2 = Math.max(0, Math.round(y - size));
  const r2 = Math.min(px.nx, Math.round(x - size) + 2 * size);
  const b2 = Math.min(px.ny, Math.round(y - size) + 2 * size);
  for (let j = t2; j < b2; j++)
    for (let i = l2; i < r2; i++) {
      const v = px.at(i, j);
      if (!Number.isNaN(v)) values.push(v);
    }
  if (values.length < 8) return undefined;
  values.sort((a, b) => a - b);
  const q05 = quantile(values, 0.05);
  const q30 = quantile(values, 0.3);
  const sigma = Math.max(1, (q30 - q05) / 1.121);
  return { peak: best, background: q30 + 0.524 * sigma, sigma };
}

/**
 * Sub-pixel position of the peak at or next to (x, y): climb to the local maximum, then the
 * background-subtracted centroid of the (2h + 1)² box around it (background: as given, else the
 * median of the box's border). undefined when the box leaves the image or holds an invalid pixel (gaps, mask).
 */
export function refinePeakPosition(
  image: PowderImage,
  x: number,
  y: number,
  halfWidth = 2,
  background?: number,
): { x: number; y: number; height: number } | undefined {
  return centroid(pixelsOf(image), Math.round(x), Math.round(y), halfWidth, background);
}

function centroid(
  px: Pixels,
  x0: number,
  y0: number,
  h: number,
  background?: number,
): { x: number; y: number; height: number } | undefined {
  let x = x0;
  let y = y0;
  for (let step = 0; step < 2 * h + 2; step++) {
    let bx = x;
    let by = y;
    let bv = px.at(x, y);
    if (Number.isNaN(bv)) return undefined;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const v = px.at(x + dx, y + dy);
        if (v > bv) {
          bv = v;
          bx = x + dx;
          by = y + dy;
        }
      }
    if (bx === x && by === y) break;
    x = bx;
    y = by;
  }
  if (Math.abs(x - x0) > h + 1 || Math.abs(y - y0) > h + 1) return undefined;
  const border: number[] = [];
  for (let dy = -h; dy <= h; dy++)
    for (let dx = -h; dx <= h; dx++) {
      const v = px.at(x + dx, y + dy);
      if (Number.isNaN(v)) return undefined;
      if (Math.abs(dx) === h || Math.abs(dy) === h) border.push(v);
    }
  const bg = background ?? median(border);
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let dy = -h; dy <= h; dy++)
    for (let dx = -h; dx <= h; dx++) {
      const w = px.at(x + dx, y + dy) - bg;
      if (w <= 0) continue;
      sw += w;
      sx += w * dx;
      sy += w * dy;
    }
  if (!(sw > 0)) return undefined;
  return { x: x + sx / sw, y: y + sy / sw, height: px.at(x, y) - bg };
}

/** Pixels per radian of 2θ across the ring at (2θ, ψ) (the local radial scale). */
function radialScale(frame: PowderFrame, twoTheta: number, psi: number): number {
  const e = 1e-5;
  const a = frame.ringPoint(twoTheta - e, psi);
  const b = frame.ringPoint(twoTheta + e, psi);
  if (!a || !b) return NaN;
  return Math.hypot(b.x - a.x, b.y - a.y) / (2 * e);
}

export interface TraceRingOptions extends RingPickOptions {
  /** Azimuth to start from, radians (`PowderFrame.azimuth` convention). @default 0 */
  startAzimuth?: number;
}

/**
 * Points along the ring of angle `twoTheta` (radians) for geometry `frame`, labelled `ring`.
 * See the module comment. Each azimuth step gives at most one point.
 */
export function traceRing(
  image: PowderImage,
  frame: PowderFrame,
  twoTheta: number,
  ring: number,
  options: TraceRingOptions = {},
): RingPoint[] {
  const o = resolve(options);
  const px = pixelsOf(image);
  const psi0 = options.startAzimuth ?? 0;
  const scale = radialScale(frame, twoTheta, psi0);
  if (!(scale > 0)) return [];
  const radius = scale * Math.sin(twoTheta) * Math.cos(twoTheta); // ≈ pixels from the beam centre
  const n = Math.max(16, Math.ceil((2 * Math.PI * Math.max(radius, o.step)) / o.step));
  const dpsi = (2 * Math.PI) / n;
  const maxShiftRad = o.maxShift / scale;
  const points = new Map<number, RingPoint>();
  let delta = 0;
  let first = -1;
  for (let k = 0; k < 2 * n; k++) {
    if (first < 0 ? k >= n : k >= first + n) break;
    if ((k & 63) === 0 && options.signal?.aborted)
      throw new NxrError({ code: 'CANCELLED', message: 'ring picking cancelled' });
    const index = k % n;
    if (points.has(index)) continue;
    const psi = psi0 + index * dpsi;
    const p = frame.ringPoint(twoTheta + delta, psi);
    if (
      !p ||
      p.x < -o.searchSize ||
      p.y < -o.searchSize ||
      p.x > px.nx + o.searchSize ||
      p.y > px.ny + o.searchSize
    )
      continue;
    const box = boxMaximum(px, p.x, p.y, o.searchSize);
    if (!box || box.peak.value - box.background < o.minSignalToNoise * box.sigma) continue;
    const c = centroid(px, box.peak.x, box.peak.y, o.centroidHalfWidth, box.background);
    if (!c) continue;
    const tth = frame.twoTheta(c.x, c.y);
    if (Math.abs(tth - twoTheta) > maxShiftRad) continue;
    if (Math.abs(tth - (twoTheta + delta)) * scale > o.searchSize / 2 + o.centroidHalfWidth + 1) continue;
    points.set(index, { x: c.x, y: c.y, ring });
    delta = tth - twoTheta;
    if (first < 0) first = k;
  }
  return [...points.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

/** 2θ (radians) of each line at wavelength λ (NaN where λ > 2d). */
export function lineTwoThetas(
  lines: readonly CalibrantLine[] | readonly number[],
  wavelength: number,
): number[] {
  return lines.map((l) => twoThetaOfD(typeof l === 'number' ? l : l.d, wavelength));
}

/**
 * The largest shift (pixels) allowed for ring `i`: 0.45 × the radial gap to the nearest
 * neighbouring line at the detector (infinite when it has none).
 */
function neighbourLimit(frame: PowderFrame, twoThetas: number[], i: number, psi: number): number {
  const own = twoThetas[i]!;
  const scale = radialScale(frame, own, psi);
  let gap = Infinity;
  for (const j of [i - 1, i + 1]) {
    const t = twoThetas[j];
    if (t !== undefined && Number.isFinite(t)) gap = Math.min(gap, Math.abs(t - own) * scale);
  }
  return 0.45 * gap;
}

export interface AutogenerateOptions extends RingPickOptions {
  /** Line indices (0-based) to trace. @default the first `rings` lines */
  rings?: number | readonly number[];
  /** Skip lines closer than this to a neighbour, pixels (unresolved doublets bias the centroid). @default 2·centroidHalfWidth + 2 */
  minSeparation?: number;
  onProgress?: (fraction: number) => void;
}

/**
 * Autogenerate Rings: trace the predicted rings of `lines` (calibrant lines or d-spacings, Å) for
 * geometry `g`. @returns the points, ring = line index
 */
export function autogenerateRings(
  image: PowderImage,
  g: PowderGeometry,
  lines: readonly CalibrantLine[] | readonly number[],
  options: AutogenerateOptions = {},
): RingPoint[] {
  const o = resolve(options);
  const frame = createPowderFrame(g);
  const twoThetas = lineTwoThetas(lines, g.wavelength);
  const wanted =
    options.rings === undefined
      ? twoThetas.map((_, i) => i)
      : typeof options.rings === 'number'
        ? twoThetas.map((_, i) => i).slice(0, options.rings)
        : [...options.rings];
  const minSeparation = options.minSeparation ?? 2 * o.centroidHalfWidth + 2;
  const out: RingPoint[] = [];
  wanted.forEach((i, done) => {
    const tth = twoThetas[i];
    if (tth === undefined || !Number.isFinite(tth)) return;
    const limit = neighbourLimit(frame, twoThetas, i, 0);
    if (limit / 0.45 < minSeparation) return;
    out.push(
      ...traceRing(image, frame, tth, i, {
        ...options,
        maxShift: Math.min(o.maxShift, limit),
      }),
    );
    options.onProgress?.((done + 1) / wanted.length);
  });
  return out;
}

/**
 * Select Points: the ring through the maximum next to a click at (x, y), labelled `ring` (the
 * dialog's ring selector, a 0-based line index), traced from the click's own 2θ so a rough
 * geometry still follows it. The clicked maximum comes first. Empty when there is no significant
 * maximum in the search box.
 */
export function pickRingFromClick(
  image: PowderImage,
  g: PowderGeometry,
  x: number,
  y: number,
  ring: number,
  options: RingPickOptions & { lines?: readonly CalibrantLine[] | readonly number[] } = {},
): RingPoint[] {
  const o = resolve(options);
  const px = pixelsOf(image);
  const box = boxMaximum(px, x, y, o.searchSize);
  if (!box || box.peak.value - box.background < o.minSignalToNoise * box.sigma) return [];
  const c = centroid(px, box.peak.x, box.peak.y, o.centroidHalfWidth, box.background);
  if (!c) return [];
  const frame = createPowderFrame(g);
  const tth = frame.twoTheta(c.x, c.y);
  const psi = frame.azimuth(c.x, c.y);
  let maxShift = o.maxShift;
  if (options.lines && ring >= 0 && ring < options.lines.length) {
    const twoThetas = lineTwoThetas(options.lines, g.wavelength);
    // neighbours of the selected line, around the clicked angle
    const shifted = twoThetas.map((t) => t - twoThetas[ring]! + tth);
    maxShift = Math.min(maxShift, neighbourLimit(frame, shifted, ring, psi));
  }
  const traced = traceRing(image, frame, tth, ring, { ...options, startAzimuth: psi, maxShift });
  const first: RingPoint = { x: c.x, y: c.y, ring };
  return [first, ...traced.filter((p) => Math.hypot(p.x - c.x, p.y - c.y) > 0.5)];
}

/**
 * Median full width at half maximum of the rings across their points, pixels: at each point the
 * image is sampled along the radial direction (bilinear, ½-pixel steps, ±`reach` pixels) and the
 * width above half of (peak − background) measured, background = the lower of the profile's ends.
 * NaN when no point gives a profile.
 */
export function estimateRingWidth(
  image: PowderImage,
  g: PowderGeometry,
  points: readonly RingPoint[],
  reach = 15,
): number {
  const px = pixelsOf(image);
  const frame = createPowderFrame(g);
  const sample = (x: number, y: number): number => {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const a = px.at(x0, y0);
    const b = px.at(x0 + 1, y0);
    const c = px.at(x0, y0 + 1);
    const d = px.at(x0 + 1, y0 + 1);
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
  };
  const widths: number[] = [];
  const stride = Math.max(1, Math.floor(points.length / 200));
  for (let k = 0; k < points.length; k += stride) {
    const p = points[k]!;
    const t = frame.twoTheta(p.x, p.y);
    const psi = frame.azimuth(p.x, p.y);
    const a = frame.ringPoint(t - 1e-4, psi);
    const b = frame.ringPoint(t + 1e-4, psi);
    if (!a || !b) continue;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const ux = (b.x - a.x) / len;
    const uy = (b.y - a.y) / len;
    const profile: number[] = [];
    for (let s = -reach; s <= reach; s += 0.5) profile.push(sample(p.x + s * ux, p.y + s * uy));
    if (profile.some((v) => Number.isNaN(v))) continue;
    const bg = Math.min(profile[0]!, profile[profile.length - 1]!);
    const centre = (profile.length - 1) / 2;
    const peak = Math.max(...profile.slice(centre - 4, centre + 5));
    const half = bg + (peak - bg) / 2;
    if (!(peak > bg)) continue;
    let lo = centre;
    while (lo > 0 && profile[lo - 1]! >= half) lo--;
    let hi = centre;
    while (hi < profile.length - 1 && profile[hi + 1]! >= half) hi++;
    if (lo === 0 || hi === profile.length - 1) continue;
    widths.push((hi - lo + 1) * 0.5);
  }
  return widths.length > 0 ? median(widths) : NaN;
}
