/**
 * Define Lattice: /entry/sample as NXRefine writes it (h5py), constraints of the group's lattice
 * system (incl. monoclinic unique axis and rhombohedral axes), round trips with d-spacings checked
 * against the values of spec §11.6 (metric tensor), and NXRefine's read fallbacks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defineLattice } from '../../../src/engine/jobs/define-lattice.ts';
import { readSampleLattice, resolveSampleSpaceGroup } from '../../../src/engine/jobs/read-sample-lattice.ts';
import { openNexusFile } from '../../../src/engine/io/index.ts';
import type { UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { computeDSpacing } from '../../../src/refine/lattice/d-spacing.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson, pyRun } from '../../helpers/python.ts';
import { realdata } from '../../helpers/realdata.ts';
import { abortOnCheck, sha256, simulateScan } from './simulated.ts';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-lattice-'));
  file = (await simulateScan(dir, { scan: '300K', seed: 31, frames: 20, entries: 2 })).wrapper;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readBack(
  f: string = file,
): Promise<{ cell: UnitCell; sg: string | undefined; number: number | undefined }> {
  const r = await openNexusFile(f);
  try {
    const lat = await readSampleLattice(r);
    return { cell: lat.cell!, sg: lat.spaceGroup, number: resolveSampleSpaceGroup(r, lat)?.number };
  } finally {
    r.close();
  }
}

const d = (cell: UnitCell, hkl: Vec3): number => computeDSpacing(cell, hkl);

describe('defineLattice', () => {
  it('writes a hexagonal lattice NXRefine-style and reads it back with the right d-spacings', async () => {
    const r = await defineLattice({
      file,
      cell: { a: 3, b: 3, c: 5, alpha: 90, beta: 90, gamma: 120 },
      spaceGroup: 'P63/mmc',
      formula: 'Mg',
    });
    expect(r).toMatchObject({
      spaceGroup: 'P 63/m m c',
      spaceGroupNumber: 194,
      laueGroup: '6/mmm',
      centring: 'P',
      unitCellGroup: 'hexagonal',
    });
    const back = await readBack();
    expect(back.sg).toBe('P 63/m m c');
    // spec §11.6: true d of hexagonal a = 3, c = 5 (NXRefine's B gives 3.000 for (100))
    expect(d(back.cell, [1, 0, 0])).toBeCloseTo(2.598076, 6);
    expect(d(back.cell, [0, 1, 0])).toBeCloseTo(2.598076, 6);
    expect(d(back.cell, [1, 1, 0])).toBeCloseTo(1.5, 6);
    expect(d(back.cell, [1, 0, 1])).toBeCloseTo(2.30542, 5);
    const py = pyJson<Record<string, unknown>>(
      `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
s = f['entry/sample']
out = {k: s[k].asstr()[()] for k in ['space_group', 'laue_group', 'lattice_centring', 'unit_cell_group', 'chemical_formula']}
for k in ['a', 'b', 'c', 'alpha', 'beta', 'gamma']:
    v = s['unitcell_' + k]
    out[k] = [v[()].item(), str(v.dtype), v.attrs['units']]
out['linked'] = [f[e + '/sample'].id == s.id for e in ('f1', 'f2')]
out['cls'] = s.attrs['NX_class']
print(json.dumps(out))`,
      [file],
    );
    expect(py).toEqual({
      space_group: 'P 63/m m c',
      laue_group: '6/mmm',
      lattice_centring: 'P',
      unit_cell_group: 'hexagonal',
      chemical_formula: 'Mg',
      a: [3, 'float64', 'Angstroms'],
      b: [3, 'float64', 'Angstroms'],
      c: [5, 'float64', 'Angstroms'],
      alpha: [90, 'float64', 'degrees'],
      beta: [90, 'float64', 'degrees'],
      gamma: [120, 'float64', 'degrees'],
      linked: [true, true],
      cls: 'NXsample',
    });
  });

  it('round-trips a monoclinic cell (spec §11.6 d-spacings) and keeps the formula when not given', async () => {
    const cell = { a: 5, b: 6, c: 7, alpha: 90, beta: 105, gamma: 90 };
    const r = await defineLattice({ file, cell, spaceGroup: 14 });
    expect(r).toMatchObject({
      spaceGroup: 'P 1 21/c 1',
      laueGroup: '2/m',
      unitCellGroup: 'monoclinic',
      formula: 'Mg',
    });
    const back = await readBack();
    expect(back.cell).toEqual(cell);
    expect(d(back.cell, [1, 0, 0])).toBeCloseTo(4.829629, 6);
    expect(d(back.cell, [0, 0, 1])).toBeCloseTo(6.761481, 6);
    expect(d(back.cell, [1, 1, 0])).toBeCloseTo(3.762227, 6);
    expect(d(back.cell, [1, 0, 1])).toBeCloseTo(3.52242, 5);
  });

  it('refuses a cell that breaks the constraints, naming the nearest consistent cell, unless constrain', async () => {
    const before = sha256(file);
    const e = await defineLattice({
      file,
      cell: { a: 3, b: 3.1, c: 5, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P 63/m m c',
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NxrError);
    expect((e as NxrError).code).toBe('BAD_PARAMETER');
    expect((e as NxrError).file).toBe(file);
    expect((e as NxrError).message).toContain(
      "cell 3,3.1,5,90,90,90 is not hexagonal as space group 'P 63/m m c' requires (a = b, α = β = 90°, γ = 120°); nearest consistent cell: 3.05,3.05,5,90,90,120",
    );
    expect(sha256(file)).toBe(before);
    const r = await defineLattice({
      file,
      cell: { a: 3, b: 3.1, c: 5, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P 63/m m c',
      constrain: true,
    });
    expect(r.cell).toEqual({ a: 3.05, b: 3.05, c: 5, alpha: 90, beta: 90, gamma: 120 });
    expect(r.givenCell).toEqual({ a: 3, b: 3.1, c: 5, alpha: 90, beta: 90, gamma: 90 });
    expect((await readBack()).cell).toEqual(r.cell);
    // typed values within 1e-4 Å / 1e-3° are consistent and snapped
    const snap = await defineLattice({
      file,
      cell: { a: 4.0, b: 4.00005, c: 4.0, alpha: 90.0004, beta: 90, gamma: 90 },
      spaceGroup: 'Fm-3m',
    });
    const mean = (4.0 + 4.00005 + 4.0) / 3;
    expect(snap.cell).toEqual({ a: mean, b: mean, c: mean, alpha: 90, beta: 90, gamma: 90 });
    expect(snap.givenCell).toBeUndefined();
  });

  it('knows the monoclinic unique axis and rhombohedral axes', async () => {
    // c unique: γ free, β fixed
    const c = await defineLattice({
      file,
      cell: { a: 5, b: 6, c: 7, alpha: 90, beta: 90, gamma: 100 },
      spaceGroup: 'P 1 1 21/b',
    });
    expect(c).toMatchObject({ spaceGroup: 'P 1 1 21/b', spaceGroupNumber: 14, unitCellGroup: 'monoclinic' });
    await expect(
      defineLattice({
        file,
        cell: { a: 5, b: 6, c: 7, alpha: 90, beta: 100, gamma: 90 },
        spaceGroup: 'P 1 1 21/b',
      }),
    ).rejects.toThrow(
      /not monoclinic as space group 'P 1 1 21\/b' requires \(α = β = 90°\); nearest consistent cell: 5,6,7,90,90,90/,
    );
    const rh = await defineLattice({
      file,
      cell: { a: 5, b: 5, c: 5, alpha: 80, beta: 80, gamma: 80 },
      spaceGroup: 'R -3 m:R',
    });
    expect(rh).toMatchObject({
      spaceGroup: 'R -3 m:R',
      laueGroup: '-3m',
      centring: 'R',
      unitCellGroup: 'rhombohedral',
    });
    // a bare R symbol with a hexagonal cell is the hexagonal setting (GEMMI's rule)
    const hx = await defineLattice({
      file,
      cell: { a: 5, b: 5, c: 14, alpha: 90, beta: 90, gamma: 120 },
      spaceGroup: 'R-3m',
    });
    expect(hx).toMatchObject({ spaceGroup: 'R -3 m:H', unitCellGroup: 'hexagonal' });
    const back = await readBack();
    expect(back).toMatchObject({ sg: 'R -3 m:H', number: 166 });
    expect(d(back.cell, [0, 0, 3])).toBeCloseTo(14 / 3, 9);
  });

  it('keeps the file intact on errors and on an abort inside the update', async () => {
    const before = sha256(file);
    await expect(defineLattice({ file, spaceGroup: 'Q 42' })).rejects.toThrow(/unknown space group 'Q 42'/);
    await expect(
      defineLattice({
        file,
        cell: { a: 5, b: 5, c: 5, alpha: 120, beta: 120, gamma: 130 },
        spaceGroup: 'P1',
      }),
    ).rejects.toThrow(/zero or imaginary volume/);
    const e = await defineLattice(
      { file, cell: { a: 4, b: 4, c: 4, alpha: 90, beta: 90, gamma: 90 }, spaceGroup: 'P m -3 m' },
      { signal: abortOnCheck(2) },
    ).catch((x: unknown) => x);
    expect((e as NxrError).code).toBe('CANCELLED');
    expect(sha256(file)).toBe(before);
    const missing = await defineLattice({ file: join(dir, 'nope.nxs'), spaceGroup: 1 }).catch(
      (x: unknown) => x,
    );
    expect((missing as NxrError).code).toBe('FILE_NOT_FOUND');
  });
});

describe('readSampleLattice fallbacks', () => {
  it('reads unit_cell (1, 6) of a real DLS file', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/DLS/i16/hdf5/538039.nxs'));
    try {
      const lat = await readSampleLattice(f, '/entry1/sample');
      expect(lat.cellSource).toBe('unit_cell');
      expect(lat.cell).toEqual({ a: 4.662, b: 4.662, c: 14.963, alpha: 90, beta: 90, gamma: 120 });
    } finally {
      f.close();
    }
  });

  it('reads unit_cell_abc + unit_cell_alphabetagamma with their units (nm, rad)', async () => {
    const p = join(dir, 'fallback.nxs');
    pyRun(
      `import sys, math, h5py
f = h5py.File(sys.argv[1], 'w')
s = f.create_group('entry/sample')
s.attrs['NX_class'] = 'NXsample'
s['unit_cell_abc'] = [0.5, 0.6, 0.7]
s['unit_cell_abc'].attrs['units'] = 'nm'
s['unit_cell_alphabetagamma'] = [math.pi / 2, math.radians(105), math.pi / 2]
s['unit_cell_alphabetagamma'].attrs['units'] = 'rad'
s['lattice_centring'] = 'C'
f.close()`,
      [p],
    );
    const f = await openNexusFile(p);
    try {
      const lat = await readSampleLattice(f);
      expect(lat.cellSource).toBe('unit_cell_abc+unit_cell_alphabetagamma');
      for (const [k, v] of Object.entries({ a: 5, b: 6, c: 7, alpha: 90, beta: 105, gamma: 90 }))
        expect(lat.cell![k as keyof UnitCell]).toBeCloseTo(v, 12);
      // no space group: NXRefine's minimal group for the centring
      expect(resolveSampleSpaceGroup(f, lat)?.xhm).toBe('C 1 2 1');
    } finally {
      f.close();
    }
  });
});
