/**
 * Refine ▸ Refine Lattice (spec §6.1): orient (index) an entry from its peaks and refine the cell,
 * the orientation and the detector geometry by least squares in detector space. The parameters
 * ticked under "Fit?" vary (cell parameters only where the lattice system leaves them free).
 * "Refine" computes and reports without writing; "Save" refines and stores the result (cell,
 * geometry, orientation_matrix, the nxrefine NXprocess with the fit report).
 */
import { useEffect, useState } from 'react';

import type { OrientationSource, RefineLatticeSummary } from '../../shared/jobs.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import { loadError } from './ChooseParametersDialog.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import { useReductionDefaults } from './use-reduction-defaults.ts';
import { hasErrors, parseNumber, type Errors } from './validate.ts';

type Key = 'polarMax' | 'hklTolerance';

const FIELDS: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'polarMax', label: 'Max. Polar Angle (deg)' },
  { key: 'hklTolerance', label: 'HKL Tolerance (Å⁻¹)' },
];

/** What may be refined, with NXRefine's labels (and units). */
export const FIT_PARAMETERS: ReadonlyArray<[string, string]> = [
  ['a', 'a (Å)'],
  ['b', 'b (Å)'],
  ['c', 'c (Å)'],
  ['alpha', 'α (deg)'],
  ['beta', 'β (deg)'],
  ['gamma', 'γ (deg)'],
  ['U', 'Orientation Matrix'],
  ['wavelength', 'Wavelength (Å)'],
  ['distance', 'Distance (mm)'],
  ['beamCenterX', 'Beam Center x'],
  ['beamCenterY', 'Beam Center y'],
  ['yaw', 'Yaw (deg)'],
  ['pitch', 'Pitch (deg)'],
  ['roll', 'Roll (deg)'],
  ['phiStart', 'Phi Start (deg)'],
  ['chi', 'Chi (deg)'],
  ['omega', 'Omega (deg)'],
  ['theta', 'Theta (deg)'],
];

/** The job's default flags (DEFAULT_FIT of src/engine/jobs/refine-lattice.ts). */
const DEFAULT_FIT = ['a', 'b', 'c', 'alpha', 'beta', 'gamma', 'U', 'distance', 'beamCenterX', 'beamCenterY'];

const SOURCES: ReadonlyArray<[OrientationSource, string]> = [
  ['auto', 'Automatic (file, parent, known cell, FFT)'],
  ['file', 'Orientation matrix in the file'],
  ['parent', 'Orientation of the parent'],
  ['known-cell', 'Index with the defined cell'],
  ['fft', 'Orient by FFT'],
];

export function checkRefineForm(v: Record<Key, string>, fit: string[]): Errors<Key | 'fit'> {
  const out: Errors<Key | 'fit'> = {};
  const p = parseNumber(v.polarMax);
  if (!(p > 0 && p <= 90)) out.polarMax = 'an angle in (0, 90] degrees';
  if (!(parseNumber(v.hklTolerance) > 0)) out.hklTolerance = 'a positive number (Å⁻¹)';
  if (fit.length === 0) out.fit = 'tick at least one parameter';
  return out;
}

function ParameterTable({ r }: { r: RefineLatticeSummary }) {
  const fmt = (v: number): string =>
    Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(5) : v.toFixed(6);
  return (
    <div className={styles.table}>
      <table aria-label="Refined parameters">
        <thead>
          <tr>
            <th>Parameter</th>
            <th>Value</th>
            <th>esd</th>
            <th>Initial</th>
          </tr>
        </thead>
        <tbody>
          {r.parameters
            .filter((p) => p.refined)
            .map((p) => (
              <tr key={p.name}>
                <td>
                  {p.name} {p.units ? `(${p.units})` : ''}
                </td>
                <td>{fmt(p.value)}</td>
                <td>{Number.isFinite(p.esd) ? p.esd.toPrecision(2) : '—'}</td>
                <td>{fmt(p.initial)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

export function RefineLatticeDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const { defaults, loader } = useReductionDefaults(file?.fileId, 'refine-lattice:load');
  const job = useDialogJob('refine-lattice');
  const [values, setValues] = useState<Record<Key, string>>({ polarMax: '', hklTolerance: '' });
  const [fit, setFit] = useState<string[]>(DEFAULT_FIT);
  const [source, setSource] = useState<OrientationSource>('auto');
  useEffect(() => {
    if (!defaults) return;
    setValues({
      polarMax: String(defaults.values.polar_max),
      hklTolerance: String(defaults.values.hkl_tolerance),
    });
  }, [defaults]);

  if (!file) return null;
  const errors = checkRefineForm(values, fit);
  const loading = !defaults && !loadError(loader);
  const result = resultOf(job.record?.end, 'refine-lattice');
  const run = (dryRun: boolean): void => {
    void job.run({
      kind: 'refine-lattice',
      fileId: file.fileId,
      entry: file.entry,
      fit,
      polarMax: parseNumber(values.polarMax),
      hklTolerance: parseNumber(values.hklTolerance),
      index: source,
      dryRun,
    });
  };
  const st = result?.statistics;
  return (
    <DialogFrame id="refine-lattice" title="Refine Lattice" width={600}>
      <SelectRow fileName={file.fileName} entries={file.entries} entry={file.entry} onEntry={file.setEntry} />
      <ParamGrid
        fields={FIELDS}
        values={values}
        errors={loading ? {} : errors}
        disabled={job.running}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
      <label className={styles.checks}>
        Starting orientation
        <select
          aria-label="Starting orientation"
          value={source}
          onChange={(e) => setSource(e.target.value as OrientationSource)}
        >
          {SOURCES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <fieldset className={styles.fitFlags} aria-label="Fit?">
        <legend>Fit?</legend>
        {FIT_PARAMETERS.map(([name, label]) => (
          <label key={name}>
            <input
              type="checkbox"
              checked={fit.includes(name)}
              disabled={job.running}
              onChange={(e) =>
                setFit((old) => (e.target.checked ? [...old, name] : old.filter((n) => n !== name)))
              }
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {errors.fit ? <span className={styles.fieldError}>{errors.fit}</span> : null}
      <JobStatus record={job.record} error={job.startError ?? loadError(loader)} runningText="Refining…" />
      {result && st ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            Score: {st.score.toFixed(4)} · {st.indexed} of {st.inPolarRange} peaks indexed
            {result.written.length > 0 ? ' · saved' : ' (not saved)'}
          </strong>
          <div className={styles.muted}>
            orientation from {result.indexing.method} ({(100 * result.indexing.fraction).toFixed(0)} % indexed
            at the start) · rmsd {st.rmsdPixels.toFixed(3)} px, {st.rmsdFrames.toFixed(3)} frames ·{' '}
            {st.outliers} outliers · {st.converged ? 'converged' : st.message}
          </div>
        </div>
      ) : null}
      {result ? <ParameterTable r={result} /> : null}
      {result ? (
        <details>
          <summary>Fit report</summary>
          <pre className={styles.report}>{result.report}</pre>
        </details>
      ) : null}
      <div className={styles.buttons}>
        {job.running ? (
          <button type="button" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
        <button
          type="button"
          disabled={job.running || loading || hasErrors(errors)}
          onClick={() => run(true)}
        >
          Refine
        </button>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || loading || hasErrors(errors)}
          onClick={() => run(false)}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('refine-lattice')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
