/**
 * The page side of the HKL slice worker: one worker, requests answered in order. A slice's summed
 * v and n are transferred there once; zooming and colour changes refer to it by key.
 */
import type { AxisSampling, SliceGeometry } from '../../nexus/nxdata/hkl-slice.ts';
import type { ColorOptions } from './colormap.ts';
import type { SliceRenderReply, SliceRenderRequest } from './hkl-slice-messages.ts';
import type { RasterWindow } from './hkl-slice-raster.ts';

export type SliceRenderResult = Extract<SliceRenderReply, { ok: true }>;

let worker: Worker | null = null;
let nextId = 1;
let sentKey: string | null = null;
const pending = new Map<number, (r: SliceRenderReply) => void>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./hkl-slice.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<SliceRenderReply>) => {
      const done = pending.get(e.data.id);
      pending.delete(e.data.id);
      done?.(e.data);
    };
  }
  return worker;
}

/** Has the worker got this slice (then `renderSliceInWorker` needs no data)? */
export function workerHasSlice(key: string): boolean {
  return sentKey === key;
}

/** Draws (a window of) a slice in the worker; `slice` (transferred) is needed unless it has `key`. */
export function renderSliceInWorker(
  key: string,
  slice: { v: Float64Array; n: Float64Array | null; x: AxisSampling; y: AxisSampling } | null,
  geometry: SliceGeometry,
  options: Omit<ColorOptions, 'mask'>,
  plan: { window: RasterWindow; bx: number; by: number },
): Promise<SliceRenderResult> {
  const id = nextId++;
  const send = slice !== null && sentKey !== key;
  const request: SliceRenderRequest = {
    id,
    key,
    geometry,
    options,
    window: plan.window,
    bx: plan.bx,
    by: plan.by,
    ...(send && slice ? { slice } : {}),
  };
  sentKey = key;
  const transfer: ArrayBuffer[] = [];
  if (send && slice) {
    transfer.push(slice.v.buffer as ArrayBuffer);
    if (slice.n) transfer.push(slice.n.buffer as ArrayBuffer);
  }
  return new Promise((resolve, reject) => {
    pending.set(id, (r) => {
      if (r.ok) resolve(r);
      else {
        sentKey = null;
        reject(new Error(`HKL slice: ${r.message}`));
      }
    });
    getWorker().postMessage(request, transfer);
  });
}

/** Starts the worker ahead of the first slice. */
export function warmUpSliceWorker(): void {
  getWorker();
}
