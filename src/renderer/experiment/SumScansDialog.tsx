/**
 * Experiment ▸ Sum Scans (spec §7; NXRefine's SumDialog): choose a sample directory, tick the
 * scans to add (a prefix ticks the files starting with it; Select All / Clear All), name the sum
 * (NXRefine proposes `<first file up to its last '_'>_sum`), choose Update Existing Sums or
 * Overwrite Existing Sums, and Sum Scans. The sum is made by the engine (sum-scans job: frames
 * streamed through the frame pool, monitors summed, nxsum recorded); "Open Sum" opens the result.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';

import type { ListScanFilesSummary } from '../../shared/experiment-jobs.ts';
import styles from '../dialogs/Dialog.module.css';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import { JobStatus } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore, useTree } from '../state/store-context.tsx';
import { DirectoryField } from './PathField.tsx';
import { chosenInOrder, commonPrefix, defaultSumName, selectByPrefix } from './scan-checklist.ts';
import { ScanChecklist } from './ScanChecklist.tsx';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

export function SumScansDialog() {
  const dialogs = useDialogStore();
  const openFile = useTree((s) => s.openFile);
  const lister = useDialogJob('sum-scans:list');
  const job = useDialogJob('sum-scans');
  const ids = useId();
  const [directory, setDirectory] = useState('');
  const [listing, setListing] = useState<ListScanFilesSummary | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [prefix, setPrefix] = useState('');
  const [output, setOutput] = useState('');
  const [outputEdited, setOutputEdited] = useState(false);
  const [update, setUpdate] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [refresh, setRefresh] = useState(0);
  /** The folder the checklist shows (a new folder resets the choice; a refresh keeps it). */
  const listedDir = useRef<string | null>(null);

  const listRun = lister.run;
  useEffect(() => {
    const dir = directory.trim();
    if (listedDir.current !== dir) setListing(null);
    if (dir === '') return;
    let live = true;
    const t = setTimeout(() => {
      void listRun({ kind: 'list-scan-files', directory: dir }).then((end) => {
        const r = resultOf(end, 'list-scan-files');
        if (!live || !r) return;
        setListing(r);
        const names = r.files.map((f) => f.file);
        if (listedDir.current === dir) {
          // the same folder again (after a sum): keep the choice
          setChosen((old) => new Set(names.filter((n) => old.has(n))));
          return;
        }
        listedDir.current = dir;
        // as NXRefine: the prefix starts as the files' common prefix, which ticks them all
        const p = commonPrefix(names);
        setPrefix(p);
        setChosen(selectByPrefix(names, p));
      });
    }, 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [directory, listRun, refresh]);

  const files = useMemo(() => listing?.files.map((f) => f.file) ?? [], [listing]);
  const order = chosenInOrder(files, chosen);
  const suggested = defaultSumName(order[0], listing?.sample ?? '');
  const name = outputEdited ? output : suggested;
  const result = resultOf(job.record?.end, 'sum-scans');
  const listEnd = lister.record?.end;
  const listError =
    lister.startError ??
    (listEnd && !listEnd.ok && listEnd.error.code !== 'CANCELLED' ? listEnd.error : null);
  const nameError =
    name.trim() === ''
      ? 'give the sum a name'
      : !NAME.test(name.replace(/\.nxs$/, ''))
        ? 'letters, digits, _ . + - only'
        : undefined;
  const sumExists =
    listing !== null &&
    files.includes(
      `${listing.sample}_${name.replace(/\.nxs$/, '').replace(new RegExp(`^${listing.sample}_`), '')}.nxs`,
    );
  const blockedByExisting = sumExists && !update && !overwrite;
  const canSum =
    listing !== null && order.length >= 2 && nameError === undefined && !blockedByExisting && !job.running;

  const sum = (): void => {
    void job
      .run({
        kind: 'sum-scans',
        directory: directory.trim(),
        scans: order,
        output: name.trim(),
        ...(update ? { update } : {}),
        ...(overwrite ? { overwrite } : {}),
      })
      .then((end) => {
        if (end?.ok) setRefresh((n) => n + 1);
      });
  };
  const sumPath = result ? `${directory.trim().replace(/\/+$/, '')}/${result.wrapper}` : undefined;

  return (
    <DialogFrame id="sum-scans" title="Sum Scans" width={600}>
      <DirectoryField label="Sample directory" value={directory} onChange={setDirectory} />
      {listing ? (
        <div className={styles.muted}>
          Sample {listing.sample}, label {listing.label}: {listing.files.length} scan file
          {listing.files.length === 1 ? '' : 's'}
        </div>
      ) : null}
      <div className={styles.grid}>
        <label htmlFor={`${ids}-prefix`}>Prefix</label>
        <input
          id={`${ids}-prefix`}
          type="text"
          value={prefix}
          disabled={!listing || job.running}
          onChange={(e) => {
            setPrefix(e.target.value);
            setChosen(selectByPrefix(files, e.target.value));
          }}
        />
        <span className={styles.fieldNote}>ticks the files starting with it</span>
      </div>
      <ScanChecklist
        label="Scans"
        items={(listing?.files ?? []).map((f) => ({
          name: f.file,
          ...(f.hasScanDirectory ? {} : { detail: 'no scan directory' }),
        }))}
        chosen={chosen}
        onChange={setChosen}
        disabled={job.running}
        empty={directory.trim() === '' ? 'Choose a sample directory.' : 'No scan files.'}
      />
      <div className={styles.checks}>
        <label>
          <input
            type="checkbox"
            checked={update}
            disabled={job.running}
            onChange={(e) => setUpdate(e.target.checked)}
          />{' '}
          Update Existing Sums
        </label>
        <label>
          <input
            type="checkbox"
            checked={overwrite}
            disabled={job.running}
            onChange={(e) => setOverwrite(e.target.checked)}
          />{' '}
          Overwrite Existing Sums
        </label>
      </div>
      <div className={styles.grid}>
        <label htmlFor={`${ids}-output`}>Summed scan</label>
        <input
          id={`${ids}-output`}
          type="text"
          value={name}
          disabled={job.running}
          aria-invalid={nameError !== undefined && order.length > 0}
          onChange={(e) => {
            setOutputEdited(true);
            setOutput(e.target.value);
          }}
        />
        <span className={nameError !== undefined && order.length > 0 ? styles.fieldError : styles.fieldNote}>
          {order.length > 0 && nameError !== undefined
            ? nameError
            : blockedByExisting
              ? 'exists: choose Update or Overwrite Existing Sums'
              : listing
                ? `${listing.sample}_${name.replace(/\.nxs$/, '').replace(new RegExp(`^${listing.sample}_`), '')}.nxs`
                : ''}
        </span>
      </div>
      {order.length === 1 ? <div className={styles.muted}>Choose at least two scans.</div> : null}
      <JobStatus record={job.record} error={job.startError ?? listError} runningText="Summing…" />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            {result.wrapper} = {result.scans.join(' + ')}
          </strong>
          {result.entries.map((e) => (
            <div key={e.entry}>
              {e.entry}: {e.frames} frames ({e.dtype}) → {e.rawFile}
              {e.summedFrames ? '' : ' (kept)'}
              {e.monitors.length > 0 ? `; ${e.monitors.join(', ')} summed` : ''}
              {e.monitorWeight === 'summed' ? '; monitor_weight summed' : ''}
            </div>
          ))}
          {result.removed.length > 0 ? (
            <div className={styles.muted}>not copied from the first scan: {result.removed.join(', ')}</div>
          ) : null}
          <div className={styles.muted}>{result.seconds.toFixed(1)} s</div>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button type="button" disabled={!sumPath} onClick={() => sumPath && void openFile(sumPath)}>
          Open Sum
        </button>
        <span className={styles.spacer} />
        {job.running ? (
          <button type="button" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
        <button type="button" className={styles.primary} disabled={!canSum} onClick={sum}>
          Sum Scans
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('sum-scans')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
