/**
 * Refine ▸ Transform Data (spec §6.1): the HKL grid of an entry's transform — for each of H, K, L
 * the limit Q (the axis runs −Q…+Q) and the step dQ, with the number of voxels N — filled from the
 * grid stored in the file or NXRefine's default grid. "Save" transforms the frames into the grid
 * (<scan>/fN_transform.nxs, or fN_masked_transform.nxs without the 3-D mask's voxels).
 */
import { useEffect, useState } from 'react';

import type { TransformSummary } from '../../shared/jobs.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, SelectRow } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import { checkGridForm, hasErrors, type GridKey } from './validate.ts';

const AXES = ['h', 'k', 'l'] as const;
const fmt = (v: number): string => String(Number(v.toPrecision(10)));

export function TransformDataDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const planner = useDialogJob('transform:plan');
  const job = useDialogJob('transform');
  const [values, setValues] = useState<Record<GridKey, string>>({
    hQ: '',
    hdQ: '',
    kQ: '',
    kdQ: '',
    lQ: '',
    ldQ: '',
  });
  const [plan, setPlan] = useState<TransformSummary | null>(null);
  const [masked, setMasked] = useState(false);
  const fileId = file?.fileId;
  const entry = file?.entry;
  const runPlan = planner.run;
  useEffect(() => {
    if (fileId === undefined || !entry) return;
    let live = true;
    void runPlan({ kind: 'transform', fileId, entry, plan: true }).then((end) => {
      const r = resultOf(end, 'transform');
      if (!live || !r) return;
      setPlan(r);
      const v = {} as Record<GridKey, string>;
      for (const a of AXES) {
        const ax = r.grid[a];
        const stop = ax.start + (ax.count - 1) * ax.step;
        v[`${a}Q`] = fmt(Math.max(Math.abs(ax.start), Math.abs(stop)));
        v[`${a}dQ`] = fmt(ax.step);
      }
      setValues(v);
    });
    return () => {
      live = false;
    };
  }, [fileId, entry, runPlan]);

  if (!file) return null;
  const { errors, axes } = checkGridForm(values);
  const result = resultOf(job.record?.end, 'transform');
  const voxels = AXES.every((a) => axes[a]) ? AXES.reduce((n, a) => n * axes[a]!.count, 1) : null;
  const planError = planner.record?.end && !planner.record.end.ok ? planner.record.end.error : null;
  const run = (): void => {
    const grid: Record<string, [number, number, number]> = {};
    for (const a of AXES) {
      const ax = axes[a]!;
      grid[a] = [ax.start, ax.step, ax.start + (ax.count - 1) * ax.step];
    }
    void job.run({
      kind: 'transform',
      fileId: file.fileId,
      entry: file.entry,
      grid,
      ...(masked ? { masked: true } : {}),
    });
  };
  return (
    <DialogFrame id="transform-data" title="Transform Data" width={560}>
      <SelectRow fileName={file.fileName} entries={file.entries} entry={file.entry} onEntry={file.setEntry} />
      <table className={styles.gridTable} aria-label="Grid">
        <thead>
          <tr>
            <th />
            <th>Q</th>
            <th>dQ</th>
            <th>N</th>
          </tr>
        </thead>
        <tbody>
          {AXES.map((a) => (
            <tr key={a}>
              <th scope="row">{a.toUpperCase()}</th>
              {(['Q', 'dQ'] as const).map((c) => {
                const key = `${a}${c}` as GridKey;
                return (
                  <td key={c}>
                    <input
                      type="text"
                      aria-label={`${a.toUpperCase()} ${c}`}
                      aria-invalid={errors[key] !== undefined}
                      value={values[key]}
                      disabled={job.running}
                      onChange={(e) => setValues((old) => ({ ...old, [key]: e.target.value }))}
                    />
                    {errors[key] && values[key] !== '' ? (
                      <div className={styles.fieldError} data-field-error={key}>
                        {errors[key]}
                      </div>
                    ) : null}
                  </td>
                );
              })}
              <td data-testid={`grid-n-${a}`}>{axes[a]?.count ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.muted}>
        {voxels !== null ? `${voxels.toLocaleString('en-US')} voxels` : ''}
        {plan
          ? ` · frames ${plan.first}…${plan.last} · grid from ${plan.gridSource === 'default' ? "NXRefine's default" : `the ${plan.gridSource}`}`
          : ''}
      </p>
      <div className={styles.checks}>
        <label>
          <input type="checkbox" checked={masked} onChange={(e) => setMasked(e.target.checked)} /> Masked
          transform (leave out the 3-D mask)
        </label>
      </div>
      <JobStatus record={job.record} error={job.startError ?? planError} runningText="Transforming…" />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            {result.outputFile}: {AXES.map((a) => result.grid[a].count).join(' × ')} voxels
          </strong>
          <div className={styles.muted}>
            {result.framesUsed} frames, {result.pixels.toLocaleString('en-US')} pixel-frames, Σ counts{' '}
            {result.sumCounts.toPrecision(6)} · {result.seconds.toFixed(1)} s
          </div>
        </div>
      ) : null}
      <div className={styles.buttons}>
        {job.running ? (
          <button type="button" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || !plan || hasErrors(errors)}
          onClick={run}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('transform-data')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
