/**
 * `npm run bench [-- --frames N] [--only read-frames|find-peaks|transform|sum-scans]`: speed and memory figures, each printed
 * beside a plain single-thread reference run on the same data, every variant in its own process
 * (so peak memory is its own). Data: simulated pilatus2m rotations (1475 × 1679 int32) written by
 * `nxr simulate` into .bench/ on first use and reused afterwards.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { updateNexusFile } from '../src/engine/io/nexus-writer.ts';
import { simulateExperiment } from '../src/engine/simulate/simulate-experiment.ts';

const { values } = parseArgs({
  options: { frames: { type: 'string', default: '400' }, only: { type: 'string' } },
});
const frames = Number(values.frames);
const root = resolve(import.meta.dirname, '..');
const benchDir = join(root, '.bench');

interface Row {
  benchmark: string;
  data: string;
  variant: string;
  frames: number;
  seconds: number;
  fps: number;
  mpixPerS: number;
  maxRssMb: number;
  checksum: number;
}

async function pilatus2m(compression: 'bslz4' | 'gzip'): Promise<string> {
  const outDir = join(benchDir, `pilatus2m-${compression}-${frames}`);
  const raw = join(outDir, 'sim', 'xtal1', '300K', 'f1.h5');
  if (!existsSync(raw)) {
    mkdirSync(outDir, { recursive: true });
    const t0 = performance.now();
    process.stdout.write(
      `simulating a ${frames}-frame pilatus2m rotation (${compression}) into ${outDir} … `,
    );
    await simulateExperiment({
      outDir,
      preset: 'pilatus2m',
      seed: 1,
      cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P m m m',
      entries: 1,
      nframes: frames,
      compression,
      dtype: 'int32',
      sample: 'sim',
      label: 'xtal1',
      scan: '300K',
      overwrite: true,
    });
    const s = (performance.now() - t0) / 1000;
    console.log(`${s.toFixed(0)} s (${(frames / s).toFixed(1)} frames/s simulated and written)`);
  }
  return raw;
}

function runChild(
  script: string,
  args: string[],
): Omit<Row, 'benchmark' | 'data' | 'variant' | 'fps' | 'mpixPerS'> {
  const out = execFileSync(
    process.execPath,
    ['--import', join(root, 'bin', 'register-ts.mjs'), join(root, 'bench', script), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Omit<
    Row,
    'benchmark' | 'data' | 'variant' | 'fps' | 'mpixPerS'
  >;
}

function printTable(rows: Row[]): void {
  const head = [
    'benchmark',
    'data',
    'variant',
    'frames',
    'seconds',
    'frames/s',
    'Mpixel/s',
    'peak RSS MB',
    'vs reference',
  ];
  const lines = rows.map((r) => {
    const ref = rows.find(
      (q) => q.benchmark === r.benchmark && q.data === r.data && q.variant === 'reference',
    );
    return [
      r.benchmark,
      r.data,
      r.variant,
      String(r.frames),
      r.seconds.toFixed(2),
      r.fps.toFixed(1),
      r.mpixPerS.toFixed(0),
      r.maxRssMb.toFixed(0),
      ref ? `${(r.fps / ref.fps).toFixed(2)}×` : '',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${fmt(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines) console.log(fmt(l));
}

async function readFrames(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const compression of ['bslz4', 'gzip'] as const) {
    const file = await pilatus2m(compression);
    const sizeMb = statSync(file).size / 2 ** 20;
    for (const variant of ['reference', 'pool-1', 'pool-2']) {
      const r = runChild('read-frames-child.ts', [file, '/entry/data/data', variant]);
      const fps = r.frames / r.seconds;
      rows.push({
        benchmark: 'read frames',
        data: `pilatus2m ${compression} (${sizeMb.toFixed(0)} MB)`,
        variant,
        ...r,
        fps,
        mpixPerS: (fps * 1475 * 1679) / 1e6,
      });
      process.stdout.write('.');
    }
    const sums = rows.filter((r) => r.data.startsWith(`pilatus2m ${compression}`)).map((r) => r.checksum);
    if (new Set(sums).size !== 1)
      throw new Error(`variants read different data: checksums ${sums.join(', ')}`);
  }
  return rows;
}

/** Find Maximum and Find Peaks on the bslz4 rotation: reference vs the pool of 1 and 2 workers. */
async function findMaximumAndPeaks(): Promise<Row[]> {
  const raw = await pilatus2m('bslz4');
  const wrapper = join(raw, '..', '..', 'sim_300K.nxs');
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const step of ['find-maximum', 'find-peaks']) {
    for (const variant of ['reference', 'pool-1', 'pool-2']) {
      const r = runChild('find-peaks-child.ts', [wrapper, step, variant]) as ReturnType<typeof runChild> & {
        cpuSeconds: number;
      };
      const ms = (1000 * r.cpuSeconds) / r.frames;
      notes.push(
        `${step} ${variant}: ${ms.toFixed(1)} ms CPU per frame (all threads)` +
          (variant === 'pool-2' ? ` → at most ${(2000 / ms).toFixed(0)} frames/s on 2 idle cores` : ''),
      );
      const fps = r.frames / r.seconds;
      rows.push({
        benchmark: step,
        data: 'pilatus2m bslz4',
        variant,
        ...r,
        fps,
        mpixPerS: (fps * 1475 * 1679) / 1e6,
      });
      process.stdout.write('.');
    }
    const sums = rows.filter((r) => r.benchmark === step).map((r) => r.checksum);
    if (new Set(sums).size !== 1) throw new Error(`${step} variants disagree: checksums ${sums.join(', ')}`);
  }
  console.log(`\n${notes.join('\n')}`);
  return rows;
}

/**
 * Transform Data into NXRefine's default grid (1201 × 1201 × 801 voxels, 9.2 GB of v and n) on a
 * pilatus2m rotation of TiO2 (a = 4.594, c = 2.959 Å, spec §11.7): reference vs pool of 1 and 2.
 */
async function transformBench(): Promise<Row[]> {
  const outDir = join(benchDir, `transform-pilatus2m-${frames}`);
  const wrapper = join(outDir, 'sim', 'xtal1', 'sim_300K.nxs');
  const truthFile = join(outDir, 'truth.json');
  if (!existsSync(truthFile)) {
    mkdirSync(outDir, { recursive: true });
    process.stdout.write(`simulating a ${frames}-frame pilatus2m TiO2 rotation into ${outDir} … `);
    const t0 = performance.now();
    await simulateExperiment({
      outDir,
      preset: 'pilatus2m',
      seed: 1,
      cell: { a: 4.594, b: 4.594, c: 2.959, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P 42/m n m',
      entries: 1,
      nframes: frames,
      compression: 'bslz4',
      dtype: 'int32',
      sample: 'sim',
      label: 'xtal1',
      scan: '300K',
      overwrite: true,
    });
    console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  // the orientation and lattice Refine Lattice / Define Lattice would have written
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as {
    crystal: { U: number[][]; cell: Record<string, number> };
  };
  await updateNexusFile(wrapper, (w) => {
    w.field('/f1/instrument/detector/orientation_matrix', Float64Array.from(truth.crystal.U.flat()), {
      shape: [3, 3],
    });
    for (const [k, v] of Object.entries(truth.crystal.cell)) w.field(`/entry/sample/unitcell_${k}`, v);
  });
  const first = Math.min(10, frames - 2);
  const last = Math.max(first, frames - 10); // NXRefine's default last frame (inclusive)
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const variant of ['reference', 'pool-1', 'pool-2']) {
    const r = runChild('transform-child.ts', [wrapper, variant, String(first), String(last)]) as ReturnType<
      typeof runChild
    > & { accumulate: number; merge: number; spillMb: number; pixels: number; cpuSeconds: number };
    const fps = r.frames / r.seconds;
    rows.push({
      benchmark: 'transform',
      data: 'pilatus2m bslz4 → 1201×1201×801',
      variant,
      ...r,
      fps,
      mpixPerS: (fps * 1475 * 1679) / 1e6,
    });
    const whole = (r.accumulate * 3631) / r.frames + r.merge;
    notes.push(
      `transform ${variant}: accumulate ${r.accumulate.toFixed(1)} s (${((r.frames * 1475 * 1679) / r.accumulate / 1e6).toFixed(0)} Mpixel/s), ` +
        `merge ${r.merge.toFixed(1)} s, ${r.spillMb.toFixed(0)} MiB of bricks spilled, ${((1000 * r.cpuSeconds) / r.frames).toFixed(0)} ms CPU per frame; ` +
        (r.frames >= 3631
          ? 'the whole rotation'
          : `whole rotation (3631 frames) extrapolated ≈ ${whole.toFixed(0)} s`),
    );
    process.stdout.write('.');
  }
  const sums = rows.map((r) => r.checksum);
  if (Math.max(...sums) - Math.min(...sums) > 1e-6 * Math.max(...sums))
    throw new Error(`transform variants disagree: Σn ${sums.join(', ')}`);
  console.log(`\n${notes.join('\n')}`);
  return rows;
}

/** Sum Scans: two pilatus2m bslz4 rotations added into a third (written bslz4) in this thread vs the pool. */
async function sumScansBench(): Promise<Row[]> {
  const outDir = join(benchDir, `sum-pilatus2m-bslz4-${frames}`);
  const sampleDir = join(outDir, 'sim', 'xtal1');
  for (const [scan, seed] of [
    ['a', 1],
    ['b', 2],
  ] as const) {
    if (existsSync(join(sampleDir, `sim_${scan}.nxs`))) continue;
    mkdirSync(outDir, { recursive: true });
    process.stdout.write(`simulating a ${frames}-frame pilatus2m rotation '${scan}' into ${outDir} … `);
    const t0 = performance.now();
    await simulateExperiment({
      outDir,
      preset: 'pilatus2m',
      seed,
      cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P m m m',
      entries: 1,
      nframes: frames,
      compression: 'bslz4',
      dtype: 'int32',
      sample: 'sim',
      label: 'xtal1',
      scan,
      overwrite: true,
    });
    console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const variant of ['reference', 'pool-1', 'pool-2']) {
    const r = runChild('sum-scans-child.ts', [sampleDir, 'a', 'b', variant]) as ReturnType<
      typeof runChild
    > & {
      cpuSeconds: number;
    };
    const ms = (1000 * r.cpuSeconds) / r.frames;
    notes.push(
      `sum scans ${variant}: ${ms.toFixed(1)} ms CPU per summed frame (all threads: 2 frames read, 1 written)`,
    );
    const fps = r.frames / r.seconds;
    rows.push({
      benchmark: 'sum scans (2 → 1)',
      data: 'pilatus2m bslz4',
      variant,
      ...r,
      fps,
      mpixPerS: (fps * 1475 * 1679) / 1e6,
    });
    process.stdout.write('.');
  }
  const sums = rows.map((r) => r.checksum);
  if (new Set(sums).size !== 1) throw new Error(`sum-scans variants disagree: checksums ${sums.join(', ')}`);
  console.log(`\n${notes.join('\n')}`);
  return rows;
}

const benchmarks: Record<string, () => Promise<Row[]>> = {
  'read-frames': readFrames,
  'find-peaks': findMaximumAndPeaks,
  transform: transformBench,
  'sum-scans': sumScansBench,
};
const selected = values.only ? [values.only] : Object.keys(benchmarks);
const rows: Row[] = [];
for (const name of selected) {
  const bench = benchmarks[name];
  if (!bench) throw new Error(`unknown benchmark '${name}' (have: ${Object.keys(benchmarks).join(', ')})`);
  rows.push(...(await bench()));
}
printTable(rows);
console.log(`\nmachine: ${(await import('node:os')).availableParallelism()} cores, node ${process.version}`);
