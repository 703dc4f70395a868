/** The job log: every line the engine's jobs wrote ("'find-peaks' started", …), newest last. */
import { useEffect, useRef } from 'react';

import { useJobs, useJobStore } from '../state/store-context.tsx';
import styles from './JobLogPanel.module.css';

const time = (t: number): string => new Date(t).toLocaleTimeString('en-GB', { hour12: false });

export function JobLogPanel({ onClose }: { onClose: () => void }) {
  const log = useJobs((s) => s.log);
  const store = useJobStore();
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: 'nearest' }), [log.length]);
  return (
    <section className={styles.panel} aria-label="Job log">
      <header className={styles.header}>
        <strong>Log</strong>
        <span className={styles.spacer} />
        <button type="button" onClick={() => store.getState().clearLog()} disabled={log.length === 0}>
          Clear
        </button>
        <button type="button" onClick={onClose}>
          Hide
        </button>
      </header>
      <ol className={styles.lines}>
        {log.length === 0 ? <li className={styles.muted}>No jobs have run yet.</li> : null}
        {log.map((l, i) => (
          <li key={i} ref={i === log.length - 1 ? end : undefined} className={styles[l.level]}>
            <span className={styles.time}>{time(l.time)}</span> <span className={styles.kind}>{l.kind}</span>{' '}
            {l.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
