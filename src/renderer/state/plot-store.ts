/**
 * The plot pane's state: which stack is plotted, the frame shown, the colour settings, the part of
 * the frame in view, and the overlays read from the same entry (pixel_mask, geometry for the
 * polar angle, fN/peaks).
 *
 * Work goes through one latest-wins queue: while a frame is read and coloured, further requests
 * only replace the one waiting (dragging the slider never queues a backlog). A new frame is read
 * from the engine; zooming or a colour change only re-colours the frame already here. The image
 * covers the part of the frame in view (plus a margin), binned to the screen's resolution.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

import { isHklNxData } from '../../nexus/nxdata/hkl-slice.ts';
import { resolveNxData } from '../../nexus/nxdata/resolve-nxdata.ts';
import type { NxNode } from '../../nexus/model/types.ts';
import { NxrError, toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import type { EntryGeometry, FrameArray, NxrBridge } from '../../shared/ipc.ts';
import { readGeometry, readValues } from '../bridge/read-data.ts';
import { colorizeInWorker, workerHasFrame } from '../plot/colormap-client.ts';
import type { ColormapName, ColorScale, FrameColorStats, FrameWindow } from '../plot/colormap.ts';

export interface PlotTarget {
  fileId: string;
  /** The dataset plotted (3-D stack, or a 2-D image). */
  path: string;
  /** The tree node the user plotted (an NXdata group or the dataset itself). */
  node: string;
  /** Detector entry (fN) the dataset belongs to, when it has one. */
  entry?: string;
  rank: 2 | 3;
  /** 'hkl': a 3-D NXdata shown as slices by HklSlicePlot (the frame queue stays idle). */
  view?: 'hkl';
}

export interface FrameImage {
  frame: number;
  /** Image size in pixels, and the part of the frame it shows (binned by window.bin). */
  width: number;
  height: number;
  window: FrameWindow;
  /** BMP data URL for plotly's image trace. */
  url: string;
  stats: FrameColorStats;
  /** performance.now() when this image was asked for (the display time is measured from here). */
  requestedAt: number;
  /** Time to read the frame (0 when only re-coloured), colour it, and encode the image, ms. */
  readMs: number;
  colorMs: number;
  encodeMs: number;
  /** The worker's round trip (colour + encode + messages), ms. */
  workerMs: number;
}

/** The axis ranges in view (frame pixels); null = the whole frame. */
export interface PlotView {
  x: [number, number];
  y: [number, number];
}

export interface PeakOverlay {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  path: string;
}

export interface PlotState {
  target: PlotTarget | null;
  frame: number;
  frameCount: number;
  shape: [number, number] | null;
  dtype: string;
  colormap: ColormapName;
  scale: ColorScale;
  /** Colour limits; null = automatic. */
  min: number | null;
  max: number | null;
  showMask: boolean;
  showPeaks: boolean;
  image: FrameImage | null;
  /** Values of the frame shown (for the read-out). */
  values: FrameArray | null;
  loading: boolean;
  error: NxrErrorInfo | null;
  mask: Uint8Array | null;
  geometry: EntryGeometry | null;
  peaks: PeakOverlay | null;
  /** The part of the frame in view, and the size of the plot area in device pixels. */
  view: PlotView | null;
  viewport: [number, number] | null;
  /** Last measured display time (request → plot drawn), ms, and plotly's part of it; set by the plot component. */
  displayMs: number | null;
  plotMs: number | null;

  /** Plots a tree node: a 3-D (or 2-D) dataset, or an NXdata group's signal (from `frame`, default 0). */
  plot(fileId: string, nodePath: string, frame?: number, view?: 'frames' | 'hkl'): Promise<void>;
  setFrame(frame: number): void;
  step(delta: number): void;
  setScale(scale: ColorScale): void;
  setColormap(colormap: ColormapName): void;
  setLimits(min: number | null, max: number | null): void;
  setShowMask(on: boolean): void;
  setShowPeaks(on: boolean): void;
  /** Re-reads the frame and the overlays (after a job rewrote the file). */
  refresh(): Promise<void>;
  close(): void;
  reportDisplay(ms: number, plotMs: number): void;
  /** The plot component reports zoom/pan (null: reset) and the plot area's size in device pixels. */
  setView(view: PlotView | null, viewport: [number, number] | null): void;
}

export type PlotStore = StoreApi<PlotState>;

const attr = (node: NxNode, name: string): unknown => node.attributes.find((a) => a.name === name)?.value;

/** The detector entry of a path such as /f1/data/data ('f1'), if it names one. */
export function entryOfPath(path: string): string | undefined {
  const first = path.split('/').filter(Boolean)[0];
  return first !== undefined && /^[A-Za-z][A-Za-z0-9_]*$/.test(first) ? first : undefined;
}

/** Image pixels beyond the view kept on each side (a fraction of the view), so small pans stay drawn. */
const VIEW_MARGIN = 0.25;

/**
 * The window of the frame to draw for a view: the view plus a margin, clamped to the frame, binned
 * so that an image pixel is no smaller than a device pixel.
 */
export function windowForView(
  shape: [number, number],
  view: PlotView | null,
  viewport: [number, number] | null,
): FrameWindow {
  const [ny, nx] = shape;
  const x = view ? [Math.min(...view.x), Math.max(...view.x)] : [0, nx];
  const y = view ? [Math.min(...view.y), Math.max(...view.y)] : [0, ny];
  const vw = Math.max(1, x[1]! - x[0]!);
  const vh = Math.max(1, y[1]! - y[0]!);
  // aspect ratio locked: the tighter axis sets the scale
  const bin = viewport ? Math.max(1, Math.floor(Math.max(vw / viewport[0], vh / viewport[1]))) : 1;
  const mx = view ? vw * VIEW_MARGIN : 0;
  const my = view ? vh * VIEW_MARGIN : 0;
  const x0 = Math.max(0, Math.floor(x[0]! - mx));
  const y0 = Math.max(0, Math.floor(y[0]! - my));
  // whole bins from the window's origin
  const x1 = Math.min(nx, Math.ceil(x[1]! + mx));
  const y1 = Math.min(ny, Math.ceil(y[1]! + my));
  return { x0, y0, x1: Math.max(x0 + 1, x1), y1: Math.max(y0 + 1, y1), bin };
}

export function createPlotStore(bridge: NxrBridge): PlotStore {
  return createStore<PlotState>()((set, get) => {
    /** What the queue should draw next: a frame (re-read when `read`), asked for at `at`. */
    interface Want {
      frame: number;
      read: boolean;
      at: number;
    }
    let busy = false;
    let wanted: Want | null = null;
    let generation = 0;
    /** The frame whose values are here, and the key the worker knows them by. */
    let here: { frame: number; key: string } | null = null;
    let reads = 0;
    /** Bumped whenever a new pixel mask is read (the worker keeps the mask by this key). */
    let maskVersion = 0;
    /** The overlays being read; a frame is read meanwhile, and coloured once the mask is here. */
    let overlaysReady: Promise<void> = Promise.resolve();

    const fail = (e: unknown): void => set({ loading: false, error: toErrorInfo(e) });

    /** Finds the dataset to plot for a tree node. */
    const resolveTarget = async (
      fileId: string,
      nodePath: string,
      view?: 'frames' | 'hkl',
    ): Promise<PlotTarget> => {
      const entity = await bridge.getEntity(fileId, nodePath);
      const fromDataset = (path: string, shape: number[] | null | undefined): PlotTarget => {
        const rank = shape?.length ?? 0;
        if (rank !== 2 && rank !== 3) {
          throw new NxrError({
            code: 'WRONG_SHAPE',
            message: `cannot plot as an image: ${rank === 0 ? 'a scalar' : `shape [${(shape ?? []).join(', ')}]`} (2-D or 3-D data needed)`,
            path,
          });
        }
        const entry = entryOfPath(path);
        return { fileId, path, node: nodePath, rank: rank as 2 | 3, ...(entry ? { entry } : {}) };
      };
      if (entity.kind === 'dataset') return fromDataset(nodePath, entity.shape);
      if (entity.kind !== 'group') {
        throw new NxrError({ code: 'WRONG_SHAPE', message: `cannot plot a ${entity.kind}`, path: nodePath });
      }
      const children = await bridge.listChildren(fileId, nodePath);
      let group: NxNode = { ...entity, children };
      // An NXentry (or the root) plots its default / 'data' NXdata.
      if (entity.nxClass !== 'NXdata') {
        const def = attr(entity, 'default');
        const next =
          children.find((c) => c.name === def && c.kind === 'group') ??
          children.find((c) => c.nxClass === 'NXdata' && c.name === 'data') ??
          children.find((c) => c.nxClass === 'NXdata');
        if (!next) {
          throw new NxrError({
            code: 'MISSING_PATH',
            message: 'no NXdata group to plot here',
            path: nodePath,
          });
        }
        const e = await bridge.getEntity(fileId, next.path);
        group = { ...e, children: await bridge.listChildren(fileId, next.path) };
      }
      const resolved = resolveNxData(group);
      const signal =
        (resolved ? group.children?.find((c) => c.path === resolved.signalPath) : undefined) ??
        group.children?.find((c) => c.name === 'data' && c.kind === 'dataset') ??
        group.children?.find((c) => c.kind === 'dataset' && (c.shape?.length ?? 0) >= 2);
      if (!signal) {
        throw new NxrError({
          code: 'MISSING_PATH',
          message: 'this NXdata group has no signal to plot',
          path: group.path,
        });
      }
      if (signal.dangling) {
        const l = signal.link;
        throw new NxrError({
          code: 'DANGLING_LINK',
          message: `the signal links to ${l?.type === 'external' ? `${l.file}:${l.target}` : (l?.target ?? '?')}, which is missing`,
          path: signal.path,
        });
      }
      const t = fromDataset(signal.path, signal.shape);
      // transforms (HKL axes or @angles) as slices unless frames are asked for; any 3-D NXdata on request
      const slices = view === 'hkl' ? t.rank === 3 : view !== 'frames' && isHklNxData(group, resolved);
      return { ...t, node: nodePath, ...(slices ? { view: 'hkl' as const } : {}) };
    };

    /** Reads (when needed) and colours one frame; applies it unless the target changed meanwhile. */
    const draw = async (w: Want): Promise<void> => {
      const target = get().target;
      if (!target) return;
      const gen = generation;
      set({ loading: true });
      let readMs = 0;
      /** Values read now: they go to the worker and come back with the image. */
      let fresh: FrameArray | null = null;
      if (w.read || !here || here.frame !== w.frame || !get().values) {
        const t0 = performance.now();
        let shape: [number, number];
        let frameCount = 1;
        let dtype: string;
        if (target.rank === 3) {
          const fr = await bridge.readFrame(target.fileId, target.path, w.frame);
          fresh = fr.data;
          shape = fr.shape;
          frameCount = fr.frameCount;
          dtype = fr.dtype;
        } else {
          const v = await readValues(bridge, target.fileId, target.path);
          if (!ArrayBuffer.isView(v.data)) {
            throw new NxrError({ code: 'WRONG_DTYPE', message: 'not numeric data', path: target.path });
          }
          fresh = v.data as FrameArray;
          shape = [v.shape[0]!, v.shape[1]!];
          dtype = v.dtype;
        }
        readMs = performance.now() - t0;
        if (gen !== generation) return;
        here = { frame: w.frame, key: `${target.fileId}:${target.path}:${w.frame}:${++reads}` };
        set({ shape, frameCount, dtype });
      }
      await overlaysReady;
      if (gen !== generation) return;
      const cur = get();
      const shape = cur.shape!;
      const n = shape[0] * shape[1];
      const mask = cur.showMask && cur.mask && cur.mask.length === n ? cur.mask : null;
      if (!fresh && !workerHasFrame(here!.key)) {
        // the worker lost the frame (it failed): send it a copy of ours
        fresh = cur.values!.slice();
      }
      const t1 = performance.now();
      let r: Awaited<ReturnType<typeof colorizeInWorker>>;
      try {
        r = await colorizeInWorker(
          here!.key,
          fresh ? { data: fresh, width: shape[1], height: shape[0] } : null,
          { key: `${maskVersion}:${mask ? 'on' : 'off'}`, mask },
          { colormap: cur.colormap, scale: cur.scale, min: cur.min, max: cur.max },
          windowForView(shape, cur.view, cur.viewport),
        );
      } catch (e) {
        here = null; // the values sent are gone: read the frame again next time
        throw e;
      }
      if (gen !== generation) return;
      set({
        loading: false,
        error: null,
        ...(r.data ? { values: r.data } : {}),
        image: {
          frame: w.frame,
          width: r.width,
          height: r.height,
          window: r.window,
          url: r.url,
          stats: r.stats,
          requestedAt: w.at,
          readMs,
          colorMs: r.timings.colorMs,
          encodeMs: r.timings.encodeMs,
          workerMs: performance.now() - t1,
        },
      });
    };

    /** Draws what is wanted, one at a time, newest request first. */
    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        while (wanted) {
          const w = wanted;
          wanted = null;
          try {
            await draw(w);
          } catch (e) {
            fail(e);
          }
        }
      } finally {
        busy = false;
      }
    };

    const request = (frame: number, read = false): void => {
      const at = performance.now();
      // a re-read asked for earlier stays asked for
      wanted = { frame, read: read || (wanted?.read === true && wanted.frame === frame), at };
      void pump();
    };

    /** pixel_mask, geometry and peaks of the target's entry (each optional). */
    const loadOverlays = async (target: PlotTarget): Promise<void> => {
      const gen = generation;
      const entry = target.entry;
      if (!entry) {
        set({ mask: null, geometry: null, peaks: null });
        return;
      }
      const optional = async <T>(fn: () => Promise<T>): Promise<T | null> => {
        try {
          return await fn();
        } catch {
          return null;
        }
      };
      const [maskValues, geometry, px, py, pz] = await Promise.all([
        optional(() => readValues(bridge, target.fileId, `/${entry}/instrument/detector/pixel_mask`)),
        optional(() => readGeometry(bridge, target.fileId, entry)),
        optional(() => readValues(bridge, target.fileId, `/${entry}/peaks/x`)),
        optional(() => readValues(bridge, target.fileId, `/${entry}/peaks/y`)),
        optional(() => readValues(bridge, target.fileId, `/${entry}/peaks/z`)),
      ]);
      if (gen !== generation) return;
      let mask: Uint8Array | null = null;
      if (maskValues && ArrayBuffer.isView(maskValues.data)) {
        const m = maskValues.data as FrameArray;
        mask = new Uint8Array(m.length);
        for (let i = 0; i < m.length; i++) mask[i] = m[i] !== 0 ? 1 : 0;
      }
      const num = (v: typeof px): Float64Array | null =>
        v && ArrayBuffer.isView(v.data) ? Float64Array.from(v.data as FrameArray) : null;
      const x = num(px);
      const y = num(py);
      const z = num(pz);
      const peaks =
        x && y && z && x.length === y.length && y.length === z.length
          ? { x, y, z, path: `/${entry}/peaks` }
          : null;
      maskVersion++;
      set({ mask, geometry, peaks });
    };

    return {
      target: null,
      frame: 0,
      frameCount: 0,
      shape: null,
      dtype: '',
      colormap: 'viridis',
      scale: 'log',
      min: null,
      max: null,
      showMask: true,
      showPeaks: true,
      image: null,
      values: null,
      loading: false,
      error: null,
      mask: null,
      geometry: null,
      peaks: null,
      displayMs: null,
      plotMs: null,
      view: null,
      viewport: null,

      async plot(fileId, nodePath, frame = 0, view) {
        const at = performance.now();
        generation++;
        wanted = null;
        here = null;
        set({ loading: true, error: null });
        try {
          const target = await resolveTarget(fileId, nodePath, view);
          if (target.view === 'hkl') {
            // HklSlicePlot reads the slices itself
            set({ target, loading: false, image: null, values: null, view: null });
            return;
          }
          const same =
            get().target?.path === target.path &&
            get().target?.fileId === fileId &&
            get().target?.view !== 'hkl';
          set({
            target,
            values: null,
            frame,
            ...(same ? {} : { image: null, view: null, mask: null, geometry: null, peaks: null }),
          });
          // The overlays are read while the first frame is (the mask is needed to colour it).
          overlaysReady = loadOverlays(target).catch(() => undefined);
          wanted = { frame: target.rank === 3 ? Math.max(0, Math.round(frame)) : 0, read: true, at };
          await pump();
        } catch (e) {
          fail(e);
        }
      },

      setFrame(frame) {
        const s = get();
        if (!s.target || s.target.rank !== 3) return;
        const f = Math.max(0, Math.min(s.frameCount - 1, Math.round(frame)));
        set({ frame: f });
        request(f);
      },

      step(delta) {
        get().setFrame(get().frame + delta);
      },

      setScale(scale) {
        set({ scale, min: null, max: null });
        request(get().frame);
      },

      setView(view, viewport) {
        set({ view, viewport });
        const { target, shape, image, values } = get();
        if (!target || !shape || !values) return;
        // only when the image would differ (our own redraws report unchanged views too)
        const w = windowForView(shape, view, viewport);
        const cur = image?.window;
        if (
          cur &&
          cur.x0 === w.x0 &&
          cur.y0 === w.y0 &&
          cur.x1 === w.x1 &&
          cur.y1 === w.y1 &&
          cur.bin === w.bin
        )
          return;
        request(get().frame);
      },

      setColormap(colormap) {
        set({ colormap });
        request(get().frame);
      },

      setLimits(min, max) {
        set({ min, max });
        request(get().frame);
      },

      setShowMask(on) {
        set({ showMask: on });
        request(get().frame);
      },

      setShowPeaks(on) {
        set({ showPeaks: on });
      },

      async refresh() {
        const t = get().target;
        if (!t) return;
        if (t.view === 'hkl') {
          set({ target: { ...t } }); // a new target object: HklSlicePlot reads it again
          return;
        }
        overlaysReady = loadOverlays(t).catch(() => undefined);
        request(get().frame, true);
        await overlaysReady;
      },

      close() {
        generation++;
        wanted = null;
        here = null;
        set({
          target: null,
          image: null,
          values: null,
          mask: null,
          geometry: null,
          peaks: null,
          error: null,
        });
      },

      reportDisplay(ms, plotMs) {
        set({ displayMs: ms, plotMs });
      },
    };
  });
}
