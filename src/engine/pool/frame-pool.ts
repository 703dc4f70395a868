/**
 * A reusable worker_threads pool for frame-parallel loops (find maximum, peak search, 3-D mask,
 * transform). A run cuts a frame range into tasks; each idle worker takes the next task, opens the
 * file itself read-only and sends back a partial result through a transfer list. Workers stay alive
 * between runs (h5wasm takes 0.1–0.4 s to start) and are unref'd while idle, so a forgotten pool
 * never keeps a process alive.
 *
 * Failure modes are explicit: an AbortSignal rejects the run at once with NxrError CANCELLED and
 * stops the workers at their next frame; a kernel that throws rejects the run with its error; a
 * worker that dies (process.exit, out of memory, a wasm abort) rejects the run with a clear
 * INTERNAL error naming the frames and file, never a hang.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { NxrError } from '../../shared/errors.ts';
import { errorFromInfo } from '../../shared/rpc.ts';
import type { KernelName, KernelParams, KernelResult } from './kernels/index.ts';
import type { FromWorker, KernelRef, PoolProgress, RangeResult, ToWorker } from './models.ts';
import { splitFrames } from './split-frames.ts';
import { poolWorkerUrl } from './worker-url.ts';

export interface FramePoolOptions {
  /** Number of worker threads. @default min(2, available cores) */
  size?: number;
  /** Worker module (tests may point elsewhere). @default the pool worker of this folder or of the bundle */
  workerUrl?: URL;
}

export interface PoolRunOptions {
  /** HDF5 file path; each worker opens it read-only. */
  file: string;
  /** Path of the 3-D dataset inside the file. */
  dataset: string;
  /** Frame range [start, stop) to process. */
  frames: [number, number];
  kernel: KernelRef;
  params: unknown;
  /** Frames per task. @default about four tasks per worker */
  chunkFrames?: number;
  signal?: AbortSignal;
  /** Called after every finished frame with the frames done so far (not throttled). */
  onProgress?: (progress: PoolProgress) => void;
}

interface Task {
  taskId: number;
  run: Run;
  start: number;
  stop: number;
}

interface Run {
  runId: number;
  options: PoolRunOptions;
  cancelFlag: SharedArrayBuffer;
  remaining: number;
  done: number;
  total: number;
  results: RangeResult<unknown>[];
  settled: boolean;
  resolve: (r: RangeResult<unknown>[]) => void;
  reject: (e: unknown) => void;
  cleanup: () => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  /** The error a worker reported through 'error' before it exited. */
  crash: Error | null;
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

export class FramePool {
  readonly size: number;
  private readonly workerUrl: URL;
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private readonly tasks = new Map<number, Task>();
  private nextTaskId = 1;
  private nextRunId = 1;
  private closed = false;

  constructor(options: FramePoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.workerUrl = options.workerUrl ?? poolWorkerUrl;
  }

  /** Runs a registered kernel; partial results come back sorted by frame range. */
  runKernel<N extends KernelName>(
    name: N,
    params: KernelParams<N>,
    options: Omit<PoolRunOptions, 'kernel' | 'params'>,
  ): Promise<RangeResult<KernelResult<N>>[]> {
    return this.run({ ...options, kernel: { name }, params }) as Promise<RangeResult<KernelResult<N>>[]>;
  }

  /** Runs any kernel (by registry name or module URL); partial results sorted by frame range. */
  run<R = unknown>(options: PoolRunOptions): Promise<RangeResult<R>[]> {
    if (this.closed)
      return Promise.reject(new NxrError({ code: 'INTERNAL', message: 'the frame pool is closed' }));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelledError(options));
    const [start, stop] = options.frames;
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop < start) {
      return Promise.reject(
        new NxrError({
          code: 'BAD_PARAMETER',
          message: `bad frame range [${start}, ${stop})`,
          file: options.file,
          path: options.dataset,
        }),
      );
    }
    const ranges = splitFrames(start, stop, this.size, options.chunkFrames);
    if (ranges.length === 0) return Promise.resolve([]);

    return new Promise<RangeResult<R>[]>((resolve, reject) => {
      const onAbort = (): void => this.fail(run, cancelledError(options));
      const run: Run = {
        runId: this.nextRunId++,
        options,
        cancelFlag: new SharedArrayBuffer(4),
        remaining: ranges.length,
        done: 0,
        total: stop - start,
        results: [],
        settled: false,
        resolve: resolve as (r: RangeResult<unknown>[]) => void,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const [s, e] of ranges) {
        const task: Task = { taskId: this.nextTaskId++, run, start: s, stop: e };
        this.tasks.set(task.taskId, task);
        this.queue.push(task);
      }
      this.schedule();
    });
  }

  /** Terminates every worker; pending runs reject. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new NxrError({ code: 'INTERNAL', message: 'the frame pool was closed' });
    for (const t of [...this.tasks.values()]) this.fail(t.run, err);
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Live worker threads (for tests and diagnostics). */
  get workerCount(): number {
    return this.slots.size;
  }

  private schedule(): void {
    // Drop queued tasks of runs that already failed.
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.run.settled) this.queue.splice(i, 1);
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task === null) this.assign(slot, this.queue.shift()!);
    }
    while (this.queue.length > 0 && this.slots.size < this.size)
      this.assign(this.spawn(), this.queue.shift()!);
  }

  private assign(slot: Slot, task: Task): void {
    slot.task = task;
    slot.worker.ref();
    const { options, runId, cancelFlag } = task.run;
    const msg: ToWorker = {
      type: 'task',
      taskId: task.taskId,
      runId,
      kernel: options.kernel,
      file: options.file,
      dataset: options.dataset,
      start: task.start,
      stop: task.stop,
      params: options.params,
      cancelFlag,
    };
    slot.worker.postMessage(msg);
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry(this.workerUrl));
    const slot: Slot = { worker, task: null, crash: null };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on('error', (e) => {
      slot.crash = e;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    const task = this.tasks.get(msg.taskId);
    if (!task) return;
    const run = task.run;
    if (msg.type === 'progress') {
      if (run.settled) return;
      run.done += msg.frames;
      run.options.onProgress?.({ done: run.done, total: run.total });
      return;
    }
    // done or error: the worker is free again.
    this.tasks.delete(task.taskId);
    slot.task = null;
    slot.worker.unref();
    if (msg.type === 'done') {
      if (!run.settled) {
        run.results.push({ start: task.start, stop: task.stop, result: msg.result });
        if (--run.remaining === 0) this.finish(run);
      }
    } else if (!run.settled) {
      this.fail(run, errorFromInfo(msg.error));
    }
    this.schedule();
  }

  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot);
    const task = slot.task;
    if (task) {
      this.tasks.delete(task.taskId);
      const { options } = task.run;
      const why = slot.crash ? `: ${slot.crash.message.slice(0, 300)}` : '';
      this.fail(
        task.run,
        new NxrError(
          {
            code: 'INTERNAL',
            message: `a pool worker died (exit code ${code}) while processing frames ${task.start}…${task.stop - 1}${why}`,
            file: options.file,
            path: options.dataset,
          },
          { cause: slot.crash ?? undefined },
        ),
      );
    }
    if (!this.closed) this.schedule();
  }

  private finish(run: Run): void {
    run.settled = true;
    run.cleanup();
    this.endRun(run);
    run.resolve(run.results.sort((a, b) => a.start - b.start));
  }

  private fail(run: Run, error: unknown): void {
    if (run.settled) return;
    run.settled = true;
    run.cleanup();
    // Workers still inside a task of this run stop at their next frame.
    Atomics.store(new Int32Array(run.cancelFlag), 0, 1);
    for (const [id, t] of this.tasks) if (t.run === run && !this.isRunning(t)) this.tasks.delete(id);
    this.endRun(run);
    run.reject(error);
    this.schedule();
  }

  private isRunning(task: Task): boolean {
    for (const s of this.slots) if (s.task === task) return true;
    return false;
  }

  private endRun(run: Run): void {
    const msg: ToWorker = { type: 'end-run', runId: run.runId };
    for (const s of this.slots) s.worker.postMessage(msg);
  }
}

/**
 * The URL to start a worker from. Bundled workers (.js) start directly. From the TypeScript
 * sources (nxr, vitest) the worker starts from a tiny ES module that registers the project's
 * type-stripping hooks (bin/ts-hooks.mjs) and then imports the .ts worker. (Not tsx: it also
 * processes dependencies, and h5wasm's 4 MB module then costs ~600 MB per worker.)
 */
export function workerEntry(url: URL): URL {
  if (!url.pathname.endsWith('.ts')) return url;
  const hooks = new URL('../../../bin/ts-hooks.mjs', import.meta.url).href;
  const code = `import { register } from 'node:module';\nregister(${JSON.stringify(hooks)});\nawait import(${JSON.stringify(url.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

function cancelledError(options: PoolRunOptions): NxrError {
  return new NxrError({ code: 'CANCELLED', message: 'cancelled', file: options.file, path: options.dataset });
}

/** A module URL for `{ module }` kernels given as a file path or URL. */
export function kernelModuleUrl(pathOrUrl: string | URL): string {
  if (pathOrUrl instanceof URL) return pathOrUrl.href;
  return pathOrUrl.startsWith('file:') ? pathOrUrl : pathToFileURL(pathOrUrl).href;
}
