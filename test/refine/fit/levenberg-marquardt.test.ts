import { Matrix, inverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import { minimizeLeastSquares } from '../../../src/refine/fit/levenberg-marquardt.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';

describe('minimizeLeastSquares', () => {
  it('finds the Rosenbrock minimum (1, 1) from (−1.2, 1)', () => {
    const res = minimizeLeastSquares(
      (p, out) => {
        out[0] = 10 * (p[1]! - p[0]! * p[0]!);
        out[1] = 1 - p[0]!;
      },
      [-1.2, 1],
      { residualCount: 2, maxIterations: 200 },
    );
    expect(res.converged).toBe(true);
    expect(res.parameters[0]).toBeCloseTo(1, 6);
    expect(res.parameters[1]).toBeCloseTo(1, 6);
    expect(res.chiSquare).toBeLessThan(1e-12);
  });

  it('reproduces the closed-form linear least-squares solution and its standard errors', () => {
    // y = a + b·t + c·t² with noise; OLS: β = (XᵀX)⁻¹Xᵀy, Cov = s²(XᵀX)⁻¹.
    const rnd = createRandom(11, 1);
    const t = Array.from({ length: 40 }, (_, i) => i / 10);
    const y = t.map((v) => 1.5 - 0.7 * v + 0.3 * v * v + 0.05 * rnd.normal());
    const X = new Matrix(t.map((v) => [1, v, v * v]));
    const XtX = X.transpose().mmul(X);
    const beta = inverse(XtX).mmul(X.transpose()).mmul(Matrix.columnVector(y));
    const resid = y.map(
      (v, i) => v - (beta.get(0, 0) + beta.get(1, 0) * t[i]! + beta.get(2, 0) * t[i]! ** 2),
    );
    const s2 = resid.reduce((s, v) => s + v * v, 0) / (40 - 3);
    const cov = inverse(XtX).mul(s2);

    const res = minimizeLeastSquares(
      (p, out) => {
        for (let i = 0; i < t.length; i++) out[i] = p[0]! + p[1]! * t[i]! + p[2]! * t[i]! ** 2 - y[i]!;
      },
      [0, 0, 0],
      { residualCount: t.length },
    );
    for (let j = 0; j < 3; j++) {
      expect(res.parameters[j]).toBeCloseTo(beta.get(j, 0), 8);
      expect(res.esds[j]! / Math.sqrt(cov.get(j, j))).toBeCloseTo(1, 5);
    }
    expect(res.correlation[0]![1]).toBeCloseTo(cov.get(0, 1) / Math.sqrt(cov.get(0, 0) * cov.get(1, 1)), 5);
  });

  it('fits an exponential decay; the esds match s²(JᵀJ)⁻¹ of the analytic Jacobian and the truth is within 3σ', () => {
    const rnd = createRandom(5, 2);
    const t = Array.from({ length: 60 }, (_, i) => i * 0.1);
    const truth = [4, 0.8, 0.5];
    const y = t.map((v) => truth[0]! * Math.exp(-truth[1]! * v) + truth[2]! + 0.02 * rnd.normal());
    const res = minimizeLeastSquares(
      (p, out) => {
        for (let i = 0; i < t.length; i++) out[i] = p[0]! * Math.exp(-p[1]! * t[i]!) + p[2]! - y[i]!;
      },
      [1, 0.1, 0],
      { residualCount: t.length, differences: 'central' },
    );
    expect(res.converged).toBe(true);
    const [A, k] = [res.parameters[0]!, res.parameters[1]!];
    const J = new Matrix(t.map((v) => [Math.exp(-k * v), -A * v * Math.exp(-k * v), 1]));
    const cov = inverse(J.transpose().mmul(J)).mul(res.reducedChiSquare);
    for (let j = 0; j < 3; j++) {
      expect(res.esds[j]! / Math.sqrt(cov.get(j, j))).toBeCloseTo(1, 4);
      expect(Math.abs(res.parameters[j]! - truth[j]!)).toBeLessThan(3 * res.esds[j]!);
    }
  });

  it('respects bounds', () => {
    const res = minimizeLeastSquares(
      (p, out) => {
        out[0] = p[0]! - 3;
        out[1] = p[1]! + 2;
      },
      [0, 0],
      { residualCount: 2, lower: [-Infinity, -1], upper: [2, Infinity] },
    );
    expect(res.parameters[0]).toBeCloseTo(2, 10);
    expect(res.parameters[1]).toBeCloseTo(-1, 10);
  });

  it('reports parameters the data cannot separate as undetermined', () => {
    // Only p0 + p1 enters.
    const res = minimizeLeastSquares(
      (p, out) => {
        for (let i = 0; i < 5; i++) out[i] = p[0]! + p[1]! + i * p[2]! - (2 + 0.5 * i);
      },
      [0, 0, 0],
      { residualCount: 5 },
    );
    expect(res.parameters[0]! + res.parameters[1]!).toBeCloseTo(2, 8);
    expect(res.parameters[2]).toBeCloseTo(0.5, 8);
    expect(res.undetermined).toEqual([0, 1]);
  });

  it('rejects bad input and stops when cancelled', () => {
    expect(() => minimizeLeastSquares(() => undefined, [1, 2], { residualCount: 1 })).toThrow(
      /at least as many/,
    );
    expect(() => minimizeLeastSquares((_p, out) => out.fill(NaN), [1], { residualCount: 2 })).toThrow(
      /not finite/,
    );
    const controller = new AbortController();
    controller.abort();
    expect(() =>
      minimizeLeastSquares((p, out) => out.fill(p[0]!), [1], { residualCount: 2, signal: controller.signal }),
    ).toThrow(/cancelled/);
  });
});
