/** Hyperslab and selection helpers (pure). Ranges are [start, stop) per dimension; [] = whole. */
import type { NumericArray } from '../model/types.ts';

export type Range = [number, number] | [];

export interface Hyperslab {
  offset: number[];
  count: number[];
}

/** Validate ranges against a shape; returns offset/count. Throws RangeError on bad input. */
export function normalizeRanges(shape: readonly number[], ranges: readonly Range[]): Hyperslab {
  if (ranges.length > shape.length)
    throw new RangeError(`${ranges.length} ranges for a ${shape.length}-D dataset`);
  const offset: number[] = [];
  const count: number[] = [];
  shape.forEach((dim, i) => {
    const r = ranges[i] ?? [];
    const start = r.length === 2 ? r[0] : 0;
    const stop = r.length === 2 ? r[1] : dim;
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > dim || start > stop) {
      throw new RangeError(`range [${start}, ${stop}) out of bounds for dimension ${i} of size ${dim}`);
    }
    offset.push(start);
    count.push(stop - start);
  });
  return { offset, count };
}

/** Ranges selecting frame `index` of a (frames, ny, nx) stack. */
export function frameRanges(index: number): Range[] {
  return [[index, index + 1], [], []];
}

/**
 * Parse a numpy-like selection '5, 0:100, :' against a shape. Single indices select one element
 * (their dimension is reported in `squeezed`); negative indices count from the end.
 */
export function parseSelection(
  text: string,
  shape: readonly number[],
): { ranges: Range[]; squeezed: number[] } {
  const parts = text.trim() === '' ? [] : text.split(',').map((s) => s.trim());
  if (parts.length > shape.length)
    throw new RangeError(`selection '${text}' has more dimensions than shape (${shape.join(', ')})`);
  const ranges: Range[] = [];
  const squeezed: number[] = [];
  const idx = (s: string, dim: number, dflt: number): number => {
    if (s === '') return dflt;
    const v = Number(s);
    if (!Number.isInteger(v)) throw new RangeError(`'${s}' is not an integer index`);
    return v < 0 ? dim + v : v;
  };
  parts.forEach((p, i) => {
    const dim = shape[i]!;
    if (p.includes(':')) {
      const [a = '', b = ''] = p.split(':');
      ranges.push([idx(a, dim, 0), idx(b, dim, dim)]);
    } else {
      const k = idx(p, dim, 0);
      ranges.push([k, k + 1]);
      squeezed.push(i);
    }
  });
  normalizeRanges(shape, ranges);
  return { ranges, squeezed };
}

/** Any numeric array as Float64Array (int64 beyond 2^53 loses precision, as in numpy). */
export function toFloat64(a: NumericArray): Float64Array {
  if (a instanceof Float64Array) return a;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]!);
  return out;
}

/** Index of the axis value nearest to `value` (axis monotonic increasing or decreasing). */
export function axisValueToIndex(axis: ArrayLike<number>, value: number): number {
  const n = axis.length;
  if (n === 0) return -1;
  const inc = n < 2 || axis[n - 1]! >= axis[0]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (inc ? axis[mid]! <= value : axis[mid]! >= value) lo = mid;
    else hi = mid;
  }
  return Math.abs(axis[lo]! - value) <= Math.abs(axis[hi]! - value) ? lo : hi;
}
