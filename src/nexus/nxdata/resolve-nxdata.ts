/**
 * NXdata signal/axes resolution, both conventions found in real files:
 *  - new style (NIAC2014): group @signal='name', group @axes = ['a', '.', 'c'] (or a single
 *    string, also 'a:b'/'a,b'), '.' = no axis for that dimension, '<axis>_indices' = the signal
 *    dimension(s) an axis spans;
 *  - old style: field @signal=1 (or '1'), its @axes = 'a:b' / 'a,b' / array, or fields with
 *    @axis=N (1-based dimension), @primary=1 preferred.
 * Pure: works on an NxNode group whose children are loaded (depth ≥ 1).
 */
import { joinPath } from '../model/paths.ts';
import type { NxAttribute, NxNode, NxValue } from '../model/types.ts';

export interface NxDataAxis {
  name: string;
  path: string;
  /** Signal dimensions this axis spans. */
  dims: number[];
}

export interface NxDataResolution {
  /** The NXdata group path. */
  group: string;
  style: 'new' | 'old';
  signal: string;
  signalPath: string;
  signalShape: number[] | null;
  /** One entry per signal dimension: the axis name, or null where none is given ('.'). */
  axes: (string | null)[];
  /** Every axis field that was named, with its dimensions. */
  axisFields: NxDataAxis[];
  /** '<signal>_errors' or 'errors' when present. */
  errors?: string;
  auxiliarySignals: string[];
}

export function attr(node: NxNode, name: string): NxValue | undefined {
  return node.attributes.find((a: NxAttribute) => a.name === name)?.value;
}

/** Axis names from an @axes value: array, or string 'a:b', 'a,b', 'a b'; '.' kept as null. */
export function parseAxesAttr(v: NxValue | undefined): (string | null)[] {
  if (v === undefined || v === null) return [];
  const list: string[] = Array.isArray(v)
    ? v.flat(4).map((x) => String(x))
    : String(v)
        .split(/[:,\s]+/)
        .filter((s) => s.length > 0);
  return list.map((s) => s.trim()).map((s) => (s === '.' || s === '' ? null : s));
}

function toIntList(v: NxValue | undefined): number[] | undefined {
  if (v === undefined || v === null) return undefined;
  const flat = Array.isArray(v) ? v.flat(4) : [v];
  const out = flat.map((x) => Number(x));
  return out.every((n) => Number.isInteger(n)) ? out : undefined;
}

function isTruthySignal(v: NxValue | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return v.trim() === '1';
  if (Array.isArray(v)) return v.length === 1 && isTruthySignal(v[0]);
  return false;
}

function childMap(group: NxNode): Map<string, NxNode> {
  return new Map((group.children ?? []).map((c) => [c.name, c]));
}

export function resolveNxData(group: NxNode): NxDataResolution | undefined {
  const kids = childMap(group);
  const groupSignal = attr(group, 'signal');
  if (typeof groupSignal === 'string' && kids.has(groupSignal))
    return resolveNewStyle(group, groupSignal, kids);
  // some writers put the signal name in a one-element array
  if (Array.isArray(groupSignal) && typeof groupSignal[0] === 'string' && kids.has(groupSignal[0])) {
    return resolveNewStyle(group, groupSignal[0], kids);
  }
  return resolveOldStyle(group, kids);
}

function resolveNewStyle(group: NxNode, signal: string, kids: Map<string, NxNode>): NxDataResolution {
  const sig = kids.get(signal)!;
  const listed = parseAxesAttr(attr(group, 'axes'));
  // a dangling signal (external link to a missing file) has no shape: trust @axes for the rank
  const rank = sig.shape?.length ?? listed.length;
  const axes: (string | null)[] = Array.from({ length: rank }, (_, i) => listed[i] ?? null);
  const axisFields: NxDataAxis[] = [];
  const named = new Set(listed.filter((a): a is string => a !== null));
  // *_indices may also name axes not in @axes
  for (const a of group.attributes) {
    if (a.name.endsWith('_indices')) named.add(a.name.slice(0, -'_indices'.length));
  }
  for (const name of named) {
    if (!kids.has(name)) continue;
    let dims = toIntList(attr(group, `${name}_indices`));
    if (!dims) {
      const i = listed.indexOf(name);
      dims = i >= 0 ? [i] : [];
    }
    dims = dims.filter((d) => d >= 0 && d < Math.max(rank, 1));
    axisFields.push({ name, path: joinPath(group.path, name), dims });
  }
  // an axis whose *_indices names one dimension is the axis of that dimension
  for (const f of axisFields) if (f.dims.length === 1 && axes[f.dims[0]!] === null) axes[f.dims[0]!] = f.name;
  for (let i = 0; i < axes.length; i++) if (axes[i] !== null && !kids.has(axes[i]!)) axes[i] = null;
  const aux = parseAxesAttr(attr(group, 'auxiliary_signals')).filter(
    (s): s is string => s !== null && kids.has(s),
  );
  return finish(group, 'new', signal, sig, axes, axisFields, kids, aux);
}

function resolveOldStyle(group: NxNode, kids: Map<string, NxNode>): NxDataResolution | undefined {
  const sigNode = [...kids.values()].find((c) => c.kind === 'dataset' && isTruthySignal(attr(c, 'signal')));
  if (!sigNode) return undefined;
  const rank = sigNode.shape?.length ?? 0;
  const axes: (string | null)[] = Array.from({ length: rank }, () => null);
  const axisFields: NxDataAxis[] = [];
  const listed = parseAxesAttr(attr(sigNode, 'axes'));
  if (listed.length > 0) {
    listed.forEach((name, i) => {
      if (name !== null && kids.has(name) && i < rank) {
        axes[i] = name;
        axisFields.push({ name, path: joinPath(group.path, name), dims: [i] });
      }
    });
  } else {
    // per-field @axis=N (1-based), @primary=1 wins among candidates of one dimension
    const byDim = new Map<number, { name: string; primary: boolean }>();
    for (const c of kids.values()) {
      const ax = toIntList(attr(c, 'axis'));
      if (!ax || ax.length !== 1) continue;
      const d = ax[0]! - 1;
      if (d < 0 || d >= rank) continue;
      const primary = isTruthySignal(attr(c, 'primary'));
      const cur = byDim.get(d);
      if (!cur || (primary && !cur.primary)) byDim.set(d, { name: c.name, primary });
    }
    for (const [d, { name }] of byDim) {
      axes[d] = name;
      axisFields.push({ name, path: joinPath(group.path, name), dims: [d] });
    }
    axisFields.sort((a, b) => a.dims[0]! - b.dims[0]!);
  }
  return finish(group, 'old', sigNode.name, sigNode, axes, axisFields, kids, []);
}

function finish(
  group: NxNode,
  style: 'new' | 'old',
  signal: string,
  sig: NxNode,
  axes: (string | null)[],
  axisFields: NxDataAxis[],
  kids: Map<string, NxNode>,
  aux: string[],
): NxDataResolution {
  const out: NxDataResolution = {
    group: group.path,
    style,
    signal,
    signalPath: joinPath(group.path, signal),
    signalShape: sig.shape ?? null,
    axes,
    axisFields,
    auxiliarySignals: aux,
  };
  const err = kids.has(`${signal}_errors`) ? `${signal}_errors` : kids.has('errors') ? 'errors' : undefined;
  if (err !== undefined) out.errors = err;
  return out;
}
