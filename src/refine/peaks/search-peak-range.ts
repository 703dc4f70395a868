import { computePeakCentroid } from './compute-peak-centroid.ts';
import { createPeakTracker } from './create-peak-tracker.ts';
import type { FrameShape, FrameValues, Peak3d, PeakSearchParameters } from './models.ts';
import { stitchPeakPieces, type RangePieces } from './stitch-peak-pieces.ts';

export interface PeakRangeSearchOptions {
  shape: FrameShape;
  /** 1 = masked pixel (pixel_mask). */
  mask: Uint8Array | null;
  parameters: PeakSearchParameters;
  /** The whole searched range [first, last) (frames outside it are never read). */
  first: number;
  last: number;
  /** The frames this call owns, [start, stop) ⊂ [first, last). @default [first, last) */
  start?: number;
  stop?: number;
  readFrame: (z: number) => FrameValues;
  /** Called after each owned frame (progress, cancellation). */
  frameDone?: () => void;
}

/**
 * Peak search over the owned frames [start, stop) of a searched range: tracks detections there,
 * reads up to `marginFrames` frames before `start` (only when a track born on the first frames
 * needs its leading margin) and after `stop` (only while a track needs its trailing margin).
 * Returns every piece and the range's missing frames; {@link finishPeakSearch} joins the pieces of
 * all ranges.
 */
export function searchPeakRange(o: PeakRangeSearchOptions): RangePieces {
  const start = o.start ?? o.first;
  const stop = o.stop ?? o.last;
  const G = o.parameters.marginFrames;
  const earlier = new Map<number, FrameValues>();
  const tracker = createPeakTracker({
    shape: o.shape,
    mask: o.mask,
    parameters: o.parameters,
    readEarlierFrame: (z) => {
      if (z < o.first || z >= start) return null;
      let f = earlier.get(z);
      if (!f) {
        f = o.readFrame(z);
        earlier.set(z, f);
      }
      return f;
    },
  });
  for (let z = start; z < stop; z++) {
    tracker.processFrame(z, o.readFrame(z));
    // once G usable frames of the range are in the tracker's memory, earlier ones are never needed
    if (earlier.size > 0 && z - start + 1 - tracker.missingFrames.length >= G) earlier.clear();
    o.frameDone?.();
  }
  // trailing margins: G usable frames after the last detection (missing frames do not count)
  for (let z = stop; z < o.last && tracker.needsTrailingFrames(); z++) {
    tracker.processTrailingFrame(z, o.readFrame(z));
  }
  return { start, stop, pieces: tracker.finish(), missing: [...tracker.missingFrames] };
}

/** Joins the pieces of consecutive ranges and turns them into peaks, sorted by z (then y, x). */
export function finishPeakSearch(ranges: readonly RangePieces[], parameters: PeakSearchParameters): Peak3d[] {
  const pieces = stitchPeakPieces(ranges, parameters);
  const range = [ranges[0]?.start ?? 0, ranges.at(-1)?.stop ?? 0] as const;
  const peaks: Peak3d[] = [];
  for (const piece of pieces) {
    const pk = computePeakCentroid(piece, { threshold: parameters.threshold, range });
    if (pk) peaks.push(pk);
  }
  return peaks.sort((a, b) => a.z - b.z || a.y - b.y || a.x - b.x);
}

/** The whole search in this thread (reference implementation and small stacks). */
export function findPeaksInFrames(o: Omit<PeakRangeSearchOptions, 'start' | 'stop'>): Peak3d[] {
  return finishPeakSearch([searchPeakRange(o)], o.parameters);
}
