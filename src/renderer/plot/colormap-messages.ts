/** Messages between the page and the colour-map worker. */
import type { FrameArray } from '../../shared/ipc.ts';
import type { ColorOptions, FrameColorStats, FrameWindow } from './colormap.ts';

export interface ColorizeRequest {
  id: number;
  /** Names the frame; the worker keeps the last frame it was sent under this key. */
  frameKey: string;
  /** The frame's values (a copy: the page keeps its own for the read-out); absent = the kept one. */
  frame?: { data: FrameArray; width: number; height: number };
  options: ColorOptions;
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
    }
  | { id: number; ok: false; message: string };
