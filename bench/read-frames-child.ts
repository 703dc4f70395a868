/**
 * One benchmark variant in its own process, so that its peak memory (maxRSS, all threads) is its
 * own: reads every frame of a stack and prints {frames, seconds, checksum, maxRssMb} as JSON.
 *   reference  — plain single-thread loop in this thread (h5wasm readFrame + sum)
 *   pool-N     — the engine's worker pool with N workers running the frame-stats kernel
 */
import { openNexusFile } from '../src/engine/io/index.ts';
import { FramePool, mergeFrameStats } from '../src/engine/pool/index.ts';
import { frameSumAndMax } from '../src/engine/pool/kernels/frame-stats.ts';

const [file, dataset, variant] = process.argv.slice(2) as [string, string, string];

async function run(): Promise<{ frames: number; seconds: number; checksum: number }> {
  const f = await openNexusFile(file);
  const frames = f.entity(dataset).shape![0]!;
  if (variant === 'reference') {
    const t0 = performance.now();
    let checksum = 0;
    for (let i = 0; i < frames; i++)
      checksum += frameSumAndMax(f.readFrame(dataset, i).data as Int32Array).sum;
    f.close();
    return { frames, seconds: (performance.now() - t0) / 1000, checksum };
  }
  f.close();
  const size = Number(variant.replace('pool-', ''));
  const pool = new FramePool({ size });
  try {
    // Warm the workers (h5wasm start-up, 0.1–0.4 s each) outside the timing, as the app does.
    await pool.runKernel('frame-stats', {}, { file, dataset, frames: [0, size] });
    const t0 = performance.now();
    const parts = await pool.runKernel('frame-stats', {}, { file, dataset, frames: [0, frames] });
    const seconds = (performance.now() - t0) / 1000;
    const { sums } = mergeFrameStats(parts, 0, frames);
    return { frames, seconds, checksum: sums.reduce((a, b) => a + b, 0) };
  } finally {
    await pool.close();
  }
}

const result = await run();
console.log(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
