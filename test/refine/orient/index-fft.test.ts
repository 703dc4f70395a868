import { describe, expect, it } from 'vitest';

import { refineLattice } from '../../../src/refine/fit/refine-lattice.ts';
import type { Mat3 } from '../../../src/refine/geometry/models.ts';
import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { applyCellConstraints } from '../../../src/refine/lattice/apply-cell-constraints.ts';
import { determinantMat3, multiplyMat3 } from '../../../src/refine/linalg/mat3.ts';
import { cellOfUB } from '../../../src/refine/orient/cell-of-basis.ts';
import {
  chooseConventionalCell,
  listConventionalCells,
} from '../../../src/refine/orient/conventional-cell.ts';
import { createFftMagnitudes } from '../../../src/refine/orient/fft-magnitude.ts';
import { indexWithFft } from '../../../src/refine/orient/index-fft.ts';
import { reduceCell } from '../../../src/refine/orient/reduce-cell.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { findSpaceGroup, isSystematicallyAbsent } from '../../../src/refine/symmetry/space-groups.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';
import { LATTICE_CASES } from '../fit/cases.ts';
import { compareToTruth } from '../fit/compare-to-truth.ts';
import { makeSyntheticScan, randomRotation } from '../fit/synthetic-peaks.ts';

describe('createFftMagnitudes', () => {
  it('equals a direct DFT', () => {
    const rnd = createRandom(1, 2);
    const x = Array.from({ length: 64 }, () => rnd.normal());
    const m = createFftMagnitudes(64)(x);
    for (let k = 0; k <= 32; k++) {
      let re = 0;
      let im = 0;
      x.forEach((v, n) => {
        re += v * Math.cos((-2 * Math.PI * k * n) / 64);
        im += v * Math.sin((-2 * Math.PI * k * n) / 64);
      });
      expect(m[k]).toBeCloseTo(Math.hypot(re, im), 10);
    }
    expect(() => createFftMagnitudes(48)).toThrow(/power of two/);
  });
});

describe('reduceCell', () => {
  it('finds the Buerger cell of a skewed basis of a known lattice, with an integer unimodular transform', () => {
    const cell = { a: 4.3, b: 5.6, c: 6.9, alpha: 82, beta: 97, gamma: 104 };
    const UB = multiplyMat3(randomRotation(createRandom(4, 4)), computeBMatrix(cell));
    // A skewed basis of the same lattice: hkl' = M·hkl with M unimodular.
    const M: Mat3 = [
      [1, 1, 0],
      [0, 1, 1],
      [1, 2, 2],
    ];
    expect(Math.abs(determinantMat3(M))).toBe(1);
    const inv = reduceCell(multiplyMat3(UB, invertInt(M)));
    const direct = reduceCell(UB);
    for (const k of ['a', 'b', 'c'] as const) expect(inv.cell[k]).toBeCloseTo(direct.cell[k], 8);
    // The Buerger lengths of this (already reduced, type I/II) cell: sorted lengths of the shortest basis.
    expect(inv.cell.a).toBeLessThanOrEqual(inv.cell.b);
    expect(inv.cell.b).toBeLessThanOrEqual(inv.cell.c);
    expect(Math.abs(determinantMat3(inv.transform))).toBeCloseTo(1, 12);
    expect(inv.transform.flat().every((v) => Number.isInteger(v))).toBe(true);
    const angles = [inv.cell.alpha, inv.cell.beta, inv.cell.gamma];
    expect(angles.every((v) => v < 90) || angles.every((v) => v >= 90)).toBe(true);
    expect(determinantMat3(inv.basis)).toBeGreaterThan(0);
  });
});

function invertInt(M: Mat3): Mat3 {
  const [[a, b, c], [d, e, f], [g, h, i]] = M;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

const ALL_FLAGS = [
  'a',
  'b',
  'c',
  'alpha',
  'beta',
  'gamma',
  'distance',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
  'U',
] as const;

describe('indexWithFft + chooseConventionalCell + refineLattice (unknown cell, space group given)', () => {
  for (const [n, c] of LATTICE_CASES.entries()) {
    it(`${c.spaceGroup}`, () => {
      const sg = findSpaceGroup(c.spaceGroup, { alpha: c.cell.alpha, gamma: c.cell.gamma });
      const scan = makeSyntheticScan({ seed: 3 + n, cell: c.cell, spaceGroup: sg });
      const g0 = {
        ...scan.geometry,
        distance: scan.geometry.distance * 1.005,
        beamCenterX: scan.geometry.beamCenterX + 1,
        beamCenterY: scan.geometry.beamCenterY - 0.7,
        yaw: 0,
        pitch: 0,
        roll: 0,
      };
      const qs = scan.peaks.map((p) => pixelToQSample(g0, p.x, p.y, p.frame));
      const fft = indexWithFft(qs);
      const bragg = scan.peaks.filter((p) => p.kind === 'bragg').length;
      expect(fft.indexed).toBeGreaterThanOrEqual(0.9 * bragg);
      const conv = chooseConventionalCell(fft.UB, sg, { qs });
      expect(conv.latticeSystem).toBe(sg.latticeSystem);
      // Triclinic cells have no conventional setting: compare in the truth's setting (Niggli's may differ).
      const triclinic = sg.latticeSystem === 'triclinic';
      const cell0 = triclinic ? compareToTruth({ UB: conv.UB }, scan, [], []).cell : conv.cell;
      // Before refinement: within 1% and 0.5° of the truth (the starting geometry is off by 0.5%).
      for (const k of ['a', 'b', 'c'] as const) expect(Math.abs(cell0[k] / c.cell[k] - 1)).toBeLessThan(0.01);
      for (const k of ['alpha', 'beta', 'gamma'] as const)
        expect(Math.abs(cell0[k] - c.cell[k])).toBeLessThan(0.5);
      const res = refineLattice(
        scan.peaks,
        { geometry: g0, cell: conv.cell, latticeSystem: sg.latticeSystem, U: conv.U },
        { fit: ALL_FLAGS, isAbsent: (h) => isSystematicallyAbsent(sg, h) },
      );
      const cmp = compareToTruth({ UB: res.UB }, scan, scan.peaks, res.peaks);
      expect(cmp.nonInteger).toBeLessThan(0.01);
      // The same setting as the truth: the hkl transformation is a symmetry operation (|det| = 1, no shear).
      expect(Math.abs(determinantMat3(cmp.T))).toBe(1);
      expect(applyCellConstraints(res.model.cell, sg.latticeSystem)).toEqual(res.model.cell);
      const cell = triclinic ? cmp.cell : res.model.cell;
      for (const k of ['a', 'b', 'c'] as const)
        expect(Math.abs(cell[k] / c.cell[k] - 1)).toBeLessThanOrEqual(2e-4);
      for (const k of ['alpha', 'beta', 'gamma'] as const)
        expect(Math.abs(cell[k] - c.cell[k])).toBeLessThanOrEqual(0.01);
      expect(cmp.indexedFraction).toBeGreaterThanOrEqual(0.95);
      expect(cmp.orientationError).toBeLessThanOrEqual(0.01);
      expect(Math.abs(res.model.geometry.distance / scan.geometry.distance - 1)).toBeLessThanOrEqual(5e-4);
      expect(res.statistics.rmsdPixels).toBeLessThanOrEqual(0.3);
    });
  }

  it('lists the cells of every Bravais type a C-centred monoclinic lattice fits (and refuses a cubic group)', () => {
    const sg = findSpaceGroup('C 1 2/m 1');
    const cell = { a: 8, b: 6, c: 7, alpha: 90, beta: 105, gamma: 90 };
    // The lattice of C-centred points: primitive basis (a+b)/2, (b−a)/2, c, i.e. UB·P⁻¹.
    const UBconv = multiplyMat3(randomRotation(createRandom(9, 9)), computeBMatrix(cell));
    const P: Mat3 = [
      [0.5, 0.5, 0],
      [-0.5, 0.5, 0],
      [0, 0, 1],
    ];
    const UB = multiplyMat3(UBconv, invertInt(P));
    const list = listConventionalCells(UB, { lengthTolerance: 0.005, angleTolerance: 0.5 });
    const types = list.map((c) => `${c.latticeSystem} ${c.centring}`);
    expect(types).toContain('monoclinic C');
    expect(types).toContain('triclinic P');
    expect(types.some((t) => t.startsWith('cubic') || t.startsWith('tetragonal'))).toBe(false);
    const mono = list.find((c) => c.latticeSystem === 'monoclinic' && c.centring === 'C')!;
    for (const k of ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const)
      expect(mono.cell[k]).toBeCloseTo(cell[k], 6);
    expect(cellOfUB(mono.UB).beta).toBeCloseTo(105, 6);
    expect(chooseConventionalCell(UB, sg).cell.beta).toBeCloseTo(105, 6);
    expect(() => chooseConventionalCell(UB, findSpaceGroup('F m -3 m'))).toThrow(/no cubic F cell/);
  });
});
