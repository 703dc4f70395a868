/**
 * Experiment ▸ New Sample (spec §7): choose the experiment directory, give the Sample Name and the
 * Sample Label → the directory <sample>/<label>. The samples already there are listed.
 */
import { useState } from 'react';

import { checkName } from '../../refine/experiment/names.ts';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import styles from '../dialogs/Dialog.module.css';
import { JobStatus, ParamGrid, type FieldSpec } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { hasErrors } from '../dialogs/validate.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import { useExperimentInfo } from './experiment-form.tsx';
import own from './Experiment.module.css';
import { useLastExperiment } from './last-experiment.ts';
import { DirectoryField } from './PathField.tsx';

type Key = 'sample' | 'label';
const FIELDS: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'sample', label: 'Sample Name' },
  { key: 'label', label: 'Sample Label' },
];

export function NewSampleDialog() {
  const dialogs = useDialogStore();
  const [last] = useLastExperiment();
  const [directory, setDirectory] = useState(last);
  const exp = useExperimentInfo(directory);
  const job = useDialogJob('new-sample');
  const [values, setValues] = useState<Record<Key, string>>({ sample: '', label: '' });
  const errors: Partial<Record<Key | 'directory', string>> = {};
  const s = checkName('sample', values.sample.trim());
  if (s !== undefined) errors.sample = s;
  const l = checkName('label', values.label.trim());
  if (l !== undefined) errors.label = l;
  const info = exp.info;
  if (info !== undefined && !info.isExperiment)
    errors.directory = 'not an experiment directory (New Experiment)';
  const result = resultOf(job.record?.end, 'new-sample');

  const save = async (): Promise<void> => {
    const end = await job.run({
      kind: 'new-sample',
      directory: directory.trim(),
      sample: values.sample.trim(),
      label: values.label.trim(),
    });
    if (resultOf(end, 'new-sample')) exp.reload();
  };

  return (
    <DialogFrame id="new-sample" title="New Sample" width={520}>
      <DirectoryField
        label="Experiment Directory"
        value={directory}
        onChange={setDirectory}
        error={errors.directory}
        disabled={job.running}
      />
      <ParamGrid
        fields={FIELDS}
        values={values}
        errors={errors}
        disabled={job.running}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
      {info && info.samples.length > 0 ? (
        <>
          <p className={styles.muted}>Samples in this experiment:</p>
          <ul className={own.list} aria-label="Samples">
            {info.samples.map((x) => (
              <li key={`${x.sample}/${x.label}`}>
                {x.sample}/{x.label}
                {x.scans.length > 0 ? ` (${x.scans.join(', ')})` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <JobStatus record={job.record} error={job.startError ?? exp.error} />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            {result.created ? 'Made' : 'Exists already:'} {result.labelDir}
          </strong>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || hasErrors(errors) || info === undefined}
          onClick={() => void save()}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('new-sample')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
