/**
 * Refine ▸ Find Maximum (spec §6.1, nxmax): the largest pixel value over the frames first…last−1 of
 * an entry, hot and dead pixels, summed data and frames, radial sum and transmission. "Find
 * Maximum" runs the job (saving its results in the file); "Plot Summed Data" shows the summed image
 * in the plot pane; the summed and partial frames, the radial sum and the transmission are plotted
 * in the dialog ("Over?" overplots).
 */
import { useEffect, useState } from 'react';

import { resultOf } from '../state/job-store.ts';
import { useDialogStore, usePlotStore } from '../state/store-context.tsx';
import { formatValue } from '../plot/readout.ts';
import { loadError } from './ChooseParametersDialog.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { FindMaximumCurves } from './FindMaximumCurves.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import { useReductionDefaults } from './use-reduction-defaults.ts';
import { checkFindMaximumForm, hasErrors, isBlank, parseNumber, type FindMaximumKey } from './validate.ts';

const FIELDS: ReadonlyArray<FieldSpec<FindMaximumKey>> = [
  { key: 'first', label: 'First Frame' },
  { key: 'last', label: 'Last Frame' },
  { key: 'qmin', label: 'Minimum Scattering Q (Å⁻¹)' },
  { key: 'qmax', label: 'Maximum Scattering Q (Å⁻¹)' },
  { key: 'filterSize', label: 'Filter Size (frames)' },
];

export function FindMaximumDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const plot = usePlotStore();
  const { defaults, loader } = useReductionDefaults(file?.fileId, 'find-maximum:load');
  const job = useDialogJob('find-maximum');
  const [values, setValues] = useState<Record<FindMaximumKey, string>>({
    first: '',
    last: '',
    qmin: '',
    qmax: '',
    filterSize: '31',
  });
  const [notes, setNotes] = useState<Partial<Record<FindMaximumKey, string>>>({
    qmin: 'blank: automatic annulus',
    qmax: 'blank: automatic annulus',
    filterSize: 'running median of the transmission',
  });
  useEffect(() => {
    if (!defaults) return;
    // Q limits only when stored in the file (the job's rule); otherwise the automatic annulus.
    const explicit = (k: 'qmin' | 'qmax'): string =>
      /^(file|parent)/.test(defaults.origins[k]) ? String(defaults.values[k]) : '';
    setValues((v) => ({
      ...v,
      first: String(defaults.values.first),
      last: String(defaults.values.last),
      qmin: explicit('qmin'),
      qmax: explicit('qmax'),
    }));
    setNotes((n) => ({ ...n, first: defaults.origins.first, last: defaults.origins.last }));
  }, [defaults]);

  if (!file) return null;
  const result = resultOf(job.record?.end, 'find-maximum');
  const errors = checkFindMaximumForm(values, defaults?.nframes);
  // Until the defaults are read the fields are empty; if they cannot be read, the user types them.
  const loading = !defaults && !loadError(loader);
  const run = (): void => {
    void job.run({
      kind: 'find-maximum',
      fileId: file.fileId,
      entry: file.entry,
      first: parseNumber(values.first),
      last: parseNumber(values.last),
      filterSize: parseNumber(values.filterSize),
      ...(isBlank(values.qmin) ? {} : { qmin: parseNumber(values.qmin) }),
      ...(isBlank(values.qmax) ? {} : { qmax: parseNumber(values.qmax) }),
    });
  };
  return (
    <DialogFrame id="find-maximum" title="Find Maximum" width={580}>
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
        runningText="Finding the maximum…"
      />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>Maximum Value: {formatValue(result.maximum)}</strong>
          <div>
            at pixel ({result.maximumX}, {result.maximumY}), frames {result.first}…{result.last - 1} of{' '}
            {result.entry}
          </div>
          <div className={styles.muted}>
            {result.hotPixels} hot and {result.deadPixels} dead pixels masked · annulus{' '}
            {result.annulus.qmin.toFixed(3)}…{result.annulus.qmax.toFixed(3)} Å⁻¹ ({result.annulus.source})
            {result.transmissionMedian !== null
              ? ` · transmission baseline ${result.transmissionMedian.toPrecision(4)}`
              : ''}
            {result.written ? ' · saved' : ''}
          </div>
        </div>
      ) : null}
      <FindMaximumCurves
        fileId={file.fileId}
        entry={file.entry}
        monitor={defaults?.values.monitor}
        version={`${job.record?.jobId ?? ''}:${job.record?.end ? 'end' : ''}`}
      />
      <div className={styles.buttons}>
        <button
          type="button"
          disabled={!result?.written}
          onClick={() => void plot.getState().plot(file.fileId, `/${file.entry}/summed_data`)}
        >
          Plot Summed Data
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
          Find Maximum
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('find-maximum')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
