/**
 * Refine ▸ Prepare 3D Mask (spec §6.1, nxprepare_mask): the 3-D mask around the Bragg peaks of an
 * entry, frames First…Last (inclusive), from the frame differences with NXRefine's two thresholds
 * and box sizes. "Prepare Mask" runs the job (saving <scan>/fN_mask.nxs, linked as
 * fN/data/data_mask); "Plot Mask" plots it frame by frame.
 */
import { useEffect, useState } from 'react';

import { resultOf } from '../state/job-store.ts';
import { useDialogStore, usePlotStore } from '../state/store-context.tsx';
import { loadError } from './ChooseParametersDialog.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import { useReductionDefaults } from './use-reduction-defaults.ts';
import { checkMaskForm, hasErrors, parseNumber, type MaskKey } from './validate.ts';

const FIELDS: ReadonlyArray<FieldSpec<MaskKey>> = [
  { key: 'first', label: 'First Frame' },
  { key: 'last', label: 'Last Frame' },
  { key: 't1', label: 'Threshold 1' },
  { key: 'h1', label: 'Horizontal Size 1' },
  { key: 't2', label: 'Threshold 2' },
  { key: 'h2', label: 'Horizontal Size 2' },
];

export function PrepareMaskDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const plot = usePlotStore();
  const { defaults, loader } = useReductionDefaults(file?.fileId, 'prepare-mask:load');
  const job = useDialogJob('prepare-mask');
  const [values, setValues] = useState<Record<MaskKey, string>>({
    first: '',
    last: '',
    t1: '2',
    h1: '11',
    t2: '0.8',
    h2: '51',
  });
  const [notes, setNotes] = useState<Partial<Record<MaskKey, string>>>({
    t1: '|box mean of the frame difference|, counts',
    h1: 'first box side, pixels',
    t2: 'flagged fraction of the second box',
    h2: 'second box side, pixels',
  });
  useEffect(() => {
    if (!defaults) return;
    setValues((v) => ({ ...v, first: String(defaults.values.first), last: String(defaults.values.last) }));
    setNotes((n) => ({ ...n, first: defaults.origins.first, last: defaults.origins.last }));
  }, [defaults]);

  if (!file) return null;
  const result = resultOf(job.record?.end, 'prepare-mask');
  const errors = checkMaskForm(values, defaults?.nframes);
  const loading = !defaults && !loadError(loader);
  const run = (): void => {
    void job.run({
      kind: 'prepare-mask',
      fileId: file.fileId,
      entry: file.entry,
      first: parseNumber(values.first),
      last: parseNumber(values.last),
      t1: parseNumber(values.t1),
      h1: parseNumber(values.h1),
      t2: parseNumber(values.t2),
      h2: parseNumber(values.h2),
    });
  };
  return (
    <DialogFrame id="prepare-mask" title="Prepare 3D Mask" width={560}>
      <SelectRow fileName={file.fileName} entries={file.entries} entry={file.entry} onEntry={file.setEntry} />
      <ParamGrid
        fields={FIELDS}
        values={values}
        errors={loading ? {} : errors}
        notes={notes}
        disabled={job.running}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
      <JobStatus
        record={job.record}
        error={job.startError ?? loadError(loader)}
        runningText="Preparing the mask…"
      />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>Mask complete</strong>
          <div>
            {result.maskedVoxels.toLocaleString('en-US')} pixel-frames masked (
            {(100 * result.maskedFraction).toFixed(3)}
            %) in frames {result.first}…{result.last}
          </div>
          <div className={styles.muted}>
            saved in {result.maskFile}, linked as {result.maskPath} · {result.seconds.toFixed(1)} s
          </div>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          disabled={!result}
          onClick={() => result && void plot.getState().plot(file.fileId, result.maskPath, result.first)}
        >
          Plot Mask
        </button>
        <span className={styles.spacer} />
        {job.running ? (
          <button type="button" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || loading || hasErrors(errors) || !file.entry}
          onClick={run}
        >
          Prepare Mask
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('prepare-mask')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
