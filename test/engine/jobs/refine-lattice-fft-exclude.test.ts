/**
 * Refine Lattice's Orient by FFT cell table and per-peak exclusion on a simulated scan (nxr
 * simulate, tiny preset → Find Maximum → Find Peaks on the frames), against truth.json: the FFT
 * candidates include the true cell, a picked candidate starts a fit that recovers the truth, and
 * junk peaks (true peaks copied 1 px off, so that they index and enter the fit) unticked by the
 * user leave the fit: the used count drops by exactly their number and the fit does not worsen.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { defineLattice } from '../../../src/engine/jobs/define-lattice.ts';
import { findMaximum } from '../../../src/engine/jobs/find-maximum.ts';
import { findPeaks } from '../../../src/engine/jobs/find-peaks.ts';
import { orientByFftJob, refineLatticeJob } from '../../../src/engine/jobs/refine-lattice.ts';
import { checkRefineRequest } from '../../../src/engine/refine-jobs.ts';
import { main } from '../../../src/cli/main.ts';
import { FramePool } from '../../../src/engine/pool/frame-pool.ts';
import { PEAK_STATUS } from '../../../src/refine/fit/peak-table.ts';
import type { UnitCell } from '../../../src/refine/geometry/models.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import type { RefineLatticeRequest } from '../../../src/shared/jobs.ts';
import { compareToTruth } from '../../refine/fit/compare-to-truth.ts';
import { sha256, simulateScan, type SimScan } from './simulated.ts';

const CELL: UnitCell = { a: 5.2, b: 5.2, c: 12.4, alpha: 90, beta: 90, gamma: 90 };
const SPACE_GROUP = 'P 4/m m m';
const FIT = ['a', 'c', 'U', 'distance', 'beamCenterX', 'beamCenterY', 'yaw', 'pitch'] as const;

let root: string;
let sim: SimScan;
let pristine: string;
/** Rows of the junk copies (true peaks 1 px off). */
let junkRows: number[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-refine-fft-exclude-'));
  sim = await simulateScan(root, { scan: '300K', seed: 53, cell: CELL, spaceGroup: SPACE_GROUP });
  const pool = new FramePool({ size: 2 });
  try {
    await findMaximum({ file: sim.wrapper, entry: 'f1', pool });
    await findPeaks({ file: sim.wrapper, entry: 'f1', threshold: 2000, pool });
  } finally {
    await pool.close();
  }
  const f = await openNexusFile(sim.wrapper);
  const col = (n: string): Float64Array =>
    Float64Array.from(f.readValue(`/f1/peaks/${n}`) as ArrayLike<number>);
  const [x, y, z, intensity] = [col('x'), col('y'), col('z'), col('intensity')];
  f.close();
  const found = Array.from(x, (_, i) => ({ x: x[i]!, y: y[i]!, z: z[i]!, intensity: intensity[i]! }));
  // Junk: every 8th found peak again, 1 px off in x (12 at most).
  const junk = found
    .filter((_, i) => i % 8 === 3)
    .slice(0, 12)
    .map((p) => ({ ...p, x: p.x + 1 }));
  const all = [...found, ...junk];
  junkRows = junk.map((_, j) => found.length + j);
  await updateNexusFile(sim.wrapper, (w) => {
    w.remove('/f1/peaks');
    w.group('/f1/peaks', 'NXreflections');
    for (const k of ['x', 'y', 'z', 'intensity'] as const)
      w.field(
        `/f1/peaks/${k}`,
        Float64Array.from(all, (p) => p[k]),
      );
  });
  await defineLattice({
    file: sim.wrapper,
    cell: { ...CELL, a: CELL.a * 1.003, b: CELL.b * 1.003, c: CELL.c * 0.997 },
    spaceGroup: SPACE_GROUP,
  });
  pristine = join(root, 'pristine.nxs');
  copyFileSync(sim.wrapper, pristine);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const copyOf = (name: string): string => {
  const f = join(root, name);
  copyFileSync(pristine, f);
  return f;
};

describe('Orient by FFT (orientByFftJob) on a simulated scan', () => {
  it('lists candidate cells including the true one, and a picked cell starts a fit that finds the truth', async () => {
    const file = copyOf('fft.nxs');
    const before = sha256(file);
    const r = await orientByFftJob({ file, entry: 'f1', polarMax: 90 });
    expect(sha256(file)).toBe(before); // read-only
    expect(r.candidates.length).toBeGreaterThan(1);
    const near = (c: UnitCell): boolean =>
      (['a', 'b', 'c'] as const).every((k) => Math.abs(c[k] / CELL[k] - 1) <= 0.005) &&
      (['alpha', 'beta', 'gamma'] as const).every((k) => Math.abs(c[k] - CELL[k]) <= 0.5);
    const truthRows = r.candidates.filter((c) => near(c.cell));
    expect(truthRows.length).toBeGreaterThanOrEqual(1);
    // The space group's row (tetragonal P) is preferred, is the true cell and matches the defined lattice.
    const p = r.candidates[r.preferred]!;
    expect(p.latticeSystem).toBe('tetragonal');
    expect(p.centring).toBe('P');
    expect(p.matchesSpaceGroup).toBe(true);
    expect(p.matchesCell).toBe(true);
    expect(near(p.cell)).toBe(true);
    expect(p.volume).toBeCloseTo(CELL.a * CELL.b * CELL.c, -1);
    expect(p.fraction).toBeGreaterThan(0.5);
    expect(p.indexed).toBeLessThanOrEqual(r.peaks);
    // Triclinic P is always a row, and indexes at least as many peaks as any other.
    const tri = r.candidates.find((c) => c.latticeSystem === 'triclinic')!;
    expect(tri.indexed).toBeGreaterThanOrEqual(Math.max(...r.candidates.map((c) => c.indexed)) - 2);

    const fit = await refineLatticeJob({
      file,
      entry: 'f1',
      fit: [...FIT],
      polarMax: 90,
      index: 'fft',
      fftCell: { latticeSystem: p.latticeSystem, centring: p.centring, cell: p.cell, U: p.U },
      dryRun: true,
    });
    expect(fit.indexing.method).toBe('fft');
    expect(fit.indexing.source).toMatch(/picked/);
    for (const k of ['a', 'b', 'c'] as const)
      expect(Math.abs(fit.refinement.model.cell[k] / CELL[k] - 1)).toBeLessThanOrEqual(3e-4);
    const cmp = compareToTruth({ UB: fit.refinement.UB }, sim.truth.crystal, [], []);
    expect(cmp.orientationError).toBeLessThanOrEqual(0.01);
    expect(sha256(file)).toBe(before);
  });

  it('refuses a picked cell without index fft, and too few peaks', async () => {
    const file = copyOf('fft-bad.nxs');
    const pick = {
      latticeSystem: 'tetragonal',
      centring: 'P',
      cell: CELL,
      U: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ] as [[number, number, number], [number, number, number], [number, number, number]],
    };
    await expect(refineLatticeJob({ file, entry: 'f1', index: 'auto', fftCell: pick })).rejects.toThrow(
      /only with index 'fft'/,
    );
    await expect(orientByFftJob({ file, entry: 'f1', polarMax: 0.01 })).rejects.toThrow(/too few to orient/);
    await expect(
      refineLatticeJob({
        file,
        entry: 'f1',
        index: 'fft',
        fftCell: { ...pick, latticeSystem: 'pentagonal' },
      }),
    ).rejects.toThrow(/not a Bravais lattice type/);
  });
});

describe('Excluded peaks (the unticked rows)', () => {
  it('leave the fit: used count down by exactly their number, the fit no worse, status 5', async () => {
    const file = copyOf('exclude.nxs');
    // No outlier rejection, so that the count is exact: the junk copies enter the fit.
    const common = {
      file,
      entry: 'f1',
      fit: [...FIT],
      polarMax: 90,
      index: 'known-cell' as const,
      outlierThreshold: 1e6,
      dryRun: true,
    };
    const base = await refineLatticeJob(common);
    const used = junkRows.filter((i) => base.peakTable.status[i] === PEAK_STATUS.used);
    expect(used.length).toBeGreaterThanOrEqual(6);
    const r = await refineLatticeJob({ ...common, exclude: used });
    expect(r.refinement.statistics.indexed).toBe(base.refinement.statistics.indexed - used.length);
    for (const i of used) expect(r.peakTable.status[i]).toBe(PEAK_STATUS.user);
    expect(r.refinement.statistics.rmsdPixels).toBeLessThanOrEqual(base.refinement.statistics.rmsdPixels);
    // 1 px junk among sub-0.3 px peaks: the fit without them is clearly better.
    expect(r.refinement.statistics.rmsdPixels).toBeLessThan(0.8 * base.refinement.statistics.rmsdPixels);
    const cmp = compareToTruth({ UB: r.refinement.UB }, sim.truth.crystal, [], []);
    expect(cmp.orientationError).toBeLessThanOrEqual(0.01);

    // Saved: the excluded rows are written as not indexed.
    const saved = await refineLatticeJob({ ...common, exclude: used, dryRun: false });
    expect(saved.written.length).toBeGreaterThan(0);
    const f = await openNexusFile(file);
    try {
      const indexed = f.readValue('/f1/peaks/indexed') as Int8Array;
      for (const i of used) expect(indexed[i]).toBe(0);
    } finally {
      f.close();
    }
  });

  it('nxr refine-lattice --exclude leaves the same rows out as the job does', async () => {
    const file = copyOf('exclude-cli.nxs');
    const args = ['refine-lattice', file, '--index', 'known-cell', '--polar-max', '90'];
    args.push('--outlier-threshold', '1e6', '--dry-run', '--json');
    const run = async (extra: string[]): Promise<{ refinement: { statistics: { indexed: number } } }> => {
      const out: string[] = [];
      const io = { out: (s: string) => out.push(s), err: () => undefined };
      expect(await main([...args, ...extra], io)).toBe(0);
      return JSON.parse(out.join('\n')) as { refinement: { statistics: { indexed: number } } };
    };
    const base = await refineLatticeJob({
      file,
      entry: 'f1',
      polarMax: 90,
      index: 'known-cell',
      outlierThreshold: 1e6,
      dryRun: true,
    });
    const used = junkRows.filter((i) => base.peakTable.status[i] === PEAK_STATUS.used);
    expect(used.length).toBeGreaterThanOrEqual(6);
    const all = await run([]);
    expect(all.refinement.statistics.indexed).toBe(base.refinement.statistics.indexed);
    const cut = await run(['--exclude', used.join(',')]);
    expect(cut.refinement.statistics.indexed).toBe(base.refinement.statistics.indexed - used.length);
    const err: string[] = [];
    const bad = { out: () => undefined, err: (t: string) => err.push(t) };
    expect(await main([...args, '--exclude', '1,x'], bad)).toBe(2);
    expect(await main([...args, '--exclude', '1.5'], bad)).toBe(2);
    expect(err.join('\n')).toMatch(/--exclude must be comma-separated numbers[\s\S]*integers from 0/);
  });

  it('refuses indices that are not rows, in the job and in the request check', async () => {
    const file = copyOf('exclude-bad.nxs');
    const before = sha256(file);
    const err = await refineLatticeJob({ file, entry: 'f1', exclude: [100000] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NxrError);
    expect((err as NxrError).path).toBe('/f1/peaks');
    expect((err as NxrError).file).toBe(file);
    expect(String((err as NxrError).message)).toMatch(/rows of the peak list/);
    expect(sha256(file)).toBe(before);
    const req = (extra: Partial<RefineLatticeRequest>): RefineLatticeRequest => ({
      kind: 'refine-lattice',
      fileId: 'x',
      entry: 'f1',
      ...extra,
    });
    expect(() => checkRefineRequest(req({ exclude: [1, 2] }))).not.toThrow();
    expect(() => checkRefineRequest(req({ exclude: [-1] }))).toThrow(/peak indices/);
    expect(() => checkRefineRequest(req({ exclude: [0.5] }))).toThrow(/peak indices/);
    expect(() => checkRefineRequest(req({ exclude: 3 as unknown as number[] }))).toThrow();
    const fftCell = {
      latticeSystem: 'cubic',
      centring: 'P',
      cell: CELL,
      U: [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ] as [[number, number, number], [number, number, number], [number, number, number]],
    };
    expect(() => checkRefineRequest(req({ index: 'fft', fftCell }))).not.toThrow();
    expect(() => checkRefineRequest(req({ index: 'auto', fftCell }))).toThrow(/only with index 'fft'/);
    expect(() =>
      checkRefineRequest(req({ index: 'fft', fftCell: { ...fftCell, U: [[1, 0, 0]] as never } })),
    ).toThrow(/3×3/);
    expect(() => checkRefineRequest({ kind: 'orient-fft', fileId: 'x', entry: 'f1', exclude: [-2] })).toThrow(
      /peak indices/,
    );
    expect(() =>
      checkRefineRequest({ kind: 'orient-fft', fileId: 'x', entry: 'f1', dMax: 12 }),
    ).not.toThrow();
  });
});
