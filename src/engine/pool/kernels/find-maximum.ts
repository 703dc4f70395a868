/**
 * Find Maximum's pool kernel: streams the frames of one range through the per-pixel and per-frame
 * accumulators of src/refine/peaks/accumulate-frames.ts and transfers the partial result back
 * (three per-pixel Float64Arrays, so runs use about one range per worker).
 */
import {
  accumulateFrame,
  createFrameAccumulator,
  type AnnulusSample,
} from '../../../refine/peaks/accumulate-frames.ts';
import type { MaximumPart } from '../../../refine/peaks/merge-maximum-parts.ts';
import type { FrameKernel } from '../models.ts';

export interface FindMaximumParams {
  /** pixel_mask (1 = masked), row-major; null = nothing masked. */
  mask: Uint8Array | null;
  annulus: AnnulusSample | null;
  /** @default 0.1 */
  trimFraction?: number;
}

export type FindMaximumPart = Omit<MaximumPart, 'start' | 'stop'>;

export const findMaximumKernel: FrameKernel<FindMaximumParams, FindMaximumPart> = {
  processRange(ctx) {
    const [ny, nx] = ctx.frameShape;
    const acc = createFrameAccumulator(ny * nx);
    const options = {
      mask: ctx.params.mask,
      annulus: ctx.params.annulus,
      trimFraction: ctx.params.trimFraction ?? 0.1,
    };
    for (let z = ctx.start; z < ctx.stop; z++) {
      accumulateFrame(acc, ctx.readFrame(z).data, options);
      ctx.frameDone();
    }
    const result: FindMaximumPart = {
      sum: acc.sum,
      min: acc.min,
      max: acc.max,
      frameSums: Float64Array.from(acc.frameSums),
      framePartials: Float64Array.from(acc.framePartials),
      frameFinite: Float64Array.from(acc.frameFinite),
    };
    return {
      result,
      transfer: [
        result.sum.buffer,
        result.min.buffer,
        result.max.buffer,
        result.frameSums.buffer,
        result.framePartials.buffer,
        result.frameFinite.buffer,
      ] as ArrayBuffer[],
    };
  },
};
