/**
 * Colour-map worker: frame values → palette indices of the window shown (colormap.ts) → 8-bit
 * palette BMP (bmp.ts) → data URL, off the UI thread. It keeps the last frame it was sent, so
 * zooming or changing the colours sends no data again; the page's values travel back (transferred,
 * not copied).
 */
/// <reference lib="webworker" />
import type { FrameArray } from '../../shared/ipc.ts';
import { encodePaletteBmp } from './bmp.ts';
import { colorIndexFrame, framePalette } from './colormap.ts';
import type { ColorizeReply, ColorizeRequest } from './colormap-messages.ts';

declare const self: DedicatedWorkerGlobalScope;

let kept: { key: string; data: FrameArray; width: number; height: number } | null = null;
let keptMask: { key: string; mask: Uint8Array | null } | null = null;

/** Sends the answer, with the page's frame values back when it sent them. */
function reply(r: ColorizeReply, data: FrameArray | undefined): void {
  if (data) self.postMessage({ ...r, data }, [data.buffer as ArrayBuffer]);
  else self.postMessage(r);
}

self.onmessage = (e: MessageEvent<ColorizeRequest>): void => {
  const { id, frameKey, frame, maskKey, mask, options, window } = e.data;
  try {
    // a copy stays here for zooming and colour changes; the values go back to the page
    if (frame) kept = { key: frameKey, width: frame.width, height: frame.height, data: frame.data.slice() };
    if (mask !== undefined) keptMask = { key: maskKey, mask };
    if (!kept || kept.key !== frameKey) throw new Error(`frame ${frameKey} is not here (send it again)`);
    if (!keptMask || keptMask.key !== maskKey) throw new Error(`mask ${maskKey} is not here (send it again)`);
    const t0 = performance.now();
    const img = colorIndexFrame(
      kept.data,
      kept.width,
      kept.height,
      { ...options, mask: keptMask.mask },
      window,
    );
    const t1 = performance.now();
    const bmp = encodePaletteBmp(img.indices, img.width, img.height, framePalette(options.colormap));
    const url = new FileReaderSync().readAsDataURL(new Blob([bmp as BlobPart], { type: 'image/bmp' }));
    const t2 = performance.now();
    const answer: ColorizeReply = {
      id,
      ok: true,
      url,
      width: img.width,
      height: img.height,
      window: img.window,
      stats: img.stats,
      timings: { colorMs: t1 - t0, encodeMs: t2 - t1 },
    };
    reply(answer, frame?.data);
  } catch (err) {
    reply({ id, ok: false, message: err instanceof Error ? err.message : String(err) }, frame?.data);
  }
};
