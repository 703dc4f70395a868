/** Messages between the page and the HKL slice worker (hkl-slice.worker.ts). */
import type { AxisSampling, SliceGeometry } from '../../nexus/nxdata/hkl-slice.ts';
import type { ColorOptions, FrameColorStats } from './colormap.ts';
import type { RasterWindow } from './hkl-slice-raster.ts';

export interface SliceRenderRequest {
  id: number;
  /** Names the slice; the worker keeps the last slice it was sent under this key. */
  key: string;
  /**
   * The slice: summed signal and weights, or their ratio with n null (transferred; rows = y
   * samples, columns = x samples) and its axes. Absent: the slice kept under `key`.
   */
  slice?: { v: Float64Array; n: Float64Array | null; x: AxisSampling; y: AxisSampling };
  geometry: SliceGeometry;
  options: Omit<ColorOptions, 'mask'>;
  window: RasterWindow;
  /** Max-pooling of the slice before resampling (voxels per raster pixel along x and y). */
  bx: number;
  by: number;
}

export type SliceRenderReply =
  | {
      id: number;
      ok: true;
      /** The raster as a BMP data: URL. */
      url: string;
      window: RasterWindow;
      stats: FrameColorStats;
      timings: { normalizeMs: number; rasterMs: number; encodeMs: number };
      /** v/n of the slice (a copy; NaN where n = 0), when the slice was sent with the request. */
      values?: Float64Array;
    }
  | { id: number; ok: false; message: string };
