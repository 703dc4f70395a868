/**
 * HKL slice worker: a slice's v/n (or summed v and n, divided here) kept for re-drawing →
 * max-pooled to the raster's resolution → resampled onto the Cartesian raster of the (skewed) plot
 * → 8-bit palette BMP → data URL, off the UI thread (hkl-slice-raster.ts does the work).
 */
/// <reference lib="webworker" />
import { encodePaletteBmp } from './bmp.ts';
import type { SliceRenderReply, SliceRenderRequest } from './hkl-slice-messages.ts';
import {
  normalizeSlice,
  poolSlice,
  rasterizeSlice,
  sliceColorStats,
  sliceLevelOf,
  slicePalette,
  type SliceGrid,
} from './hkl-slice-raster.ts';

declare const self: DedicatedWorkerGlobalScope;

let kept: { key: string; grid: SliceGrid; pooled: Map<string, SliceGrid> } | null = null;

self.onmessage = (e: MessageEvent<SliceRenderRequest>): void => {
  const { id, key, slice, geometry, options, window, bx, by } = e.data;
  try {
    const t0 = performance.now();
    let values: Float64Array | undefined;
    if (slice) {
      const data = normalizeSlice(slice.v, slice.n);
      kept = { key, grid: { data, x: slice.x, y: slice.y }, pooled: new Map() };
      values = data.slice();
    }
    if (!kept || kept.key !== key) throw new Error(`slice ${key} is not here (send it again)`);
    const t1 = performance.now();
    const stats = sliceColorStats(kept.grid.data, options);
    const poolKey = `${bx}×${by}`;
    let grid = kept.pooled.get(poolKey);
    if (!grid) {
      grid = poolSlice(kept.grid, bx, by);
      kept.pooled.clear(); // one pooled copy at a time
      kept.pooled.set(poolKey, grid);
    }
    const indices = rasterizeSlice(grid, geometry, window, sliceLevelOf(options.scale, stats.lo, stats.hi));
    const t2 = performance.now();
    const bmp = encodePaletteBmp(indices, window.width, window.height, slicePalette(options.colormap));
    const url = new FileReaderSync().readAsDataURL(new Blob([bmp as BlobPart], { type: 'image/bmp' }));
    const t3 = performance.now();
    const reply: SliceRenderReply = {
      id,
      ok: true,
      url,
      window,
      stats,
      timings: { normalizeMs: t1 - t0, rasterMs: t2 - t1, encodeMs: t3 - t2 },
      ...(values ? { values } : {}),
    };
    self.postMessage(reply, values ? [values.buffer as ArrayBuffer] : []);
  } catch (err) {
    const reply: SliceRenderReply = {
      id,
      ok: false,
      message: err instanceof Error ? err.message : String(err),
    };
    self.postMessage(reply);
  }
};
