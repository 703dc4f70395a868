import type { CalibrantLine } from './calibrant-lines.ts';
import type { PowderGeometry } from './models.ts';
import { createPowderFrame } from './powder-geometry.ts';
import { lineTwoThetas } from './ring-picking.ts';

export interface RingCurve {
  /** Line index (0-based). */
  ring: number;
  /** 2θ of the line, degrees. */
  twoTheta: number;
  /** Pixel coordinates along the ring; NaN where it leaves the detector (a break in the curve). */
  x: number[];
  y: number[];
}

/**
 * Where the first `count` lines cross the detector for geometry `g` (the dialog's predicted rings),
 * sampled about every `stepPx` pixels along each ring. Rings that miss the detector are left out.
 */
export function predictRingCurves(
  g: PowderGeometry,
  lines: readonly CalibrantLine[] | readonly number[],
  count: number,
  stepPx = 4,
): RingCurve[] {
  const frame = createPowderFrame(g);
  const [ny, nx] = g.shape;
  const inside = (p: { x: number; y: number } | undefined): p is { x: number; y: number } =>
    p !== undefined && p.x >= -0.5 && p.y >= -0.5 && p.x <= nx - 0.5 && p.y <= ny - 0.5;
  const out: RingCurve[] = [];
  lineTwoThetas(lines, g.wavelength)
    .slice(0, count)
    .forEach((tth, ring) => {
      if (!Number.isFinite(tth)) return;
      const radius = (g.distance * Math.tan(tth)) / g.pixelSize;
      const n = Math.min(2880, Math.max(90, Math.ceil((2 * Math.PI * radius) / stepPx)));
      const x: number[] = [];
      const y: number[] = [];
      let any = false;
      for (let k = 0; k <= n; k++) {
        const p = frame.ringPoint(tth, -Math.PI + (2 * Math.PI * k) / n);
        if (inside(p)) {
          x.push(p.x);
          y.push(p.y);
          any = true;
        } else if (x.length > 0 && !Number.isNaN(x[x.length - 1]!)) {
          x.push(NaN);
          y.push(NaN);
        }
      }
      if (any) out.push({ ring, twoTheta: (tth * 180) / Math.PI, x, y });
    });
  return out;
}
