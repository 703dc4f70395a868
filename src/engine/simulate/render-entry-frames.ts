import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import type { NumericArray } from '../../nexus/model/types.ts';
import { applyNoise, type FrameArray } from '../../refine/simulate/apply-noise.ts';
import type { EntryModel, ScanModel } from '../../refine/simulate/models.ts';
import { createRandom } from '../../refine/simulate/random.ts';
import { createFrameRenderer } from '../../refine/simulate/render-frame.ts';
import { NxrError } from '../../shared/errors.ts';
import { workerEntry } from '../pool/frame-pool.ts';
import type { FromRenderWorker, ToRenderWorker } from './render-worker.ts';
import type { FrameDtype } from './simulate-experiment.ts';

const FRAME_TYPES = {
  int32: Int32Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  float32: Float32Array,
} as const;

/** Noisy frames [first, first + count) of `entry`, exactly as the simulator writes them. */
export function renderNoisyFrames(
  scan: ScanModel,
  entry: EntryModel,
  dtype: FrameDtype,
  first: number,
  count: number,
): FrameArray {
  const [ny, nx] = entry.geometry.shape;
  const n = ny * nx;
  const renderer = createFrameRenderer(scan, entry, [first, first + count - 1]);
  const expected = new Float64Array(n);
  const out = new FRAME_TYPES[dtype](n * count);
  const entryIndex = scan.entries.indexOf(entry);
  for (let j = 0; j < count; j++) {
    const z = first + j;
    renderer.render(z, expected);
    const random = createRandom(scan.seed, 100, entryIndex, z);
    applyNoise(expected, out.subarray(j * n, (j + 1) * n), random, scan.defects, scan.gapValue, nx);
  }
  return out;
}

export interface RenderEntryOptions {
  signal?: AbortSignal;
  /** Receives the frames in order: `count` frames of ny·nx values. */
  onFrames: (frames: NumericArray, count: number) => void;
}

export interface FrameRenderPool {
  renderEntry(entryIndex: number, options: RenderEntryOptions): Promise<void>;
  close(): Promise<void>;
}

/** Frames per task: small enough to keep memory flat, large enough to amortise messages. */
const BATCH = 4;

/**
 * Renders entries' frames on `workers` worker threads (0 = in this thread), delivering them in
 * frame order. At most two batches per worker are in flight, so memory stays flat for any scan.
 */
export function createFrameRenderPool(scan: ScanModel, dtype: FrameDtype, workers?: number): FrameRenderPool {
  const size = workers ?? Math.min(2, availableParallelism());
  if (size <= 0) {
    return {
      async renderEntry(entryIndex, { signal, onFrames }) {
        const entry = scan.entries[entryIndex]!;
        for (let first = 0; first < entry.nframes; first += BATCH) {
          signal?.throwIfAborted();
          const count = Math.min(BATCH, entry.nframes - first);
          onFrames(renderNoisyFrames(scan, entry, dtype, first, count), count);
          await new Promise((r) => setImmediate(r));
        }
      },
      async close() {},
    };
  }
  const pool = Array.from({ length: size }, () => {
    const w = new Worker(workerEntry(new URL('./render-worker.ts', import.meta.url)));
    const init: ToRenderWorker = { type: 'init', scan, dtype };
    w.postMessage(init);
    return w;
  });
  let nextTask = 1;
  return {
    renderEntry(entryIndex, { signal, onFrames }) {
      const entry = scan.entries[entryIndex]!;
      const batches: Array<[number, number]> = [];
      for (let first = 0; first < entry.nframes; first += BATCH)
        batches.push([first, Math.min(BATCH, entry.nframes - first)]);
      return new Promise<void>((resolve, reject) => {
        const pending = new Map<number, { index: number; data?: ArrayBufferView }>();
        let dispatched = 0;
        let written = 0;
        let failed = false;
        const byIndex = new Map<number, ArrayBufferView>();
        const cleanup = (): void => {
          for (const w of pool) {
            w.off('message', onMessage);
            w.off('error', onError);
          }
          signal?.removeEventListener('abort', onAbort);
        };
        const fail = (e: unknown): void => {
          if (failed) return;
          failed = true;
          cleanup();
          reject(e);
        };
        const dispatch = (w: Worker): void => {
          if (failed || dispatched >= batches.length) return;
          const [first, count] = batches[dispatched]!;
          const taskId = nextTask++;
          pending.set(taskId, { index: dispatched });
          dispatched++;
          const msg: ToRenderWorker = { type: 'render', taskId, entry: entryIndex, first, count };
          w.postMessage(msg);
        };
        function onMessage(this: Worker, msg: FromRenderWorker): void {
          const task = pending.get(msg.taskId);
          if (!task || failed) return;
          pending.delete(msg.taskId);
          if (msg.type === 'error') {
            fail(new NxrError({ code: 'INTERNAL', message: `simulator worker: ${msg.message}` }));
            return;
          }
          byIndex.set(task.index, msg.data);
          try {
            while (byIndex.has(written)) {
              const data = byIndex.get(written)!;
              byIndex.delete(written);
              onFrames(data as NumericArray, batches[written]![1]);
              written++;
            }
          } catch (e) {
            fail(e);
            return;
          }
          if (written === batches.length) {
            cleanup();
            resolve();
            return;
          }
          dispatch(this);
        }
        function onError(e: unknown): void {
          fail(
            new NxrError({
              code: 'INTERNAL',
              message: `simulator worker died: ${e instanceof Error ? e.message : String(e)}`,
            }),
          );
        }
        function onAbort(): void {
          fail(new NxrError({ code: 'CANCELLED', message: 'simulation cancelled' }));
        }
        if (signal?.aborted) {
          onAbort();
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        for (const w of pool) {
          w.on('message', onMessage);
          w.on('error', onError);
        }
        for (let i = 0; i < 2; i++) for (const w of pool) dispatch(w);
      });
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
