import { describe, expect, it } from 'vitest';

import { computeReciprocalCell } from '../../../src/refine/lattice/reciprocal-cell.ts';
import {
  computeDefaultGrid,
  computeQMax,
  evenCeil,
  niceStepSize,
} from '../../../src/refine/transform/default-grid.ts';
import { defineGridAxis } from '../../../src/refine/transform/define-grid-axis.ts';
import { axisStop, axisValues } from '../../../src/refine/transform/models.ts';
import { numpyRound, pythonFloatRepr, roundHalfEven } from '../../../src/refine/transform/python-numbers.ts';
import { ORACLE_GEOMETRY, ORACLE_QMAX } from '../fixtures/nxrefine-oracle.ts';

const TIO2 = { a: 4.594, b: 4.594, c: 2.959, alpha: 90, beta: 90, gamma: 90 };

describe('Python number semantics', () => {
  it('rounds half to even like np.rint / round()', () => {
    expect([0.5, 1.5, 2.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -2, -2, 2, 3]);
    // np.round(1199.9999999999998, 2) = 1200.0, np.round(0.125, 2) = 0.12
    expect(numpyRound(12 / 0.01, 2)).toBe(1200);
    expect(numpyRound(0.125, 2)).toBe(0.12);
  });

  it("writes floats as Python's repr", () => {
    const cases: Array<[number, string]> = [
      [650, '650.0'],
      [0.172, '0.172'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1.5e-7, '1.5e-07'],
      [1e16, '1e+16'],
      [1234567890123456.8, '1234567890123456.8'],
      [1.2345678901234568e17, '1.2345678901234568e+17'],
      [-0.003490658503988659, '-0.003490658503988659'],
      [0.1 + 0.2, '0.30000000000000004'],
      [-1.332876359542178e-17, '-1.332876359542178e-17'],
      [0, '0.0'],
      [-6, '-6.0'],
    ];
    for (const [x, s] of cases) expect(pythonFloatRepr(x), String(x)).toBe(s);
  });
});

describe('grid axes (NXRefine define_grid)', () => {
  it('counts voxels as int(np.round((stop − start)/step, 2)) + 1', () => {
    expect(defineGridAxis(-6, 0.01, 6).count).toBe(1201);
    expect(defineGridAxis(-4, 0.01, 4).count).toBe(801);
    expect(defineGridAxis(-14, 0.02, 14).count).toBe(1401);
    expect(defineGridAxis(0, 0.3, 1).count).toBe(4); // 3.33 → 3, the last centre 0.9 < 1
    expect(axisStop(defineGridAxis(0, 0.3, 1))).toBeCloseTo(0.9, 12);
    expect(Array.from(axisValues({ start: -1, step: 0.5, count: 5 }))).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('rejects nonsense with a clear error', () => {
    expect(() => defineGridAxis(-1, 0, 1, 'H')).toThrow(/H grid -1,0,1.*step must be positive/);
    expect(() => defineGridAxis(1, 0.1, -1, 'K')).toThrow(/stop must not be below start/);
    expect(() => defineGridAxis(0, Number.NaN, 1, 'L')).toThrow(/finite/);
    expect(() => defineGridAxis(-100, 0.0001, 100)).toThrow(/voxels is more than/);
  });
});

describe('default grid (NXRefine initialize_grid, spec §4.16)', () => {
  it('evenceil and stepsize as NXRefine computes them', () => {
    expect([4.4, 4.6, 5, 5.5, 6.5, 0.4].map(evenCeil)).toEqual([4, 6, 6, 6, 6, 0]);
    expect(niceStepSize(0.012)).toBe(0.01);
    expect(niceStepSize(0.028)).toBe(0.02);
    expect(niceStepSize(0.008)).toBe(0.01);
    expect(niceStepSize(0.034)).toBeCloseTo(0.02, 15);
    expect(niceStepSize(0.036)).toBeCloseTo(0.05, 15);
    expect(niceStepSize(0.04)).toBeCloseTo(0.05, 15);
    expect(niceStepSize(3)).toBe(2);
    expect(niceStepSize(7.5)).toBe(5); // a tie: numpy's argmin takes the first
    expect(niceStepSize(7.6)).toBe(10);
  });

  it('reproduces spec §11.7: TiO2 (a = 4.594, c = 2.959) on the §11.2 geometry → H, K −6…6, L −4…4, step 0.01', () => {
    expect(computeQMax(ORACLE_GEOMETRY)).toBeCloseTo(ORACLE_QMAX, 12);
    const rec = computeReciprocalCell(TIO2, { twoPi: true });
    expect(rec.a).toBeCloseTo(1.367693797818804, 14);
    expect(rec.c).toBeCloseTo(2.123415108881239, 14);
    const g = computeDefaultGrid({ geometry: ORACLE_GEOMETRY, cell: TIO2 });
    expect(g.h).toEqual({ start: -6, step: 0.01, count: 1201 });
    expect(g.k).toEqual({ start: -6, step: 0.01, count: 1201 });
    expect(g.l).toEqual({ start: -4, step: 0.01, count: 801 });
  });

  it('follows the cell: a long c axis gets a coarser L step', () => {
    const g = computeDefaultGrid({
      geometry: ORACLE_GEOMETRY,
      cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
    });
    // 0.8·9.504/(2π/11.68) = 14.13 → 14; range 28 → 0.028 → step 0.02
    expect(g.l).toEqual({ start: -14, step: 0.02, count: 1401 });
    expect(g.h).toEqual({ start: -6, step: 0.01, count: 1201 });
  });
});
