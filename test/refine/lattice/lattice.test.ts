/**
 * Lattice math against GEMMI (fixture by scripts/gen-space-groups.py), a textbook formula, and
 * NXRefine's B-matrix discrepancy table (spec §11.6).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Mat3, UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { applyCellConstraints } from '../../../src/refine/lattice/apply-cell-constraints.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { computeCellVolume } from '../../../src/refine/lattice/cell-volume.ts';
import { checkCell } from '../../../src/refine/lattice/check-cell.ts';
import { computeDSpacing } from '../../../src/refine/lattice/d-spacing.ts';
import { computeDirectCell } from '../../../src/refine/lattice/direct-cell.ts';
import { computeDirectMatrix } from '../../../src/refine/lattice/direct-matrix.ts';
import { listFreeCellParameters } from '../../../src/refine/lattice/free-cell-parameters.ts';
import { guessLatticeSystem } from '../../../src/refine/lattice/guess-lattice-system.ts';
import { listReflections } from '../../../src/refine/lattice/list-reflections.ts';
import { computeMetricTensor } from '../../../src/refine/lattice/metric-tensor.ts';
import { computePowderRings } from '../../../src/refine/lattice/powder-rings.ts';
import { computeReciprocalCell } from '../../../src/refine/lattice/reciprocal-cell.ts';
import { computeReciprocalMetricTensor } from '../../../src/refine/lattice/reciprocal-metric-tensor.ts';
import { computeTwoTheta } from '../../../src/refine/lattice/two-theta.ts';
import {
  maxAbsDiffMat3,
  multiplyMat3,
  multiplyMat3Vec3,
  transposeMat3,
} from '../../../src/refine/linalg/mat3.ts';
import { computeEquivalentHkls, findSpaceGroup } from '../../../src/refine/symmetry/space-groups.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { ORACLE_B_DISCREPANCY } from '../fixtures/nxrefine-oracle.ts';

interface CellFixture {
  system: string;
  cell: [number, number, number, number, number, number];
  group: string;
  volume: number;
  reciprocal: [number, number, number, number, number, number];
  d: { hkl: Vec3; d: number }[];
  miller: { wavelength: number; polarMax: number; dmin: number; hkls: Vec3[] };
}
const cells = (
  JSON.parse(readFileSync(new URL('../fixtures/gemmi-symmetry.json', import.meta.url), 'utf8')) as {
    cells: CellFixture[];
  }
).cells;
const toCell = (p: CellFixture['cell']): UnitCell => ({
  a: p[0],
  b: p[1],
  c: p[2],
  alpha: p[3],
  beta: p[4],
  gamma: p[5],
});
const rad = Math.PI / 180;

describe('cells of every crystal system, as GEMMI', () => {
  for (const f of cells) {
    it(`${f.system} ${f.group}: volume, reciprocal cell, d-spacings`, () => {
      const cell = toCell(f.cell);
      expect(computeCellVolume(cell)).toBeCloseTo(f.volume, 9);
      const r = computeReciprocalCell(cell);
      const rv = [r.a, r.b, r.c, r.alpha, r.beta, r.gamma];
      rv.forEach((v, i) => expect(Math.abs(v - f.reciprocal[i]!)).toBeLessThan(1e-10));
      const r2 = computeReciprocalCell(cell, { twoPi: true });
      expect(r2.a / r.a).toBeCloseTo(2 * Math.PI, 12);
      // The reciprocal of the reciprocal cell is the direct cell (both unit conventions).
      const back = computeDirectCell(r2, { twoPi: true });
      for (const k of ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const)
        expect(back[k]).toBeCloseTo(cell[k], 10);
      const B = computeBMatrix(cell);
      for (const { hkl, d } of f.d) {
        expect(Math.abs(computeDSpacing(cell, hkl) - d)).toBeLessThan(1e-10 * d);
        // The Busing–Levy B gives |B·h| = 1/d for every system.
        expect(Math.abs(1 / Math.hypot(...multiplyMat3Vec3(B, hkl)) - d)).toBeLessThan(1e-10 * d);
      }
    });

    it(`${f.system} ${f.group}: allowed reflections to 2θ = ${f.miller.polarMax}° as make_miller_array`, () => {
      const cell = toCell(f.cell);
      const sg = findSpaceGroup(f.group);
      const list = listReflections(cell, sg, { dMin: f.miller.dmin });
      expect(list.length).toBe(f.miller.hkls.length);
      // Every GEMMI representative belongs to exactly one of our classes, and d agrees.
      const classOf = new Map<string, number>();
      list.forEach((c, i) => c.equivalents.forEach((e) => classOf.set(e.join(), i)));
      const hit = new Set<number>();
      for (const h of f.miller.hkls) {
        const i = classOf.get(h.join());
        expect(i).toBeDefined();
        hit.add(i!);
        expect(list[i!]!.d).toBeCloseTo(computeDSpacing(cell, h), 12);
      }
      expect(hit.size).toBe(list.length);
      for (let i = 1; i < list.length; i++) expect(list[i]!.d).toBeLessThanOrEqual(list[i - 1]!.d);
    });
  }
});

describe('B matrix', () => {
  it('Busing–Levy: Bᵀ·B = G*, upper triangular with a* along x, B⁻¹ᵀ columns are the real axes', () => {
    for (const f of cells) {
      const cell = toCell(f.cell);
      const B = computeBMatrix(cell);
      expect(
        maxAbsDiffMat3(multiplyMat3(transposeMat3(B), B), computeReciprocalMetricTensor(cell)),
      ).toBeLessThan(1e-14);
      expect([B[1][0], B[2][0], B[2][1]]).toEqual([0, 0, 0]);
      expect(B[2][2]).toBeCloseTo(1 / cell.c, 14);
    }
  });

  it('§11.6: NXRefine’s Bmat = A⁻¹ gives its wrong d, ours the true d', () => {
    for (const row of ORACLE_B_DISCREPANCY) {
      const nx = computeBMatrix(row.cell, { convention: 'nxrefine' });
      const bl = computeBMatrix(row.cell);
      const dNx = 1 / Math.hypot(...multiplyMat3Vec3(nx, row.hkl));
      const dBl = 1 / Math.hypot(...multiplyMat3Vec3(bl, row.hkl));
      expect(Math.abs(dNx - row.dNxrefine)).toBeLessThan(1e-6);
      expect(Math.abs(dBl - row.dTrue)).toBeLessThan(1e-6);
      expect(Math.abs(computeDSpacing(row.cell, row.hkl) - row.dTrue)).toBeLessThan(1e-6);
    }
  });

  it('NXRefine convention is the inverse of the direct matrix A (Bimat)', () => {
    const cell = { a: 5, b: 6, c: 7, alpha: 80, beta: 105, gamma: 95 };
    const prod = multiplyMat3(computeBMatrix(cell, { convention: 'nxrefine' }), computeDirectMatrix(cell));
    expect(
      maxAbsDiffMat3(prod, [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ] as Mat3),
    ).toBeLessThan(1e-14);
  });

  it('rejects an unknown convention', () => {
    expect(() =>
      computeBMatrix({ a: 1, b: 1, c: 1, alpha: 90, beta: 90, gamma: 90 }, { convention: 'x' as never }),
    ).toThrow(NxrError);
  });
});

describe('d-spacings', () => {
  it('hexagonal a = 3 Å: d(100) = 2.598 Å', () => {
    expect(computeDSpacing({ a: 3, b: 3, c: 5, alpha: 90, beta: 90, gamma: 120 }, [1, 0, 0])).toBeCloseTo(
      (3 * Math.sqrt(3)) / 2,
      12,
    );
    expect(computeDSpacing({ a: 3, b: 3, c: 5, alpha: 90, beta: 90, gamma: 120 }, [1, 0, 0])).toBeCloseTo(
      2.598,
      3,
    );
  });

  it('triclinic: independent textbook formula (International Tables Vol. B, 1/d² with S_ij)', () => {
    const cell = { a: 5.1, b: 6.2, c: 7.3, alpha: 81, beta: 95.5, gamma: 103.2 };
    const [ca, cb, cg] = [cell.alpha, cell.beta, cell.gamma].map((v) => Math.cos(v * rad)) as [
      number,
      number,
      number,
    ];
    const [sa, sb, sg] = [cell.alpha, cell.beta, cell.gamma].map((v) => Math.sin(v * rad)) as [
      number,
      number,
      number,
    ];
    const { a, b, c } = cell;
    const V = a * b * c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
    const S11 = b * b * c * c * sa * sa;
    const S22 = a * a * c * c * sb * sb;
    const S33 = a * a * b * b * sg * sg;
    const S12 = a * b * c * c * (ca * cb - cg);
    const S23 = a * a * b * c * (cb * cg - ca);
    const S13 = a * b * b * c * (cg * ca - cb);
    for (let h = -3; h <= 3; h++)
      for (let k = -3; k <= 3; k++)
        for (let l = -3; l <= 3; l++) {
          if (!h && !k && !l) continue;
          const inv2 =
            (S11 * h * h + S22 * k * k + S33 * l * l + 2 * S12 * h * k + 2 * S23 * k * l + 2 * S13 * h * l) /
            (V * V);
          const d = 1 / Math.sqrt(inv2);
          expect(Math.abs(computeDSpacing(cell, [h, k, l]) - d)).toBeLessThan(1e-12 * d);
        }
    expect(computeCellVolume(cell)).toBeCloseTo(V, 10);
  });

  it('metric tensor: hᵀ·G·h is the squared length of a real-space vector', () => {
    const cell = { a: 5, b: 6, c: 7, alpha: 90, beta: 105, gamma: 90 };
    const G = computeMetricTensor(cell);
    const A = computeDirectMatrix(cell);
    const u: Vec3 = [1, -2, 3];
    const r = multiplyMat3Vec3(A, u);
    expect(multiplyMat3Vec3(G, u).reduce((s, v, i) => s + v * u[i]!, 0)).toBeCloseTo(
      r[0] ** 2 + r[1] ** 2 + r[2] ** 2,
      10,
    );
  });

  it('2θ = 2·asin(λ/2d), NaN beyond the limiting sphere', () => {
    const cell = { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 };
    expect(computeTwoTheta(cell, [1, 0, 0], 0.2)).toBeCloseTo((2 * Math.asin(0.2 / (2 * 3.82))) / rad, 12);
    expect(computeTwoTheta(cell, [40, 0, 0], 0.2)).toBeNaN();
  });

  it('bad cells are a clear BAD_PARAMETER error', () => {
    expect(() => checkCell({ a: -1, b: 1, c: 1, alpha: 90, beta: 90, gamma: 90 })).toThrow(
      /a must be a positive length/,
    );
    expect(() => computeDSpacing({ a: 1, b: 1, c: 1, alpha: 10, beta: 10, gamma: 120 }, [1, 0, 0])).toThrow(
      /do not form a cell/,
    );
  });
});

describe('crystal-system constraints and guesses (NXRefine set_symmetry / guess_symmetry)', () => {
  const loose = { a: 4.1, b: 4.3, c: 6.2, alpha: 88, beta: 93, gamma: 118 };
  it('applies each system’s constraints', () => {
    expect(applyCellConstraints(loose, 'cubic')).toEqual({
      a: 4.1,
      b: 4.1,
      c: 4.1,
      alpha: 90,
      beta: 90,
      gamma: 90,
    });
    expect(applyCellConstraints(loose, 'tetragonal')).toEqual({
      a: 4.1,
      b: 4.1,
      c: 6.2,
      alpha: 90,
      beta: 90,
      gamma: 90,
    });
    expect(applyCellConstraints(loose, 'orthorhombic')).toEqual({
      a: 4.1,
      b: 4.3,
      c: 6.2,
      alpha: 90,
      beta: 90,
      gamma: 90,
    });
    expect(applyCellConstraints(loose, 'hexagonal')).toEqual({
      a: 4.1,
      b: 4.1,
      c: 6.2,
      alpha: 90,
      beta: 90,
      gamma: 120,
    });
    expect(applyCellConstraints(loose, 'trigonal')).toEqual(applyCellConstraints(loose, 'hexagonal'));
    expect(applyCellConstraints(loose, 'rhombohedral')).toEqual({
      a: 4.1,
      b: 4.1,
      c: 4.1,
      alpha: 88,
      beta: 88,
      gamma: 88,
    });
    expect(applyCellConstraints(loose, 'monoclinic')).toEqual({
      a: 4.1,
      b: 4.3,
      c: 6.2,
      alpha: 90,
      beta: 93,
      gamma: 90,
    });
    expect(applyCellConstraints(loose, 'triclinic')).toEqual(loose);
    expect(() => applyCellConstraints(loose, 'cubik' as never)).toThrow(/unknown crystal symmetry 'cubik'/);
  });
  it('guesses round-trip with the constraints and free parameters', () => {
    for (const s of [
      'cubic',
      'tetragonal',
      'orthorhombic',
      'hexagonal',
      'rhombohedral',
      'monoclinic',
      'triclinic',
    ] as const) {
      expect(guessLatticeSystem(applyCellConstraints(loose, s))).toBe(s);
    }
    expect(listFreeCellParameters('cubic')).toEqual(['a']);
    expect(listFreeCellParameters('hexagonal')).toEqual(['a', 'c']);
    expect(listFreeCellParameters('monoclinic')).toEqual(['a', 'b', 'c', 'beta']);
    expect(listFreeCellParameters('triclinic')).toHaveLength(6);
  });
});

describe('powder rings (NXRefine make_rings)', () => {
  const si = { a: 5.431, b: 5.431, c: 5.431, alpha: 90, beta: 90, gamma: 90 };
  const sg = findSpaceGroup('Fd-3m');
  it('silicon: rings at 2·asin(λ√(h²+k²+l²)/2a), (333) and (511) share a ring', () => {
    const rings = computePowderRings(si, sg, { wavelength: 0.2, polarMax: 12 });
    const firsts = rings.slice(0, 4).map((r) => r.classes.map((c) => c.hkl.join()));
    expect(firsts).toEqual([['1,1,1'], ['2,2,0'], ['3,1,1'], ['2,2,2']]);
    for (const r of rings) {
      const n = r.classes[0]!.hkl.reduce((s, v) => s + v * v, 0);
      if (r.classes.length === 1)
        expect(r.twoTheta).toBeCloseTo((2 * Math.asin((0.2 * Math.sqrt(n)) / (2 * si.a))) / rad, 10);
    }
    const r333 = rings.find((r) => r.classes.some((c) => c.hkl.join() === '3,3,3'))!;
    expect(r333.classes.map((c) => c.hkl.join()).sort()).toEqual(['3,3,3', '5,1,1']);
    expect(r333.classes.map((c) => c.multiplicity).sort((a, b) => a - b)).toEqual([8, 24]);
    expect(rings[0]!.classes[0]!.equivalents).toEqual(computeEquivalentHkls(sg, [1, 1, 1]));
    expect(rings[rings.length - 1]!.twoTheta).toBeLessThanOrEqual(12);
  });
  it('a wide tolerance merges neighbours and takes the multiplicity-weighted mean', () => {
    const rings = computePowderRings(si, sg, { wavelength: 0.2, polarMax: 8, polarTolerance: 2.5 });
    const r = rings[0]!;
    expect(r.classes.length).toBeGreaterThan(1);
    const mean =
      r.classes.reduce((s, c) => s + c.twoTheta * c.multiplicity, 0) /
      r.classes.reduce((s, c) => s + c.multiplicity, 0);
    expect(r.twoTheta).toBeCloseTo(mean, 12);
  });
});
