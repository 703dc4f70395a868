/**
 * Refine Lattice as a job on a simulated scan, the whole chain through the frames: nxr simulate
 * (tiny preset) → Find Maximum → Find Peaks on the frames, plus junk peaks (a third of the list)
 * → Define Lattice with a cell 0.3% off → refineLatticeJob (indexing with the known cell, then
 * least squares) against truth.json. Then a child scan (U rotated by 0.5°, cell +0.1%) that
 * starts from the parent's orientation, FFT indexing without a cell, errors, and the nxr command.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../src/cli/main.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { defineLattice } from '../../../src/engine/jobs/define-lattice.ts';
import { findMaximum } from '../../../src/engine/jobs/find-maximum.ts';
import { findPeaks } from '../../../src/engine/jobs/find-peaks.ts';
import { refineLatticeJob } from '../../../src/engine/jobs/refine-lattice.ts';
import { FramePool } from '../../../src/engine/pool/frame-pool.ts';
import { rotationFromVector } from '../../../src/refine/fit/lattice-parameters.ts';
import type { Mat3, UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { invertMat3, multiplyMat3, multiplyMat3Vec3 } from '../../../src/refine/linalg/mat3.ts';
import { computeMisorientation } from '../../../src/refine/orient/misorientation.ts';
import { fromNxRefineOrientationMatrix } from '../../../src/refine/orient/orientation-matrix-convention.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';
import { findSpaceGroup } from '../../../src/refine/symmetry/space-groups.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { compareToTruth } from '../../refine/fit/compare-to-truth.ts';
import { makeSyntheticScan } from '../../refine/fit/synthetic-peaks.ts';
import { sha256, simulateScan, type SimScan } from './simulated.ts';

const CELL: UnitCell = { a: 5.2, b: 5.2, c: 12.4, alpha: 90, beta: 90, gamma: 90 };
const SPACE_GROUP = 'P 4/m m m';
// NXRefine offers no fit box for roll; on this small detector roll and the orientation trade off.
const FIT = ['a', 'c', 'U', 'distance', 'beamCenterX', 'beamCenterY', 'yaw', 'pitch'] as const;

let root: string;
let sim: SimScan;
/** The peaks written (found + junk) and, for the found ones, the true hkl of the matching reflection. */
let truthHkl: Array<Vec3 | undefined>;
let pristine: string;

async function readMatrix(file: string, path: string): Promise<Mat3> {
  const f = await openNexusFile(file);
  try {
    const v = f.readValue(path) as Float64Array;
    return [
      [v[0]!, v[1]!, v[2]!],
      [v[3]!, v[4]!, v[5]!],
      [v[6]!, v[7]!, v[8]!],
    ];
  } finally {
    f.close();
  }
}

/** Replace every column of <entry>/peaks by new x, y, z, intensity (other columns dropped). */
async function writePeaks(
  file: string,
  peaks: Array<{ x: number; y: number; z: number; intensity: number }>,
): Promise<void> {
  await updateNexusFile(file, (w) => {
    if (w.has('/f1/peaks')) w.remove('/f1/peaks');
    w.group('/f1/peaks', 'NXreflections');
    w.field(
      '/f1/peaks/x',
      Float64Array.from(peaks, (p) => p.x),
    );
    w.field(
      '/f1/peaks/y',
      Float64Array.from(peaks, (p) => p.y),
    );
    w.field(
      '/f1/peaks/z',
      Float64Array.from(peaks, (p) => p.z),
    );
    w.field(
      '/f1/peaks/intensity',
      Float64Array.from(peaks, (p) => p.intensity),
    );
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-refine-lattice-'));
  sim = await simulateScan(root, { scan: '300K', seed: 31, cell: CELL, spaceGroup: SPACE_GROUP });
  const pool = new FramePool({ size: 2 });
  try {
    await findMaximum({ file: sim.wrapper, entry: 'f1', pool });
    await findPeaks({ file: sim.wrapper, entry: 'f1', threshold: 2000, pool });
  } finally {
    await pool.close();
  }
  // Found peaks + junk (random points and aluminium powder-ring points): junk ≥ 1/3 of the list.
  const f = await openNexusFile(sim.wrapper);
  const col = (n: string): Float64Array =>
    Float64Array.from(f.readValue(`/f1/peaks/${n}`) as ArrayLike<number>);
  const [x, y, z, intensity] = [col('x'), col('y'), col('z'), col('intensity')];
  f.close();
  const entry = sim.truth.entries[0]!;
  const found = Array.from(x, (_, i) => ({ x: x[i]!, y: y[i]!, z: z[i]!, intensity: intensity[i]! }));
  const rnd = createRandom(31, 5);
  const g = entry.geometry;
  const [ny, nx] = g.shape;
  const junk: typeof found = [];
  while (junk.length < Math.ceil(0.55 * found.length)) {
    const ring = junk.length % 2 === 1;
    const r = (g.distance * Math.tan(2 * Math.asin(g.wavelength / (2 * 2.338)))) / g.pixelSize;
    const psi = 2 * Math.PI * rnd.uniform();
    const px = ring ? g.beamCenterX + r * Math.sin(psi) : rnd.uniform() * (nx - 1);
    const py = ring ? g.beamCenterY + r * Math.cos(psi) : rnd.uniform() * (ny - 1);
    if (px < 0 || py < 0 || px > nx - 1 || py > ny - 1) continue;
    junk.push({ x: px, y: py, z: rnd.uniform() * (entry.nframes - 1), intensity: 500 });
  }
  const all = [...found, ...junk];
  await writePeaks(sim.wrapper, all);
  truthHkl = all.map((p, i) => {
    if (i >= found.length) return undefined;
    const r = entry.reflections.find(
      (t) => Math.abs(t.x - p.x) < 1.5 && Math.abs(t.y - p.y) < 1.5 && Math.abs(t.frame - p.z) < 1.5,
    );
    return r ? [r.h, r.k, r.l] : undefined;
  });
  // The lattice as known from another temperature: 0.3% off.
  await defineLattice({
    file: sim.wrapper,
    cell: { ...CELL, a: CELL.a * 1.003, b: CELL.b * 1.003, c: CELL.c * 0.997 },
    spaceGroup: SPACE_GROUP,
  });
  pristine = join(dirname(sim.wrapper), 'pristine.nxs');
  copyFileSync(sim.wrapper, pristine);
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('refineLatticeJob on a simulated scan (frames → find-peaks → index → refine)', () => {
  it('indexes with the known cell and recovers the truth', async () => {
    const found = truthHkl.filter((h) => h !== undefined).length;
    expect(found).toBeGreaterThan(60);
    expect((truthHkl.length - found) / truthHkl.length).toBeGreaterThanOrEqual(1 / 3);
    const result = await refineLatticeJob({ file: sim.wrapper, entry: 'f1', fit: [...FIT], polarMax: 90 });
    expect(result.indexing.method).toBe('known-cell');
    const truth = sim.truth;
    const s = result.refinement.statistics;
    const cell = result.refinement.model.cell;
    for (const k of ['a', 'b', 'c'] as const)
      expect(Math.abs(cell[k] / CELL[k] - 1)).toBeLessThanOrEqual(2e-4);
    expect(
      Math.abs(result.refinement.model.geometry.distance / truth.entries[0]!.geometry.distance - 1),
    ).toBeLessThanOrEqual(5e-4);
    expect(s.rmsdPixels).toBeLessThanOrEqual(0.3);
    // What the file now says.
    const m = await readMatrix(sim.wrapper, '/f1/instrument/detector/orientation_matrix');
    const fromFile = fromNxRefineOrientationMatrix(m, cell);
    expect(fromFile.mismatch).toBeLessThan(1e-12);
    const cmp = compareToTruth({ UB: fromFile.UB }, truth.crystal, [], []);
    expect(cmp.nonInteger).toBeLessThan(0.01);
    expect(cmp.orientationError).toBeLessThanOrEqual(0.01);
    const f = await openNexusFile(sim.wrapper);
    try {
      expect(f.readValue('/entry/sample/unitcell_a')).toBeCloseTo(cell.a, 12);
      expect(f.readValue('/entry/sample/unitcell_c')).toBeCloseTo(cell.c, 12);
      expect(f.readValue('/f1/instrument/detector/distance')).toBeCloseTo(
        result.refinement.model.geometry.distance,
        9,
      );
      expect(f.readValue('/entry/nxreduce/polar_max')).toBe(90);
      expect(f.entity('/f1/nxrefine', { attrs: true }).nxClass).toBe('NXprocess');
      expect(String(f.readValue('/f1/nxrefine/note/data'))).toContain('[[Variables]]');
      // h, k, l of the peaks: ≥ 95% of the found true reflections indexed with their true hkl.
      const h = f.readValue('/f1/peaks/h') as Float64Array;
      const k = f.readValue('/f1/peaks/k') as Float64Array;
      const l = f.readValue('/f1/peaks/l') as Float64Array;
      const indexed = f.readValue('/f1/peaks/indexed') as Int8Array;
      let good = 0;
      let junkIndexed = 0;
      truthHkl.forEach((t, i) => {
        if (!t) {
          if (indexed[i]) junkIndexed++;
          return;
        }
        if (!indexed[i]) return;
        const mapped = multiplyMat3Vec3(cmp.T, [Math.round(h[i]!), Math.round(k[i]!), Math.round(l[i]!)]);
        if (mapped.every((v, j) => v === t[j])) good++;
      });
      expect(good / found).toBeGreaterThanOrEqual(0.95);
      expect(junkIndexed).toBeLessThanOrEqual(2);
    } finally {
      f.close();
    }
  });

  it('refines a child scan (U rotated 0.5°, cell +0.1%) from the parent orientation copied into it', async () => {
    const child = join(dirname(sim.wrapper), 'sim_301K.nxs');
    copyFileSync(sim.wrapper, child); // carries the parent's refined orientation_matrix and cell, as nxcopy does
    const truth = sim.truth;
    const g = truth.entries[0]!.geometry;
    const sg = findSpaceGroup(SPACE_GROUP);
    const axis = [0.6, -0.5, 0.6];
    const n = Math.hypot(...axis);
    const childU = multiplyMat3(rotationFromVector(axis.map((v) => (0.5 * v) / n) as Vec3), truth.crystal.U);
    const childCell = { ...CELL, a: CELL.a * 1.001, b: CELL.b * 1.001, c: CELL.c * 1.001 };
    const scan = makeSyntheticScan({
      seed: 41,
      cell: childCell,
      spaceGroup: sg,
      U: childU,
      preset: 'tiny',
      nframes: truth.entries[0]!.nframes,
      geometry: g,
    });
    await writePeaks(
      child,
      scan.peaks.map((p) => ({ x: p.x, y: p.y, z: p.frame, intensity: p.intensity ?? 1 })),
    );
    const result = await refineLatticeJob({
      file: child,
      entry: 'f1',
      fit: [...FIT],
      polarMax: 90,
      parent: null,
    });
    expect(result.indexing.method).toBe('file');
    expect(computeMisorientation(truth.crystal.U, childU)).toBeCloseTo(0.5, 9);
    const cell = result.refinement.model.cell;
    for (const k of ['a', 'c'] as const)
      expect(Math.abs(cell[k] / childCell[k] - 1)).toBeLessThanOrEqual(2e-4);
    const cmp = compareToTruth({ UB: result.refinement.UB }, scan, [], []);
    expect(cmp.orientationError).toBeLessThanOrEqual(0.01);
    expect(result.refinement.statistics.rmsdPixels).toBeLessThanOrEqual(0.3);

    // Without its own orientation matrix, the child starts from the parent's (HEAD's pull).
    const child2 = join(dirname(sim.wrapper), 'sim_302K.nxs');
    copyFileSync(child, child2);
    await updateNexusFile(child2, (w) => w.remove('/f1/instrument/detector/orientation_matrix'));
    const r2 = await refineLatticeJob({
      file: child2,
      entry: 'f1',
      fit: [...FIT],
      polarMax: 90,
      parent: sim.wrapper,
      dryRun: true,
    });
    expect(r2.indexing.method).toBe('parent');
    expect(r2.written).toEqual([]);
    const cmp2 = compareToTruth({ UB: r2.refinement.UB }, scan, [], []);
    expect(cmp2.orientationError).toBeLessThanOrEqual(0.01);
  });

  it('indexes by FFT when the file has no orientation and the cell is not used', async () => {
    const copy = join(root, 'fft.nxs');
    copyFileSync(pristine, copy);
    const before = sha256(copy);
    const result = await refineLatticeJob({
      file: copy,
      entry: 'f1',
      fit: [...FIT],
      polarMax: 90,
      index: 'fft',
      spaceGroup: SPACE_GROUP,
      dryRun: true,
    });
    expect(sha256(copy)).toBe(before);
    expect(result.indexing.method).toBe('fft');
    const cell = result.refinement.model.cell;
    for (const k of ['a', 'b', 'c'] as const)
      expect(Math.abs(cell[k] / CELL[k] - 1)).toBeLessThanOrEqual(2e-4);
    const cmp = compareToTruth({ UB: result.refinement.UB }, sim.truth.crystal, [], []);
    expect(cmp.orientationError).toBeLessThanOrEqual(0.01);
    expect(invertMat3(multiplyMat3(result.refinement.model.U, computeBMatrix(cell)))).toBeDefined();
  });

  it('refuses bad input with errors naming file and path, and leaves the file untouched', async () => {
    const copy = join(root, 'bad.nxs');
    copyFileSync(pristine, copy);
    await updateNexusFile(copy, (w) => w.remove('/f1/peaks'));
    const before = sha256(copy);
    const err = await refineLatticeJob({ file: copy, entry: 'f1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NxrError);
    expect((err as NxrError).code).toBe('MISSING_PATH');
    expect((err as NxrError).path).toBe('/f1/peaks');
    expect((err as NxrError).file).toBe(copy);
    expect(sha256(copy)).toBe(before);
    const copy2 = join(root, 'bad2.nxs');
    copyFileSync(pristine, copy2);
    const before2 = sha256(copy2);
    await expect(refineLatticeJob({ file: copy2, entry: 'f1', polarMax: 0.01 })).rejects.toThrow(
      /too few to orient/,
    );
    await expect(refineLatticeJob({ file: copy2, entry: 'f1', fit: ['bogus' as 'a'] })).rejects.toThrow(
      /unknown fit parameter/,
    );
    await expect(refineLatticeJob({ file: copy2, entry: 'f9' })).rejects.toThrow(/no entry 'f9'/);
    expect(sha256(copy2)).toBe(before2);
  });

  it('nxr refine-lattice prints the fit report, or JSON', async () => {
    const copy = join(root, 'cli.nxs');
    copyFileSync(pristine, copy);
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const code = await main(
      ['refine-lattice', copy, '--fit', 'lattice,U,distance,beam,yaw,pitch', '--polar-max', '90', '--json'],
      io,
    );
    expect(code).toBe(0);
    const json = JSON.parse(out.join('\n')) as {
      indexing: { method: string };
      refinement: { statistics: { rmsdPixels: number }; model: { cell: UnitCell } };
      written: string[];
    };
    expect(json.indexing.method).toBe('known-cell');
    expect(json.refinement.statistics.rmsdPixels).toBeLessThanOrEqual(0.3);
    expect(Math.abs(json.refinement.model.cell.a / CELL.a - 1)).toBeLessThanOrEqual(2e-4);
    expect(json.written).toContain('/f1/nxrefine');
    out.length = 0;
    expect(await main(['refine-lattice', copy, '--dry-run', '--polar-max', '90'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/\[\[Variables\]\][\s\S]*dry run: nothing written/);
    out.length = 0;
    err.length = 0;
    expect(await main(['refine-lattice', copy, '--fit', 'a,nonsense'], io)).not.toBe(0);
    expect(err.join('\n')).toMatch(/unknown parameter 'nonsense'/);
  });
});
