/**
 * Sum Scans kernel: frames [start, stop) of the first scan's stack (the run's file) plus the same
 * frames of the other scans' stacks, which the task opens itself read-only. Returns the summed
 * frames in the sum's element type (transferred, not copied).
 */
import type { SumDtype } from '../../../refine/sum/check-sum-inputs.ts';
import {
  allocateSum,
  sumFrameInto,
  type FrameValues,
  type SumOutput,
} from '../../../refine/sum/sum-frames.ts';
import { openFrameSource, type FrameSource } from '../frame-source.ts';
import type { FrameKernel } from '../models.ts';

export interface SumFramesKernelParams {
  /** The other scans' stacks, in scan order. */
  others: Array<{ file: string; dataset: string }>;
  dtype: SumDtype;
  /** Entry name for messages. */
  entry: string;
}

export interface SumFramesKernelPart {
  /** (stop − start) summed frames, row-major. */
  frames: SumOutput;
}

export const sumFramesKernel: FrameKernel<SumFramesKernelParams, SumFramesKernelPart> = {
  async processRange(ctx) {
    const { others, dtype, entry } = ctx.params;
    const [ny, nx] = ctx.frameShape;
    const n = ny * nx;
    const out = allocateSum(dtype, (ctx.stop - ctx.start) * n);
    const sources: FrameSource[] = [];
    try {
      for (const o of others) sources.push(await openFrameSource(o.file, o.dataset));
      for (let z = ctx.start; z < ctx.stop; z++) {
        const frames: FrameValues[] = [ctx.readFrame(z).data as FrameValues];
        for (const s of sources) frames.push(s.readFrame(z).data as FrameValues);
        sumFrameInto(frames, out, (z - ctx.start) * n, dtype, { label: `frame ${z} of ${entry}`, width: nx });
        ctx.frameDone();
      }
    } finally {
      for (const s of sources) s.close();
    }
    return { result: { frames: out }, transfer: [out.buffer as ArrayBuffer] };
  },
};
