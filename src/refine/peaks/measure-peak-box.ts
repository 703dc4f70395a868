import type { FrameMoments, FrameShape, FrameValues } from './models.ts';

/** Scratch space for the background ring (reused between calls). */
let ringScratch = new Float64Array(256);

/** Half width of the inner box the widths are measured in. */
export function innerHalfWidth(half: number): number {
  return Math.min(half, Math.max(2, Math.ceil(half / 2)));
}

/**
 * Background-subtracted moments of one frame over the square box of half width `half` centred on
 * pixel (cx, cy), clipped to the frame; second moments over the inner box (see FrameMoments).
 *
 * Background: a robust mean of the box's outer ring (pixels at Chebyshev distance `half`): the
 * mean of the ring values not above median + 3·√max(median, 1) + 1, so that a neighbouring peak
 * crossing the ring does not lift it. Masked, non-finite and negative pixels (Pilatus gaps −1,
 * bad pixels −2) are left out of both the ring and the sums.
 */
export function measurePeakBox(
  data: FrameValues,
  shape: FrameShape,
  mask: Uint8Array | null,
  cx: number,
  cy: number,
  half: number,
  z: number,
  core: boolean,
): FrameMoments {
  const [ny, nx] = shape;
  const xa = Math.max(0, cx - half);
  const xb = Math.min(nx - 1, cx + half);
  const ya = Math.max(0, cy - half);
  const yb = Math.min(ny - 1, cy + half);
  const hi = innerHalfWidth(half);
  const background = ringBackground(data, mask, nx, cx, cy, half, xa, xb, ya, yb);
  let s0 = 0;
  let sx = 0;
  let sy = 0;
  let i0 = 0;
  let ix = 0;
  let iy = 0;
  let ixx = 0;
  let iyy = 0;
  let pixels = 0;
  for (let y = ya; y <= yb; y++) {
    const row = y * nx;
    const dy = y - cy;
    const inner = dy >= -hi && dy <= hi;
    let r0 = 0;
    let rx = 0;
    let q0 = 0;
    let qx = 0;
    let qxx = 0;
    for (let x = xa; x <= xb; x++) {
      const i = row + x;
      const v = data[i]!;
      if (!(v >= 0) || (mask !== null && mask[i] !== 0)) continue;
      const w = v - background;
      r0 += w;
      rx += w * x;
      pixels++;
      const dx = x - cx;
      if (inner && dx >= -hi && dx <= hi) {
        q0 += w;
        qx += w * dx;
        qxx += w * dx * dx;
      }
    }
    s0 += r0;
    sx += rx;
    sy += r0 * y;
    i0 += q0;
    ix += qx;
    ixx += qxx;
    iy += q0 * dy;
    iyy += q0 * dy * dy;
  }
  return { z, core, s0, sx, sy, i0, ix, iy, ixx, iyy, background, pixels };
}

function ringBackground(
  data: FrameValues,
  mask: Uint8Array | null,
  nx: number,
  cx: number,
  cy: number,
  half: number,
  xa: number,
  xb: number,
  ya: number,
  yb: number,
): number {
  const need = 8 * half + 8;
  if (ringScratch.length < need) ringScratch = new Float64Array(need);
  const ring = ringScratch;
  let n = 0;
  const take = (i: number): void => {
    const v = data[i]!;
    if (v >= 0 && (mask === null || mask[i] === 0)) ring[n++] = v;
  };
  const top = cy - half;
  const bottom = cy + half;
  const left = cx - half;
  const right = cx + half;
  for (let y = ya; y <= yb; y++) {
    const row = y * nx;
    if (y === top || y === bottom) {
      for (let x = xa; x <= xb; x++) take(row + x);
    } else {
      if (left >= xa) take(row + left);
      if (right <= xb) take(row + right);
    }
  }
  if (n === 0) return 0;
  const values = ring.subarray(0, n).sort();
  const median = n % 2 === 1 ? values[(n - 1) / 2]! : 0.5 * (values[n / 2 - 1]! + values[n / 2]!);
  const cut = median + 3 * Math.sqrt(Math.max(median, 1)) + 1;
  let sum = 0;
  let k = 0;
  for (let j = 0; j < n; j++) {
    const v = values[j]!;
    if (v > cut) break;
    sum += v;
    k++;
  }
  return k > 0 ? sum / k : median;
}
