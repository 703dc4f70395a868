/** A scrolling checklist of scans with Select All / Clear All (Import Scans, Sum Scans). */
import type { ReactNode } from 'react';

import styles from '../dialogs/Dialog.module.css';

export interface ChecklistItem {
  name: string;
  /** Shown after the name (entries, frames, "imported" …). */
  detail?: ReactNode;
}

export function ScanChecklist({
  label,
  items,
  chosen,
  onChange,
  disabled,
  empty = 'Nothing to choose.',
}: {
  label: string;
  items: readonly ChecklistItem[];
  chosen: ReadonlySet<string>;
  onChange: (chosen: Set<string>) => void;
  disabled?: boolean;
  empty?: string;
}) {
  const toggle = (name: string, on: boolean): void => {
    const next = new Set(chosen);
    if (on) next.add(name);
    else next.delete(name);
    onChange(next);
  };
  return (
    <fieldset style={{ border: '1px solid var(--border)', borderRadius: 3, padding: '4px 8px' }}>
      <legend>{label}</legend>
      <div className={styles.buttons} style={{ justifyContent: 'flex-start', marginBottom: 4 }}>
        <button
          type="button"
          disabled={disabled || items.length === 0}
          onClick={() => onChange(new Set(items.map((i) => i.name)))}
        >
          Select All
        </button>
        <button type="button" disabled={disabled || chosen.size === 0} onClick={() => onChange(new Set())}>
          Clear All
        </button>
        <span className={styles.muted}>
          {chosen.size} of {items.length} chosen
        </span>
      </div>
      <ul
        aria-label={label}
        style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: 180, overflowY: 'auto' }}
      >
        {items.length === 0 ? <li className={styles.muted}>{empty}</li> : null}
        {items.map((i) => (
          <li key={i.name}>
            <label style={{ display: 'flex', gap: 6, alignItems: 'baseline' }}>
              <input
                type="checkbox"
                checked={chosen.has(i.name)}
                disabled={disabled}
                onChange={(e) => toggle(i.name, e.target.checked)}
              />
              <span>{i.name}</span>
              {i.detail !== undefined ? <span className={styles.muted}>{i.detail}</span> : null}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
