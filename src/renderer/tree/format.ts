/** Text shown for nodes and values in the tree and the attributes panel. */
import type { NxNode, NxValue } from '../../nexus/model/types.ts';

/** numpy style: '(148, 750)', '(1,)', 'scalar', or 'null' for a null dataspace. */
export function formatShapeText(shape: readonly number[] | null | undefined): string {
  if (shape === null) return 'null';
  if (shape === undefined) return '';
  if (shape.length === 0) return 'scalar';
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Where a link leads: '/entry/instrument/detector/data' or 'raw/f1.h5:/entry/data/data'. */
export function linkTargetText(node: NxNode): string | null {
  const l = node.link;
  if (!l) return null;
  return l.type === 'external' ? `${l.file}:${l.target}` : l.target;
}

const KIND_TEXT: Record<NxNode['kind'], string> = {
  group: 'Group',
  dataset: 'Dataset',
  datatype: 'Named datatype',
  'soft-link': 'Soft link',
  'external-link': 'External link',
  unknown: 'Unknown object',
};

export function kindText(node: NxNode): string {
  return `${KIND_TEXT[node.kind]}${node.dangling ? ' (target missing)' : ''}`;
}

export function linkKindText(node: NxNode): string | null {
  const l = node.link;
  if (!l) return null;
  return l.type === 'external' ? 'External link' : l.type === 'soft' ? 'Soft link' : 'NeXus link (hard link)';
}

/** A compact, readable rendering of an attribute or small field value. */
export function formatValue(v: NxValue, maxChars = 2000): string {
  const text =
    typeof v === 'string'
      ? v
      : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
