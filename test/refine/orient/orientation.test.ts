/**
 * Busing–Levy orientation, angles and residuals against NXRefine's numbers (spec §11.6).
 */
import { describe, expect, it } from 'vitest';
import type { Mat3, Vec3 } from '../../../src/refine/geometry/models.ts';
import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { computeUB } from '../../../src/refine/lattice/ub-matrix.ts';
import {
  maxAbsDiffMat3,
  multiplyMat3,
  multiplyMat3Vec3,
  transposeMat3,
} from '../../../src/refine/linalg/mat3.ts';
import { rotationMatrix } from '../../../src/refine/linalg/rotation-matrix.ts';
import { computeHklAngle, computePeakAngle } from '../../../src/refine/orient/angles.ts';
import { computeBusingLevyU } from '../../../src/refine/orient/busing-levy.ts';
import { computeHklResidual } from '../../../src/refine/orient/hkl-residual.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import {
  ORACLE_CELL,
  ORACLE_GEOMETRY_NO_TILT,
  ORACLE_ROTATED_DIFFS,
  ORACLE_ROTATED_SCORE,
  ORACLE_SPOTS,
  ORACLE_UMAT,
} from '../fixtures/nxrefine-oracle.ts';

const B = computeBMatrix(ORACLE_CELL);
/** The §11.6 peaks: first solutions of (1,0,2), (0,1,4), (1,1,3), (2,0,0), no-tilt positions. */
const peaks = (['1,0,2', '0,1,4', '1,1,3', '2,0,0'] as const).map((key) => {
  const s = ORACLE_SPOTS.find((p) => p.hkl.join() === key)!;
  return { hkl: s.hkl as Vec3, q: pixelToQSample(ORACLE_GEOMETRY_NO_TILT, s.xNoTilt, s.yNoTilt, s.frame) };
});
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

describe('§11.6 orientation from two peaks', () => {
  it('angle between the peaks and between the hkls = 64.037°', () => {
    expect(round3(computePeakAngle(peaks[0]!.q, peaks[1]!.q))).toBe(64.037);
    const hklAngle = computeHklAngle(B, [1, 0, 2], [0, 1, 4]);
    expect(round3(hklAngle)).toBe(64.037);
    // Orthorhombic: cos = (h1·h2 with 1/a², 1/b², 1/c² weights) / (|h1||h2|).
    const [a, b, c] = [ORACLE_CELL.a, ORACLE_CELL.b, ORACLE_CELL.c];
    const dot = (4 * 2) / (c * c);
    const n1 = Math.sqrt(1 / (a * a) + 4 / (c * c));
    const n2 = Math.sqrt(1 / (b * b) + 16 / (c * c));
    expect(Math.abs(hklAngle - (Math.acos(dot / (n1 * n2)) * 180) / Math.PI)).toBeLessThan(1e-10);
    expect(Math.abs(computePeakAngle(peaks[0]!.q, peaks[1]!.q) - hklAngle)).toBeLessThan(1e-4);
  });

  it('recovers U to 2e-7 (limited by NXRefine’s 1e-4° rounding of φ) and indexes all four peaks', () => {
    const U = computeBusingLevyU(B, peaks[0]!.hkl, peaks[1]!.hkl, peaks[0]!.q, peaks[1]!.q);
    expect(maxAbsDiffMat3(U, ORACLE_UMAT)).toBeLessThan(2e-7);
    // U is a rotation.
    expect(maxAbsDiffMat3(multiplyMat3(U, transposeMat3(U)), rotationMatrix(1, 0))).toBeLessThan(1e-12);
    const UB = computeUB(U, B);
    for (const p of peaks) {
      const r = computeHklResidual(UB, B, p.q);
      expect(r.nearest).toEqual(p.hkl);
      expect(r.residual).toBeLessThan(1e-6);
    }
  });

  it('residuals with U rotated by R3(0.2°) match NXRefine’s diffs and score', () => {
    const UB = computeUB(multiplyMat3(rotationMatrix(3, 0.2), ORACLE_UMAT), B);
    const diffs = peaks.map((p) => computeHklResidual(UB, B, p.q).residual);
    diffs.forEach((d, i) => expect(Math.abs(d - ORACLE_ROTATED_DIFFS[i]!)).toBeLessThan(2e-7));
    const score = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    expect(Math.abs(score - ORACLE_ROTATED_SCORE)).toBeLessThan(2e-7);
  });
});

describe('Busing–Levy U for non-orthogonal cells (correct B)', () => {
  it('recovers a random U exactly from two exact reflections of a triclinic cell', () => {
    const cell = { a: 5.1, b: 6.2, c: 7.3, alpha: 81, beta: 95.5, gamma: 103.2 };
    const Bt = computeBMatrix(cell);
    const U: Mat3 = multiplyMat3(rotationMatrix(3, 33), rotationMatrix(1, -71), rotationMatrix(2, 12));
    const h1: Vec3 = [1, -2, 1];
    const h2: Vec3 = [0, 3, 2];
    const UB = computeUB(U, Bt);
    const got = computeBusingLevyU(Bt, h1, h2, multiplyMat3Vec3(UB, h1), multiplyMat3Vec3(UB, h2));
    expect(maxAbsDiffMat3(got, U)).toBeLessThan(1e-13);
  });
  it('NXRefine’s B gives a different (wrong) U for a hexagonal cell; the angle helper does not', () => {
    const hex = { a: 3, b: 3, c: 5, alpha: 90, beta: 90, gamma: 120 };
    const Bt = computeBMatrix(hex);
    const Bn = computeBMatrix(hex, { convention: 'nxrefine' });
    expect(computeHklAngle(Bt, [1, 0, 0], [0, 1, 0])).toBeCloseTo(60, 10);
    expect(computeHklAngle(Bn, [1, 0, 0], [0, 1, 0])).toBeCloseTo(63.435, 3);
    const U = rotationMatrix(3, 20);
    const g1 = multiplyMat3Vec3(computeUB(U, Bt), [1, 0, 0]);
    const g2 = multiplyMat3Vec3(computeUB(U, Bt), [0, 1, 0]);
    expect(maxAbsDiffMat3(computeBusingLevyU(Bt, [1, 0, 0], [0, 1, 0], g1, g2), U)).toBeLessThan(1e-13);
    // With (010) first, NXRefine's column B·h points 3.4° away from the true b*.
    expect(maxAbsDiffMat3(computeBusingLevyU(Bt, [0, 1, 0], [1, 0, 0], g2, g1), U)).toBeLessThan(1e-13);
    expect(maxAbsDiffMat3(computeBusingLevyU(Bn, [0, 1, 0], [1, 0, 0], g2, g1), U)).toBeGreaterThan(1e-2);
  });
  it('parallel reflections are a clear error', () => {
    expect(() => computeBusingLevyU(B, [1, 0, 0], [2, 0, 0], [1, 0, 0], [0, 1, 0])).toThrow(NxrError);
    expect(() => computeBusingLevyU(B, [1, 0, 0], [0, 1, 0], [1, 0, 0], [-2, 0, 0])).toThrow(/parallel/);
  });
});
