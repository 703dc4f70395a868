import type { FrameValues } from './models.ts';

/**
 * Median of a strided sample (about `samples` pixels) of the unmasked, finite, non-negative pixels
 * of a frame: a cheap typical background level. Returns 0 when no pixel qualifies (e.g. a frame
 * of NaN, as QM2 writes for missing images).
 */
export function estimateFrameBackground(data: FrameValues, mask: Uint8Array | null, samples = 4096): number {
  const n = data.length;
  if (n === 0) return 0;
  // An odd stride that is not a multiple of typical row lengths spreads the sample over the frame.
  let stride = Math.max(1, Math.floor(n / samples));
  if (stride > 1 && stride % 2 === 0) stride++;
  const values: number[] = [];
  for (let i = stride >> 1; i < n; i += stride) {
    const v = data[i]!;
    if (v >= 0 && (mask === null || mask[i] === 0)) values.push(v);
  }
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  const k = values.length;
  return k % 2 === 1 ? values[(k - 1) / 2]! : 0.5 * (values[k / 2 - 1]! + values[k / 2]!);
}
