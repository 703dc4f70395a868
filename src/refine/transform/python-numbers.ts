/**
 * Python/numpy number semantics needed to reproduce NXRefine's grid choices and CCTW settings text
 * exactly: round-half-to-even (`round`, `np.round`, `np.rint`) and `repr(float)`.
 */

/** np.rint / Python 3 round(x): nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** np.round(x, decimals): rint(x·10^d)/10^d (numpy's algorithm, ties to even). */
export function numpyRound(x: number, decimals = 0): number {
  if (decimals === 0) return roundHalfEven(x);
  const m = 10 ** decimals;
  return roundHalfEven(x * m) / m;
}

/**
 * Python's repr() of a float: the shortest string that round-trips (as JavaScript's), written in
 * fixed notation when the decimal exponent is −4 … 15 and as 'd.ddde±XX' otherwise; whole numbers
 * keep a '.0' ('650.0').
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** A Python int or float as NXRefine's f-strings print it: integers without '.0' when `isInt`. */
export function pythonNumber(x: number, isInt: boolean): string {
  return isInt && Number.isInteger(x) ? String(x) : pythonFloatRepr(x);
}
