/**
 * One Find Maximum / Find Peaks benchmark variant in its own process (so maxRSS is its own).
 * Prints {frames, seconds, checksum, maxRssMb} as JSON on the last line.
 *   reference — the same algorithms as a plain loop in this thread (the pool workers' frame reader,
 *               then accumulateFrame / the streaming peak tracker, then the same merge)
 *   pool-N    — the engine job (findMaximum / findPeaks, nothing written) on N worker threads
 * Usage: find-peaks-child.ts WRAPPER find-maximum|find-peaks reference|pool-N
 */
import { findMaximum, readFrameStackInputs } from '../src/engine/jobs/find-maximum.ts';
import { findPeaks } from '../src/engine/jobs/find-peaks.ts';
import { FramePool } from '../src/engine/pool/index.ts';
import { openFrameSource } from '../src/engine/pool/frame-source.ts';
import { accumulateFrame, createFrameAccumulator } from '../src/refine/peaks/accumulate-frames.ts';
import { computeAnnulusLimits, sampleAnnulus } from '../src/refine/peaks/annulus.ts';
import { computeRadialSum } from '../src/refine/peaks/compute-radial-sum.ts';
import { mergeMaximumParts } from '../src/refine/peaks/merge-maximum-parts.ts';
import { checkPeakSearchParameters } from '../src/refine/peaks/peak-search-parameters.ts';
import { findPeaksInFrames } from '../src/refine/peaks/search-peak-range.ts';
import type { Peak3d } from '../src/refine/peaks/models.ts';

const [wrapper, step, variant] = process.argv.slice(2) as [string, string, string];

const peakChecksum = (peaks: Peak3d[]): number =>
  peaks.length + Math.round(peaks.reduce((s, p) => s + p.x + p.y + p.z, 0) * 1000) / 1000;
const maxChecksum = (maximum: number, frames: Float64Array): number =>
  maximum + frames.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);

async function reference(): Promise<{ frames: number; seconds: number; checksum: number }> {
  const t0 = performance.now();
  const inputs = await readFrameStackInputs({ file: wrapper, entry: 'f1' });
  const { shape, first, last, mask } = inputs;
  // the same reader the pool workers use (the raw file opened directly through the external link)
  const f = await openFrameSource(wrapper, inputs.dataPath);
  const read = (z: number): ArrayLike<number> => f.readFrame(z).data;
  try {
    if (step === 'find-maximum') {
      const limits = computeAnnulusLimits(inputs.geometry);
      const annulus = sampleAnnulus(inputs.geometry, limits, mask);
      const acc = createFrameAccumulator(shape[0] * shape[1]);
      for (let z = first; z < last; z++) accumulateFrame(acc, read(z), { mask, annulus });
      const summary = mergeMaximumParts(
        [
          {
            start: first,
            stop: last,
            sum: acc.sum,
            min: acc.min,
            max: acc.max,
            frameSums: Float64Array.from(acc.frameSums),
            framePartials: Float64Array.from(acc.framePartials),
            frameFinite: Float64Array.from(acc.frameFinite),
          },
        ],
        { shape, frameCount: inputs.frameCount, first, last, mask },
      );
      computeRadialSum(summary.summedData, inputs.geometry, { mask: summary.mask });
      return {
        frames: last - first,
        seconds: (performance.now() - t0) / 1000,
        checksum: maxChecksum(summary.maximum, summary.summedFrames),
      };
    }
    const parameters = checkPeakSearchParameters({
      threshold: inputs.reduction.values.threshold,
      minPixels: inputs.reduction.values.min_pixels,
    });
    const peaks = findPeaksInFrames({ shape, mask, parameters, first, last, readFrame: read });
    return { frames: last - first, seconds: (performance.now() - t0) / 1000, checksum: peakChecksum(peaks) };
  } finally {
    f.close();
  }
}

async function pooled(size: number): Promise<{ frames: number; seconds: number; checksum: number }> {
  const pool = new FramePool({ size });
  try {
    // Warm the workers (h5wasm start-up) outside the timing, as the app's long-lived pool is.
    await pool.runKernel('frame-stats', {}, { file: wrapper, dataset: '/f1/data/data', frames: [0, size] });
    const t0 = performance.now();
    if (step === 'find-maximum') {
      const r = await findMaximum({ file: wrapper, entry: 'f1', pool, write: false });
      return {
        frames: r.last - r.first,
        seconds: (performance.now() - t0) / 1000,
        checksum: maxChecksum(r.maximum, r.summedFrames),
      };
    }
    const r = await findPeaks({ file: wrapper, entry: 'f1', pool, write: false });
    return {
      frames: r.last - r.first,
      seconds: (performance.now() - t0) / 1000,
      checksum: peakChecksum(r.peaks),
    };
  } finally {
    await pool.close();
  }
}

const cpu0 = process.cpuUsage();
const result =
  variant === 'reference' ? await reference() : await pooled(Number(variant.replace('pool-', '')));
const cpu = process.cpuUsage(cpu0);
// CPU time of all threads (pool warm-up included): the cost per frame without contention
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ ...result, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
