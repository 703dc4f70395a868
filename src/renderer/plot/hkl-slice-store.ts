/**
 * State of the HKL slice view: which NXdata (SliceSource), the slice (constant dimension, centre
 * plane, thickness in planes), true shape on/off, colours, the part in view, and the image shown.
 *
 * Work goes through one latest-wins queue, as the frame plot's: dragging the plane slider only
 * replaces the request waiting. A new slice (direction, plane or thickness) is read from the engine
 * (data:read slab: Σv/Σn over the planes); zooming or a colour change only re-draws the
 * slice the worker keeps.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

import {
  axisExtent,
  nearestSample,
  plotBounds,
  skewAngleOf,
  slabPlanes,
  sliceAxes,
  sliceGeometry,
  ORTHOGONAL_SLICE,
  type SliceDim,
  type SliceGeometry,
} from '../../nexus/nxdata/hkl-slice.ts';
import { toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import type { NxrBridge } from '../../shared/ipc.ts';
import type { ColormapName, ColorScale, FrameColorStats } from './colormap.ts';
import { renderSliceInWorker, workerHasSlice } from './hkl-slice-client.ts';
import { planRaster, type RasterWindow, type SliceGrid } from './hkl-slice-raster.ts';
import { loadSliceSource, readSliceSlab, type SliceSource } from './hkl-slice-source.ts';

/** The planes of a slice: the dimension held constant and planes start…start+count−1 along it. */
export interface SlabChoice {
  constant: SliceDim;
  start: number;
  count: number;
}

export interface SliceImage extends SlabChoice {
  url: string;
  window: RasterWindow;
  stats: FrameColorStats;
  /** The geometry it was drawn with. */
  geometry: SliceGeometry;
  requestedAt: number;
  /** Engine read (0 when only re-drawn) and worker round trip, ms. */
  readMs: number;
  workerMs: number;
  rasterMs: number;
  encodeMs: number;
}

export interface PlotRanges {
  u: [number, number];
  v: [number, number];
}

export interface HklSliceState {
  source: SliceSource | null;
  constant: SliceDim;
  /** Centre plane (index along the constant dimension). */
  plane: number;
  /** Planes summed (1 = one plane). */
  thickness: number;
  /** Skewed axes and scaling factors (true shape) or plain axes in their own units. */
  trueShape: boolean;
  showGrid: boolean;
  colormap: ColormapName;
  scale: ColorScale;
  min: number | null;
  max: number | null;
  /** Plot ranges in view (null: the whole slice) and the plot area in device pixels. */
  view: PlotRanges | null;
  viewport: [number, number] | null;
  image: SliceImage | null;
  /** v/n of the slice shown (for the read-out), with its slab. */
  values: (SliceGrid & SlabChoice) | null;
  loading: boolean;
  error: NxrErrorInfo | null;
  /** Request → plot drawn, and plotly's part of it, ms (set by the component). */
  displayMs: number | null;
  plotMs: number | null;

  open(fileId: string, signalPath: string): Promise<void>;
  setConstant(d: SliceDim): void;
  setPlane(index: number): void;
  setThickness(planes: number): void;
  setTrueShape(on: boolean): void;
  setShowGrid(on: boolean): void;
  setScale(scale: ColorScale): void;
  setColormap(c: ColormapName): void;
  setLimits(min: number | null, max: number | null): void;
  setView(view: PlotRanges | null, viewport: [number, number] | null): void;
  reportDisplay(ms: number, plotMs: number): void;
}

export type HklSliceStore = StoreApi<HklSliceState>;

/** The geometry a slice is drawn with: @angles and scaling factors (true shape), or plain axes. */
export function geometryOf(source: SliceSource, constant: SliceDim, trueShape: boolean): SliceGeometry {
  if (!trueShape) return ORTHOGONAL_SLICE;
  const { x, y } = sliceAxes(constant);
  return sliceGeometry(
    skewAngleOf(source.angles, constant),
    source.dims[x].scalingFactor,
    source.dims[y].scalingFactor,
  );
}

/** The slice's whole area in plot coordinates. */
export function boundsOf(source: SliceSource, constant: SliceDim, g: SliceGeometry): PlotRanges {
  const { x, y } = sliceAxes(constant);
  return plotBounds(g, axisExtent(source.dims[x].sampling), axisExtent(source.dims[y].sampling));
}

/** Voxel width along an axis (1 for a single sample). */
export function stepOf(s: SliceSource['dims'][number]['sampling']): number {
  return s.count > 1 ? Math.abs(s.centres[1]! - s.centres[0]!) : Math.abs(s.uniform?.step ?? 1);
}

/** The first plane shown: the one at 0 (L = 0) when the axis covers it, else the middle one. */
export function defaultPlane(source: SliceSource, constant: SliceDim): number {
  const a = source.dims[constant].sampling;
  const [lo, hi] = axisExtent(a);
  return lo <= 0 && 0 <= hi ? nearestSample(a, 0) : Math.floor(a.count / 2);
}

export function createHklSliceStore(bridge: NxrBridge): HklSliceStore {
  return createStore<HklSliceState>()((set, get) => {
    interface Want {
      read: boolean;
      at: number;
    }
    let busy = false;
    let wanted: Want | null = null;
    let generation = 0;
    let reads = 0;
    /** The slab the worker holds, and its key. */
    let here: (SlabChoice & { key: string }) | null = null;

    const slabOf = (s: HklSliceState): SlabChoice => {
      const planes = s.source!.shape[s.constant];
      const [start, count] = slabPlanes(s.plane, s.thickness, planes);
      return { constant: s.constant, start, count };
    };

    const planOf = (s: HklSliceState, g: SliceGeometry) => {
      const source = s.source!;
      const { x, y } = sliceAxes(s.constant);
      return planRaster(
        boundsOf(source, s.constant, g),
        s.view,
        s.viewport ?? [800, 600],
        stepOf(source.dims[x].sampling),
        stepOf(source.dims[y].sampling),
        g,
      );
    };

    const draw = async (w: Want): Promise<void> => {
      const s0 = get();
      const source = s0.source;
      if (!source) return;
      const gen = generation;
      set({ loading: true });
      const slab = slabOf(s0);
      const { x, y } = sliceAxes(slab.constant);
      const same =
        here !== null &&
        here.constant === slab.constant &&
        here.start === slab.start &&
        here.count === slab.count &&
        workerHasSlice(here.key);
      const xs = source.dims[x].sampling;
      const ys = source.dims[y].sampling;
      let readMs = 0;
      let fresh: { v: Float64Array; n: Float64Array | null; x: typeof xs; y: typeof ys } | null = null;
      if (w.read || !same) {
        const t0 = performance.now();
        const r = await readSliceSlab(bridge, source, slab.constant, slab.start, slab.count);
        readMs = performance.now() - t0;
        if (gen !== generation) return;
        fresh = { v: r.data, n: null, x: xs, y: ys }; // already v/n
        here = {
          ...slab,
          key: `${source.fileId}:${source.signalPath}:${slab.constant}:${slab.start}:${slab.count}:${++reads}`,
        };
      }
      const s = get();
      const g = geometryOf(source, slab.constant, s.trueShape);
      const plan = planOf(s, g);
      const t1 = performance.now();
      let r: Awaited<ReturnType<typeof renderSliceInWorker>>;
      try {
        r = await renderSliceInWorker(
          here!.key,
          fresh,
          g,
          { colormap: s.colormap, scale: s.scale, min: s.min, max: s.max },
          plan,
        );
      } catch (e) {
        here = null; // read the slab again next time
        throw e;
      }
      if (gen !== generation) return;
      set({
        loading: false,
        error: null,
        ...(r.values ? { values: { data: r.values, x: xs, y: ys, ...slab } } : {}),
        image: {
          ...slab,
          url: r.url,
          window: r.window,
          stats: r.stats,
          geometry: g,
          requestedAt: w.at,
          readMs,
          workerMs: performance.now() - t1,
          rasterMs: r.timings.rasterMs,
          encodeMs: r.timings.encodeMs,
        },
      });
    };

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
            set({ loading: false, error: toErrorInfo(e) });
          }
        }
      } finally {
        busy = false;
      }
    };

    const request = (read = false): void => {
      wanted = { read: read || wanted?.read === true, at: performance.now() };
      void pump();
    };

    return {
      source: null,
      constant: 0,
      plane: 0,
      thickness: 1,
      trueShape: true,
      showGrid: true,
      colormap: 'viridis',
      scale: 'log',
      min: null,
      max: null,
      view: null,
      viewport: null,
      image: null,
      values: null,
      loading: false,
      error: null,
      displayMs: null,
      plotMs: null,

      async open(fileId, signalPath) {
        const at = performance.now();
        generation++;
        wanted = null;
        here = null;
        const prev = get().source;
        const same = prev?.fileId === fileId && prev.signalPath === signalPath;
        set({ loading: true, error: null, ...(same ? {} : { image: null, values: null, view: null }) });
        try {
          const source = await loadSliceSource(bridge, fileId, signalPath);
          const constant = same ? get().constant : 0;
          const planes = source.shape[constant];
          const plane = same ? Math.min(get().plane, planes - 1) : defaultPlane(source, constant);
          set({ source, constant, plane, ...(same ? {} : { thickness: 1 }) });
          wanted = { read: true, at };
          await pump();
        } catch (e) {
          set({ loading: false, error: toErrorInfo(e) });
        }
      },

      setConstant(d) {
        const s = get();
        if (!s.source || d === s.constant) return;
        set({ constant: d, plane: defaultPlane(s.source, d), thickness: 1, view: null, image: null });
        request();
      },

      setPlane(index) {
        const s = get();
        if (!s.source) return;
        const planes = s.source.shape[s.constant];
        const p = Math.max(0, Math.min(planes - 1, Math.round(index)));
        if (p === s.plane) return;
        set({ plane: p });
        request();
      },

      setThickness(planes) {
        const s = get();
        if (!s.source) return;
        const t = Math.max(1, Math.min(s.source.shape[s.constant], Math.round(planes)));
        if (t === s.thickness) return;
        set({ thickness: t });
        request();
      },

      setTrueShape(on) {
        if (on === get().trueShape) return;
        set({ trueShape: on, view: null });
        request();
      },

      setShowGrid(on) {
        set({ showGrid: on });
      },

      setScale(scale) {
        set({ scale, min: null, max: null });
        request();
      },

      setColormap(colormap) {
        set({ colormap });
        request();
      },

      setLimits(min, max) {
        set({ min, max });
        request();
      },

      setView(view, viewport) {
        set({ view, viewport });
        const s = get();
        if (!s.source || !s.image) return;
        const plan = planOf(s, geometryOf(s.source, s.constant, s.trueShape));
        const cur = s.image.window;
        const w = plan.window;
        const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
        // the same part of the slice at about the same resolution (not more than 15 % finer): keep it
        // (the plot area known after the first figure differs a little from the estimate before it)
        if (
          near(cur.u0, w.u0) &&
          near(cur.u1, w.u1) &&
          near(cur.v0, w.v0) &&
          near(cur.v1, w.v1) &&
          w.width <= cur.width * 1.15 &&
          w.height <= cur.height * 1.15
        )
          return;
        request();
      },

      reportDisplay(ms, plotMs) {
        set({ displayMs: ms, plotMs });
      },
    };
  });
}
