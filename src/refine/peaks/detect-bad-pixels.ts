import type { FrameShape } from './models.ts';

export interface BadPixelOptions {
  /** 1 = already masked (not reported again). */
  mask: Uint8Array | null;
  /** Frames the statistics cover; fewer than `minFrames` → nothing is flagged. */
  frames: number;
  /** @default 10 (NXRefine looks at frames 0–9) */
  minFrames?: number;
  /** A constant pixel at or above this is hot (counts; NXRefine: mean ≥ 100). @default 100 */
  hotMinimum?: number;
  /**
   * A pixel that is 0 on every frame is dead when its unmasked, non-constant 8-neighbours average
   * at least this many counts summed over the frames (so a Poisson pixel of that mean would be 0
   * throughout with probability < e⁻²⁰). @default 20
   */
  deadNeighbourCounts?: number;
}

export interface BadPixels {
  /** Row-major indices, ascending. */
  hot: number[];
  dead: number[];
  /** The constant value of each hot / dead pixel (same order). */
  hotValues: number[];
  deadValues: number[];
}

/**
 * Hot and dead pixels from per-pixel statistics over the frames (spec §5.2 step 1, generalised from
 * NXRefine's frames 0–9 to the whole range):
 * - hot: the same value on every frame (min = max) and at least `hotMinimum`;
 * - dead: the same value ≤ 0 on every frame, and either negative (Pilatus −1 gap / −2 bad pixel
 *   values that pixel_mask missed: counts are never negative) or 0 while the neighbours count.
 *
 * @param sum, min, max per-pixel sum, minimum and maximum of the finite values over the frames
 */
export function detectBadPixels(
  shape: FrameShape,
  sum: Float64Array,
  min: Float64Array,
  max: Float64Array,
  options: BadPixelOptions,
): BadPixels {
  const out: BadPixels = { hot: [], dead: [], hotValues: [], deadValues: [] };
  if (options.frames < (options.minFrames ?? 10)) return out;
  const [ny, nx] = shape;
  const mask = options.mask;
  const hotMinimum = options.hotMinimum ?? 100;
  const deadCounts = options.deadNeighbourCounts ?? 20;
  const constant = (i: number): boolean => min[i] === max[i];
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const i = y * nx + x;
      if ((mask !== null && mask[i] !== 0) || !constant(i)) continue;
      const v = max[i]!;
      if (v >= hotMinimum) {
        out.hot.push(i);
        out.hotValues.push(v);
      } else if (v < 0) {
        out.dead.push(i);
        out.deadValues.push(v);
      } else if (v === 0) {
        let s = 0;
        let k = 0;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= ny) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if ((dx === 0 && dy === 0) || xx < 0 || xx >= nx) continue;
            const j = yy * nx + xx;
            if ((mask !== null && mask[j] !== 0) || constant(j)) continue;
            s += sum[j]!;
            k++;
          }
        }
        if (k > 0 && s / k >= deadCounts) {
          out.dead.push(i);
          out.deadValues.push(0);
        }
      }
    }
  }
  return out;
}
