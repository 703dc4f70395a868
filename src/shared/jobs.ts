/**
 * Long-running engine jobs: requests, results and the events they emit. Every job runs with its
 * own AbortController in the engine; progress is throttled to integer-percent changes
 * (NXReduce.update_progress does the same) and every job logs "started" / "complete (N seconds)" /
 * "failed" lines like NXReduce.record_start / record_end / record_fail.
 */
import type { NxrErrorInfo } from './errors.ts';

/** Per-frame statistics of a 3-D stack (the summed-frames curve of Find Maximum). */
export interface FrameStatsRequest {
  kind: 'frame-stats';
  fileId: string;
  /** Path of the 3-D dataset, e.g. /f1/data/data. */
  path: string;
  /** Frame range [start, stop); the whole stack when omitted. */
  frames?: [number, number];
}

export interface FrameStatsResult {
  /** Index of the first frame reported. */
  start: number;
  /** Sum of each frame (NaN pixels skipped). */
  sums: Float64Array;
  /** Largest finite pixel value of each frame (-Infinity when the frame has none). */
  maxima: Float64Array;
}

export type JobRequest = FrameStatsRequest;
export type JobKind = JobRequest['kind'];

export interface JobResultMap {
  'frame-stats': FrameStatsResult;
}
export type JobResult = JobResultMap[JobKind];

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  /** 0…100, integer; sent only when the integer changes. */
  percent: number;
}

export interface JobLog {
  jobId: string;
  kind: JobKind;
  level: 'info' | 'warn' | 'error';
  message: string;
  /** ms since the epoch. */
  time: number;
}

export type JobEnd =
  | { jobId: string; kind: JobKind; ok: true; result: JobResult; seconds: number }
  | { jobId: string; kind: JobKind; ok: false; error: NxrErrorInfo; seconds: number };

export const jobKinds = ['frame-stats'] as const satisfies readonly JobKind[];

export function isJobKind(k: unknown): k is JobKind {
  return typeof k === 'string' && (jobKinds as readonly string[]).includes(k);
}
