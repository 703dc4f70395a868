/**
 * Building blocks of the New Experiment / Configuration / Sample / Scan and Edit Settings dialogs:
 * a choice row in the parameter grid, a per-detector-position table (NXRefine shows one column of
 * values per position), section titles, and the read-experiment hook that fills a dialog from the
 * experiment directory typed or chosen.
 */
import { useEffect, useId, useState } from 'react';

import type { NxrErrorInfo } from '../../shared/errors.ts';
import type { ReadExperimentSummary } from '../../shared/experiment-jobs.ts';
import styles from '../dialogs/Dialog.module.css';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { parseNumber } from '../dialogs/validate.ts';
import { useAppInfo } from '../state/app-info.ts';
import { resultOf } from '../state/job-store.ts';
import own from './Experiment.module.css';

/** A select in the parameter grid (label | select | message). */
export function ChoiceField({
  label,
  value,
  options,
  onChange,
  error,
  note,
  disabled,
}: {
  label: string;
  value: string;
  options: ReadonlyArray<string | { value: string; label: string }>;
  onChange: (value: string) => void;
  error?: string | undefined;
  note?: string | undefined;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className={styles.grid} role="group" aria-label={label}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        aria-invalid={error !== undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        {options.map((o) => {
          const v = typeof o === 'string' ? o : o.value;
          return (
            <option key={v} value={v}>
              {typeof o === 'string' ? o : o.label}
            </option>
          );
        })}
      </select>
      {error !== undefined ? (
        <span className={styles.fieldError} data-field-error={label}>
          {error}
        </span>
      ) : (
        <span className={styles.fieldNote}>{note ?? ''}</span>
      )}
    </div>
  );
}

export function SectionTitle({ children }: { children: string }) {
  return <h3 className={own.sectionTitle}>{children}</h3>;
}

/** One row per quantity, one column per detector position (f1, f2 …). */
export function PositionsTable<K extends string>({
  rows,
  values,
  errors,
  disabled,
  onChange,
}: {
  rows: ReadonlyArray<{ key: K; label: string }>;
  /** values[position][key] */
  values: ReadonlyArray<Record<K, string>>;
  /** Messages by `positions.<i>.<key>`. */
  errors: Record<string, string>;
  disabled?: boolean;
  onChange: (position: number, key: K, value: string) => void;
}) {
  if (values.length === 0) return null;
  return (
    <div className={own.positions}>
      <table className={styles.gridTable} aria-label="Detector positions">
        <thead>
          <tr>
            <th />
            {values.map((_, i) => (
              <th key={i} scope="col">
                f{i + 1}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              {values.map((v, i) => {
                const error = errors[`positions.${i}.${r.key}`];
                return (
                  <td key={i}>
                    <input
                      type="text"
                      aria-label={`${r.label} f${i + 1}`}
                      aria-invalid={error !== undefined}
                      value={v[r.key]}
                      disabled={disabled}
                      onChange={(e) => onChange(i, r.key, e.target.value)}
                    />
                    {error !== undefined ? (
                      <div className={styles.fieldError} data-field-error={`positions.${i}.${r.key}`}>
                        {error}
                      </div>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Numbers typed in text fields (NaN when not a number; the checks then say so). */
export function numbersOf<K extends string>(v: Record<K, string>, keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, parseNumber(v[k])])) as Record<K, number>;
}

/** A number shown in a text field ('' for undefined). */
export const text = (v: number | string | null | undefined): string =>
  v === undefined || v === null ? '' : typeof v === 'number' ? String(Number(v.toPrecision(12))) : v;

/**
 * `<dir>/<rel>` as a host path: with the separator `dir` uses ('' = the served folder's root in
 * browser mode).
 */
export function joinHostPath(dir: string, rel: string): string {
  if (dir === '') return rel;
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return `${dir.replace(/[\\/]+$/, '')}${sep}${rel.split('/').join(sep)}`;
}

export interface ExperimentInfo {
  info: ReadExperimentSummary | undefined;
  error: NxrErrorInfo | null;
  loading: boolean;
  /** Read again (after a job changed the directory). */
  reload: () => void;
}

/**
 * read-experiment for `directory` (after the typing pauses), and for `configuration` when given.
 * `directory` null: only the defaults (server settings, registered beamlines).
 */
export function useExperimentInfo(directory: string | null, configuration?: string): ExperimentInfo {
  const job = useDialogJob('experiment:read');
  const appInfo = useAppInfo();
  const [info, setInfo] = useState<ReadExperimentSummary | undefined>(undefined);
  const [error, setError] = useState<NxrErrorInfo | null>(null);
  const [tick, setTick] = useState(0);
  const run = job.run;
  // '' is the served folder in browser mode; under Electron nothing is chosen yet
  const skip =
    appInfo === null || (directory !== null && directory.trim() === '' && appInfo.mode !== 'browser');
  useEffect(() => {
    if (skip) return;
    let live = true;
    const timer = setTimeout(() => {
      void run({
        kind: 'read-experiment',
        ...(directory !== null ? { directory: directory.trim() } : {}),
        ...(configuration !== undefined && configuration !== '' ? { configuration } : {}),
      }).then((end) => {
        if (!live) return;
        const r = resultOf(end, 'read-experiment');
        setInfo(r);
        setError(r ? null : end && !end.ok ? end.error : null);
      });
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [skip, directory, configuration, run, tick]);
  return {
    info,
    error: error ?? job.startError,
    loading: job.running,
    reload: () => setTick((t) => t + 1),
  };
}
