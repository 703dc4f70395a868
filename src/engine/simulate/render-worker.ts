/**
 * Worker thread of the simulator: receives the scan model once, then renders noisy frame batches
 * and transfers them back. Frames are deterministic per (seed, entry, frame), whatever the split.
 */
import { parentPort } from 'node:worker_threads';

import type { ScanModel } from '../../refine/simulate/models.ts';
import { renderNoisyFrames } from './render-entry-frames.ts';
import type { FrameDtype } from './simulate-experiment.ts';

export type ToRenderWorker =
  | { type: 'init'; scan: ScanModel; dtype: FrameDtype }
  | { type: 'render'; taskId: number; entry: number; first: number; count: number };

export type FromRenderWorker =
  | { type: 'frames'; taskId: number; data: ArrayBufferView }
  | { type: 'error'; taskId: number; message: string };

let scan: ScanModel | undefined;
let dtype: FrameDtype = 'int32';

parentPort?.on('message', (msg: ToRenderWorker) => {
  if (msg.type === 'init') {
    scan = msg.scan;
    dtype = msg.dtype;
    return;
  }
  try {
    if (!scan) throw new Error('render worker used before init');
    const data = renderNoisyFrames(scan, scan.entries[msg.entry]!, dtype, msg.first, msg.count);
    const reply: FromRenderWorker = { type: 'frames', taskId: msg.taskId, data };
    parentPort!.postMessage(reply, [data.buffer as ArrayBuffer]);
  } catch (e) {
    const reply: FromRenderWorker = {
      type: 'error',
      taskId: msg.taskId,
      message: e instanceof Error ? e.message : String(e),
    };
    parentPort!.postMessage(reply);
  }
});
