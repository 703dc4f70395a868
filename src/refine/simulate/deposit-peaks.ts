import { gaussianFraction } from './erf.ts';
import type { SimulatedReflection } from './models.ts';

/** Frames a reflection's profile reaches (±5σ), inclusive. */
export function reflectionFrameSpan(r: SimulatedReflection): [number, number] {
  const half = 5 * r.sigmaFrame;
  return [Math.floor(r.frame - half), Math.ceil(r.frame + half)];
}

/** Fraction of a reflection's counts that falls in frame z (z spans [z − ½, z + ½) in frame units). */
export function frameFraction(r: SimulatedReflection, z: number): number {
  return gaussianFraction(z - 0.5, z + 0.5, r.frame, r.sigmaFrame);
}

/**
 * Add the pixel-integrated Gaussian profiles of `reflections` to frame z of `out` ([ny, nx] expected
 * counts), each scaled by `scale` (the frame's relative monitor).
 */
export function depositPeaks(
  out: Float64Array,
  shape: readonly [number, number],
  reflections: readonly SimulatedReflection[],
  z: number,
  scale: number,
): void {
  const [ny, nx] = shape;
  const wx = new Float64Array(64);
  for (const r of reflections) {
    const wf = frameFraction(r, z) * r.counts * scale;
    if (wf < 1e-3) continue;
    const x0 = Math.max(0, Math.floor(r.x - 5 * r.sigmaX));
    const x1 = Math.min(nx - 1, Math.ceil(r.x + 5 * r.sigmaX));
    const y0 = Math.max(0, Math.floor(r.y - 5 * r.sigmaY));
    const y1 = Math.min(ny - 1, Math.ceil(r.y + 5 * r.sigmaY));
    if (x1 < x0 || y1 < y0 || x1 - x0 >= wx.length) continue;
    for (let x = x0; x <= x1; x++) wx[x - x0] = gaussianFraction(x - 0.5, x + 0.5, r.x, r.sigmaX);
    for (let y = y0; y <= y1; y++) {
      const wy = wf * gaussianFraction(y - 0.5, y + 0.5, r.y, r.sigmaY);
      if (wy < 1e-4) continue;
      const row = y * nx;
      for (let x = x0; x <= x1; x++) out[row + x]! += wy * wx[x - x0]!;
    }
  }
}
