/**
 * Refine ▸ Choose Parameters (spec §6.1): the reduction parameters of the scan file, as NXRefine's
 * cascade resolves them (each value says where it came from), checked beside each field; Save
 * writes them to /entry/nxreduce, and "Set As Parent" also makes this file the parent.
 */
import { useEffect, useState } from 'react';

import { resultOf } from '../state/job-store.ts';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import {
  checkReductionForm,
  hasErrors,
  REDUCTION_KEYS,
  toReductionValues,
  type ReductionKey,
} from './validate.ts';
import { useDialogStore } from '../state/store-context.tsx';

export const REDUCTION_FIELDS: ReadonlyArray<FieldSpec<ReductionKey>> = [
  { key: 'threshold', label: 'Peak Threshold' },
  { key: 'first', label: 'First Frame' },
  { key: 'last', label: 'Last Frame' },
  { key: 'polar_max', label: 'Max. Polar Angle (deg)' },
  { key: 'hkl_tolerance', label: 'HKL Tolerance (Å⁻¹)' },
  { key: 'monitor', label: 'Normalization Monitor' },
  { key: 'norm', label: 'Normalization Value' },
  { key: 'qmin', label: 'Minimum Scattering Q (Å⁻¹)' },
  { key: 'qmax', label: 'Maximum Taper Q (Å⁻¹)' },
  { key: 'radius', label: 'Punch Radius (Å⁻¹)' },
];

const empty = (): Record<ReductionKey, string> =>
  Object.fromEntries(REDUCTION_KEYS.map((k) => [k, ''])) as Record<ReductionKey, string>;

export function ChooseParametersDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const loader = useDialogJob('choose-parameters:load');
  const saver = useDialogJob('choose-parameters');
  const [values, setValues] = useState(empty);
  const [notes, setNotes] = useState<Partial<Record<ReductionKey, string>>>({});
  const [nframes, setNframes] = useState<number | undefined>(undefined);
  const [setParent, setSetParent] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const fileId = file?.fileId;
  const runLoad = loader.run;

  useEffect(() => {
    if (fileId === undefined) return;
    let live = true;
    void runLoad({ kind: 'choose-parameters', fileId, write: false }).then((end) => {
      const r = resultOf(end, 'choose-parameters');
      if (!live || !r) return;
      setValues(
        Object.fromEntries(REDUCTION_KEYS.map((k) => [k, String(r.values[k])])) as Record<
          ReductionKey,
          string
        >,
      );
      setNotes(r.origins);
      setNframes(r.nframes);
      setLoaded(true);
    });
    return () => {
      live = false;
    };
  }, [fileId, runLoad]);

  if (!file) return null;
  const errors = checkReductionForm(values, nframes);
  const busy = loader.running || saver.running;
  const save = async (): Promise<void> => {
    setSaved(null);
    const end = await saver.run({
      kind: 'choose-parameters',
      fileId: file.fileId,
      write: true,
      values: toReductionValues(values),
      ...(setParent ? { setParent: true } : {}),
    });
    const r = resultOf(end, 'choose-parameters');
    if (r) {
      setNotes(r.origins);
      setSaved(
        `Parameters saved in /entry/nxreduce${r.parent ? `; ${r.parent.link} now links to this file${r.parent.previous ? ` (was ${r.parent.previous})` : ''}` : ''}.`,
      );
    }
  };
  return (
    <DialogFrame id="choose-parameters" title="Choose Parameters" width={560}>
      <SelectRow fileName={file.fileName} />
      {!loaded && loader.running ? <p className={styles.muted}>Reading the parameters…</p> : null}
      <ParamGrid
        fields={REDUCTION_FIELDS}
        values={values}
        errors={loaded || !isEmpty(values) ? errors : {}}
        notes={notes}
        disabled={busy}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
      {nframes !== undefined ? <p className={styles.muted}>{nframes} frames per rotation.</p> : null}
      <div className={styles.checks}>
        <label>
          <input type="checkbox" checked={setParent} onChange={(e) => setSetParent(e.target.checked)} /> Set
          As Parent
        </label>
      </div>
      <JobStatus record={saver.record} error={saver.startError ?? loadError(loader)} />
      {saved ? (
        <div className={styles.result} role="status">
          {saved}
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={busy || hasErrors(errors)}
          onClick={() => void save()}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('choose-parameters')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}

function isEmpty(v: Record<string, string>): boolean {
  return Object.values(v).every((s) => s === '');
}

/** The loader's failure, shown like a refused request (the fields stay editable). */
export function loadError(job: ReturnType<typeof useDialogJob>) {
  const end = job.record?.end;
  return job.startError ?? (end && !end.ok ? end.error : null);
}
