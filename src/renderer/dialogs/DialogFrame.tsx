/**
 * A non-modal dialog window (NXRefine's dialogs are non-modal: the tree and the plot stay usable).
 * It floats above the window, can be dragged by its title bar, comes to the front when clicked,
 * and closes with its Close button or Escape. Closing never stops a running job.
 */
import { useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';

import type { DialogId } from '../../shared/jobs.ts';
import { useDialogs, useDialogStore } from '../state/store-context.tsx';
import styles from './Dialog.module.css';

export function DialogFrame({
  id,
  title,
  children,
  width = 460,
}: {
  id: DialogId;
  title: string;
  children: ReactNode;
  width?: number;
}) {
  const store = useDialogStore();
  const order = useDialogs((s) => s.open.indexOf(id));
  const [offset, setOffset] = useState<[number, number]>([0, 0]);
  const drag = useRef<{ x: number; y: number; ox: number; oy: number } | null>(null);
  // First position: cascaded from the top right by the order of opening.
  const [cascade] = useState(() => store.getState().open.length - 1);

  const onPointerDown = (e: PointerEvent<HTMLElement>): void => {
    if ((e.target as HTMLElement).closest('button')) return;
    drag.current = { x: e.clientX, y: e.clientY, ox: offset[0], oy: offset[1] };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLElement>): void => {
    const d = drag.current;
    if (d) setOffset([d.ox + e.clientX - d.x, d.oy + e.clientY - d.y]);
  };
  const onPointerUp = (): void => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      store.getState().closeDialog(id);
    }
  };

  return (
    <div
      role="dialog"
      aria-modal="false"
      aria-label={title}
      className={styles.dialog}
      style={{
        width,
        zIndex: 100 + order,
        right: 24 + 28 * Math.max(0, cascade) - offset[0],
        top: 64 + 28 * Math.max(0, cascade) + offset[1],
      }}
      onPointerDownCapture={() => store.getState().raise(id)}
      onKeyDown={onKeyDown}
      data-dialog={id}
    >
      <header
        className={styles.titleBar}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      >
        <h2>{title}</h2>
        <button
          type="button"
          className={styles.closeX}
          aria-label={`Close ${title}`}
          onClick={() => store.getState().closeDialog(id)}
        >
          ×
        </button>
      </header>
      <div className={styles.body}>{children}</div>
    </div>
  );
}
