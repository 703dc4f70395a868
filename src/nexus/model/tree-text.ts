/** Plain-text rendering of an NxNode tree (for `nxr tree` and logs). */
import { formatShape } from './dtype.ts';
import type { NxAttribute, NxNode, NxValue } from './types.ts';

export interface TreeTextOptions {
  /** Print attributes under each node. @default false */
  attrs?: boolean;
  /** Longest attribute value shown before '…'. @default 80 */
  maxValueLength?: number;
}

function valueText(v: NxValue, max: number): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function attrText(a: NxAttribute, max: number): string {
  const shown =
    a.nonUtf8 && a.escaped !== undefined
      ? `${valueText(a.value, max)} (not UTF-8: ${Array.isArray(a.escaped) ? a.escaped.join(', ') : a.escaped})`
      : valueText(a.value, max);
  return `@${a.name} = ${shown}`;
}

/** One line describing a node (without indentation). */
export function nodeLine(n: NxNode): string {
  const parts: string[] = [n.path === '/' ? '/' : n.name];
  if (n.nxClass !== undefined) parts[0] += `:${n.nxClass}`;
  if (n.link?.type === 'soft') parts.push(`-> ${n.link.target}`);
  if (n.link?.type === 'external') parts.push(`-> ${n.link.file}:${n.link.target}`);
  if (n.link?.type === 'hard') parts.push(`= ${n.link.target} (hard link)`);
  if (n.dangling === true) {
    parts.push(
      n.link?.type === 'external'
        ? '[DANGLING: target file or object missing]'
        : '[DANGLING: target missing]',
    );
  }
  if (n.kind === 'dataset') {
    parts.push(`${n.dtype ?? '?'} ${formatShape(n.shape)}`);
    if (n.maxshape && n.shape && n.maxshape.some((m, i) => m !== n.shape![i])) {
      parts.push(`max (${n.maxshape.map((m) => (m === null ? 'inf' : String(m))).join(', ')})`);
    }
    if (n.chunks) parts.push(`chunks (${n.chunks.join(', ')})`);
    if (n.filters && n.filters.length > 0) parts.push(`filters ${n.filters.map((f) => `${f.id}`).join('+')}`);
    if (n.isVirtual === true) {
      parts.push(`[virtual: ${(n.virtualSources ?? []).map((s) => `${s.file}:${s.dataset}`).join(', ')}]`);
    }
  } else if (n.kind === 'datatype') {
    parts.push(`datatype ${n.dtype ?? ''}`);
  }
  return parts.join('  ');
}

/** The tree as indented lines (two spaces per level). */
export function treeToText(root: NxNode, opts: TreeTextOptions = {}): string {
  const out: string[] = [];
  const max = opts.maxValueLength ?? 80;
  const walk = (n: NxNode, depth: number): void => {
    const pad = '  '.repeat(depth);
    out.push(pad + nodeLine(n));
    if (opts.attrs === true) for (const a of n.attributes) out.push(`${pad}    ${attrText(a, max)}`);
    for (const c of n.children ?? []) walk(c, depth + 1);
  };
  walk(root, 0);
  return out.join('\n');
}

/** Every node of the tree, depth first, root first. */
export function flattenTree(root: NxNode): NxNode[] {
  const out: NxNode[] = [];
  const walk = (n: NxNode): void => {
    out.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(root);
  return out;
}
