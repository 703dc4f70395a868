/**
 * The line plot's state: a 1-D field (or an NXdata group's 1-D signal) against its NXdata axis,
 * read whole through data:read, with its axis titles and the log-y setting. One store per bridge,
 * made on first use (`lineStoreFor`), so the frame plot's store and the app's wiring stay as they
 * are; the plot pane shows whichever plot was asked for last.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';

import type { NxNode } from '../../nexus/model/types.ts';
import { NxrError, toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import type { DatasetValues, NxrBridge } from '../../shared/ipc.ts';
import { readValues } from '../bridge/read-data.ts';
import {
  axisTitle,
  lineXY,
  monotonicDirection,
  resolvePlot,
  type LineXY,
  type PlotResolution,
} from '../plot/line-data.ts';
import { useBridge, usePlotStore, useTree } from './store-context.tsx';

export interface LineTarget {
  fileId: string;
  /** The tree node the user plotted (the field, or its NXdata group). */
  node: string;
  /** The 1-D field drawn as y. */
  signal: string;
  /** Its axis field (x), or null: plotted against the index. */
  axis: string | null;
}

export interface LinePlotData extends LineXY {
  xTitle: string;
  yTitle: string;
  /** Element type of the signal as stored, e.g. '<f8'. */
  dtype: string;
  /** Whether x only grows (1), only shrinks (-1), or neither (0): how the read-out finds the nearest point. */
  direction: 1 | -1 | 0;
}

export interface LinePlotState {
  target: LineTarget | null;
  data: LinePlotData | null;
  loading: boolean;
  error: NxrErrorInfo | null;
  logY: boolean;
  /** Plots `signal` against `axis` (from {@link resolveNodePlot}); `node` is what the user chose. */
  plot(target: LineTarget): Promise<void>;
  /** Reads the same fields again (the file changed). */
  refresh(): Promise<void>;
  setLogY(on: boolean): void;
  close(): void;
}

export type LinePlotStore = StoreApi<LinePlotState>;

/** Numbers of a data:read answer as a Float64Array (booleans and number lists too). */
function numbersOf(v: DatasetValues): Float64Array {
  if (ArrayBuffer.isView(v.data)) return Float64Array.from(v.data as ArrayLike<number>);
  const flat = Array.isArray(v.data) ? v.data.flat(8) : [v.data];
  if (flat.every((e) => typeof e === 'number' || typeof e === 'boolean'))
    return Float64Array.from(flat.map(Number));
  throw new NxrError({ code: 'WRONG_DTYPE', message: `not numeric (${v.dtype})`, path: v.path });
}

export function createLinePlotStore(bridge: NxrBridge): LinePlotStore {
  return createStore<LinePlotState>()((set, get) => {
    let generation = 0;

    const load = async (target: LineTarget): Promise<void> => {
      const gen = ++generation;
      set({ loading: true });
      try {
        const { fileId, signal, axis } = target;
        const [yNode, yValues, xNode, xValues] = await Promise.all([
          bridge.getEntity(fileId, signal),
          readValues(bridge, fileId, signal),
          axis !== null ? bridge.getEntity(fileId, axis) : Promise.resolve(null),
          axis !== null ? readValues(bridge, fileId, axis) : Promise.resolve(null),
        ]);
        if (yValues.shape.length !== 1) {
          throw new NxrError({
            code: 'WRONG_SHAPE',
            message: `a line needs a 1-D field, this one is (${yValues.shape.join(', ')})`,
            path: signal,
          });
        }
        const xy = lineXY(numbersOf(yValues), xValues ? numbersOf(xValues) : null);
        if (gen !== generation) return;
        set({
          loading: false,
          error: null,
          data: {
            ...xy,
            xTitle: xNode && !xy.xIsIndex ? axisTitle(xNode) : 'index',
            yTitle: axisTitle(yNode),
            dtype: yValues.dtype,
            direction: monotonicDirection(xy.x),
          },
        });
      } catch (e) {
        if (gen === generation) set({ loading: false, error: toErrorInfo(e) });
      }
    };

    return {
      target: null,
      data: null,
      loading: false,
      error: null,
      logY: false,

      async plot(target) {
        set({ target, data: null, error: null });
        await load(target);
      },

      async refresh() {
        const t = get().target;
        if (t) await load(t);
      },

      setLogY(on) {
        set({ logY: on });
      },

      close() {
        generation++;
        set({ target: null, data: null, error: null, loading: false });
      },
    };
  });
}

const stores = new WeakMap<NxrBridge, LinePlotStore>();

/** The line plot store of a bridge (made on first use). */
export function lineStoreFor(bridge: NxrBridge): LinePlotStore {
  let s = stores.get(bridge);
  if (!s) stores.set(bridge, (s = createLinePlotStore(bridge)));
  return s;
}

export function useLinePlotStore(): LinePlotStore {
  return lineStoreFor(useBridge());
}

export function useLinePlot<T>(selector: (s: LinePlotState) => T): T {
  return useStore(useLinePlotStore(), selector);
}

/**
 * Whether the plot pane shows the line plot. The pane shows the plot asked for last: a frame or
 * slice plot started anywhere closes the line plot, and so does closing or changing the file.
 */
export function useLinePlotPane(): boolean {
  const line = useLinePlotStore();
  const frame = usePlotStore();
  const fileId = useTree((s) => s.file?.info.fileId);
  useEffect(
    () =>
      frame.subscribe((s, prev) => {
        if (s.target && s.target !== prev.target && line.getState().target) line.getState().close();
      }),
    [frame, line],
  );
  useEffect(() => {
    const t = line.getState().target;
    if (t && t.fileId !== fileId) line.getState().close();
  }, [fileId, line]);
  return useStore(line, (s) => s.target !== null);
}

/** NXdata groups up to this many datasets get their members' attributes read (old-style @signal=1). */
const OLD_STYLE_MEMBERS = 64;

/** A group with its members, and their attributes when it names its signal the old way. */
async function groupWithMembers(bridge: NxrBridge, fileId: string, path: string): Promise<NxNode> {
  const [group, children] = await Promise.all([
    bridge.getEntity(fileId, path),
    bridge.listChildren(fileId, path),
  ]);
  const datasets = children.filter((c) => c.kind === 'dataset');
  const newStyle = group.attributes.some((a) => a.name === 'signal');
  if (group.nxClass === 'NXdata' && !newStyle && datasets.length <= OLD_STYLE_MEMBERS) {
    const full = await Promise.all(datasets.map((c) => bridge.getEntity(fileId, c.path)));
    const byPath = new Map(full.map((c) => [c.path, c]));
    return { ...group, children: children.map((c) => byPath.get(c.path) ?? c) };
  }
  return { ...group, children };
}

/** The group a path is in ('/f1/data/x' → '/f1/data'; the root's members → '/'). */
export function parentPath(path: string): string | null {
  if (path === '/' || path === '') return null;
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** What plotting a tree node means, read through the bridge: a line (with its axis), an image, or why not. */
export async function resolveNodePlot(
  bridge: NxrBridge,
  fileId: string,
  path: string,
): Promise<PlotResolution> {
  const node = await bridge.getEntity(fileId, path);
  if (node.kind === 'group') return resolvePlot(await groupWithMembers(bridge, fileId, path), null);
  const parent = parentPath(path);
  if (node.kind === 'dataset' && node.shape?.length === 1 && parent !== null) {
    return resolvePlot(node, await groupWithMembers(bridge, fileId, parent));
  }
  return resolvePlot(node, null);
}
