/**
 * Error function, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough to integrate Gaussian
 * peak profiles over pixels and frames.
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-ax * ax);
  return sign * y;
}

/** ∫ of a unit-area Gaussian (centre, sigma) over [lo, hi). */
export function gaussianFraction(lo: number, hi: number, centre: number, sigma: number): number {
  const s = Math.SQRT2 * sigma;
  return 0.5 * (erf((hi - centre) / s) - erf((lo - centre) / s));
}
