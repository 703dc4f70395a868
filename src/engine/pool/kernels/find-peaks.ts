/**
 * Find Peaks' pool kernel: the streaming 3-D peak search of src/refine/peaks on one range of
 * frames (reading a few frames beyond each end, for the margins of peaks that start or end there).
 * Returns the range's peak pieces and missing frames; the caller stitches the ranges together
 * (stitchPeakPieces), so a peak crossing a range boundary is found once.
 */
import type { PeakSearchParameters } from '../../../refine/peaks/models.ts';
import { searchPeakRange } from '../../../refine/peaks/search-peak-range.ts';
import type { RangePieces } from '../../../refine/peaks/stitch-peak-pieces.ts';
import type { FrameKernel } from '../models.ts';

export interface FindPeaksParams {
  parameters: PeakSearchParameters;
  /** pixel_mask (1 = masked), row-major; null = nothing masked. */
  mask: Uint8Array | null;
  /** The whole searched range [first, last): frames outside it are never read. */
  first: number;
  last: number;
}

export const findPeaksKernel: FrameKernel<FindPeaksParams, RangePieces> = {
  processRange(ctx) {
    const { parameters, mask, first, last } = ctx.params;
    const result = searchPeakRange({
      shape: ctx.frameShape,
      mask,
      parameters,
      first,
      last,
      start: ctx.start,
      stop: ctx.stop,
      readFrame: (z) => ctx.readFrame(z).data,
      frameDone: () => ctx.frameDone(),
    });
    return { result };
  },
};
