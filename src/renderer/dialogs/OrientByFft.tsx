/**
 * Refine Lattice ▸ Orient by FFT (NXRefine's sub-dialog, spec §4.14, §6.1): Dmin / Dmax, "Orient"
 * runs FFT indexing of the peaks without a cell (the read-only orient-fft job) and lists the best
 * cell of every Bravais type the lattice fits — symmetry, centring, a, b, c, α, β, γ, volume,
 * peaks indexed — with the row of the defined space group preselected and each row compared with
 * the defined lattice. "Select" starts Refine Lattice from the picked cell's orientation.
 */
import { useState } from 'react';

import type { FftCellChoice, OrientFftSummary } from '../../shared/jobs.ts';
import { resultOf } from '../state/job-store.ts';
import styles from './Dialog.module.css';
import { JobStatus } from './form.tsx';
import local from './RefineLattice.module.css';
import {
  checkFftForm,
  compareWithDefined,
  fftChoiceOf,
  formatFftCell,
  preselectFftRow,
  type FftKey,
} from './orient-fft.ts';
import { useDialogJob } from './use-dialog-job.ts';
import { hasErrors, parseNumber } from './validate.ts';

const COLUMNS: ReadonlyArray<[keyof ReturnType<typeof formatFftCell>, string]> = [
  ['symmetry', 'Symmetry'],
  ['centring', 'Centring'],
  ['a', 'a (Å)'],
  ['b', 'b (Å)'],
  ['c', 'c (Å)'],
  ['alpha', 'α (°)'],
  ['beta', 'β (°)'],
  ['gamma', 'γ (°)'],
  ['volume', 'Volume (Å³)'],
  ['indexed', 'Indexed'],
  ['matches', 'Matches defined'],
];

export function OrientByFft({
  fileId,
  entry,
  polarMax,
  exclude,
  disabled,
  onSelect,
}: {
  fileId: string;
  entry: string;
  /** Max. Polar Angle (deg) of the dialog; NaN: the file's. */
  polarMax: number;
  /** The unticked peaks. */
  exclude: number[];
  disabled: boolean;
  onSelect: (choice: FftCellChoice, label: string) => void;
}) {
  const job = useDialogJob('refine-lattice:orient-fft');
  const [values, setValues] = useState<Record<FftKey, string>>({ dMin: '1', dMax: '20' });
  const [result, setResult] = useState<OrientFftSummary | null>(null);
  const [row, setRow] = useState(-1);
  const errors = checkFftForm(values);
  const orient = async (): Promise<void> => {
    const end = await job.run({
      kind: 'orient-fft',
      fileId,
      entry,
      ...(Number.isFinite(polarMax) ? { polarMax } : {}),
      dMin: parseNumber(values.dMin),
      dMax: parseNumber(values.dMax),
      ...(exclude.length > 0 ? { exclude } : {}),
    });
    const r = resultOf(end, 'orient-fft');
    if (!r) return;
    setResult(r);
    setRow(preselectFftRow(r));
  };
  const picked = result && row >= 0 ? result.candidates[row] : undefined;
  const busy = disabled || job.running;
  return (
    <fieldset className={local.orient} aria-label="Orient by FFT">
      <legend>Orient by FFT</legend>
      {(['dMin', 'dMax'] as const).map((k) => (
        <label key={k} className={local.plotRow}>
          {k === 'dMin' ? 'Dmin (Å)' : 'Dmax (Å)'}
          <input
            type="text"
            aria-label={k === 'dMin' ? 'Dmin' : 'Dmax'}
            value={values[k]}
            disabled={busy}
            aria-invalid={errors[k] !== undefined}
            title={errors[k]}
            onChange={(e) => setValues((v) => ({ ...v, [k]: e.target.value }))}
            style={{ width: 70 }}
          />
        </label>
      ))}
      <span className={`${local.wide} ${local.plotRow}`}>
        <button type="button" disabled={busy || hasErrors(errors)} onClick={() => void orient()}>
          Orient
        </button>
        <button
          type="button"
          disabled={busy || !picked}
          onClick={() => {
            if (!picked) return;
            const f = formatFftCell(picked);
            onSelect(
              fftChoiceOf(picked),
              `Orient by FFT: ${f.symmetry} ${f.centring} ${f.a}, ${f.b}, ${f.c} Å, ${f.alpha}, ${f.beta}, ${f.gamma}°`,
            );
          }}
          title="Start Refine Lattice from the orientation of the selected cell"
        >
          Select
        </button>
        {job.running ? (
          <button type="button" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
      </span>
      <span className={local.wide}>
        <JobStatus record={job.record} error={job.startError} runningText="FFT indexing…" />
      </span>
      {result ? (
        <div className={`${local.wide} ${styles.table} ${local.noShrink}`}>
          <div className={`${styles.muted} ${local.check}`} data-testid="fft-summary">
            {result.peaks} peaks, Dmin {result.dMin} Å, Dmax {result.dMax} Å · reduced cell{' '}
            {[result.reducedCell.a, result.reducedCell.b, result.reducedCell.c]
              .map((v) => v.toFixed(3))
              .join(', ')}{' '}
            Å · defined:{' '}
            {result.definedCell
              ? `${result.spaceGroup ?? '(no space group)'} ${[result.definedCell.a, result.definedCell.b, result.definedCell.c].map((v) => v.toFixed(4)).join(', ')} Å, ${[result.definedCell.alpha, result.definedCell.beta, result.definedCell.gamma].map((v) => v.toFixed(3)).join(', ')}°`
              : 'no lattice'}
          </div>
          <table aria-label="FFT cells">
            <thead>
              <tr>
                <th />
                {COLUMNS.map(([k, text]) => (
                  <th key={k}>{text}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.candidates.map((c, i) => {
                const f = formatFftCell(c);
                return (
                  <tr
                    key={`${c.latticeSystem}-${c.centring}`}
                    className={i === row ? local.selected : ''}
                    aria-selected={i === row}
                    onClick={() => setRow(i)}
                    title={compareWithDefined(c, result.definedCell) ?? ''}
                  >
                    <td>
                      <input
                        type="radio"
                        name="fft-cell"
                        aria-label={`${f.symmetry} ${f.centring}`}
                        checked={i === row}
                        onChange={() => setRow(i)}
                      />
                    </td>
                    {COLUMNS.map(([k]) => (
                      <td key={k}>{f[k]}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {picked ? (
            <div className={`${styles.muted} ${local.check}`} data-testid="fft-compare">
              {compareWithDefined(picked, result.definedCell) ?? 'no defined lattice to compare with'}
            </div>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
