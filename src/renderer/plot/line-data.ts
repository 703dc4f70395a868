/**
 * 1-D line plots, the pure part: which field is the y of a line and which its x (the NXdata axis,
 * as NeXpy chooses it), axis titles from long_name and units, bin edges to centres, min/max
 * decimation for long curves, and the sample nearest the pointer.
 */
import {
  attr,
  parseAxesAttr,
  resolveNxData,
  type NxDataResolution,
} from '../../nexus/nxdata/resolve-nxdata.ts';
import type { NxNode } from '../../nexus/model/types.ts';

/** What plotting a node means: a line (1-D signal and its axis), an image (frame plot), or nothing. */
export type PlotResolution =
  | { kind: 'line'; signal: string; axis: string | null }
  | { kind: 'image'; signal: string }
  | { kind: 'none'; reason: string };

/** True for numbers (integers, floats, h5py booleans), false for strings, compounds and the rest. */
export function isNumericNode(node: NxNode): boolean {
  const t = node.type;
  if (t) return t.class === 'integer' || t.class === 'float' || (t.class === 'enum' && node.dtype === 'bool');
  return /^[<>|=]?[iuf]\d+$/.test(node.dtype ?? '') || node.dtype === 'bool';
}

/**
 * How a tree node plots, from what the tree already knows (no reads): a numeric 1-D dataset is a
 * line, 2-D or 3-D an image; an NXdata group depends on its signal (`'nxdata'`, resolved by
 * {@link resolvePlot} once its members are read). Null when it cannot be plotted.
 */
export function plotKindOf(node: NxNode): 'line' | 'image' | 'nxdata' | null {
  if (node.dangling) return null;
  if (node.kind === 'group') return node.nxClass === 'NXdata' ? 'nxdata' : null;
  if (node.kind !== 'dataset' || !isNumericNode(node)) return null;
  const shape = node.shape ?? [];
  if (shape.length === 1) return shape[0]! > 0 ? 'line' : null;
  return shape.length === 2 || shape.length === 3 ? 'image' : null;
}

const rankOf = (n: NxNode | undefined): number => n?.shape?.length ?? -1;

/**
 * The x of a 1-D field `ds` in `group` (its parent, members loaded with their attributes), as
 * NeXpy picks it: the field's own @axes (e.g. data/monitor_weight @axes='frame_number'), else —
 * when the field is the group's 1-D signal, an auxiliary signal, or has the signal's shape — the
 * group's axis of dimension 0. A sibling qualifies when it is 1-D and as long as the field (points)
 * or one longer (bin edges). Null: plot against the index (also for an axis field itself).
 */
export function axisOfField(ds: NxNode, group: NxNode | null, nxdata?: NxDataResolution): string | null {
  const n = ds.shape?.[0];
  if (!group || n === undefined || rankOf(ds) !== 1) return null;
  const kids = new Map((group.children ?? []).map((c) => [c.name, c]));
  const fits = (name: string | null | undefined): string | null => {
    if (name === null || name === undefined || name === ds.name) return null;
    const c = kids.get(name);
    const len = c?.shape?.[0];
    return c && c.kind === 'dataset' && rankOf(c) === 1 && (len === n || len === n + 1) ? c.path : null;
  };
  const own = fits(parseAxesAttr(attr(ds, 'axes'))[0]);
  if (own) return own;
  const r = nxdata ?? (group.nxClass === 'NXdata' ? resolveNxData(group) : undefined);
  if (!r) return null;
  if (r.axisFields.some((a) => a.name === ds.name) || r.axes.includes(ds.name)) return null;
  const sameShape =
    r.signal === ds.name ||
    r.auxiliarySignals.includes(ds.name) ||
    r.errors === ds.name ||
    (r.signalShape?.length === 1 && r.signalShape[0] === n);
  return sameShape ? fits(r.axes[0]) : null;
}

/**
 * What plotting `node` means. `node` carries its attributes; for an NXdata group its members are
 * loaded (`children`, with attributes when the group uses old-style @signal=1 fields); for a
 * dataset `parent` is its group with members loaded (null at the root).
 */
export function resolvePlot(node: NxNode, parent: NxNode | null): PlotResolution {
  if (node.dangling) return { kind: 'none', reason: 'the link target is missing' };
  if (node.kind === 'group') {
    const r = resolveNxData(node);
    const sig = r ? node.children?.find((c) => c.name === r.signal) : undefined;
    if (!r || !sig) return { kind: 'none', reason: 'this group has no signal to plot' };
    if (sig.dangling)
      return { kind: 'none', reason: `the signal ${sig.path} is a link to something missing` };
    const rank = rankOf(sig);
    if (rank === 1) return { kind: 'line', signal: sig.path, axis: axisOfField(sig, node, r) };
    if (rank === 2 || rank === 3) return { kind: 'image', signal: sig.path };
    return { kind: 'none', reason: `the signal ${sig.path} has ${rank} dimensions (1, 2 or 3 plot)` };
  }
  if (node.kind !== 'dataset') return { kind: 'none', reason: `a ${node.kind} cannot be plotted` };
  if (!isNumericNode(node)) return { kind: 'none', reason: `${node.dtype ?? 'this type'} is not numeric` };
  const rank = rankOf(node);
  if (rank === 1 && node.shape![0]! > 0)
    return { kind: 'line', signal: node.path, axis: axisOfField(node, parent) };
  if (rank === 2 || rank === 3) return { kind: 'image', signal: node.path };
  return {
    kind: 'none',
    reason:
      rank === 0 ? 'a scalar is shown in the attributes panel' : `shape (${(node.shape ?? []).join(', ')})`,
  };
}

/** An axis title as NeXpy writes it: long_name, else the name, with the units when long_name lacks them. */
export function axisTitle(node: NxNode): string {
  const text = (v: unknown): string =>
    typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? v[0].trim() : '';
  const long = text(attr(node, 'long_name'));
  const units = text(attr(node, 'units'));
  const base = long || node.name;
  return units && !base.includes(units) ? `${base} (${units})` : base;
}

export interface LineXY {
  x: Float64Array;
  y: Float64Array;
  /** x is the element index (no axis, or one that does not fit). */
  xIsIndex: boolean;
  /** Why the axis was not used, or how it was (bin edges). */
  note?: string;
}

/**
 * The points of a line: y with its axis `x` (same length, or one longer = bin edges, plotted at the
 * bin centres as NeXpy does), or against the index when there is no axis or it does not fit.
 */
export function lineXY(y: ArrayLike<number>, x: ArrayLike<number> | null): LineXY {
  const n = y.length;
  const yy = Float64Array.from(y);
  if (x && x.length === n) return { x: Float64Array.from(x), y: yy, xIsIndex: false };
  if (x && x.length === n + 1) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = (x[i]! + x[i + 1]!) / 2;
    return { x: c, y: yy, xIsIndex: false, note: `${n + 1} bin edges: plotted at the bin centres` };
  }
  const idx = new Float64Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return {
    x: idx,
    y: yy,
    xIsIndex: true,
    ...(x ? { note: `the axis has ${x.length} values for ${n} points: plotted against the index` } : {}),
  };
}

/** True when x never decreases (or never increases): the nearest sample can then be found by bisection. */
export function monotonicDirection(x: Float64Array): 1 | -1 | 0 {
  let up = true;
  let down = true;
  for (let i = 1; i < x.length && (up || down); i++) {
    if (!(x[i]! >= x[i - 1]!)) up = false;
    if (!(x[i]! <= x[i - 1]!)) down = false;
  }
  return up ? 1 : down ? -1 : 0;
}

/** Index of the sample whose x is nearest `at` (bisection when `direction` ≠ 0, else a scan); -1 when empty. */
export function nearestIndex(x: Float64Array, at: number, direction: 1 | -1 | 0): number {
  const n = x.length;
  if (n === 0 || !Number.isFinite(at)) return -1;
  if (direction === 0) {
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(x[i]! - at);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }
  // first index whose x is at or past `at` in the direction of the data
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (direction * (x[mid]! - at) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === n) return n - 1;
  return Math.abs(x[lo]! - at) < Math.abs(x[lo - 1]! - at) ? lo : lo - 1;
}

/**
 * At most ~2·`buckets` points that draw like the whole curve: in each of `buckets` runs of samples,
 * the smallest and the largest y (in their order). Curves with at most 2·buckets points are
 * returned as they are. NaN samples are skipped.
 */
export function decimateMinMax(
  x: Float64Array,
  y: Float64Array,
  buckets: number,
): { x: Float64Array; y: Float64Array } {
  const n = y.length;
  if (n <= 2 * buckets) return { x, y };
  const ox: number[] = [];
  const oy: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const i0 = Math.floor((b * n) / buckets);
    const i1 = Math.floor(((b + 1) * n) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = i0; i < i1; i++) {
      const v = y[i]!;
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < y[lo]!) lo = i;
      if (hi < 0 || v > y[hi]!) hi = i;
    }
    if (lo < 0) continue;
    for (const i of lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]) {
      ox.push(x[i]!);
      oy.push(y[i]!);
    }
  }
  return { x: Float64Array.from(ox), y: Float64Array.from(oy) };
}
