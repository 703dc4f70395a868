/** A dialog's job: start it, follow it, cancel it. The job keeps running if the dialog closes. */
import { useCallback, useState } from 'react';

import { toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import type { JobEnd, JobRequest } from '../../shared/jobs.ts';
import type { JobRecord } from '../state/job-store.ts';
import { useJobs, useJobStore } from '../state/store-context.tsx';

export interface DialogJob {
  record: JobRecord | undefined;
  running: boolean;
  /** The engine refused to start the job. */
  startError: NxrErrorInfo | null;
  /** Starts a job and resolves with its end (null when it could not start). */
  run: (request: JobRequest) => Promise<JobEnd | null>;
  cancel: () => void;
}

export function useDialogJob(owner: string): DialogJob {
  const store = useJobStore();
  const [jobId, setJobId] = useState<string | null>(null);
  const [startError, setStartError] = useState<NxrErrorInfo | null>(null);
  const record = useJobs((s) => (jobId ? s.jobs[jobId] : undefined));
  const run = useCallback(
    async (request: JobRequest): Promise<JobEnd | null> => {
      setStartError(null);
      let id: string;
      try {
        id = await store.getState().start(request, owner);
      } catch (e) {
        setStartError(toErrorInfo(e));
        return null;
      }
      setJobId(id);
      return store.getState().ended(id);
    },
    [store, owner],
  );
  const cancel = useCallback(() => {
    if (jobId) void store.getState().cancel(jobId);
  }, [store, jobId]);
  return { record, running: record?.status === 'running', startError, run, cancel };
}
