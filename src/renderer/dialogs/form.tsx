/**
 * Dialog building blocks: the Select Entry / Select Root row, the parameter grid (label with units
 * | value | message beside the field), and the job row (progress bar hidden until a job starts,
 * status, the job's log lines).
 */
import { useId, type ReactNode } from 'react';

import { formatNxrError, type NxrErrorInfo } from '../../shared/errors.ts';
import type { JobRecord } from '../state/job-store.ts';
import styles from './Dialog.module.css';

export interface FieldSpec<K extends string> {
  key: K;
  /** Label with its units, as NXRefine writes them, e.g. 'Distance (mm)'. */
  label: string;
}

export type FormValues<K extends string> = Record<K, string>;
export type FormErrors<K extends string> = Partial<Record<K, string>>;

export function ParamGrid<K extends string>({
  fields,
  values,
  errors,
  notes,
  disabled,
  onChange,
}: {
  fields: ReadonlyArray<FieldSpec<K>>;
  values: FormValues<K>;
  errors: FormErrors<K>;
  /** Small text beside valid fields (where a value came from). */
  notes?: Partial<Record<K, string>>;
  disabled?: boolean;
  onChange: (key: K, value: string) => void;
}) {
  const base = useId();
  return (
    <div className={styles.grid} role="group" aria-label="Parameters">
      {fields.map((f) => {
        const id = `${base}-${f.key}`;
        const error = errors[f.key];
        const note = notes?.[f.key];
        return (
          <Row key={f.key}>
            <label htmlFor={id}>{f.label}</label>
            <input
              id={id}
              type="text"
              value={values[f.key]}
              disabled={disabled}
              aria-invalid={error !== undefined}
              aria-describedby={`${id}-msg`}
              onChange={(e) => onChange(f.key, e.target.value)}
            />
            {error !== undefined ? (
              <span id={`${id}-msg`} className={styles.fieldError} data-field-error={f.key}>
                {error}
              </span>
            ) : (
              <span id={`${id}-msg`} className={styles.fieldNote} title={note}>
                {note ?? ''}
              </span>
            )}
          </Row>
        );
      })}
    </div>
  );
}

function Row({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

/** The top row: the file (Select Root), and with `entries` the entry combo (Select Entry). */
export function SelectRow({
  fileName,
  entries,
  entry,
  onEntry,
}: {
  fileName: string;
  entries?: string[];
  entry?: string;
  onEntry?: (e: string) => void;
}) {
  return (
    <div className={styles.entryRow}>
      <span>{entries ? 'Select Entry' : 'Select Root'}</span>
      <span className={styles.fileName} title={fileName}>
        {fileName}
      </span>
      {entries ? (
        <select aria-label="Entry" value={entry} onChange={(e) => onEntry?.(e.target.value)}>
          {entries.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      ) : null}
    </div>
  );
}

/** Progress (hidden until a job runs), status, the job's log lines, and errors. */
export function JobStatus({
  record,
  error,
  runningText = 'Running…',
}: {
  record: JobRecord | undefined;
  /** An error before the job started (refused request). */
  error?: NxrErrorInfo | null;
  runningText?: string;
}) {
  const end = record?.end;
  return (
    <>
      {record?.status === 'running' ? (
        <div className={styles.progressRow}>
          <progress max={100} value={record.percent} aria-label="Progress" />
          <span>
            {runningText} {record.percent}%
          </span>
        </div>
      ) : null}
      {error ? (
        <div role="alert" className={styles.error}>
          {formatNxrError(error)}
        </div>
      ) : null}
      {end && !end.ok ? (
        <div role="alert" className={styles.error} data-job-error={end.error.code}>
          {end.error.code === 'CANCELLED' ? 'Cancelled.' : formatNxrError(end.error)}
        </div>
      ) : null}
      {record && record.logs.length > 0 ? (
        <ol className={styles.log} aria-label="Job log">
          {record.logs.map((l, i) => (
            <li key={i} className={l.level === 'info' ? undefined : styles[`log${l.level}`]}>
              {l.message}
            </li>
          ))}
        </ol>
      ) : null}
    </>
  );
}
