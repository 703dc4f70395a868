/**
 * The tree's context menu, as NeXpy's: Plot, View Data, Copy Path, Set as Parent, Reload; an item
 * that does not apply to the node is shown disabled with the reason as its tooltip.
 */
import type { NxNode } from '../../nexus/model/types.ts';
import { isNumericNode, plotKindOf } from '../plot/line-data.ts';

export type TreeMenuAction = 'plot' | 'view-data' | 'copy-path' | 'set-parent' | 'reload';

export interface TreeMenuItem {
  action: TreeMenuAction;
  label: string;
  /** Why it does not apply here; null when it does. */
  disabled: string | null;
  /** Items of one group are drawn together, groups apart. */
  group: number;
}

/** Datasets of more dimensions than this are not shown as a table. */
const MAX_TABLE_RANK = 3;

function whyNoPlot(node: NxNode): string | null {
  if (plotKindOf(node) !== null) return null;
  if (node.dangling) return 'the link target is missing';
  if (node.kind === 'group') return 'only NXdata groups and datasets can be plotted';
  if (node.kind !== 'dataset') return `a ${node.kind} cannot be plotted`;
  if (!isNumericNode(node)) return `${node.dtype ?? 'this type'} values are not numbers`;
  const shape = node.shape;
  if (!shape || shape.length === 0) return 'a single value: see View Data or the attributes panel';
  if (shape.length === 1) return 'empty';
  return `${shape.length} dimensions (1, 2 or 3 plot)`;
}

function whyNoTable(node: NxNode): string | null {
  if (node.dangling) return 'the link target is missing';
  if (node.kind !== 'dataset') return 'only datasets hold values';
  if (node.shape === null || node.shape === undefined) return 'empty (null dataspace)';
  if (node.shape.length > MAX_TABLE_RANK) return `${node.shape.length} dimensions (up to 3 are shown)`;
  return null;
}

/** Set as Parent acts on the whole file: offered on the root and on its top-level groups. */
function whyNoParent(node: NxNode, path: string): string | null {
  const top = path === '/' || (node.kind === 'group' && path.split('/').length === 2);
  return top ? null : 'acts on the whole file: right-click the file (the top row) or an entry';
}

export function treeMenuItems(node: NxNode, path: string): TreeMenuItem[] {
  return [
    { action: 'plot', label: 'Plot', disabled: whyNoPlot(node), group: 0 },
    { action: 'view-data', label: 'View Data', disabled: whyNoTable(node), group: 0 },
    { action: 'copy-path', label: 'Copy Path', disabled: null, group: 1 },
    { action: 'set-parent', label: 'Set as Parent', disabled: whyNoParent(node, path), group: 2 },
    { action: 'reload', label: 'Reload', disabled: null, group: 3 },
  ];
}
