/**
 * The voxel-wise sum of one frame of each scan, as numpy adds NXRefine's slabs: float32 sums are
 * rounded to float32 after every addition (numpy's float32 `a + b`, scan by scan), float64 and
 * integer sums are exact (integers below 2^53). NaN (a missing image of a QM2 import) stays NaN,
 * and negative Pilatus gap/bad-pixel values add up like any other value, as in NXRefine: the pixel
 * mask, not the sum, excludes them.
 */
import { NxrError } from '../../shared/errors.ts';
import { sumRange, type SumDtype } from './check-sum-inputs.ts';

export type FrameValues =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export type SumOutput = Float32Array | Float64Array | Int32Array | Uint32Array | BigInt64Array;

/** A typed array of `n` values of the sum type. */
export function allocateSum(dtype: SumDtype, n: number): SumOutput {
  switch (dtype) {
    case '<f4':
      return new Float32Array(n);
    case '<f8':
      return new Float64Array(n);
    case '<i4':
      return new Int32Array(n);
    case '<u4':
      return new Uint32Array(n);
    default:
      return new BigInt64Array(n);
  }
}

type Accumulator = Float64Array | Float32Array | Int32Array | Uint32Array;

/** acc[off + i] = a[i] + b[i]; direct loops (a pass through a scratch array costs several times more). */
function addPair(acc: Accumulator, off: number, a: FrameValues, b: FrameValues, n: number): void {
  for (let i = 0; i < n; i++) acc[off + i] = a[i]! + b[i]!;
}

/** acc[off + i] += f[i] */
function addOne(acc: Float64Array | Float32Array, off: number, f: FrameValues, n: number): void {
  for (let i = 0; i < n; i++) acc[off + i] = acc[off + i]! + f[i]!;
}

/** o[off + i] = a[i] + b[i] while it fits [lo, hi]; returns the first index that does not, or −1. */
function addPairChecked(
  o: Int32Array | Uint32Array,
  off: number,
  a: FrameValues,
  b: FrameValues,
  n: number,
  lo: number,
  hi: number,
): number {
  for (let i = 0; i < n; i++) {
    const v = a[i]! + b[i]!;
    if (v < lo || v > hi) return i;
    o[off + i] = v;
  }
  return -1;
}

/** o[off + i] = v[i] while it fits [lo, hi]; returns the first index that does not, or −1. */
function storeChecked(
  o: Int32Array | Uint32Array,
  off: number,
  v: Float64Array,
  lo: number,
  hi: number,
): number {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < lo || x > hi) return i;
    o[off + i] = x;
  }
  return -1;
}

let scratch = new Float64Array(0);

/**
 * out[offset … offset + n) = Σ frames (n = frame length). An integer sum outside its type's range is
 * an NxrError (WRONG_DTYPE) naming `where` (e.g. 'frame 12 of f1') and the pixel (row, column of a
 * frame `width` pixels wide).
 */
export function sumFrameInto(
  frames: readonly FrameValues[],
  out: SumOutput,
  offset: number,
  dtype: SumDtype,
  where: { label?: string; width?: number } = {},
): void {
  const n = frames[0]!.length;
  for (const f of frames)
    if (f.length !== n)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `frames of ${n} and ${f.length} values cannot be added`,
      });
  const m = frames.length;
  if (dtype === '<f4' || dtype === '<f8') {
    // stored after every addition: in a float32 array that is numpy's float32 a + b + c (rounding a
    // double sum of two float32 values to float32 is the correctly rounded float32 sum)
    const acc = out as Float32Array | Float64Array;
    if (m === 1) acc.set(frames[0]!, offset);
    else addPair(acc, offset, frames[0]!, frames[1]!, n);
    for (let k = 2; k < m; k++) addOne(acc, offset, frames[k]!, n);
    return;
  }
  const [lo, hi] = sumRange(dtype)!;
  let bad = -1;
  let value = 0;
  // an integer sum type: int32 or uint32 here, or int64
  const int32 = out instanceof BigInt64Array ? undefined : (out as Int32Array | Uint32Array);
  if (m === 2 && int32) {
    bad = addPairChecked(int32, offset, frames[0]!, frames[1]!, n, lo, hi);
    if (bad >= 0) value = frames[0]![bad]! + frames[1]![bad]!;
  } else {
    if (scratch.length < n) scratch = new Float64Array(n);
    const acc = scratch.subarray(0, n);
    if (m === 1) acc.set(frames[0]!);
    else addPair(acc, 0, frames[0]!, frames[1]!, n);
    for (let k = 2; k < m; k++) addOne(acc, 0, frames[k]!, n);
    if (int32) bad = storeChecked(int32, offset, acc, lo, hi);
    else {
      const big = out as BigInt64Array;
      for (let i = 0; i < n && bad < 0; i++) {
        if (acc[i]! < lo || acc[i]! > hi) bad = i;
        else big[offset + i] = BigInt(acc[i]!);
      }
    }
    if (bad >= 0) value = acc[bad]!;
  }
  if (bad >= 0) {
    throw new NxrError({
      code: 'WRONG_DTYPE',
      message:
        `the sum ${value} at ${where.width ? `row ${Math.floor(bad / where.width)}, column ${bad % where.width}` : `value ${bad}`}` +
        `${where.label ? ` of ${where.label}` : ''} does not fit ${dtype}`,
    });
  }
}
