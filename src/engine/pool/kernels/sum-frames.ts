/**
 * Sum Scans kernel: frames [start, stop) of the first scan's stack (the run's file) plus the same
 * frames of the other scans' stacks. Returns the summed frames in the sum's element type
 * (transferred, not copied).
 *
 * The other scans' stacks are opened by the worker itself, read-only, and kept open for the next
 * task of the same sum (`token`; opening costs about as much as reading a Pilatus 2M frame); they
 * are closed when a task of another sum arrives or after 20 s without a task. A new sum always
 * opens the files again, so a scan rewritten in between is never read from a stale handle.
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
  /** Unique per sum job and entry: tasks with the same token share the opened stacks. */
  token: string;
}

export interface SumFramesKernelPart {
  /** (stop − start) summed frames, row-major. */
  frames: SumOutput;
}

const IDLE_MS = 20_000;

let open: { key: string; sources: Promise<FrameSource[]> } | undefined;
let idle: ReturnType<typeof setTimeout> | undefined;

function closeOpen(): void {
  const o = open;
  open = undefined;
  void o?.sources.then(
    (list) => list.forEach((s) => s.close()),
    () => undefined,
  );
}

/** The other scans' sources, opened once per sum (a failed open is not kept). */
function sourcesFor(others: SumFramesKernelParams['others'], token: string): Promise<FrameSource[]> {
  const key = `${token}\0${JSON.stringify(others)}`;
  if (open?.key !== key) {
    closeOpen();
    const sources = (async () => {
      const list: FrameSource[] = [];
      try {
        for (const o of others) list.push(await openFrameSource(o.file, o.dataset));
        return list;
      } catch (e) {
        list.forEach((s) => s.close());
        throw e;
      }
    })();
    open = { key, sources };
    sources.catch(() => {
      if (open?.sources === sources) open = undefined;
    });
  }
  return open.sources;
}

export const sumFramesKernel: FrameKernel<SumFramesKernelParams, SumFramesKernelPart> = {
  async processRange(ctx) {
    const { others, dtype, entry, token } = ctx.params;
    if (idle !== undefined) clearTimeout(idle);
    try {
      const sources = await sourcesFor(others, token);
      const [ny, nx] = ctx.frameShape;
      const n = ny * nx;
      const out = allocateSum(dtype, (ctx.stop - ctx.start) * n);
      for (let z = ctx.start; z < ctx.stop; z++) {
        const frames: FrameValues[] = [ctx.readFrame(z).data as FrameValues];
        for (const s of sources) frames.push(s.readFrame(z).data as FrameValues);
        sumFrameInto(frames, out, (z - ctx.start) * n, dtype, { label: `frame ${z} of ${entry}`, width: nx });
        ctx.frameDone();
      }
      return { result: { frames: out }, transfer: [out.buffer as ArrayBuffer] };
    } finally {
      idle = setTimeout(closeOpen, IDLE_MS);
      idle.unref();
    }
  },
};
