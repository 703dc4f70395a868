/**
 * Robust standard deviation of values centred on zero: 1.4826 × the median of |v| (the MAD scale
 * of a normal distribution), so a minority of outliers does not inflate it. NaN for no values.
 */
export function computeRobustScale(values: ArrayLike<number>): number {
  const a: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) a.push(Math.abs(v));
  }
  if (a.length === 0) return NaN;
  a.sort((x, y) => x - y);
  const mid = a.length >> 1;
  const median = a.length % 2 ? a[mid]! : (a[mid - 1]! + a[mid]!) / 2;
  return 1.4826 * median;
}
