/**
 * One Transform Data benchmark variant in its own process (peak memory = maxRSS of all threads):
 * frames first…last of <wrapper> f1 onto NXRefine's default grid, written to f1_transform.nxs.
 * Prints {frames, pixels, seconds, accumulate, merge, checksum, spillMb, maxRssMb} as JSON.
 *   reference — one thread, no pool: read a frame, map it, add it to the brick cache (spilling when
 *               full), then merge the spills into the file: the same algorithm as the job
 *   pool-N    — the engine's job (transformData) with N workers, as `nxr transform --workers N`
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { openNexusFile } from '../src/engine/io/index.ts';
import {
  planTransformMemory,
  readTransformInputs,
  resolveTransformGrid,
  transformData,
  writeTransformFile,
} from '../src/engine/jobs/transform.ts';
import { SpillWriter } from '../src/engine/pool/kernels/transform.ts';
import { BrickAccumulator } from '../src/refine/transform/brick-accumulator.ts';
import { createFrameTransformer } from '../src/refine/transform/frame-transformer.ts';

const [wrapper, variant, firstArg, lastArg] = process.argv.slice(2) as [string, string, string, string];
const first = Number(firstArg);
const last = Number(lastArg);
const MEMORY = 4 * 1024 ** 3;

interface Out {
  frames: number;
  pixels: number;
  seconds: number;
  accumulate: number;
  merge: number;
  checksum: number;
  spillMb: number;
}

async function reference(): Promise<Out> {
  const t0 = performance.now();
  const inputs = await readTransformInputs({ file: wrapper, entry: 'f1', first, last });
  const { grid } = resolveTransformGrid(inputs);
  const plan = planTransformMemory(grid, inputs.geometry.shape, 1, MEMORY);
  const spillDir = join(inputs.scanDir, `.bench-spill-${process.pid}`);
  mkdirSync(spillDir, { recursive: true });
  try {
    const spill = new SpillWriter(
      spillDir,
      'ref',
      Math.ceil(grid.k.count / 16) * Math.ceil(grid.h.count / 16),
      plan.planesPerSlab / 16,
    );
    const acc = new BrickAccumulator({
      grid,
      maxBytes: plan.cacheBytesPerWorker,
      onEvict: (id, d) => spill.write(id, d),
    });
    const tr = createFrameTransformer({ geometry: inputs.geometry, UB: inputs.UB, grid });
    const f = await openNexusFile(inputs.rawFile);
    let pixels = 0;
    for (let z = first; z <= last; z++) {
      const w = inputs.monitorWeights?.[z] ?? 1;
      const frame = f.readFrame(inputs.rawPath, z).data as ArrayLike<number>;
      pixels += tr.transformFrame(acc, z, frame, inputs.pixelMask, null, w);
    }
    f.close();
    acc.flush();
    spill.close();
    const t1 = performance.now();
    const sums = await writeTransformFile(
      join(inputs.scanDir, 'f1_transform.nxs'),
      grid,
      inputs.cell,
      spillDir,
      plan.planesPerSlab,
      'none',
    );
    const t2 = performance.now();
    return {
      frames: last - first + 1,
      pixels,
      seconds: (t2 - t0) / 1000,
      accumulate: (t1 - t0) / 1000,
      merge: (t2 - t1) / 1000,
      checksum: sums.sumWeights,
      spillMb: spill.bytes / 2 ** 20,
    };
  } finally {
    rmSync(spillDir, { recursive: true, force: true });
  }
}

async function pooled(size: number): Promise<Out> {
  // the job makes its own pool and closes it before the merge, as `nxr transform` does
  const r = await transformData({
    file: wrapper,
    entry: 'f1',
    first,
    last,
    workers: size,
    memoryLimitBytes: MEMORY,
  });
  return {
    frames: r.last - r.first + 1,
    pixels: r.pixels,
    seconds: r.seconds.total,
    accumulate: r.seconds.accumulate,
    merge: r.seconds.merge,
    checksum: r.sumWeights,
    spillMb: r.spillBytes / 2 ** 20,
  };
}

const result =
  variant === 'reference' ? await reference() : await pooled(Number(variant.replace('pool-', '')));
const cpu = process.cpuUsage();
console.log(
  JSON.stringify({
    ...result,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
