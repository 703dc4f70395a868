/**
 * Refine ▸ Find Peaks (spec §6.1, nxfind): 3-D Bragg peaks above the threshold in frames
 * first…last−1 of an entry, saved in fN/peaks. "List Peaks" shows the saved peaks in a sortable
 * table; double-clicking a row plots the frame nearest the peak.
 */
import { useEffect, useState } from 'react';

import { toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import { resultOf } from '../state/job-store.ts';
import { useBridge, useDialogStore, usePlotStore } from '../state/store-context.tsx';
import { loadError } from './ChooseParametersDialog.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import { PeakTable, readPeakTable, type PeakRows } from './PeakTable.tsx';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import { useReductionDefaults } from './use-reduction-defaults.ts';
import { checkFindPeaksForm, hasErrors, parseNumber, type FindPeaksKey } from './validate.ts';
import { formatNxrError } from '../../shared/errors.ts';

const FIELDS: ReadonlyArray<FieldSpec<FindPeaksKey>> = [
  { key: 'threshold', label: 'Threshold' },
  { key: 'first', label: 'First Frame' },
  { key: 'last', label: 'Last Frame' },
  { key: 'minPixels', label: 'Minimum Pixels Between Peaks' },
];

export function FindPeaksDialog() {
  const file = useOpenFileEntries();
  const bridge = useBridge();
  const dialogs = useDialogStore();
  const plot = usePlotStore();
  const { defaults, loader } = useReductionDefaults(file?.fileId, 'find-peaks:load');
  const job = useDialogJob('find-peaks');
  const [values, setValues] = useState<Record<FindPeaksKey, string>>({
    threshold: '',
    first: '',
    last: '',
    minPixels: '',
  });
  const [notes, setNotes] = useState<Partial<Record<FindPeaksKey, string>>>({});
  const [table, setTable] = useState<PeakRows | null>(null);
  const [tableError, setTableError] = useState<NxrErrorInfo | null>(null);
  useEffect(() => {
    if (!defaults) return;
    const d = defaults.values;
    setValues({
      threshold: String(d.threshold),
      first: String(d.first),
      last: String(d.last),
      minPixels: String(d.min_pixels),
    });
    setNotes({
      threshold: defaults.origins.threshold,
      first: defaults.origins.first,
      last: defaults.origins.last,
      minPixels: defaults.origins.min_pixels,
    });
  }, [defaults]);

  if (!file) return null;
  const result = resultOf(job.record?.end, 'find-peaks');
  const errors = checkFindPeaksForm(values, defaults?.nframes);
  const loading = !defaults && !loadError(loader);
  const run = async (): Promise<void> => {
    setTable(null);
    await job.run({
      kind: 'find-peaks',
      fileId: file.fileId,
      entry: file.entry,
      threshold: parseNumber(values.threshold),
      first: parseNumber(values.first),
      last: parseNumber(values.last),
      minPixels: parseNumber(values.minPixels),
    });
  };
  const listPeaks = async (): Promise<void> => {
    setTableError(null);
    try {
      setTable(await readPeakTable(bridge, file.fileId, file.entry));
    } catch (e) {
      setTable(null);
      setTableError(toErrorInfo(e));
    }
  };
  return (
    <DialogFrame id="find-peaks" title="Find Peaks" width={600}>
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
        runningText="Finding peaks…"
      />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>{result.count} peaks found</strong>
          <div className={styles.muted}>
            threshold {result.threshold}, frames {result.first}…{result.last - 1}, min. {result.minPixels}{' '}
            pixels apart
            {result.written ? ` · saved in /${result.entry}/peaks` : ''} · {result.seconds.toFixed(1)} s
          </div>
        </div>
      ) : null}
      {tableError ? (
        <div role="alert" className={styles.error}>
          {formatNxrError(tableError)}
        </div>
      ) : null}
      {table ? (
        <PeakTable
          rows={table}
          onPlot={(z) => void plot.getState().plot(file.fileId, `/${file.entry}/data/data`, z)}
        />
      ) : null}
      <div className={styles.buttons}>
        <button type="button" onClick={() => void listPeaks()} disabled={job.running}>
          List Peaks
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
          onClick={() => void run()}
        >
          Find Peaks
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('find-peaks')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
