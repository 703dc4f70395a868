/**
 * The NeXus @default chain: root @default → an entry, its @default → an NXdata (possibly through
 * NXsubentry levels). Without @default, the first NXentry and its first NXdata are used, as NeXpy does.
 */
import { joinPath, resolveNexusPath } from '../model/paths.ts';
import type { NxNode } from '../model/types.ts';
import { attr } from './resolve-nxdata.ts';

/** Looks a node up with children loaded one level (undefined when missing). */
export type NodeLookup = (path: string) => NxNode | undefined;

/** A lookup over a fully loaded tree. */
export function treeLookup(root: NxNode): NodeLookup {
  const map = new Map<string, NxNode>();
  const walk = (n: NxNode): void => {
    map.set(n.path, n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(root);
  return (p) => map.get(p);
}

/** Path of the default NXdata group, or undefined when the file has none. */
export function resolveDefaultNxData(lookup: NodeLookup, start = '/'): string | undefined {
  let node = lookup(start);
  const visited = new Set<string>();
  while (node && !visited.has(node.path)) {
    visited.add(node.path);
    if (node.nxClass === 'NXdata') return node.path;
    const def = attr(node, 'default');
    let next: NxNode | undefined;
    if (typeof def === 'string' && def.length > 0) next = lookup(resolveNexusPath(node.path, def));
    if (!next) {
      const kids = node.children ?? [];
      const want = node.path === '/' ? ['NXentry', 'NXdata'] : ['NXdata', 'NXsubentry', 'NXentry'];
      for (const cls of want) {
        const c = kids.find((k) => k.nxClass === cls && k.dangling !== true);
        if (c) {
          next = lookup(c.path) ?? c;
          break;
        }
      }
    }
    node = next;
  }
  return undefined;
}

/** The @default chain as written (each step's target), for display. */
export function defaultChain(lookup: NodeLookup): string[] {
  const out: string[] = [];
  let node = lookup('/');
  while (node) {
    const def = attr(node, 'default');
    if (typeof def !== 'string' || def.length === 0) break;
    const p = resolveNexusPath(node.path, def);
    if (out.includes(p)) break;
    out.push(p);
    node = lookup(p);
  }
  return out;
}

export { joinPath };
