/**
 * A menu in the window's toolbar (browser mode has no application menu; under Electron the
 * application menu sends the same commands). WAI-ARIA menu button: Enter/Space/Down open it,
 * Up/Down move, Escape closes.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

import styles from './MenuButton.module.css';

export interface MenuButtonItem<Id extends string> {
  id: Id;
  label: string;
}

export function MenuButton<Id extends string>({
  label,
  items,
  disabled = false,
  onChoose,
}: {
  label: string;
  items: ReadonlyArray<MenuButtonItem<Id>>;
  disabled?: boolean;
  onChoose: (id: Id) => void;
}) {
  const [open, setOpen] = useState(false);
  const list = useRef<HTMLUListElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    (list.current?.querySelector('[role=menuitem]') as HTMLElement | null)?.focus();
    const close = (e: MouseEvent): void => {
      if (!list.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node))
        setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  const onMenuKey = (e: KeyboardEvent<HTMLUListElement>): void => {
    const all = Array.from(list.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? []);
    const i = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') all[(i + 1) % all.length]?.focus();
    else if (e.key === 'ArrowUp') all[(i - 1 + all.length) % all.length]?.focus();
    else if (e.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
    } else return;
    e.preventDefault();
  };

  if (items.length === 0) return null;
  return (
    <span className={styles.wrap}>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label} ▾
      </button>
      {open ? (
        <ul ref={list} role="menu" aria-label={label} className={styles.menu} onKeyDown={onMenuKey}>
          {items.map((i) => (
            <li key={i.id} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => {
                  setOpen(false);
                  onChoose(i.id);
                }}
              >
                {i.label}…
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </span>
  );
}
