/**
 * Types of the frame-parallel worker pool. A kernel is a plain object whose `processRange` runs
 * inside a worker thread on a contiguous range of frames of one 3-D dataset and returns a partial
 * result; the caller merges the partial results (they arrive sorted by frame range).
 */
import type { NxrErrorInfo } from '../../shared/errors.ts';
import type { FrameArray } from '../../shared/ipc.ts';

/** One frame as a worker reads it. */
export interface PoolFrame {
  /** [rows, columns]. */
  shape: [number, number];
  dtype: string;
  data: FrameArray;
}

/** What a kernel sees while it processes frames [start, stop). */
export interface KernelContext<P> {
  params: P;
  /** File path and dataset path of the stack. */
  file: string;
  dataset: string;
  /** First frame of this task (inclusive). */
  start: number;
  /** End of this task (exclusive). */
  stop: number;
  /** Frames in the whole stack (a kernel may read neighbours outside [start, stop), e.g. a halo). */
  frameCount: number;
  /** [rows, columns] of every frame. */
  frameShape: [number, number];
  dtype: string;
  /** Reads frame `index` (0 ≤ index < frameCount) from the worker's own read-only handle. */
  readFrame(index: number): PoolFrame;
  /** Call once per finished frame: reports progress, and throws NxrError CANCELLED once the run is cancelled. */
  frameDone(): void;
}

/** A partial result plus the buffers to transfer (never structured-clone big arrays). */
export interface KernelOutput<R> {
  result: R;
  transfer?: ArrayBuffer[];
}

export interface FrameKernel<P, R> {
  processRange(ctx: KernelContext<P>): KernelOutput<R> | Promise<KernelOutput<R>>;
}

/** A kernel by registry name (src/engine/pool/kernels/index.ts) or by module URL (default export). */
export type KernelRef = { name: string } | { module: string };

/** Partial result of one task. */
export interface RangeResult<R> {
  start: number;
  stop: number;
  result: R;
}

export interface PoolProgress {
  /** Frames finished so far. */
  done: number;
  total: number;
}

/** main → worker */
export type ToWorker =
  | {
      type: 'task';
      taskId: number;
      runId: number;
      kernel: KernelRef;
      file: string;
      dataset: string;
      start: number;
      stop: number;
      params: unknown;
      /** Int32Array(1) over shared memory: set to 1 when the run is cancelled. */
      cancelFlag: SharedArrayBuffer;
    }
  | { type: 'end-run'; runId: number };

/** worker → main */
export type FromWorker =
  | { type: 'progress'; taskId: number; frames: number }
  | { type: 'done'; taskId: number; result: unknown }
  | { type: 'error'; taskId: number; error: NxrErrorInfo };
