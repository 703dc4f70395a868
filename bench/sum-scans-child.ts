/**
 * One Sum Scans benchmark variant in its own process (so maxRSS is its own): the engine job adds
 * two scans of one sample into SAMPLEDIR/<sample>_bench-<variant>.nxs and <sum>/f1.h5 (bslz4, as the
 * scans), then the written frames are read back for a checksum outside the timing.
 *   reference — the job in this thread (workers 0: read, add, compress and write one by one)
 *   pool-N    — the job with N worker threads reading and adding while this thread writes
 * Prints {frames, seconds, cpuSeconds (all threads), checksum, maxRssMb} as JSON on the last line.
 * Usage: sum-scans-child.ts SAMPLEDIR SCAN1 SCAN2 reference|pool-N
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { openNexusFile } from '../src/engine/io/index.ts';
import { sumScans } from '../src/engine/jobs/sum-scans.ts';
import { FramePool } from '../src/engine/pool/index.ts';

const [sampleDir, scanA, scanB, variant] = process.argv.slice(2) as [string, string, string, string];

const output = `bench-${variant}`;
const workers = variant === 'reference' ? 0 : Number(variant.replace('pool-', ''));
const pool = workers > 0 ? new FramePool({ size: workers }) : undefined;
try {
  if (pool) {
    // start the workers (h5wasm start-up, 0.1–0.4 s each) outside the timing, as the app's engine has them
    await pool.runKernel(
      'frame-stats',
      {},
      { file: join(sampleDir, `sim_${scanA}.nxs`), dataset: '/f1/data/data', frames: [0, workers] },
    );
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await sumScans({
    sampleDir,
    scans: [scanA, scanB],
    output,
    overwrite: true,
    entries: ['f1'],
    ...(pool ? { pool } : { workers: 0 }),
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const f = await openNexusFile(join(sampleDir, r.entries[0]!.rawFile));
  let checksum = 0;
  try {
    for (let z = 0; z < r.entries[0]!.frames; z++) {
      const d = f.readFrame('/entry/data/data', z).data as Int32Array;
      let s = 0;
      for (let i = 0; i < d.length; i++) s += d[i]!;
      checksum += s;
    }
  } finally {
    f.close();
  }
  rmSync(join(sampleDir, output), { recursive: true, force: true });
  rmSync(join(sampleDir, r.wrapper), { force: true });
  console.log(JSON.stringify({ frames: r.entries[0]!.frames, seconds, cpuSeconds, checksum, maxRssMb }));
} finally {
  await pool?.close();
}
