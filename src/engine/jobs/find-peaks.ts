/**
 * Find Peaks (`nxfind`, spec §5.1, §6.1): streams the frames first…last−1 of an entry through the
 * frame pool, finds per-frame local maxima (NXRefine's skimage rule: above `threshold`, `min_pixels`
 * apart, away from the border, never on a masked pixel), links them across frames into 3-D peaks
 * and measures background-subtracted first moments (docs/design/peak-search.md). The ranges the
 * workers process are stitched together, so a peak crossing a range boundary is found once.
 *
 * Writes `<entry>/peaks` (NXreflections: intensity, x, y, z, sigx, sigy, sigz, polar_angle,
 * azimuthal_angle as float64; @first @last @threshold), the NXprocess record `nxfind` and, as
 * NXRefine's nxfind does (`write_parameters`), the settings used back to `/entry/nxreduce`
 * (`threshold`, `first_frame`, `last_frame`; min_pixels is not an nxreduce field in NXRefine), all
 * in one atomic update.
 * Angles are the exact 2θ and azimuth of the tilted detector (Calculate Angles' default).
 */
import { computeAzimuthalAngle, computePolarAngle } from '../../refine/geometry/angles.ts';
import type { Peak3d, PeakSearchParameters } from '../../refine/peaks/models.ts';
import { checkPeakSearchParameters } from '../../refine/peaks/peak-search-parameters.ts';
import { finishPeakSearch } from '../../refine/peaks/search-peak-range.ts';
import type { RangePieces } from '../../refine/peaks/stitch-peak-pieces.ts';
import { NxrError } from '../../shared/errors.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { readFrameStackInputs, withPool, type FramePassOptions } from './find-maximum.ts';
import { clearPaths } from './field-snapshot.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import {
  reductionFieldPaths,
  writeReductionFields,
  type ReductionKey,
  type ReductionParameters,
} from './reduction-parameters.ts';

/** Settings written back to /entry/nxreduce with the peaks (NXRefine: threshold, first_frame, last_frame). */
const WRITTEN_BACK: readonly ReductionKey[] = ['threshold', 'first', 'last'];

export interface FindPeaksOptions extends FramePassOptions {
  /** Counts a peak's brightest pixel must exceed; default from the parameter cascade (50000). */
  threshold?: number;
  /** NXRefine min_pixels (spacing, border, linking distance; pixels); default from the cascade (10). */
  minPixels?: number;
  /** Tracking extensions (see PeakSearchParameters). */
  trackFraction?: number;
  marginFrames?: number;
}

export interface FoundPeak extends Peak3d {
  /** Degrees. */
  polarAngle: number;
  azimuthalAngle: number;
}

export interface FindPeaksResult {
  file: string;
  entry: string;
  first: number;
  last: number;
  parameters: PeakSearchParameters;
  /** Sorted by z. */
  peaks: FoundPeak[];
  /** Pool tasks (frame ranges) the search was cut into. */
  ranges: number;
  seconds: number;
  written: boolean;
  paths: string[];
}

/** Find Peaks of one entry; see the module comment. */
export async function findPeaks(options: FindPeaksOptions, ctx: JobContext = {}): Promise<FindPeaksResult> {
  const t0 = performance.now();
  const overrides: Partial<ReductionParameters> = {};
  if (options.threshold !== undefined) overrides.threshold = options.threshold;
  if (options.minPixels !== undefined) overrides.min_pixels = options.minPixels;
  const inputs = await readFrameStackInputs(options, overrides);
  const { file, entry, first, last, geometry, reduction } = inputs;
  let parameters: PeakSearchParameters;
  try {
    parameters = checkPeakSearchParameters({
      threshold: reduction.values.threshold,
      minPixels: reduction.values.min_pixels,
      ...(options.trackFraction !== undefined ? { trackFraction: options.trackFraction } : {}),
      ...(options.marginFrames !== undefined ? { marginFrames: options.marginFrames } : {}),
    });
  } catch (e) {
    if (e instanceof NxrError) throw new NxrError({ code: e.code, message: e.message, file }, { cause: e });
    throw e;
  }
  ctx.onLog?.(
    `find peaks: frames ${first}…${last - 1} of ${inputs.dataPath}, threshold ${parameters.threshold}, min_pixels ${parameters.minPixels}`,
  );
  ctx.onProgress?.(0, 'searching');
  const ranges = await withPool(options, (pool) =>
    pool.runKernel(
      'find-peaks',
      { parameters, mask: inputs.mask, first, last },
      {
        file,
        dataset: inputs.dataPath,
        frames: [first, last],
        ...(options.chunkFrames !== undefined ? { chunkFrames: options.chunkFrames } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onProgress: (p) => ctx.onProgress?.((0.95 * p.done) / p.total, `frame ${first + p.done}/${last}`),
      },
    ),
  );
  throwIfAborted(ctx.signal, file);
  const pieces: RangePieces[] = ranges.map((r) => r.result);
  const missing = pieces.reduce((n, r) => n + (r.missing?.length ?? 0), 0);
  if (missing > 0) ctx.onLog?.(`${missing} frame(s) without data (NaN) skipped`, 'warn');
  const peaks: FoundPeak[] = finishPeakSearch(pieces, parameters).map((p) => ({
    ...p,
    polarAngle: computePolarAngle(geometry, p.x, p.y, { frame: p.z }),
    azimuthalAngle: computeAzimuthalAngle(geometry, p.x, p.y, { frame: p.z }),
  }));
  ctx.onLog?.(`${peaks.length} peaks found`);
  const result: FindPeaksResult = {
    file,
    entry,
    first,
    last,
    parameters,
    peaks,
    ranges: ranges.length,
    seconds: 0,
    written: false,
    paths: [],
  };
  if (options.write !== false) {
    ctx.onProgress?.(0.97, 'writing');
    await updateNexusFile(
      file,
      (w) => {
        throwIfAborted(ctx.signal, file);
        const g = `/${entry}/peaks`;
        // everything replaced, removed with one rebuild of the temp file
        clearPaths(w, [g, `/${entry}/nxfind`, ...reductionFieldPaths(WRITTEN_BACK)]);
        w.group(g, 'NXreflections', { first, last, threshold: parameters.threshold });
        const col = (pick: (p: FoundPeak) => number): Float64Array => Float64Array.from(peaks, pick);
        w.field(
          `${g}/intensity`,
          col((p) => p.intensity),
          { dtype: '<f8' },
        );
        w.field(
          `${g}/x`,
          col((p) => p.x),
          { dtype: '<f8' },
        );
        w.field(
          `${g}/y`,
          col((p) => p.y),
          { dtype: '<f8' },
        );
        w.field(
          `${g}/z`,
          col((p) => p.z),
          { dtype: '<f8' },
        );
        w.field(
          `${g}/sigx`,
          col((p) => p.sigx),
          { dtype: '<f8' },
        );
        w.field(
          `${g}/sigy`,
          col((p) => p.sigy),
          { dtype: '<f8' },
        );
        w.field(
          `${g}/sigz`,
          col((p) => p.sigz),
          { dtype: '<f8' },
        );
        w.field(
          `${g}/polar_angle`,
          col((p) => p.polarAngle),
          { dtype: '<f8', units: 'degrees' },
        );
        w.field(
          `${g}/azimuthal_angle`,
          col((p) => p.azimuthalAngle),
          { dtype: '<f8', units: 'degrees' },
        );
        result.paths.push(g);
        // NXRefine's nxfind: write_parameters(threshold, first, last) → /entry/nxreduce
        result.paths.push(...writeReductionFields(w, { threshold: parameters.threshold, first, last }));
        result.paths.push(
          w.record(
            `/${entry}`,
            processRecordFor(file, 'nxfind', {
              threshold: parameters.threshold,
              first,
              last,
              peak_number: peaks.length,
              min_pixels: parameters.minPixels,
            }),
          ),
        );
      },
      { purpose: 'nxr find-peaks' },
    );
    result.written = true;
  }
  result.seconds = (performance.now() - t0) / 1000;
  ctx.onProgress?.(1, 'done');
  return result;
}
