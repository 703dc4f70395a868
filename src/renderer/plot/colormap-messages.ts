/** Messages between the page and the colour-map worker. */
import type { FrameArray } from '../../shared/ipc.ts';
import type { ColorOptions, FrameColorStats, FrameWindow } from './colormap.ts';

export interface ColorizeRequest {
  id: number;
  /** Names the frame; the worker keeps the last frame it was sent under this key. */
  frameKey: string;
  /**
   * The frame's values, transferred; the worker keeps a copy and sends these back with its answer
   * (the page keeps them for the read-out). Absent: the frame kept under `frameKey`.
   */
  frame?: { data: FrameArray; width: number; height: number };
  /** Names the pixel mask; the worker keeps the last one it was sent. */
  maskKey: string;
  /** The mask (one byte per pixel, non-zero = masked) or null; absent = the one kept under `maskKey`. */
  mask?: Uint8Array | null;
  /** Colours and limits (the mask travels apart, above). */
  options: Omit<ColorOptions, 'mask'>;
  /** The part of the frame to draw and its binning; the whole frame when absent. */
  window?: FrameWindow;
}

export type ColorizeReply =
  | {
      id: number;
      ok: true;
      /** The image as a BMP data: URL (what plotly's image trace takes). */
      url: string;
      /** Image size (pixels) and the frame window it shows. */
      width: number;
      height: number;
      window: FrameWindow;
      stats: FrameColorStats;
      timings: { colorMs: number; encodeMs: number };
      /** The frame's values when they were sent with the request. */
      data?: FrameArray;
    }
  | { id: number; ok: false; message: string; data?: FrameArray };
