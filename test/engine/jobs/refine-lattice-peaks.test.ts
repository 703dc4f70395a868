/**
 * Refine Lattice's peak list and Orient Manually on a simulated scan (nxr simulate, tiny preset →
 * Find Maximum → Find Peaks on the frames, plus junk peaks), checked against truth.json: the
 * table's H, K, L, Diff and angles; U by Busing & Levy from two found peaks given their true hkls;
 * wrong hkl choices refused; primary/secondary stored; `nxr orient`.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../src/cli/main.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { defineLattice } from '../../../src/engine/jobs/define-lattice.ts';
import { findMaximum } from '../../../src/engine/jobs/find-maximum.ts';
import { findPeaks } from '../../../src/engine/jobs/find-peaks.ts';
import { refineLatticeJob } from '../../../src/engine/jobs/refine-lattice.ts';
import { checkRefineRequest } from '../../../src/engine/refine-jobs.ts';
import { FramePool } from '../../../src/engine/pool/frame-pool.ts';
import { PEAK_STATUS } from '../../../src/refine/fit/peak-table.ts';
import { computeAzimuthalAngle, computePolarAngle } from '../../../src/refine/geometry/angles.ts';
import type { Mat3, UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import {
  angleBetweenVectors,
  invertMat3,
  multiplyMat3,
  multiplyMat3Vec3,
} from '../../../src/refine/linalg/mat3.ts';
import { computeMisorientation } from '../../../src/refine/orient/misorientation.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import type { RefineLatticeRequest } from '../../../src/shared/jobs.ts';
import { sha256, simulateScan, type SimScan } from './simulated.ts';

const CELL: UnitCell = { a: 5.2, b: 5.2, c: 12.4, alpha: 90, beta: 90, gamma: 90 };
const SPACE_GROUP = 'P 4/m m m';
const FIT = ['a', 'c', 'U', 'distance', 'beamCenterX', 'beamCenterY', 'yaw', 'pitch'] as const;

let root: string;
let sim: SimScan;
/** The true hkl of each peak of the list (undefined for junk and unmatched peaks). */
let truthHkl: Array<Vec3 | undefined>;
/** Two found peaks with their true hkls (low angle, ≥ 30° apart). */
let pair: { primary: number; secondary: number; hkl1: Vec3; hkl2: Vec3 };
let pristine: string;
/** Peaks 0…nFound−1 are the found ones; the rest junk. */
let nFound: number;

const copyOf = (name: string): string => {
  const f = join(root, name);
  copyFileSync(pristine, f);
  return f;
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-refine-peaks-'));
  sim = await simulateScan(root, { scan: '300K', seed: 47, cell: CELL, spaceGroup: SPACE_GROUP });
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
  const entry = sim.truth.entries[0]!;
  const g = entry.geometry;
  const found = Array.from(x, (_, i) => ({ x: x[i]!, y: y[i]!, z: z[i]!, intensity: intensity[i]! }));
  // junk: random points, a quarter of the list
  const rnd = createRandom(47, 3);
  const junk = Array.from({ length: Math.ceil(found.length / 3) }, () => ({
    x: rnd.uniform() * (g.shape[1] - 1),
    y: rnd.uniform() * (g.shape[0] - 1),
    z: rnd.uniform() * (entry.nframes - 1),
    intensity: 300,
  }));
  const all = [...found, ...junk];
  nFound = found.length;
  await updateNexusFile(sim.wrapper, (w) => {
    w.remove('/f1/peaks');
    w.group('/f1/peaks', 'NXreflections');
    for (const k of ['x', 'y', 'z', 'intensity'] as const)
      w.field(
        `/f1/peaks/${k}`,
        Float64Array.from(all, (p) => p[k]),
      );
  });
  truthHkl = all.map((p, i) => {
    if (i >= found.length) return undefined;
    const r = entry.reflections.find(
      (t) => Math.abs(t.x - p.x) < 1.5 && Math.abs(t.y - p.y) < 1.5 && Math.abs(t.frame - p.z) < 1.5,
    );
    return r ? [r.h, r.k, r.l] : undefined;
  });
  // The pair: the strongest matched peaks below 2θ = 25°, at least 30° apart in Q.
  const q = (i: number): Vec3 => pixelToQSample(g, all[i]!.x, all[i]!.y, all[i]!.z);
  const candidates = all
    .map((p, i) => ({ i, p, t: truthHkl[i] }))
    .filter((c) => c.t && computePolarAngle(g, c.p.x, c.p.y) < 25)
    .sort((a, b) => b.p.intensity - a.p.intensity);
  const first = candidates[0]!;
  const second = candidates.find((c) => {
    const a = angleBetweenVectors(q(first.i), q(c.i));
    return a > 30 && a < 150;
  })!;
  pair = { primary: first.i, secondary: second.i, hkl1: first.t!, hkl2: second.t! };
  await defineLattice({ file: sim.wrapper, cell: CELL, spaceGroup: SPACE_GROUP });
  pristine = join(root, 'pristine.nxs');
  copyFileSync(sim.wrapper, pristine);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Refine Lattice peak list (H, K, L, Diff) against the truth', () => {
  it('lists every peak with its angles, fractional hkl and diff, before and after the fit', async () => {
    const file = copyOf('list.nxs');
    // Start 0.3% off in a and c: the fit has something to do.
    await defineLattice({ file, cell: { ...CELL, a: CELL.a * 1.003, b: CELL.b * 1.003, c: CELL.c * 0.997 } });
    const r = await refineLatticeJob({ file, entry: 'f1', fit: [...FIT], polarMax: 90, dryRun: true });
    const t = r.peakTable;
    const n = truthHkl.length;
    expect(t.x.length).toBe(n);
    const g = sim.truth.entries[0]!.geometry;
    const B = computeBMatrix(r.refinement.model.cell);
    // The found setting can differ from the truth's by a rotation of 4/mmm: map with T (UB_true⁻¹·UB).
    const ubTrue = sim.truth.crystal.UB;
    const T = integerTransform(ubTrue, r.refinement.UB);
    let checked = 0;
    let matched = 0;
    let junkUsed = 0;
    const diffs: number[] = [];
    const before: number[] = [];
    for (let i = 0; i < n; i++) {
      // angles with the (refined ≈ true) geometry
      expect(t.polar[i]).toBeCloseTo(computePolarAngle(g, t.x[i]!, t.y[i]!, { frame: t.z[i]! }), 2);
      expect(t.azimuthal[i]).toBeCloseTo(computeAzimuthalAngle(g, t.x[i]!, t.y[i]!, { frame: t.z[i]! }), 1);
      // Diff is |B·(hkl − rint(hkl))| of the listed hkl
      const frac: Vec3 = [t.h[i]!, t.k[i]!, t.l[i]!];
      const d = multiplyMat3Vec3(B, frac.map((v) => v - Math.round(v)) as Vec3);
      expect(t.diff[i]).toBeCloseTo(Math.hypot(...d), 12);
      const truth = truthHkl[i];
      if (!truth) {
        if (i >= nFound && t.status[i] === PEAK_STATUS.used) junkUsed++;
        continue;
      }
      checked++;
      if (t.status[i] !== PEAK_STATUS.used) continue;
      const h = multiplyMat3Vec3(T, frac.map((v) => Math.round(v)) as Vec3);
      if (h.every((v, j) => v === truth[j])) matched++;
      // the fractional hkl is within 0.02 of the true reflection
      const hf = multiplyMat3Vec3(T, frac);
      expect(Math.max(...hf.map((v, j) => Math.abs(v - truth[j]!)))).toBeLessThan(0.02);
      diffs.push(t.diff[i]!);
      before.push(t.diffStart[i]!);
      expect(t.pixelResidual[i]).toBeLessThan(1);
    }
    expect(checked).toBeGreaterThan(60);
    expect(matched / checked).toBeGreaterThanOrEqual(0.95);
    expect(junkUsed).toBeLessThanOrEqual(2);
    // after the fit: diffs ≤ 0.005 Å⁻¹, median far below the start's (cell 0.3% off)
    expect(Math.max(...diffs)).toBeLessThan(0.005);
    expect(median(diffs)).toBeLessThan(median(before) / 3);
    // statuses: polar beyond the max would be 1; here every row is used, out of tolerance or an outlier
    expect(new Set(t.status)).not.toContain(PEAK_STATUS.polar);
    expect(t.status.filter((s) => s === PEAK_STATUS.used).length).toBe(r.refinement.statistics.indexed);
  });

  it('greys peaks beyond the polar maximum (status 1)', async () => {
    const file = copyOf('polar.nxs');
    const all = await refineLatticeJob({ file, entry: 'f1', fit: [], polarMax: 90, dryRun: true });
    const limit = median(Array.from(all.peakTable.polar));
    const r = await refineLatticeJob({ file, entry: 'f1', fit: ['U'], polarMax: limit, dryRun: true });
    const t = r.peakTable;
    for (let i = 0; i < t.polar.length; i++) {
      if (t.polar[i]! > limit) expect(t.status[i]).toBe(PEAK_STATUS.polar);
      else expect(t.status[i]).not.toBe(PEAK_STATUS.polar);
    }
    expect(t.status.filter((s) => s === PEAK_STATUS.polar).length).toBeGreaterThan(t.polar.length / 3);
    expect(r.refinement.statistics.inPolarRange).toBe(t.status.filter((s) => s !== PEAK_STATUS.polar).length);
  });
});

describe('Orient Manually (Busing & Levy from two peaks)', () => {
  it('orients from two found peaks given their true hkls to within 0.01° of the truth U', async () => {
    const file = copyOf('manual.nxs');
    const before = sha256(file);
    const r = await refineLatticeJob({
      file,
      entry: 'f1',
      index: 'manual',
      manual: pair,
      fit: [],
      polarMax: 90,
      dryRun: true,
    });
    expect(sha256(file)).toBe(before);
    expect(r.indexing.method).toBe('manual');
    const m = r.manual!;
    expect(Math.abs(m.measuredAngle - m.calculatedAngle)).toBeLessThan(0.05);
    expect(Math.abs(m.peakTwoTheta[0] - m.hklTwoTheta[0])).toBeLessThan(0.02);
    const error = computeMisorientation(sim.truth.crystal.U, r.refinement.model.U);
    console.log(
      `Orient Manually: peaks ${pair.primary} (${pair.hkl1.join(' ')}) and ${pair.secondary} (${pair.hkl2.join(' ')}), angle ${m.measuredAngle.toFixed(4)}° measured vs ${m.calculatedAngle.toFixed(4)}° calculated; U error ${error.toFixed(5)}° before the fit`,
    );
    expect(error).toBeLessThanOrEqual(0.01);
    // The peak list now carries the true hkls (same setting as the truth: no symmetry ambiguity).
    const t = r.peakTable;
    let n = 0;
    let same = 0;
    truthHkl.forEach((h, i) => {
      if (!h || t.status[i] !== PEAK_STATUS.used) return;
      n++;
      if ([t.h[i]!, t.k[i]!, t.l[i]!].every((v, j) => Math.round(v) === h[j])) same++;
    });
    expect(n).toBeGreaterThan(60);
    expect(same).toBe(n);
  });

  it('continues the fit from the manual orientation and stores primary/secondary on Save', async () => {
    const file = copyOf('manual-save.nxs');
    const r = await refineLatticeJob({
      file,
      entry: 'f1',
      index: 'manual',
      manual: pair,
      fit: [...FIT],
      polarMax: 90,
    });
    const error = computeMisorientation(sim.truth.crystal.U, r.refinement.model.U);
    console.log(`Orient Manually + fit: U error ${error.toFixed(5)}°`);
    expect(error).toBeLessThanOrEqual(0.01);
    expect(r.written).toContain('/f1/peaks/primary_reflection');
    const f = await openNexusFile(file);
    try {
      expect(Number(f.readValue('/f1/peaks/primary_reflection'))).toBe(pair.primary);
      expect(Number(f.readValue('/f1/peaks/secondary_reflection'))).toBe(pair.secondary);
    } finally {
      f.close();
    }
    // read back as the dialog's defaults
    const again = await refineLatticeJob({ file, entry: 'f1', fit: [], index: 'file', dryRun: true });
    expect(again.storedReflections).toEqual({ primary: pair.primary, secondary: pair.secondary });
    expect(computeMisorientation(sim.truth.crystal.U, again.refinement.model.U)).toBeLessThanOrEqual(0.01);
  });

  it('refuses wrong hkl choices with the numbers, and bad peak indices', async () => {
    const file = copyOf('manual-bad.nxs');
    const before = sha256(file);
    const run = (manual: typeof pair): Promise<unknown> =>
      refineLatticeJob({ file, entry: 'f1', index: 'manual', manual, fit: [...FIT], polarMax: 90 }).catch(
        (e: unknown) => e,
      );
    // the two hkls swapped: the d-spacings do not match (different rings)
    const swapped = await run({ ...pair, hkl1: pair.hkl2, hkl2: pair.hkl1 });
    expect(swapped).toBeInstanceOf(NxrError);
    expect((swapped as NxrError).message).toMatch(/has d = .* Å but \(.*\) has d = .* Å/);
    expect((swapped as NxrError).file).toBe(file);
    // an equivalent secondary at the wrong angle (l → −l changes the angle to the primary)
    const mirrored: Vec3 = [pair.hkl2[0], pair.hkl2[1], -pair.hkl2[2]];
    const B = computeBMatrix(CELL);
    const angle = (h1: Vec3, h2: Vec3): number =>
      angleBetweenVectors(multiplyMat3Vec3(B, h1), multiplyMat3Vec3(B, h2));
    const wrong = [mirrored, [-pair.hkl2[0], pair.hkl2[1], pair.hkl2[2]] as Vec3].find(
      (h) => Math.abs(angle(pair.hkl1, h) - angle(pair.hkl1, pair.hkl2)) > 5,
    )!;
    expect(wrong).toBeDefined();
    const badAngle = await run({ ...pair, hkl2: wrong });
    expect((badAngle as NxrError).message).toMatch(/peaks are .*° apart but .* are .*° apart/);
    expect(((await run({ ...pair, secondary: 10_000 })) as NxrError).message).toMatch(
      /secondary peak must be a row/,
    );
    expect(((await run({ ...pair, secondary: pair.primary })) as NxrError).message).toMatch(/must differ/);
    expect(((await run({ ...pair, hkl1: [0, 0, 0] })) as NxrError).message).toMatch(/not a reflection/);
    expect(sha256(file)).toBe(before);
    await expect(refineLatticeJob({ file, entry: 'f1', index: 'manual' })).rejects.toThrow(
      /give the primary/,
    );
    await expect(refineLatticeJob({ file, entry: 'f1', index: 'fft', manual: pair })).rejects.toThrow(
      /only to orient manually/,
    );
  });

  it('checks manual requests from the UI before the job starts', () => {
    const req = (manual: unknown): RefineLatticeRequest =>
      ({ kind: 'refine-lattice', fileId: 'x', entry: 'f1', index: 'manual', manual }) as RefineLatticeRequest;
    expect(() =>
      checkRefineRequest(req({ primary: 0, secondary: 1, hkl1: [1, 0, 0], hkl2: [0, 1, 0] })),
    ).not.toThrow();
    expect(() =>
      checkRefineRequest(req({ primary: -1, secondary: 1, hkl1: [1, 0, 0], hkl2: [0, 1, 0] })),
    ).toThrow(/peak index/);
    expect(() =>
      checkRefineRequest(req({ primary: 0, secondary: 1, hkl1: [1, 0], hkl2: [0, 1, 0] })),
    ).toThrow(/three integers/);
    expect(() =>
      checkRefineRequest(req({ primary: 0, secondary: 1, hkl1: [1, 0, 0], hkl2: [0, 1, 0], extra: 1 })),
    ).toThrow(/unknown manual/);
  });
});

describe('nxr orient', () => {
  it('prints the angle check and the orientation; --save writes it; wrong hkls fail clearly', async () => {
    const file = copyOf('cli.nxs');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const args = [
      'orient',
      file,
      '--primary',
      String(pair.primary),
      '--secondary',
      String(pair.secondary),
      `--hkl1=${pair.hkl1.join(',')}`,
      `--hkl2=${pair.hkl2.join(',')}`,
      '--polar-max',
      '90',
    ];
    const before = sha256(file);
    expect(await main([...args, '--json'], io)).toBe(0);
    const json = JSON.parse(out.join('\n')) as {
      manual: { measuredAngle: number; calculatedAngle: number };
      U: Mat3;
      written: string[];
    };
    expect(computeMisorientation(sim.truth.crystal.U, json.U)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(json.manual.measuredAngle - json.manual.calculatedAngle)).toBeLessThan(0.05);
    expect(json.written).toEqual([]);
    expect(sha256(file)).toBe(before);
    out.length = 0;
    expect(await main([...args, '--save'], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/angle between the peaks \d+\.\d{3}°, between the hkls \d+\.\d{3}°/);
    expect(text).toMatch(/orientation_matrix:/);
    expect(text).toMatch(/wrote \d+ fields/);
    const f = await openNexusFile(file);
    try {
      expect(Number(f.readValue('/f1/peaks/primary_reflection'))).toBe(pair.primary);
      const m = f.readValue('/f1/instrument/detector/orientation_matrix') as Float64Array;
      const U: Mat3 = [
        [m[0]!, m[1]!, m[2]!],
        [m[3]!, m[4]!, m[5]!],
        [m[6]!, m[7]!, m[8]!],
      ];
      // tetragonal: the stored matrix is U itself
      expect(computeMisorientation(sim.truth.crystal.U, U)).toBeLessThanOrEqual(0.01);
    } finally {
      f.close();
    }
    err.length = 0;
    expect(
      await main([...args.slice(0, 6), `--hkl1=${pair.hkl2.join(',')}`, `--hkl2=${pair.hkl1.join(',')}`], io),
    ).not.toBe(0);
    expect(err.join('\n')).toMatch(/orient manually: the primary peak has d = /);
    err.length = 0;
    expect(
      await main(
        ['orient', file, '--primary', '0', '--secondary', '1', '--hkl1', '1,0', '--hkl2', '0,1,0'],
        io,
      ),
    ).not.toBe(0);
    expect(err.join('\n')).toMatch(/--hkl1 needs 3 numbers/);
    err.length = 0;
    expect(
      await main(['orient', file, '--secondary', '1', '--hkl1', '1,0,0', '--hkl2', '0,1,0'], io),
    ).not.toBe(0);
    expect(err.join('\n')).toMatch(/--primary I is required/);
  });
});

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Integer matrix T with h_true = T·h_found (UB_true⁻¹·UB_found, rounded). */
function integerTransform(ubTrue: Mat3, ub: Mat3): Mat3 {
  return multiplyMat3(invertMat3(ubTrue), ub).map((r) => r.map((v) => Math.round(v))) as Mat3;
}
