import { NxrError } from '../../shared/errors.ts';
import { boxSum2d } from './box-sum.ts';
import { fillDetectorGaps } from './detector-gaps.ts';
import type { BraggMaskParameters, DetectorGaps } from './models.ts';

/** Work arrays for one detector shape, reused frame after frame. */
export interface MaskWorkspace {
  ny: number;
  nx: number;
  diff: Float64Array;
  sum: Float64Array;
  tmp: Float64Array;
}

export function createMaskWorkspace(ny: number, nx: number): MaskWorkspace {
  const n = ny * nx;
  return { ny, nx, diff: new Float64Array(n), sum: new Float64Array(n), tmp: new Float64Array(n) };
}

/** Checks the mask parameters (NxrError BAD_PARAMETER naming the first bad one). */
export function checkBraggMaskParameters(p: BraggMaskParameters): BraggMaskParameters {
  const bad = (name: string, why: string, v: number): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `3-D mask ${name} ${why} (got ${v})` });
  };
  if (!(Number.isFinite(p.t1) && p.t1 >= 0)) bad('t1', 'must be a number ≥ 0', p.t1);
  if (!(Number.isFinite(p.t2) && p.t2 >= 0 && p.t2 <= 1)) bad('t2', 'must be a fraction 0…1', p.t2);
  for (const k of ['h1', 'h2'] as const)
    if (!(Number.isInteger(p[k]) && p[k] >= 1 && p[k] <= 1001)) bad(k, 'must be an integer 1…1001', p[k]);
  return p;
}

/**
 * The flags of one frame difference D = next − prev (spec §5.3): S1 = 1 where the h1 × h1 box mean
 * of D has |mean| ≥ t1 (either sign), detector gaps filled from their neighbours, then 1 where more
 * than a fraction t2 of the h2 × h2 box around a pixel has S1 = 1 (strictly: NXRefine leaves values
 * equal to t2 at t2, which its int8 mask stores as 0 for t2 < 1). Non-finite pixels (missing frames)
 * count as no change. Writes 0/1 into `out` (ny·nx) and returns it.
 */
export function flagFrameDifference(
  prev: ArrayLike<number>,
  next: ArrayLike<number>,
  gaps: DetectorGaps,
  params: BraggMaskParameters,
  ws: MaskWorkspace,
  out: Uint8Array,
): Uint8Array {
  const { ny, nx, diff, sum, tmp } = ws;
  const n = ny * nx;
  for (let i = 0; i < n; i++) {
    const d = next[i]! - prev[i]!;
    diff[i] = Number.isFinite(d) ? d : 0;
  }
  boxSum2d(diff, ny, nx, params.h1, sum, tmp);
  const area1 = params.h1 * params.h1;
  for (let i = 0; i < n; i++) out[i] = Math.abs(sum[i]! / area1) < params.t1 ? 0 : 1;
  fillDetectorGaps(out, ny, nx, gaps);
  boxSum2d(out, ny, nx, params.h2, sum, tmp);
  const area2 = params.h2 * params.h2;
  for (let i = 0; i < n; i++) out[i] = sum[i]! / area2 > params.t2 ? 1 : 0;
  return out;
}

/** Mask of a frame from the flags of the differences into it and out of it (either may be absent). */
export function combineDifferenceFlags(
  before: Uint8Array | null,
  after: Uint8Array | null,
  out: Int8Array,
): Int8Array {
  const n = out.length;
  for (let i = 0; i < n; i++)
    out[i] = (before !== null && before[i] !== 0) || (after !== null && after[i] !== 0) ? 1 : 0;
  return out;
}
