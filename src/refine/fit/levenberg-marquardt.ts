import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

import type { AbortSignalLike } from '../../shared/abort.ts';
import { NxrError } from '../../shared/errors.ts';

/** Residual function r(p): m residuals for n parameters (written into `out` when given). */
export type ResidualFunction = (p: Float64Array, out: Float64Array) => void;

export interface LevenbergMarquardtOptions {
  /** Number of residuals m (fixed for the whole minimisation). */
  residualCount: number;
  /** Finite-difference step per parameter, in the parameter's own units. @default 1e-6·max(1, |p|) */
  steps?: ArrayLike<number>;
  /** 'forward' (n evaluations per Jacobian, MINPACK's choice) or 'central' (2n, more accurate). @default 'forward' */
  differences?: 'forward' | 'central';
  /** Lower and upper bounds per parameter (±Infinity for none); steps are projected onto the box. */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** Stop after this many accepted or rejected iterations. @default 100 */
  maxIterations?: number;
  /** Stop when the relative reduction of χ² in an accepted step is below ftol. @default 1e-10 */
  ftol?: number;
  /** Stop when every |Δp_j| < xtol·max(|p_j|, 10⁶·step_j) (the step marks a parameter's scale). @default 1e-10 */
  xtol?: number;
  /** Stop when the scaled gradient max_j |(Jᵀr)_j| / √(χ²·(JᵀJ)_jj) < gtol. @default 1e-10 */
  gtol?: number;
  /** Initial damping λ (dimensionless; the damping term is λ·diag(JᵀJ), Marquardt's scaling). @default 1e-3 */
  lambda0?: number;
  signal?: AbortSignalLike;
  /** Called after each iteration with χ² = Σr². */
  onIteration?: (iteration: number, chiSquare: number) => void;
}

export interface LevenbergMarquardtResult {
  /** Best parameters found. */
  parameters: Float64Array;
  /** Residuals at `parameters`. */
  residuals: Float64Array;
  /** χ² = Σ r². */
  chiSquare: number;
  /** χ²/(m − n) (NaN if m ≤ n). */
  reducedChiSquare: number;
  /** Iterations (Jacobians computed) and residual evaluations. */
  iterations: number;
  evaluations: number;
  /** A convergence criterion was met (false: iteration limit). */
  converged: boolean;
  /** Which criterion stopped the minimisation. */
  message: string;
  /**
   * Covariance of the parameters, s²·(JᵀJ)⁻¹ with s² = χ²/(m − n), as rows (n × n). Directions the
   * data do not determine (singular JᵀJ, relative eigenvalue < 1e-12) are left out (pseudo-inverse)
   * and listed in `undetermined`.
   */
  covariance: number[][];
  /** Standard deviations √C_jj. */
  esds: Float64Array;
  /** Correlation matrix C_ij/√(C_ii C_jj). */
  correlation: number[][];
  /** Indices of parameters that take part in a direction the data do not determine. */
  undetermined: number[];
}

/**
 * Levenberg–Marquardt minimisation of Σ r(p)² with a finite-difference Jacobian (Marquardt's
 * diagonal scaling, Nielsen's damping update, bounds by projection). Covariance and esds at the
 * minimum from s²·(JᵀJ)⁻¹ (the same estimate as MINPACK/lmfit's `leastsq`).
 * @throws NxrError BAD_PARAMETER for m < n, mismatching arrays or non-finite starting residuals;
 *   CANCELLED when the signal aborts.
 */
export function minimizeLeastSquares(
  fn: ResidualFunction,
  p0: ArrayLike<number>,
  options: LevenbergMarquardtOptions,
): LevenbergMarquardtResult {
  const n = p0.length;
  const m = options.residualCount;
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `least squares: ${message}` });
  };
  if (n === 0) bad('no parameters to fit');
  if (!(Number.isInteger(m) && m >= n)) bad(`need at least as many residuals as parameters (m=${m}, n=${n})`);
  const lower = Float64Array.from({ length: n }, (_, j) => options.lower?.[j] ?? -Infinity);
  const upper = Float64Array.from({ length: n }, (_, j) => options.upper?.[j] ?? Infinity);
  const maxIterations = options.maxIterations ?? 100;
  const ftol = options.ftol ?? 1e-10;
  const xtol = options.xtol ?? 1e-10;
  const gtol = options.gtol ?? 1e-10;
  const central = options.differences === 'central';

  const p = Float64Array.from(p0, (v, j) => Math.min(upper[j]!, Math.max(lower[j]!, v)));
  const steps = Float64Array.from({ length: n }, (_, j) => {
    const s = options.steps?.[j] ?? 1e-6 * Math.max(1, Math.abs(p[j]!));
    if (!(s > 0 && Number.isFinite(s))) bad(`finite-difference step ${j} must be positive`);
    return s;
  });

  let evaluations = 0;
  const evaluate = (q: Float64Array, out: Float64Array): number => {
    if (options.signal?.aborted) throw new NxrError({ code: 'CANCELLED', message: 'refinement cancelled' });
    fn(q, out);
    evaluations++;
    let s = 0;
    for (let i = 0; i < m; i++) s += out[i]! * out[i]!;
    return s;
  };

  let r = new Float64Array(m);
  let chi2 = evaluate(p, r);
  if (!Number.isFinite(chi2)) bad('the residuals are not finite at the starting parameters');

  // Jacobian stored by columns.
  const J = Array.from({ length: n }, () => new Float64Array(m));
  const rPlus = new Float64Array(m);
  const rMinus = new Float64Array(m);
  const trial = new Float64Array(n);
  let rTrial = new Float64Array(m);
  const computeJacobian = (): void => {
    for (let j = 0; j < n; j++) {
      const h = steps[j]!;
      const col = J[j]!;
      const pj = p[j]!;
      // Step inwards at a bound.
      const dir = pj + h > upper[j]! ? -1 : 1;
      p[j] = pj + dir * h;
      evaluate(p, rPlus);
      if (central && pj - h >= lower[j]! && pj + h <= upper[j]!) {
        p[j] = pj - h;
        evaluate(p, rMinus);
        for (let i = 0; i < m; i++) col[i] = (rPlus[i]! - rMinus[i]!) / (2 * h);
      } else {
        for (let i = 0; i < m; i++) col[i] = (rPlus[i]! - r[i]!) / (dir * h);
      }
      p[j] = pj;
    }
  };
  const normalMatrix = (): { A: number[][]; g: Float64Array } => {
    const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const g = new Float64Array(n);
    for (let a = 0; a < n; a++) {
      const ca = J[a]!;
      let s = 0;
      for (let i = 0; i < m; i++) s += ca[i]! * r[i]!;
      g[a] = s;
      for (let b = 0; b <= a; b++) {
        const cb = J[b]!;
        let t = 0;
        for (let i = 0; i < m; i++) t += ca[i]! * cb[i]!;
        A[a]![b] = t;
        A[b]![a] = t;
      }
    }
    return { A, g };
  };

  let lambda = -1;
  let nu = 2;
  let iterations = 0;
  let converged = false;
  let message = `iteration limit (${maxIterations}) reached`;
  const scale = new Float64Array(n); // MINPACK-style running maximum of diag(JᵀJ)
  outer: while (iterations < maxIterations) {
    iterations++;
    computeJacobian();
    const { A, g } = normalMatrix();
    let maxDiag = 0;
    for (let j = 0; j < n; j++) {
      scale[j] = Math.max(scale[j]!, A[j]![j]!);
      maxDiag = Math.max(maxDiag, A[j]![j]!);
    }
    if (maxDiag === 0) {
      message = 'the residuals do not depend on the parameters';
      break;
    }
    // λ is dimensionless: the damping term is λ·max-so-far(diag JᵀJ) (Marquardt's scaling).
    if (lambda < 0) lambda = options.lambda0 ?? 1e-3;
    // Gradient test.
    let gmax = 0;
    for (let j = 0; j < n; j++) {
      if (A[j]![j]! > 0)
        gmax = Math.max(gmax, Math.abs(g[j]!) / Math.sqrt(A[j]![j]! * Math.max(chi2, 1e-300)));
    }
    if (gmax < gtol) {
      converged = true;
      message = 'gradient below gtol';
      break;
    }
    // Inner loop: find an acceptable damping.
    for (;;) {
      const M = A.map((row, a) =>
        row.map((v, b) => (a === b ? v + lambda * Math.max(scale[a]!, 1e-300) : v)),
      );
      const delta = solveSymmetric(M, g);
      let small = delta !== undefined;
      if (delta) {
        for (let j = 0; j < n; j++) {
          trial[j] = Math.min(upper[j]!, Math.max(lower[j]!, p[j]! - delta[j]!));
        }
        const chi2Trial = evaluate(trial, rTrial);
        // Predicted reduction of the linear model for the projected step.
        const d = Float64Array.from({ length: n }, (_, j) => p[j]! - trial[j]!);
        let predicted = 0;
        for (let a = 0; a < n; a++) {
          let Ad = 0;
          for (let b = 0; b < n; b++) Ad += A[a]![b]! * d[b]!;
          predicted += d[a]! * (2 * g[a]! - Ad);
        }
        for (let j = 0; j < n; j++) {
          if (Math.abs(d[j]!) >= xtol * Math.max(Math.abs(p[j]!), steps[j]! * 1e6)) small = false;
        }
        if (Number.isFinite(chi2Trial) && chi2Trial < chi2) {
          const rho = predicted > 0 ? (chi2 - chi2Trial) / predicted : 0;
          const relative = (chi2 - chi2Trial) / chi2;
          p.set(trial);
          [r, rTrial] = [rTrial, r];
          chi2 = chi2Trial;
          lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
          nu = 2;
          options.onIteration?.(iterations, chi2);
          if (relative < ftol) {
            converged = true;
            message = 'relative reduction of χ² below ftol';
            break outer;
          }
          if (small) {
            converged = true;
            message = 'step below xtol';
            break outer;
          }
          if (chi2 === 0) {
            converged = true;
            message = 'exact fit';
            break outer;
          }
          break;
        }
      }
      if (small) {
        converged = true;
        message = 'no further reduction: step below xtol';
        break outer;
      }
      lambda *= nu;
      nu *= 2;
      if (!(lambda < 1e300)) {
        converged = true;
        message = 'no further reduction possible';
        break outer;
      }
    }
  }

  // Covariance at the final parameters.
  computeJacobian();
  const { A } = normalMatrix();
  const dof = m - n;
  const reducedChiSquare = dof > 0 ? chi2 / dof : NaN;
  const { inverse, undetermined } = pseudoInverseSymmetric(A);
  const s2 = dof > 0 ? reducedChiSquare : 0;
  const covariance = inverse.map((row) => row.map((v) => v * s2));
  const esds = Float64Array.from({ length: n }, (_, j) => Math.sqrt(Math.max(0, covariance[j]![j]!)));
  const correlation = covariance.map((row, a) =>
    row.map((v, b) => {
      const d = esds[a]! * esds[b]!;
      return d > 0 ? v / d : a === b ? 1 : 0;
    }),
  );
  return {
    parameters: p,
    residuals: r,
    chiSquare: chi2,
    reducedChiSquare,
    iterations,
    evaluations,
    converged,
    message,
    covariance,
    esds,
    correlation,
    undetermined,
  };
}

/** Solve the symmetric positive definite system M·x = b (Cholesky); undefined if M is not positive definite. */
export function solveSymmetric(M: number[][], b: ArrayLike<number>): Float64Array | undefined {
  const n = M.length;
  const L = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = M[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i]![i] = Math.sqrt(s);
      } else {
        L[i]![j] = s / L[j]![j]!;
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

/**
 * Pseudo-inverse of a symmetric positive semi-definite matrix, computed on the unit-diagonal
 * scaled matrix (so parameters in different units are treated alike); eigenvalues below 1e-12 of
 * the largest are dropped and the parameters in those directions reported as undetermined.
 */
export function pseudoInverseSymmetric(A: number[][]): { inverse: number[][]; undetermined: number[] } {
  const n = A.length;
  const d = A.map((row, j) => (row[j]! > 0 ? 1 / Math.sqrt(row[j]!) : 0));
  const S = new Matrix(A.map((row, a) => row.map((v, b) => v * d[a]! * d[b]!)));
  const evd = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const vmax = Math.max(...values.map(Math.abs));
  const inverse = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const weak = new Set<number>();
  values.forEach((lambda, k) => {
    if (!(lambda > 1e-12 * vmax)) {
      for (let j = 0; j < n; j++) if (Math.abs(vectors.get(j, k)) > 0.1) weak.add(j);
      return;
    }
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) inverse[a]![b]! += (vectors.get(a, k) * vectors.get(b, k)) / lambda;
  });
  for (let j = 0; j < n; j++) if (d[j] === 0) weak.add(j);
  return {
    inverse: inverse.map((row, a) => row.map((v, b) => v * d[a]! * d[b]!)),
    undetermined: [...weak].sort((x, y) => x - y),
  };
}
