/**
 * Pool worker (worker_threads): runs kernels on frame ranges of a dataset it opens itself,
 * read-only, and sends partial results back with transfer lists. One task at a time.
 */
import { parentPort } from 'node:worker_threads';

import { NxrError, toErrorInfo } from '../../shared/errors.ts';
import { openFrameSource, type FrameSource } from './frame-source.ts';
import { kernels } from './kernels/index.ts';
import type { FrameKernel, FromWorker, KernelRef, ToWorker } from './models.ts';

type Task = Extract<ToWorker, { type: 'task' }>;

const port = parentPort;
if (!port) throw new Error('src/engine/pool/worker.ts must run as a worker thread');

/** Open sources per run, closed when the run ends (and no task of it is running). */
const sources = new Map<number, Map<string, Promise<FrameSource>>>();
const endedRuns = new Set<number>();
let activeRun: number | null = null;

function post(msg: FromWorker, transfer?: ArrayBuffer[]): void {
  port!.postMessage(msg, transfer ?? []);
}

async function kernelFor(ref: KernelRef): Promise<FrameKernel<unknown, unknown>> {
  if ('name' in ref) {
    const k = (kernels as Record<string, FrameKernel<never, unknown>>)[ref.name];
    if (!k) throw new NxrError({ code: 'BAD_PARAMETER', message: `unknown pool kernel '${ref.name}'` });
    return k as FrameKernel<unknown, unknown>;
  }
  const mod = (await import(ref.module)) as { default?: FrameKernel<unknown, unknown> };
  if (!mod.default || typeof mod.default.processRange !== 'function') {
    throw new NxrError({ code: 'INTERNAL', message: `${ref.module} has no default-exported kernel` });
  }
  return mod.default;
}

function sourceFor(runId: number, file: string, dataset: string): Promise<FrameSource> {
  let perRun = sources.get(runId);
  if (!perRun) sources.set(runId, (perRun = new Map()));
  const key = `${file}\0${dataset}`;
  let src = perRun.get(key);
  if (!src) perRun.set(key, (src = openFrameSource(file, dataset)));
  return src;
}

async function closeRun(runId: number): Promise<void> {
  const perRun = sources.get(runId);
  sources.delete(runId);
  endedRuns.delete(runId);
  for (const p of perRun?.values() ?? []) {
    try {
      (await p).close();
    } catch {
      // a source that failed to open has nothing to close
    }
  }
}

async function runTask(task: Task): Promise<void> {
  const flag = new Int32Array(task.cancelFlag);
  const cancelled = (): NxrError =>
    new NxrError({ code: 'CANCELLED', message: 'cancelled', file: task.file, path: task.dataset });
  try {
    if (Atomics.load(flag, 0) !== 0) throw cancelled();
    const kernel = await kernelFor(task.kernel);
    const src = await sourceFor(task.runId, task.file, task.dataset);
    if (task.start < 0 || task.stop > src.frameCount || task.start >= task.stop) {
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `frames ${task.start}…${task.stop - 1} are outside the stack of ${src.frameCount}`,
        file: task.file,
        path: task.dataset,
      });
    }
    const out = await kernel.processRange({
      params: task.params,
      file: task.file,
      dataset: task.dataset,
      start: task.start,
      stop: task.stop,
      frameCount: src.frameCount,
      frameShape: src.frameShape,
      dtype: src.dtype,
      readFrame: (i) => src.readFrame(i),
      frameDone: () => {
        post({ type: 'progress', taskId: task.taskId, frames: 1 });
        if (Atomics.load(flag, 0) !== 0) throw cancelled();
      },
    });
    post({ type: 'done', taskId: task.taskId, result: out.result }, out.transfer);
  } catch (e) {
    const info = toErrorInfo(e);
    if (info.code === 'INTERNAL' && info.file === undefined) {
      info.message = `${info.message} (frames ${task.start}…${task.stop - 1} of ${task.file}:${task.dataset})`;
    }
    post({ type: 'error', taskId: task.taskId, error: info });
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'task') {
    activeRun = msg.runId;
    void runTask(msg).finally(() => {
      activeRun = null;
      if (endedRuns.has(msg.runId)) void closeRun(msg.runId);
    });
  } else if (msg.type === 'end-run') {
    if (activeRun === msg.runId) endedRuns.add(msg.runId);
    else void closeRun(msg.runId);
  }
});
