/**
 * View Data (NeXpy's): the values of a dataset in a table beside the tree — a scalar or a string as
 * text, a 1-D field as index/value rows, a 2-D field as rows × columns, a 3-D stack one frame at a
 * time; pages of 100 rows and 10 columns. The values come whole through data:read (frames through
 * data:frame), so only the page in view is drawn. Non-modal; Escape or × closes it.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

import type { NxNode } from '../../nexus/model/types.ts';
import { formatNxrError, toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import { readValues } from '../bridge/read-data.ts';
import { useBridge } from '../state/store-context.tsx';
import {
  COLUMNS_PER_PAGE,
  flatValues,
  formatCell,
  pageHolding,
  pageOf,
  ROWS_PER_PAGE,
  tableShape,
  type Page,
} from './data-pages.ts';
import { formatShapeText } from './format.ts';
import styles from './ViewData.module.css';

interface Loaded {
  values: ArrayLike<unknown>;
  /** Shape of what is shown (one frame of a stack). */
  shape: number[];
  dtype: string;
}

function Pager({
  what,
  page,
  total,
  size,
  onPage,
}: {
  what: 'Rows' | 'Columns';
  page: Page;
  total: number;
  size: number;
  onPage: (index: number) => void;
}) {
  const [text, setText] = useState('');
  if (page.count <= 1) return null;
  const go = (): void => {
    const n = Number(text);
    if (Number.isInteger(n)) onPage(pageHolding(total, size, n));
    setText('');
  };
  return (
    <div className={styles.pager} role="group" aria-label={`${what} pages`}>
      <button
        type="button"
        onClick={() => onPage(0)}
        disabled={page.index === 0}
        aria-label={`First ${what.toLowerCase()}`}
      >
        ⏮
      </button>
      <button
        type="button"
        onClick={() => onPage(page.index - 1)}
        disabled={page.index === 0}
        aria-label={`Previous ${what.toLowerCase()}`}
      >
        ◀
      </button>
      <span className={styles.range} data-testid={`${what.toLowerCase()}-range`}>
        {what} {page.first}–{page.end - 1} of {total}
      </span>
      <button
        type="button"
        onClick={() => onPage(page.index + 1)}
        disabled={page.index >= page.count - 1}
        aria-label={`Next ${what.toLowerCase()}`}
      >
        ▶
      </button>
      <button
        type="button"
        onClick={() => onPage(page.count - 1)}
        disabled={page.index >= page.count - 1}
        aria-label={`Last ${what.toLowerCase()}`}
      >
        ⏭
      </button>
      <input
        type="text"
        inputMode="numeric"
        className={styles.goto}
        placeholder={what === 'Rows' ? 'row' : 'column'}
        aria-label={`Go to ${what === 'Rows' ? 'row' : 'column'}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') go();
        }}
      />
    </div>
  );
}

export function ViewDataDialog({
  fileId,
  node,
  onClose,
}: {
  fileId: string;
  node: NxNode;
  onClose: () => void;
}) {
  const bridge = useBridge();
  const shape = node.shape ?? [];
  const stack = shape.length === 3;
  const [frame, setFrame] = useState(0);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<NxrErrorInfo | null>(null);
  const [rowPage, setRowPage] = useState(0);
  const [colPage, setColPage] = useState(0);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    void (async () => {
      try {
        let next: Loaded;
        if (stack) {
          const fr = await bridge.readFrame(fileId, node.path, Math.min(frame, (node.shape?.[0] ?? 1) - 1));
          next = { values: fr.data, shape: fr.shape, dtype: fr.dtype };
        } else {
          const v = await readValues(bridge, fileId, node.path);
          next = { values: flatValues(v.data), shape: v.shape, dtype: v.dtype };
        }
        if (live) setLoaded(next);
      } catch (e) {
        if (live) setError(toErrorInfo(e));
      }
    })();
    return () => {
      live = false;
    };
    // `node` is a new object after a reload: the values are read again
  }, [bridge, fileId, node, stack, frame]);

  useEffect(() => {
    box.current?.focus();
  }, [node.path]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  };

  const title = `View Data: ${node.path}`;
  const { rows, columns } = tableShape(loaded?.shape ?? shape);
  const rp = pageOf(rows, ROWS_PER_PAGE, rowPage);
  const cp = pageOf(columns, COLUMNS_PER_PAGE, colPage);
  const oneD = (loaded?.shape ?? shape).length === 1;
  const scalar = (loaded?.shape ?? shape).length === 0;
  const dtype = loaded?.dtype ?? node.dtype ?? '';

  let body;
  if (error) {
    body = (
      <div role="alert" className={styles.error}>
        {formatNxrError(error)}
      </div>
    );
  } else if (!loaded) {
    body = <p className={styles.muted}>Reading…</p>;
  } else if (scalar) {
    body = (
      <pre className={styles.scalar} data-testid="scalar-value">
        {formatCell(loaded.values[0], dtype)}
      </pre>
    );
  } else {
    const rowIdx = Array.from({ length: rp.end - rp.first }, (_, i) => rp.first + i);
    const colIdx = oneD ? [0] : Array.from({ length: cp.end - cp.first }, (_, i) => cp.first + i);
    body = (
      <>
        <div className={styles.scroll}>
          <table className={styles.table} aria-label={`Values of ${node.path}`}>
            <thead>
              <tr>
                <th scope="col">{oneD ? 'index' : ''}</th>
                {oneD ? (
                  <th scope="col">value</th>
                ) : (
                  colIdx.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))
                )}
              </tr>
            </thead>
            <tbody>
              {rowIdx.map((r) => (
                <tr key={r}>
                  <th scope="row">{r}</th>
                  {colIdx.map((c) => (
                    <td key={c}>{formatCell(loaded.values[r * columns + c], dtype)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager what="Rows" page={rp} total={rows} size={ROWS_PER_PAGE} onPage={setRowPage} />
        {oneD ? null : (
          <Pager what="Columns" page={cp} total={columns} size={COLUMNS_PER_PAGE} onPage={setColPage} />
        )}
      </>
    );
  }

  return (
    <div
      ref={box}
      role="dialog"
      aria-modal="false"
      aria-label={title}
      className={styles.dialog}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <header className={styles.titleBar}>
        <h2 title={node.path}>View Data</h2>
        <button type="button" className={styles.closeX} aria-label="Close View Data" onClick={onClose}>
          ×
        </button>
      </header>
      <div className={styles.info}>
        <code>{node.path}</code> <span className={styles.muted}>{formatShapeText(node.shape)}</span>{' '}
        <span className={styles.muted}>{node.dtype}</span>
      </div>
      {stack ? (
        <label className={styles.frame}>
          Frame
          <input
            type="number"
            min={0}
            max={shape[0]! - 1}
            value={frame}
            aria-label="Frame of the stack"
            onChange={(e) => {
              const n = Math.round(Number(e.target.value));
              if (Number.isFinite(n)) setFrame(Math.max(0, Math.min(shape[0]! - 1, n)));
            }}
          />
          <span className={styles.muted}>of {shape[0]}</span>
        </label>
      ) : null}
      {body}
    </div>
  );
}
