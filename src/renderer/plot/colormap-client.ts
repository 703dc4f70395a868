/**
 * The page side of the colour-map worker: one worker, requests answered in order. A new frame is
 * copied there once (the page keeps its values for the read-out); zooming and colour changes
 * refer to it by key.
 */
import type { FrameArray } from '../../shared/ipc.ts';
import type { ColorOptions, FrameWindow } from './colormap.ts';
import type { ColorizeReply, ColorizeRequest } from './colormap-messages.ts';

export type ColorizeResult = Extract<ColorizeReply, { ok: true }>;

let worker: Worker | null = null;
let nextId = 1;
let sentKey: string | null = null;
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

/** Colours (a window of) a frame in the worker; the frame's values are sent once per key. */
export function colorizeInWorker(
  frameKey: string,
  frame: { data: FrameArray; width: number; height: number },
  options: ColorOptions,
  window?: FrameWindow,
): Promise<ColorizeResult> {
  const id = nextId++;
  const request: ColorizeRequest = {
    id,
    frameKey,
    options,
    ...(window ? { window } : {}),
    ...(sentKey !== frameKey ? { frame } : {}),
  };
  sentKey = frameKey;
  return new Promise((resolve, reject) => {
    pending.set(id, (r) => {
      if (r.ok) resolve(r);
      else {
        sentKey = null; // send the frame with the next request
        reject(new Error(`colour map: ${r.message}`));
      }
    });
    getWorker().postMessage(request);
  });
}

/** Starts the worker ahead of the first plot. */
export function warmUpColorWorker(): void {
  getWorker();
}
