import type { DetectorDefects } from './models.ts';
import type { Random } from './random.ts';

export type FrameArray = Int32Array | Uint32Array | Uint16Array | Float32Array;

/** Largest value a frame of this type can hold (Pilatus counters saturate at 2²⁰ − 1 here). */
function saturation(out: FrameArray): number {
  if (out instanceof Uint16Array) return 65535;
  return 1_048_575;
}

/**
 * Draw Poisson counts from the expected frame into `out`, then apply the detector's defects:
 * module gaps get `gapValue`, hot pixels their constant value, dead pixels 0. Counts saturate at
 * the counter's maximum.
 */
export function applyNoise(
  expected: Float64Array,
  out: FrameArray,
  random: Random,
  defects: DetectorDefects,
  gapValue: number,
  nx: number,
): void {
  const max = saturation(out);
  const mask = defects.pixelMask;
  for (let i = 0; i < expected.length; i++) {
    if (mask[i]) {
      out[i] = gapValue;
      continue;
    }
    const n = random.poisson(expected[i]!);
    out[i] = n > max ? max : n;
  }
  for (const p of defects.hotPixels) out[p.y * nx + p.x] = Math.min(p.value, max);
  for (const p of defects.deadPixels) out[p.y * nx + p.x] = 0;
}
