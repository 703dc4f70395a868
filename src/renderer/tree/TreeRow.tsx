import { memo, type Ref } from 'react';

import type { NxNode } from '../../nexus/model/types.ts';
import { isExpandable, type TreeNodeState, type VisibleRow } from '../state/tree-store.ts';
import { formatShapeText, linkTargetText } from './format.ts';
import { NodeIcon } from './NodeIcon.tsx';
import styles from './TreeView.module.css';
import { formatNxrError } from '../../shared/errors.ts';

export interface TreeRowProps {
  row: VisibleRow;
  state: TreeNodeState;
  expanded: boolean;
  selected: boolean;
  /** Shown as the root's name. */
  fileName: string;
  rowRef: Ref<HTMLLIElement>;
  onSelect: (path: string) => void;
  onToggle: (path: string) => void;
  /** Double-click: plot what can be plotted, else expand or collapse. */
  onActivate: (path: string) => void;
  /** Right-click at (x, y) in the viewport: the context menu. */
  onContextMenu: (path: string, x: number, y: number) => void;
}

function danglingTitle(node: NxNode): string {
  const l = node.link;
  if (l?.type === 'external') return `external link target missing: ${l.file}:${l.target}`;
  return `link target missing: ${l?.target ?? '?'}`;
}

export const TreeRow = memo(function TreeRow({
  row,
  state,
  expanded,
  selected,
  fileName,
  rowRef,
  onSelect,
  onToggle,
  onActivate,
  onContextMenu,
}: TreeRowProps) {
  const { node } = state;
  const expandable = isExpandable(node);
  const target = linkTargetText(node);
  const isDataset = node.kind === 'dataset';
  return (
    <li
      ref={rowRef}
      role="treeitem"
      id={`node-${row.path}`}
      data-path={row.path}
      aria-level={row.level}
      aria-posinset={row.pos}
      aria-setsize={row.setSize}
      aria-selected={selected}
      aria-expanded={expandable ? expanded : undefined}
      aria-busy={state.loading ? true : undefined}
      tabIndex={selected ? 0 : -1}
      className={`${styles.row} ${selected ? styles.selected : ''} ${node.dangling ? styles.dangling : ''}`}
      style={{ paddingLeft: `${(row.level - 1) * 16 + 4}px` }}
      onClick={() => onSelect(row.path)}
      onDoubleClick={() => onActivate(row.path)}
      onContextMenu={(e) => {
        e.preventDefault();
        onContextMenu(row.path, e.clientX, e.clientY);
      }}
      aria-haspopup="menu"
      title={node.dangling ? danglingTitle(node) : row.path}
    >
      <span
        className={styles.twisty}
        aria-hidden="true"
        onClick={(e) => {
          e.stopPropagation();
          if (expandable) onToggle(row.path);
        }}
      >
        {expandable ? (expanded ? '▾' : '▸') : ''}
      </span>
      <NodeIcon node={node} />
      <span className={styles.name}>{row.path === '/' ? fileName : node.name}</span>
      {node.nxClass ? <span className={styles.badge}>{node.nxClass}</span> : null}
      {isDataset ? (
        <span className={styles.meta}>
          {formatShapeText(node.shape)} <span className={styles.dtype}>{node.dtype}</span>
        </span>
      ) : null}
      {target ? (
        <span className={styles.link} data-link={node.link?.type}>
          → {target}
        </span>
      ) : null}
      {node.dangling ? <span className={styles.missing}>missing</span> : null}
      {state.loading ? <span className={styles.meta}>loading…</span> : null}
      {state.error ? (
        <span className={styles.missing} title={formatNxrError(state.error)}>
          error
        </span>
      ) : null}
    </li>
  );
});
