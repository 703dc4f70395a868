/**
 * Colour-map worker: frame values → palette indices of the window shown (colormap.ts) → 8-bit
 * palette BMP (bmp.ts) → data URL, off the UI thread. It keeps the last frame it was sent, so
 * zooming or changing the colours sends no data again.
 */
/// <reference lib="webworker" />
import type { FrameArray } from '../../shared/ipc.ts';
import { encodePaletteBmp } from './bmp.ts';
import { colorIndexFrame, framePalette } from './colormap.ts';
import type { ColorizeReply, ColorizeRequest } from './colormap-messages.ts';

declare const self: DedicatedWorkerGlobalScope;

let kept: { key: string; data: FrameArray; width: number; height: number } | null = null;

self.onmessage = (e: MessageEvent<ColorizeRequest>): void => {
  const { id, frameKey, frame, options, window } = e.data;
  try {
    if (frame) kept = { key: frameKey, ...frame };
    if (!kept || kept.key !== frameKey) throw new Error(`frame ${frameKey} is not here (send it again)`);
    const t0 = performance.now();
    const img = colorIndexFrame(kept.data, kept.width, kept.height, options, window);
    const t1 = performance.now();
    const bmp = encodePaletteBmp(img.indices, img.width, img.height, framePalette(options.colormap));
    const url = new FileReaderSync().readAsDataURL(new Blob([bmp as BlobPart], { type: 'image/bmp' }));
    const t2 = performance.now();
    const reply: ColorizeReply = {
      id,
      ok: true,
      url,
      width: img.width,
      height: img.height,
      window: img.window,
      stats: img.stats,
      timings: { colorMs: t1 - t0, encodeMs: t2 - t1 },
    };
    self.postMessage(reply);
  } catch (err) {
    const reply: ColorizeReply = { id, ok: false, message: err instanceof Error ? err.message : String(err) };
    self.postMessage(reply);
  }
};
