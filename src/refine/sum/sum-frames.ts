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
  if (dtype === '<f4') {
    const o = out as Float32Array;
    const a = frames[0]!;
    for (let i = 0; i < n; i++) {
      let s = Math.fround(a[i]!);
      for (let k = 1; k < m; k++) s = Math.fround(s + frames[k]![i]!);
      o[offset + i] = s;
    }
    return;
  }
  const range = sumRange(dtype);
  const big = out instanceof BigInt64Array;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += frames[k]![i]!;
    if (range && (s < range[0] || s > range[1])) {
      throw new NxrError({
        code: 'WRONG_DTYPE',
        message:
          `the sum ${s} at ${where.width ? `row ${Math.floor(i / where.width)}, column ${i % where.width}` : `value ${i}`}` +
          `${where.label ? ` of ${where.label}` : ''} does not fit ${dtype}`,
      });
    }
    if (big) (out as BigInt64Array)[offset + i] = BigInt(s);
    else (out as Float64Array | Int32Array | Uint32Array)[offset + i] = s;
  }
}
