import { NxrError } from '../../shared/errors.ts';
import { detectBadPixels, type BadPixelOptions, type BadPixels } from './detect-bad-pixels.ts';
import type { FrameShape } from './models.ts';

/** What one frame range contributes (a pool task's result). */
export interface MaximumPart {
  start: number;
  stop: number;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
  frameSums: Float64Array;
  framePartials: Float64Array;
  frameFinite: Float64Array;
}

export interface MaximumSummary {
  /** Largest value of an unmasked pixel (pixel_mask plus the new hot/dead pixels) in [first, last). */
  maximum: number;
  /** Where it is (first such pixel in raster order). */
  maximumX: number;
  maximumY: number;
  /** Σ over [first, last) per pixel; 0 on masked pixels (summed_data). */
  summedData: Float64Array;
  /** Per frame of the stack: masked sum / trimmed annulus sum; 0 outside [first, last), NaN on missing frames. */
  summedFrames: Float64Array;
  partialFrames: Float64Array;
  /** pixel_mask with the hot and dead pixels OR-ed in (1 = masked). */
  mask: Uint8Array;
  badPixels: BadPixels;
  /** Frames of [first, last) without a single finite unmasked pixel (NaN-filled). */
  missingFrames: number[];
}

export interface MergeMaximumOptions {
  shape: FrameShape;
  /** Frames in the stack. */
  frameCount: number;
  first: number;
  last: number;
  /** pixel_mask as read (1 = masked); null = nothing masked. */
  mask: Uint8Array | null;
  badPixels?: Omit<BadPixelOptions, 'mask' | 'frames'>;
}

/**
 * Joins the partial results of Find Maximum's frame ranges, finds hot and dead pixels in the
 * per-pixel statistics, masks them and corrects the per-frame sums for them (their value is the
 * same on every frame, so the correction is exact); the maximum is taken over every unmasked
 * pixel (NXRefine takes it only inside the transmission annulus, spec §12.7).
 *
 * The trimmed annulus sums are not corrected: a hot pixel in the annulus sample is among the
 * brightest 10 % dropped anyway (at most one rank of the cut moves).
 */
export function mergeMaximumParts(parts: readonly MaximumPart[], o: MergeMaximumOptions): MaximumSummary {
  const [ny, nx] = o.shape;
  const n = ny * nx;
  const sorted = [...parts].sort((a, b) => a.start - b.start);
  let expect = o.first;
  for (const p of sorted) {
    if (p.start !== expect || p.sum.length !== n)
      throw new NxrError({
        code: 'INTERNAL',
        message: `find-maximum parts do not tile [${o.first}, ${o.last})`,
      });
    expect = p.stop;
  }
  if (expect !== o.last)
    throw new NxrError({
      code: 'INTERNAL',
      message: `find-maximum parts do not tile [${o.first}, ${o.last})`,
    });
  const sum = new Float64Array(n);
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const summedFrames = new Float64Array(o.frameCount);
  const partialFrames = new Float64Array(o.frameCount);
  const missingFrames: number[] = [];
  for (const p of sorted) {
    for (let i = 0; i < n; i++) {
      sum[i]! += p.sum[i]!;
      if (p.min[i]! < min[i]!) min[i] = p.min[i]!;
      if (p.max[i]! > max[i]!) max[i] = p.max[i]!;
    }
    for (let j = 0; j < p.stop - p.start; j++) {
      const z = p.start + j;
      summedFrames[z] = p.frameSums[j]!;
      partialFrames[z] = p.framePartials[j]!;
      if (p.frameFinite[j] === 0) missingFrames.push(z);
    }
  }
  const badPixels = detectBadPixels(o.shape, sum, min, max, {
    ...o.badPixels,
    mask: o.mask,
    frames: o.last - o.first - missingFrames.length,
  });
  const mask = o.mask ? Uint8Array.from(o.mask, (v) => (v ? 1 : 0)) : new Uint8Array(n);
  let constant = 0;
  badPixels.hot.forEach((i, k) => {
    mask[i] = 1;
    constant += badPixels.hotValues[k]!;
  });
  badPixels.dead.forEach((i, k) => {
    mask[i] = 1;
    constant += badPixels.deadValues[k]!;
  });
  if (constant !== 0) for (let z = o.first; z < o.last; z++) summedFrames[z]! -= constant;
  let maximum = -Infinity;
  let at = -1;
  const summedData = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (mask[i]) continue;
    summedData[i] = sum[i]!;
    if (max[i]! > maximum) {
      maximum = max[i]!;
      at = i;
    }
  }
  return {
    maximum: at >= 0 ? maximum : NaN,
    maximumX: at >= 0 ? at % nx : -1,
    maximumY: at >= 0 ? Math.floor(at / nx) : -1,
    summedData,
    summedFrames,
    partialFrames,
    mask,
    badPixels,
    missingFrames,
  };
}
