/**
 * The page side of the colour-map worker: one worker, requests answered in order. A new frame's
 * values are transferred there once and come back with the answer (no copy on this thread); the
 * worker keeps its own copy, so zooming and colour changes refer to it by key, as to the mask.
 */
import type { FrameArray } from '../../shared/ipc.ts';
import type { ColorOptions, FrameWindow } from './colormap.ts';
import type { ColorizeReply, ColorizeRequest } from './colormap-messages.ts';

export type ColorizeResult = Extract<ColorizeReply, { ok: true }>;

let worker: Worker | null = null;
let nextId = 1;
let sentKey: string | null = null;
let sentMaskKey: string | null = null;
const pending = new Map<number, (r: ColorizeReply) => void>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./colormap.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<ColorizeReply>) => {
      const done = pending.get(e.data.id);
      pending.delete(e.data.id);
      done?.(e.data);
    };
  }
  return worker;
}

/** Has the worker got this frame already (then `colorizeInWorker` needs no values)? */
export function workerHasFrame(frameKey: string): boolean {
  return sentKey === frameKey;
}

/**
 * Colours (a window of) a frame in the worker. `frame` (values transferred, returned in the
 * result's `data`) is needed unless the worker has that key; the mask is sent once per key.
 */
export function colorizeInWorker(
  frameKey: string,
  frame: { data: FrameArray; width: number; height: number } | null,
  mask: { key: string; mask: Uint8Array | null },
  options: Omit<ColorOptions, 'mask'>,
  window?: FrameWindow,
): Promise<ColorizeResult> {
  const id = nextId++;
  const sendFrame = frame !== null && sentKey !== frameKey;
  const request: ColorizeRequest = {
    id,
    frameKey,
    maskKey: mask.key,
    options,
    ...(window ? { window } : {}),
    ...(sendFrame ? { frame } : {}),
    ...(sentMaskKey !== mask.key ? { mask: mask.mask } : {}),
  };
  sentKey = frameKey;
  sentMaskKey = mask.key;
  return new Promise((resolve, reject) => {
    pending.set(id, (r) => {
      if (r.ok) resolve(r);
      else {
        // send both again with the next request
        sentKey = null;
        sentMaskKey = null;
        reject(new Error(`colour map: ${r.message}`));
      }
    });
    getWorker().postMessage(request, sendFrame && frame ? [frame.data.buffer as ArrayBuffer] : []);
  });
}

/** Starts the worker ahead of the first plot. */
export function warmUpColorWorker(): void {
  getWorker();
}
