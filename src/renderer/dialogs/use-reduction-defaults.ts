/**
 * The effective reduction parameters of a file (NXRefine's cascade, resolved by the engine's
 * choose-parameters job without writing): the defaults of Find Maximum and Find Peaks.
 */
import { useEffect, useState } from 'react';

import type { ChooseParametersSummary } from '../../shared/jobs.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogJob, type DialogJob } from './use-dialog-job.ts';

export function useReductionDefaults(
  fileId: string | undefined,
  owner: string,
): { defaults: ChooseParametersSummary | null; loader: DialogJob } {
  const loader = useDialogJob(owner);
  const [defaults, setDefaults] = useState<ChooseParametersSummary | null>(null);
  const run = loader.run;
  useEffect(() => {
    if (fileId === undefined) return;
    let live = true;
    void run({ kind: 'choose-parameters', fileId, write: false }).then((end) => {
      const r = resultOf(end, 'choose-parameters');
      if (live && r) setDefaults(r);
    });
    return () => {
      live = false;
    };
  }, [fileId, run]);
  return { defaults, loader };
}
