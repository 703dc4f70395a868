import type { FrameValues } from './models.ts';

/**
 * Per-pixel running statistics of Find Maximum over a range of frames: the 2-D sum (summed_data
 * before masking), the smallest and largest value of every pixel (hot and dead pixels, the
 * maximum), and per frame the masked sum, the trimmed annulus sum and the number of finite
 * unmasked pixels (0 for a missing, NaN-filled frame). Non-finite values are skipped everywhere.
 */
export interface FrameAccumulator {
  readonly pixels: number;
  /** Σ over frames of each pixel's finite values. */
  readonly sum: Float64Array;
  /** Smallest / largest finite value of each pixel (+∞ / −∞ if it never had one). */
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Per frame, in the order added. */
  readonly frameSums: number[];
  readonly framePartials: number[];
  readonly frameFinite: number[];
}

/** Annulus sample for the per-frame baseline (spec §5.2 HEAD). */
export interface AnnulusSample {
  /** Pixel indices (row-major) of the sampled unmasked annulus pixels. */
  indices: Int32Array;
  /** Unmasked pixels in the whole annulus (the sampled sum is scaled up to it). */
  total: number;
}

export interface AccumulateOptions {
  /** 1 = masked (pixel_mask): left out of the frame sums. */
  mask: Uint8Array | null;
  annulus: AnnulusSample | null;
  /** Fraction of the brightest sampled annulus pixels dropped. @default 0.1 */
  trimFraction?: number;
}

export function createFrameAccumulator(pixels: number): FrameAccumulator {
  return {
    pixels,
    sum: new Float64Array(pixels),
    min: new Float64Array(pixels).fill(Infinity),
    max: new Float64Array(pixels).fill(-Infinity),
    frameSums: [],
    framePartials: [],
    frameFinite: [],
  };
}

let scratch = new Float64Array(0);

/** Adds one frame (row-major, `acc.pixels` values). */
export function accumulateFrame(acc: FrameAccumulator, data: FrameValues, options: AccumulateOptions): void {
  const n = acc.pixels;
  if (data.length !== n) throw new RangeError(`frame has ${data.length} pixels, expected ${n}`);
  const { sum, min, max } = acc;
  const mask = options.mask;
  let s = 0;
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v !== v || v === Infinity || v === -Infinity) continue;
    sum[i]! += v;
    if (v < min[i]!) min[i] = v;
    if (v > max[i]!) max[i] = v;
    if (mask === null || mask[i] === 0) {
      s += v;
      finite++;
    }
  }
  acc.frameFinite.push(finite);
  acc.frameSums.push(finite > 0 ? s : NaN);
  acc.framePartials.push(
    finite > 0 && options.annulus
      ? trimmedAnnulusSum(data, options.annulus, options.trimFraction ?? 0.1)
      : NaN,
  );
}

/**
 * HEAD's per-frame baseline: of the sampled annulus pixels drop the brightest `trim` fraction
 * (Bragg peaks, hot pixels), sum the rest and scale to the whole annulus (× total / kept).
 */
export function trimmedAnnulusSum(data: FrameValues, annulus: AnnulusSample, trim: number): number {
  const idx = annulus.indices;
  if (scratch.length < idx.length) scratch = new Float64Array(idx.length);
  let k = 0;
  for (let j = 0; j < idx.length; j++) {
    const v = data[idx[j]!]!;
    if (Number.isFinite(v)) scratch[k++] = v;
  }
  if (k === 0) return NaN;
  const drop = Math.floor(trim * k);
  const keep = k - drop;
  const values = scratch.subarray(0, k);
  if (drop > 0) selectKth(values, keep - 1);
  let s = 0;
  for (let j = 0; j < keep; j++) s += values[j]!;
  return (s * annulus.total) / keep;
}

/** Rearranges a so that a[k] is the k-th smallest and everything before it is ≤ it (Hoare quickselect). */
export function selectKth(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = median3(a[lo]!, a[(lo + hi) >> 1]!, a[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
