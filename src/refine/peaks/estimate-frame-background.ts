import type { FrameValues } from './models.ts';

/**
 * The median of a strided sample (about `samples` pixels) of the unmasked, finite, non-negative
 * pixels of a frame — a cheap typical background level, 0 when no pixel qualifies — and how many
 * finite values the sample met (0: a missing frame, which QM2 fills with NaN).
 */
export function sampleFrame(
  data: FrameValues,
  mask: Uint8Array | null,
  samples = 4096,
): { median: number; finite: number } {
  const n = data.length;
  if (n === 0) return { median: 0, finite: 0 };
  // An odd stride, so that the sample does not fall on the same columns of every row.
  let stride = Math.max(1, Math.floor(n / samples));
  if (stride > 1 && stride % 2 === 0) stride++;
  const values: number[] = [];
  let finite = 0;
  for (let i = stride >> 1; i < n; i += stride) {
    const v = data[i]!;
    if (Number.isFinite(v)) finite++;
    if (v >= 0 && (mask === null || mask[i] === 0)) values.push(v);
  }
  if (values.length === 0) return { median: 0, finite };
  values.sort((a, b) => a - b);
  const k = values.length;
  const median = k % 2 === 1 ? values[(k - 1) / 2]! : 0.5 * (values[k / 2 - 1]! + values[k / 2]!);
  return { median, finite };
}
