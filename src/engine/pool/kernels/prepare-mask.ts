/**
 * Prepare 3D Mask kernel (spec §5.3): the int8 mask of frames [start, stop) of a stack. A frame is
 * masked where the flags of the difference into it (previous → this frame) or out of it (this →
 * next frame) are set; frames outside [first, last] are masked whole. Each task reads its frames
 * plus one on either side (the 1-frame overlap of NXRefine's slabs), so tasks are independent.
 */
import {
  createMaskWorkspace,
  flagFrameDifference,
  combineDifferenceFlags,
} from '../../../refine/mask/flag-frame-difference.ts';
import type { BraggMaskParameters, DetectorGaps } from '../../../refine/mask/models.ts';
import type { FrameKernel, PoolFrame } from '../models.ts';

export interface PrepareMaskKernelParams {
  params: BraggMaskParameters;
  /** Full-line gaps of the pixel mask (filled from their neighbours). */
  gaps: DetectorGaps;
  /** Frames first…last (inclusive) are computed; the others are masked whole. */
  first: number;
  last: number;
}

export interface PrepareMaskKernelPart {
  /** (stop − start) frames of ny·nx int8 values, 1 = masked. */
  mask: Int8Array;
  /** Masked pixels per frame. */
  counts: Float64Array;
}

export const prepareMaskKernel: FrameKernel<PrepareMaskKernelParams, PrepareMaskKernelPart> = {
  processRange(ctx) {
    const { params, gaps, first, last } = ctx.params;
    const [ny, nx] = ctx.frameShape;
    const n = ny * nx;
    const nf = ctx.stop - ctx.start;
    const mask = new Int8Array(nf * n);
    const counts = new Float64Array(nf);
    const ws = createMaskWorkspace(ny, nx);
    // Flags of the difference D[z] = frame z+1 − frame z; two buffers, the one holding D[z−1] is kept.
    const bufs = [new Uint8Array(n), new Uint8Array(n)] as const;
    let prevBuf = -1;
    let prevIndex = -1;
    const cache = new Map<number, PoolFrame['data']>();
    const frame = (z: number): PoolFrame['data'] => {
      let d = cache.get(z);
      if (!d) {
        d = ctx.readFrame(z).data;
        cache.set(z, d);
        for (const k of cache.keys()) if (k < z - 1) cache.delete(k);
      }
      return d;
    };
    for (let z = ctx.start; z < ctx.stop; z++) {
      const i = z - ctx.start;
      const out = mask.subarray(i * n, (i + 1) * n);
      if (z < first || z > last) {
        out.fill(1);
        counts[i] = n;
        ctx.frameDone();
        continue;
      }
      let intoBuf = -1;
      if (z - 1 >= 0) {
        if (prevIndex === z - 1 && prevBuf >= 0) intoBuf = prevBuf;
        else {
          intoBuf = 0;
          flagFrameDifference(frame(z - 1), frame(z), gaps, params, ws, bufs[0]);
        }
      }
      let outBuf = -1;
      if (z + 1 < ctx.frameCount) {
        outBuf = intoBuf === 0 ? 1 : 0;
        flagFrameDifference(frame(z), frame(z + 1), gaps, params, ws, bufs[outBuf]!);
      }
      combineDifferenceFlags(intoBuf >= 0 ? bufs[intoBuf]! : null, outBuf >= 0 ? bufs[outBuf]! : null, out);
      let c = 0;
      for (let j = 0; j < n; j++) c += out[j]!;
      counts[i] = c;
      prevBuf = outBuf;
      prevIndex = outBuf >= 0 ? z : -1;
      ctx.frameDone();
    }
    return { result: { mask, counts }, transfer: [mask.buffer, counts.buffer] };
  },
};
