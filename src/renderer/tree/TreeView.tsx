/**
 * The NeXus tree: lazy expansion, NX_class badges, shape and dtype, link targets (dangling links
 * shown, marked "missing"). Keyboard as WAI-ARIA treeitems (h5web's explorer): Up/Down move,
 * Right expands or goes to the first member, Left collapses or goes to the parent, Home/End jump,
 * Enter/Space toggle a group; Enter or a double-click plots a dataset or an NXdata group (1-D as a
 * line, 2-D/3-D as a frame). A right-click, the ContextMenu key or Shift+F10 opens NeXpy's context
 * menu (Plot, View Data, Copy Path, Set as Parent, Reload). A notice above the rows says when the
 * file was reloaded or changed on disk.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';

import { isExpandable, isPlottable, visibleRows } from '../state/tree-store.ts';
import { useTree, useTreeStore } from '../state/store-context.tsx';
import { treeMenuItems, type TreeMenuAction } from './context-menu-items.ts';
import { TreeContextMenu } from './TreeContextMenu.tsx';
import { TreeRow } from './TreeRow.tsx';
import styles from './TreeView.module.css';
import { useFileChangeReload, useTreeActions } from './use-tree-actions.ts';
import { ViewDataDialog } from './ViewDataDialog.tsx';

/** Information notices disappear after this long, ms (warnings and errors stay until dismissed). */
const NOTICE_MS = 8000;

export function TreeView() {
  const file = useTree((s) => s.file);
  const notice = useTree((s) => s.notice);
  const select = useTree((s) => s.select);
  const toggle = useTree((s) => s.toggle);
  const expand = useTree((s) => s.expand);
  const collapse = useTree((s) => s.collapse);
  const treeStore = useTreeStore();
  const actions = useTreeActions();
  useFileChangeReload();
  const rows = useMemo(() => (file ? visibleRows(file) : []), [file]);
  const refs = useRef(new Map<string, HTMLLIElement>());
  const focusOnSelect = useRef(false);
  const [menu, setMenu] = useState<{ path: string; x: number; y: number } | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);

  const selected = file?.selected;
  useEffect(() => {
    if (!focusOnSelect.current || selected === undefined) return;
    focusOnSelect.current = false;
    const el = refs.current.get(selected);
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  useEffect(() => {
    if (!notice || notice.level !== 'info') return;
    const t = setTimeout(() => {
      if (treeStore.getState().notice === notice) treeStore.getState().dismissNotice();
    }, NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice, treeStore]);

  const onSelect = useCallback((path: string) => void select(path), [select]);
  const onToggle = useCallback((path: string) => void toggle(path), [toggle]);
  // The latest file, read by the (stable) row handlers so rows need not re-render.
  const current = useRef(file);
  current.current = file;
  const onActivate = useCallback(
    (path: string) => {
      const n = current.current?.nodes[path]?.node;
      if (!n) return;
      if (isPlottable(n)) void actions.plot(path);
      else if (isExpandable(n)) void toggle(path);
    },
    [actions, toggle],
  );
  const onContextMenu = useCallback(
    (path: string, x: number, y: number) => {
      void select(path);
      setMenu({ path, x, y });
    },
    [select],
  );
  // one ref callback per row, kept between renders (a new one would re-render every memoised row)
  const refCallbacks = useRef(new Map<string, (el: HTMLLIElement | null) => void>());
  const rowRef = useCallback((path: string) => {
    let cb = refCallbacks.current.get(path);
    if (!cb) {
      cb = (el) => {
        if (el) refs.current.set(path, el);
        else {
          refs.current.delete(path);
          refCallbacks.current.delete(path);
        }
      };
      refCallbacks.current.set(path, cb);
    }
    return cb;
  }, []);
  const menuPath = menu?.path;
  const closeMenu = useCallback(
    (refocus: boolean) => {
      setMenu(null);
      if (refocus && menuPath !== undefined) refs.current.get(menuPath)?.focus();
    },
    [menuPath],
  );

  if (!file) return null;

  const move = (path: string | undefined): void => {
    if (path === undefined) return;
    focusOnSelect.current = true;
    void select(path);
  };

  const openMenuAtRow = (path: string): void => {
    const r = refs.current.get(path)?.getBoundingClientRect();
    setMenu({ path, x: r ? r.left + 24 : 0, y: r ? r.bottom : 0 });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>): void => {
    const i = rows.findIndex((r) => r.path === file.selected);
    const row = rows[i];
    if (!row) return;
    const n = file.nodes[row.path];
    const expandable = n ? isExpandable(n.node) : false;
    const open = file.expanded[row.path] === true;
    if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      openMenuAtRow(row.path);
      return;
    }
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
        if (n && isPlottable(n.node)) void actions.plot(row.path);
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

  const menuNode = menu ? file.nodes[menu.path]?.node : undefined;
  const run = (action: TreeMenuAction, path: string): void => {
    if (action === 'plot') void actions.plot(path);
    else if (action === 'view-data') setViewing(path);
    else if (action === 'copy-path') void actions.copyPath(path);
    else if (action === 'set-parent') void actions.setAsParent();
    else void actions.reload();
  };
  const viewNode = viewing !== null ? file.nodes[viewing]?.node : undefined;

  return (
    <div className={styles.wrap}>
      {notice ? (
        <div
          className={styles.notice}
          data-level={notice.level}
          role={notice.level === 'info' ? 'status' : 'alert'}
          data-testid="tree-notice"
        >
          <span>{notice.text}</span>
          <button
            type="button"
            aria-label="Dismiss notice"
            onClick={() => treeStore.getState().dismissNotice()}
          >
            ×
          </button>
        </div>
      ) : null}
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
              onContextMenu={onContextMenu}
              rowRef={rowRef(row.path)}
            />
          );
        })}
      </ul>
      {menu && menuNode ? (
        <TreeContextMenu
          x={menu.x}
          y={menu.y}
          label={menu.path === '/' ? file.info.name : menuNode.name}
          items={treeMenuItems(menuNode, menu.path)}
          onRun={(action) => run(action, menu.path)}
          onClose={closeMenu}
        />
      ) : null}
      {viewNode ? (
        <ViewDataDialog
          key={`${file.info.fileId}:${viewNode.path}`}
          fileId={file.info.fileId}
          node={viewNode}
          onClose={() => {
            const p = viewing;
            setViewing(null);
            if (p !== null) refs.current.get(p)?.focus();
          }}
        />
      ) : null}
    </div>
  );
}
