/**
 * Engine jobs as the UI sees them: started by a dialog, followed through their events (progress,
 * log lines, end), cancelled on request. Events of a job may arrive before job:start has answered
 * with its id (different channels under Electron), so a record is made by whichever comes first.
 * When a job rewrote a file, `onFileChanged` lets the tree and the plot reload it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

import { toErrorInfo } from '../../shared/errors.ts';
import type { NxrBridge } from '../../shared/ipc.ts';
import type { JobEnd, JobKind, JobLog, JobRequest, JobResultMap } from '../../shared/jobs.ts';

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRecord {
  jobId: string;
  kind: JobKind;
  /** The dialog (or other part of the UI) that started it. */
  owner?: string;
  fileId?: string;
  status: JobStatus;
  percent: number;
  logs: JobLog[];
  end?: JobEnd;
}

export interface JobState {
  jobs: Record<string, JobRecord>;
  /** Every log line of every job, oldest first (the log panel; capped). */
  log: JobLog[];
  /** Starts a job; resolves with its id once the engine accepted it (rejects if it refused). */
  start(request: JobRequest, owner: string): Promise<string>;
  /** Resolves when the job ends. */
  ended(jobId: string): Promise<JobEnd>;
  cancel(jobId: string): Promise<void>;
  clearLog(): void;
}

export type JobStore = StoreApi<JobState>;

const LOG_LINES = 1000;

/** The result of a successful end of a job of kind K, or undefined. */
export function resultOf<K extends JobKind>(
  end: JobEnd | null | undefined,
  kind: K,
): JobResultMap[K] | undefined {
  return end?.ok && end.kind === kind ? (end.result as JobResultMap[K]) : undefined;
}

export function createJobStore(
  bridge: NxrBridge,
  onFileChanged: (fileId: string | undefined) => void = () => undefined,
): JobStore {
  const ends = new Map<string, { promise: Promise<JobEnd>; resolve: (end: JobEnd) => void }>();
  const slot = (jobId: string): { promise: Promise<JobEnd>; resolve: (end: JobEnd) => void } => {
    let s = ends.get(jobId);
    if (!s) {
      let resolve!: (end: JobEnd) => void;
      const promise = new Promise<JobEnd>((r) => (resolve = r));
      s = { promise, resolve };
      ends.set(jobId, s);
    }
    return s;
  };
  /** Jobs whose file change has been passed on (once each). */
  const notified = new Set<string>();
  const notify = (rec: JobRecord | undefined): void => {
    if (!rec?.end?.ok || !rec.end.fileChanged || rec.owner === undefined || notified.has(rec.jobId)) return;
    notified.add(rec.jobId);
    onFileChanged(rec.fileId);
  };

  const store = createStore<JobState>()((set, get) => {
    const patch = (jobId: string, kind: JobKind, fn: (r: JobRecord) => Partial<JobRecord>): void => {
      const cur: JobRecord = get().jobs[jobId] ?? { jobId, kind, status: 'running', percent: 0, logs: [] };
      set({ jobs: { ...get().jobs, [jobId]: { ...cur, ...fn(cur) } } });
    };
    return {
      jobs: {},
      log: [],

      async start(request, owner) {
        const { jobId } = await bridge.startJob(request);
        slot(jobId);
        const fileId = 'fileId' in request ? request.fileId : undefined;
        patch(jobId, request.kind, () => ({ owner, ...(fileId !== undefined ? { fileId } : {}) }));
        notify(get().jobs[jobId]); // it may have ended before its id came back
        return jobId;
      },

      ended(jobId) {
        return slot(jobId).promise;
      },

      async cancel(jobId) {
        try {
          await bridge.cancelJob(jobId);
        } catch (e) {
          const r = get().jobs[jobId];
          if (r) {
            const line: JobLog = {
              jobId,
              kind: r.kind,
              level: 'error',
              message: `cancel failed: ${toErrorInfo(e).message}`,
              time: Date.now(),
            };
            patch(jobId, r.kind, (cur) => ({ logs: [...cur.logs, line] }));
          }
        }
      },

      clearLog() {
        set({ log: [] });
      },
    };
  });

  bridge.onJobProgress((p) =>
    store.setState((s) => {
      const rec: JobRecord = s.jobs[p.jobId] ?? {
        jobId: p.jobId,
        kind: p.kind,
        status: 'running',
        percent: 0,
        logs: [],
      };
      return { jobs: { ...s.jobs, [p.jobId]: { ...rec, percent: p.percent } } };
    }),
  );
  bridge.onJobLog((l) =>
    store.setState((s) => {
      const rec: JobRecord = s.jobs[l.jobId] ?? {
        jobId: l.jobId,
        kind: l.kind,
        status: 'running',
        percent: 0,
        logs: [],
      };
      const log = s.log.length >= LOG_LINES ? [...s.log.slice(-LOG_LINES + 1), l] : [...s.log, l];
      return { log, jobs: { ...s.jobs, [l.jobId]: { ...rec, logs: [...rec.logs, l] } } };
    }),
  );
  bridge.onJobEnd((end) => {
    const status: JobStatus = end.ok ? 'done' : end.error.code === 'CANCELLED' ? 'cancelled' : 'failed';
    store.setState((s) => {
      const rec: JobRecord = s.jobs[end.jobId] ?? {
        jobId: end.jobId,
        kind: end.kind,
        status,
        percent: 0,
        logs: [],
      };
      return {
        jobs: { ...s.jobs, [end.jobId]: { ...rec, status, end, percent: end.ok ? 100 : rec.percent } },
      };
    });
    notify(store.getState().jobs[end.jobId]);
    slot(end.jobId).resolve(end);
  });
  return store;
}
