/**
 * Per-frame sum and maximum of a 3-D stack: the "summed frames" curve of Find Maximum and a cheap
 * check that a whole stack is readable. NaN and ±Infinity pixels are skipped.
 */
import type { FrameKernel, RangeResult } from '../models.ts';

export type FrameStatsParams = Record<string, never>;

export interface FrameStatsPart {
  sums: Float64Array;
  maxima: Float64Array;
}

/** Sum and maximum of the finite values of one frame. */
export function frameSumAndMax(data: ArrayLike<number>): { sum: number; max: number } {
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      if (v > max) max = v;
    }
  }
  return { sum, max };
}

export const frameStatsKernel: FrameKernel<FrameStatsParams, FrameStatsPart> = {
  processRange(ctx) {
    const n = ctx.stop - ctx.start;
    const sums = new Float64Array(n);
    const maxima = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const { sum, max } = frameSumAndMax(ctx.readFrame(ctx.start + i).data);
      sums[i] = sum;
      maxima[i] = max;
      ctx.frameDone();
    }
    return { result: { sums, maxima }, transfer: [sums.buffer, maxima.buffer] };
  },
};

/** Joins the sorted partial results of a run into one pair of arrays starting at `start`. */
export function mergeFrameStats(
  parts: RangeResult<FrameStatsPart>[],
  start: number,
  stop: number,
): FrameStatsPart {
  const sums = new Float64Array(stop - start);
  const maxima = new Float64Array(stop - start);
  for (const p of parts) {
    sums.set(p.result.sums, p.start - start);
    maxima.set(p.result.maxima, p.start - start);
  }
  return { sums, maxima };
}
