/**
 * Refine ▸ Refine Lattice (spec §6.1): orient (index) an entry from its peaks and refine the cell,
 * the orientation and the detector geometry by least squares in detector space. The parameters
 * ticked under "Fit?" vary (cell parameters only where the lattice system leaves them free).
 * "List" indexes the peaks with the starting orientation and lists them (NXRefine's List: i, x, y,
 * z, Polar, Azi, Intensity, H, K, L, Diff; rows not used greyed); "Orient" (Orient Manually) sets
 * the orientation from two peaks and their hkls; "Refine" fits and reports without writing, with a
 * plot of the residuals before and after; "Save" refines and stores the result (cell, geometry,
 * orientation_matrix, h k l diff of the peaks, primary/secondary reflections, the nxrefine NXprocess
 * with the fit report). "Orient by FFT" lists the FFT cells and starts from the one selected; the
 * list's "Use" ticks leave peaks out of the next List / Refine / Save; "Export" saves the list as CSV.
 */
import { useEffect, useMemo, useState } from 'react';

import type {
  FftCellChoice,
  JobEnd,
  ManualOrientation,
  OrientationSource,
  RefineLatticeRequest,
  RefineLatticeSummary,
} from '../../shared/jobs.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore, usePlotStore } from '../state/store-context.tsx';
import { loadError } from './ChooseParametersDialog.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import local from './RefineLattice.module.css';
import { OrientByFft } from './OrientByFft.tsx';
import { OrientManually, type PairChoice } from './OrientManually.tsx';
import { peakListCsv, peakListCsvName } from './peak-list-csv.ts';
import { PeakTable, type PeakRows } from './PeakTable.tsx';
import { excludedReason, formatHkl, refinePeakRows } from './refine-peaks.ts';
import { ResidualPlot } from './ResidualPlot.tsx';
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
  ['manual', 'Orient manually (Primary / Secondary)'],
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
    <div className={`${styles.table} ${local.noShrink}`}>
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

/** What a run of the job is for. */
type RunKind = 'list' | 'orient' | 'refine' | 'save';

/**
 * The peak list of a result as table rows (greyed: not used in the fit, with the reason; unticked
 * rows greyed at once, before the next run excludes them).
 */
export function peakRowsOf(
  r: RefineLatticeSummary,
  entry: string,
  unticked: ReadonlySet<number> = new Set(),
): PeakRows {
  const rows = refinePeakRows(r.peakTable);
  const t = { polarMax: r.polarMax, hklTolerance: r.hklTolerance };
  return {
    ...rows,
    path: `/${entry}/peaks`,
    excluded: (i) => (unticked.has(i) ? excludedReason(5) : excludedReason(rows.status[i] ?? 0, t)),
  };
}

/** Saves text as a file through the browser's download (Blob + a link). */
function downloadText(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function RefineLatticeDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const plot = usePlotStore();
  const { defaults, loader } = useReductionDefaults(file?.fileId, 'refine-lattice:load');
  const job = useDialogJob('refine-lattice');
  const [values, setValues] = useState<Record<Key, string>>({ polarMax: '', hklTolerance: '' });
  const [fit, setFit] = useState<string[]>(DEFAULT_FIT);
  const [source, setSource] = useState<OrientationSource>('auto');
  /** The pair the orientation was last set from (Orient), used while the source is 'manual'. */
  const [manual, setManual] = useState<ManualOrientation | null>(null);
  const [choice, setChoice] = useState<PairChoice>({ primary: '0', secondary: '1', hkl1: '', hkl2: '' });
  const [choiceEdited, setChoiceEdited] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  /** The unticked rows (left out of the next run). */
  const [unticked, setUnticked] = useState<ReadonlySet<number>>(new Set());
  /** The cell picked in Orient by FFT (used while the source is 'fft'). */
  const [fftPick, setFftPick] = useState<{ choice: FftCellChoice; label: string } | null>(null);
  /** The last result (kept while another run goes on or fails). */
  const [last, setLast] = useState<RefineLatticeSummary | null>(null);
  useEffect(() => {
    if (!defaults) return;
    setValues({
      polarMax: String(defaults.values.polar_max),
      hklTolerance: String(defaults.values.hkl_tolerance),
    });
  }, [defaults]);
  // NXRefine's defaults for Primary / Secondary: the stored reflections, else rows 0 and 1.
  useEffect(() => {
    const stored = last?.storedReflections;
    if (stored && !choiceEdited)
      setChoice((c) => ({ ...c, primary: String(stored.primary), secondary: String(stored.secondary) }));
  }, [last, choiceEdited]);
  const entry = file?.entry;
  // Ticks and an FFT pick belong to one entry's peak list.
  useEffect(() => {
    setUnticked(new Set());
    setFftPick(null);
  }, [entry, file?.fileId]);
  const rows = useMemo(
    () => (last && entry ? peakRowsOf(last, entry, unticked) : null),
    [last, entry, unticked],
  );

  if (!file) return null;
  const errors = checkRefineForm(values, fit);
  const { fit: fitError, ...listErrors } = errors;
  const loading = !defaults && !loadError(loader);
  const run = async (kind: RunKind, pair?: ManualOrientation, pick?: FftCellChoice): Promise<void> => {
    const index: OrientationSource = kind === 'orient' ? 'manual' : pick ? 'fft' : source;
    const m = kind === 'orient' ? pair : index === 'manual' ? manual : undefined;
    const fftCell = pick ?? (index === 'fft' ? fftPick?.choice : undefined);
    const exclude = [...unticked].sort((a, b) => a - b);
    const request: RefineLatticeRequest = {
      kind: 'refine-lattice',
      fileId: file.fileId,
      entry: file.entry,
      fit: kind === 'list' || kind === 'orient' ? [] : fit,
      polarMax: parseNumber(values.polarMax),
      hklTolerance: parseNumber(values.hklTolerance),
      index,
      ...(m ? { manual: m } : {}),
      ...(fftCell ? { fftCell } : {}),
      ...(exclude.length > 0 ? { exclude } : {}),
      dryRun: kind !== 'save',
    };
    const end: JobEnd | null = await job.run(request);
    const r = resultOf(end, 'refine-lattice');
    if (!r) return;
    setLast(r);
    if (kind === 'orient' && pair) {
      setManual(pair);
      setSource('manual');
    }
  };
  const busy = job.running || loading;
  const needsPair = source === 'manual' && !manual;
  const fitted = last !== null && last.fit.length > 0;
  const marks: Partial<Record<number, string>> = {};
  const p = Number(choice.primary);
  const q = Number(choice.secondary);
  if (Number.isInteger(p)) marks[p] = 'primary';
  if (Number.isInteger(q)) marks[q] = 'secondary';
  return (
    <DialogFrame id="refine-lattice" title="Refine Lattice" width={780}>
      <SelectRow fileName={file.fileName} entries={file.entries} entry={file.entry} onEntry={file.setEntry} />
      <ParamGrid
        fields={FIELDS}
        values={values}
        errors={loading ? {} : listErrors}
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
            <option key={v} value={v} disabled={v === 'manual' && !manual}>
              {v === 'manual' && manual
                ? `Orient manually: peaks ${manual.primary} (${formatHkl(manual.hkl1)}), ${manual.secondary} (${formatHkl(manual.hkl2)})`
                : v === 'fft' && fftPick
                  ? fftPick.label
                  : label}
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
      {fitError ? <span className={styles.fieldError}>{fitError}</span> : null}
      <JobStatus record={job.record} error={job.startError ?? loadError(loader)} runningText="Refining…" />
      {last ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            Score: {last.statistics.score.toFixed(4)} · {last.statistics.indexed} of{' '}
            {last.statistics.inPolarRange} peaks indexed
            {last.written.length > 0
              ? ' · saved'
              : fitted
                ? ' (not saved)'
                : ' (orientation only, not saved)'}
          </strong>
          <div className={styles.muted}>
            orientation from {last.indexing.method} ({(100 * last.indexing.fraction).toFixed(0)} % indexed at
            the start)
            {fitted
              ? ` · rmsd ${last.statistics.rmsdPixels.toFixed(3)} px, ${last.statistics.rmsdFrames.toFixed(3)} frames · ${last.statistics.outliers} outliers · ${last.statistics.converged ? 'converged' : last.statistics.message}`
              : ''}
          </div>
          {last.manual ? (
            <div className={styles.muted} data-testid="manual-check">
              peaks {last.manual.primary} ({formatHkl(last.manual.hkl1)}) and {last.manual.secondary} (
              {formatHkl(last.manual.hkl2)}): {last.manual.measuredAngle.toFixed(3)}° measured,{' '}
              {last.manual.calculatedAngle.toFixed(3)}° calculated
            </div>
          ) : null}
        </div>
      ) : null}
      {last && fitted ? <ParameterTable r={last} /> : null}
      {rows ? (
        <PeakTable
          rows={rows}
          label="Refine Lattice peaks"
          selected={selected}
          onSelect={setSelected}
          marks={marks}
          included={(i) => !unticked.has(i)}
          onInclude={(i, on) =>
            setUnticked((old) => {
              const next = new Set(old);
              if (on) next.delete(i);
              else next.add(i);
              return next;
            })
          }
          onPlot={(z) => void plot.getState().plot(file.fileId, `/${file.entry}/data/data`, z)}
        />
      ) : null}
      {rows ? (
        <div className={local.plotRow}>
          <button
            type="button"
            onClick={() =>
              downloadText(
                peakListCsvName(file.fileName, file.entry),
                peakListCsv(rows, (i) => !unticked.has(i)),
              )
            }
            title="Save the peak list (the table's columns and the Use ticks) as a CSV file"
          >
            Export…
          </button>
          {unticked.size > 0 ? (
            <button type="button" disabled={job.running} onClick={() => setUnticked(new Set())}>
              Tick all
            </button>
          ) : null}
        </div>
      ) : null}
      <OrientManually
        result={last}
        choice={choice}
        onChoice={(c) => {
          setChoiceEdited(true);
          setChoice(c);
        }}
        selected={selected}
        disabled={busy || hasErrors(listErrors)}
        onOrient={(m) => void run('orient', m)}
      />
      <OrientByFft
        fileId={file.fileId}
        entry={file.entry}
        polarMax={parseNumber(values.polarMax)}
        exclude={[...unticked].sort((a, b) => a - b)}
        disabled={busy || hasErrors(listErrors)}
        onSelect={(choice, label) => {
          setFftPick({ choice, label });
          setSource('fft');
          void run('list', undefined, choice);
        }}
      />
      {last && fitted ? <ResidualPlot result={last} /> : null}
      {last && fitted ? (
        <details>
          <summary>Fit report</summary>
          <pre className={styles.report}>{last.report}</pre>
        </details>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          disabled={busy || hasErrors(listErrors) || needsPair}
          onClick={() => void run('list')}
          title="Index the peaks with the starting orientation and list them"
        >
          List
        </button>
        <span className={styles.spacer} />
        {job.running ? (
          <button type="button" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
        <button
          type="button"
          disabled={busy || hasErrors(errors) || needsPair}
          onClick={() => void run('refine')}
        >
          Refine
        </button>
        <button
          type="button"
          className={styles.primary}
          disabled={busy || hasErrors(errors) || needsPair}
          onClick={() => void run('save')}
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
