/**
 * The NeXus tree: lazy expansion, NX_class badges, shape and dtype, link targets (dangling links
 * shown, marked "missing"). Keyboard as WAI-ARIA treeitems (h5web's explorer): Up/Down move,
 * Right expands or goes to the first member, Left collapses or goes to the parent, Home/End jump,
 * Enter/Space toggle a group; Enter or a double-click plots a 2-D/3-D dataset or an NXdata group.
 */
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';

import { isExpandable, isPlottable, visibleRows } from '../state/tree-store.ts';
import { usePlotStore, useTree } from '../state/store-context.tsx';
import { TreeRow } from './TreeRow.tsx';
import styles from './TreeView.module.css';

export function TreeView() {
  const file = useTree((s) => s.file);
  const select = useTree((s) => s.select);
  const toggle = useTree((s) => s.toggle);
  const expand = useTree((s) => s.expand);
  const collapse = useTree((s) => s.collapse);
  const plotStore = usePlotStore();
  const rows = useMemo(() => (file ? visibleRows(file) : []), [file]);
  const refs = useRef(new Map<string, HTMLLIElement>());
  const focusOnSelect = useRef(false);

  const selected = file?.selected;
  useEffect(() => {
    if (!focusOnSelect.current || selected === undefined) return;
    focusOnSelect.current = false;
    const el = refs.current.get(selected);
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const onSelect = useCallback((path: string) => void select(path), [select]);
  const onToggle = useCallback((path: string) => void toggle(path), [toggle]);
  // The latest file, read by the (stable) double-click handler so rows need not re-render.
  const current = useRef(file);
  current.current = file;
  const onActivate = useCallback(
    (path: string) => {
      const f = current.current;
      const n = f?.nodes[path]?.node;
      if (!f || !n) return;
      if (isPlottable(n)) void plotStore.getState().plot(f.info.fileId, path);
      else if (isExpandable(n)) void toggle(path);
    },
    [plotStore, toggle],
  );

  if (!file) return null;

  const move = (path: string | undefined): void => {
    if (path === undefined) return;
    focusOnSelect.current = true;
    void select(path);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>): void => {
    const i = rows.findIndex((r) => r.path === file.selected);
    const row = rows[i];
    if (!row) return;
    const n = file.nodes[row.path];
    const expandable = n ? isExpandable(n.node) : false;
    const open = file.expanded[row.path] === true;
    switch (e.key) {
      case 'ArrowDown':
        move(rows[i + 1]?.path);
        break;
      case 'ArrowUp':
        move(rows[i - 1]?.path);
        break;
      case 'Home':
        move(rows[0]?.path);
        break;
      case 'End':
        move(rows.at(-1)?.path);
        break;
      case 'ArrowRight':
        if (expandable && !open) void expand(row.path);
        else if (expandable && open) move(n?.childPaths?.[0]);
        break;
      case 'ArrowLeft':
        if (expandable && open) collapse(row.path);
        else move(row.parent ?? undefined);
        break;
      case 'Enter':
        if (n && isPlottable(n.node)) void plotStore.getState().plot(file.info.fileId, row.path);
        else if (expandable) void toggle(row.path);
        break;
      case ' ':
        if (expandable) void toggle(row.path);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <ul role="tree" aria-label={`Tree of ${file.info.name}`} className={styles.tree} onKeyDown={onKeyDown}>
      {rows.map((row) => {
        const state = file.nodes[row.path];
        if (!state) return null;
        return (
          <TreeRow
            key={row.path}
            row={row}
            state={state}
            expanded={file.expanded[row.path] === true}
            selected={file.selected === row.path}
            fileName={file.info.name}
            onSelect={onSelect}
            onToggle={onToggle}
            onActivate={onActivate}
            rowRef={(el) => {
              if (el) refs.current.set(row.path, el);
              else refs.current.delete(row.path);
            }}
          />
        );
      })}
    </ul>
  );
}
