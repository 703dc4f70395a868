/**
 * Savitzky–Golay smoothing with the semantics of `scipy.signal.savgol_filter(x, window_length,
 * polyorder)` and its defaults (deriv 0, mode 'interp'): each output point away from the ends is the
 * least-squares polynomial of degree `polyorder` through the `window_length` points around it,
 * evaluated at the window's centre; the first and last `window_length // 2` points are the values
 * of one polynomial fitted to the first (last) `window_length` points. Even windows are allowed, as
 * scipy (1.10) allows them: output i is then the fit through points i − w/2 + 1 … i + w/2 evaluated at
 * their centre, i + ½, as scipy's even-length convolution kernel does.
 *
 * Positions are scaled to [−1, 1] inside each window, so the normal equations stay well conditioned
 * for windows of hundreds of points.
 */
import { NxrError } from '../../shared/errors.ts';

/**
 * Coefficients c (length w) such that Σ c_j·x_j is the least-squares polynomial of degree p through
 * the points (j, x_j), j = 0…w−1, evaluated at position `at` (in samples, may be fractional).
 */
export function savgolWindowCoefficients(w: number, p: number, at: number): Float64Array {
  const m = (w - 1) / 2;
  const scale = m > 0 ? m : 1;
  const k = p + 1;
  // basis φ_l(t) = u^l with u = (t − m)/scale
  const phi = (t: number): number[] => {
    const u = (t - m) / scale;
    const out = new Array<number>(k);
    let v = 1;
    for (let l = 0; l < k; l++) {
      out[l] = v;
      v *= u;
    }
    return out;
  };
  // G = Σ φ φᵀ, rhs = φ(at); solve G a = rhs (Gaussian elimination, partial pivoting)
  const g: number[][] = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let j = 0; j < w; j++) {
    const f = phi(j);
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) g[r]![c]! += f[r]! * f[c]!;
  }
  const rhs = phi(at);
  for (let r = 0; r < k; r++) g[r]![k] = rhs[r]!;
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(g[r]![col]!) > Math.abs(g[piv]![col]!)) piv = r;
    [g[col], g[piv]] = [g[piv]!, g[col]!];
    const pr = g[col]!;
    for (let r = col + 1; r < k; r++) {
      const row = g[r]!;
      const f = row[col]! / pr[col]!;
      if (f !== 0) for (let c = col; c <= k; c++) row[c]! -= f * pr[c]!;
    }
  }
  const a = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    const row = g[r]!;
    let s = row[k]!;
    for (let c = r + 1; c < k; c++) s -= row[c]! * a[c]!;
    a[r] = s / row[r]!;
  }
  const coeffs = new Float64Array(w);
  for (let j = 0; j < w; j++) {
    const f = phi(j);
    let s = 0;
    for (let l = 0; l < k; l++) s += a[l]! * f[l]!;
    coeffs[j] = s;
  }
  return coeffs;
}

/**
 * scipy.signal.savgol_filter(x, windowLength, polyorder) (deriv 0, mode 'interp').
 * Requires polyorder < windowLength ≤ x.length, as scipy does.
 */
export function savgolFilter(x: ArrayLike<number>, windowLength: number, polyorder: number): Float64Array {
  const n = x.length;
  const w = windowLength;
  if (!Number.isInteger(w) || !Number.isInteger(polyorder) || polyorder < 0 || w < 1 || polyorder >= w)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `Savitzky–Golay: polyorder ${polyorder} must be a non-negative integer less than the window ${w}`,
    });
  if (w > n)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `Savitzky–Golay: the window (${w}) must not exceed the number of values (${n})`,
    });
  const out = new Float64Array(n);
  const half = Math.floor(w / 2);
  // interior: the window around i evaluated at its centre (for even w, the window starts one
  // sample later and its centre is i + ½, as scipy's even-length convolution kernel)
  const centre = savgolWindowCoefficients(w, polyorder, (w - 1) / 2);
  for (let i = half; i < n - half; i++) {
    const start = i - half + (w % 2 === 0 ? 1 : 0);
    let s = 0;
    for (let j = 0; j < w; j++) s += centre[j]! * x[start + j]!;
    out[i] = s;
  }
  // ends: one polynomial through the first (last) w points, evaluated at 0…half−1 (w−half…w−1)
  for (let i = 0; i < half; i++) {
    const c = savgolWindowCoefficients(w, polyorder, i);
    let s = 0;
    for (let j = 0; j < w; j++) s += c[j]! * x[j]!;
    out[i] = s;
  }
  for (let t = w - half; t < w; t++) {
    const c = savgolWindowCoefficients(w, polyorder, t);
    let s = 0;
    for (let j = 0; j < w; j++) s += c[j]! * x[n - w + j]!;
    out[n - w + t] = s;
  }
  return out;
}
