import type { FrameMoments, Peak3d, PeakPiece } from './models.ts';

export interface PeakValidity {
  /** The brightest detection must exceed this (counts). */
  threshold: number;
  /** Smallest accepted sigx and sigy (pixels); NXRefine rejects sharper blobs. @default 0.5 */
  minSigma?: number;
  /**
   * The searched frames [first, last): a peak whose brightest frame is the first or the last of
   * them may have its centre outside the range and is dropped (NXRefine keeps z ∈ [first, last)).
   */
  range?: readonly [number, number];
}

/**
 * The 3-D centroid, widths and integrated intensity of a peak from its per-frame moments, or null
 * if the peak is not valid (never above the threshold, no net counts, or sharper than `minSigma`
 * in x or y — NXRefine's `σx ≥ 0.5 and σy ≥ 0.5`, spec §5.1 step 6).
 *
 * - x, y: background-subtracted first moments over the box and every measured frame; sigx, sigy:
 *   second moments over the inner box (relative to each frame's box centre).
 * - z, sigz: moments of the per-frame net counts inside a window symmetric about the centroid
 *   (frames partly inside count in proportion), iterated to convergence. The window reaches as far
 *   as the measured frames allow on the shorter side, so a peak cut by the end of the searched
 *   range, or measured a frame further on one side than the other, is not pulled off centre.
 * - intensity: Σ (counts − background) over the measured box and frames.
 */
export function computePeakCentroid(piece: PeakPiece, validity: PeakValidity): Peak3d | null {
  if (!(piece.maxValue > validity.threshold)) return null;
  const range = validity.range;
  if (range && (piece.maxZ <= range[0] || piece.maxZ >= range[1] - 1)) return null;
  const frames = [...piece.frames].sort((a, b) => a.z - b.z);
  if (frames.length === 0) return null;
  let s0 = 0;
  let sx = 0;
  let sy = 0;
  let i0 = 0;
  let ix = 0;
  let iy = 0;
  let ixx = 0;
  let iyy = 0;
  for (const f of frames) {
    s0 += f.s0;
    sx += f.sx;
    sy += f.sy;
    i0 += f.i0;
    ix += f.ix;
    iy += f.iy;
    ixx += f.ixx;
    iyy += f.iyy;
  }
  if (!(s0 > 0) || !(i0 > 0)) return null;
  const x = sx / s0;
  const y = sy / s0;
  // Box centres differ between frames only by a pixel or two; dx, dy are relative to each.
  const sigx = Math.sqrt(Math.max(0, ixx / i0 - (ix / i0) ** 2));
  const sigy = Math.sqrt(Math.max(0, iyy / i0 - (iy / i0) ** 2));
  const minSigma = validity.minSigma ?? 0.5;
  if (!(sigx >= minSigma && sigy >= minSigma)) return null;
  const zc = symmetricWindowCentroid(frames);
  if (zc === null) return null;
  return {
    x,
    y,
    z: zc.z,
    sigx,
    sigy,
    sigz: zc.sigz,
    intensity: s0,
    maxValue: piece.maxValue,
    maxX: piece.maxX,
    maxY: piece.maxY,
    maxZ: piece.maxZ,
    firstFrame: frames[0]!.z,
    lastFrame: frames[frames.length - 1]!.z,
  };
}

function symmetricWindowCentroid(frames: FrameMoments[]): { z: number; sigz: number } | null {
  const lo = frames[0]!.z - 0.5;
  const hi = frames[frames.length - 1]!.z + 0.5;
  let w = 0;
  let wz = 0;
  for (const f of frames) {
    w += f.s0;
    wz += f.s0 * f.z;
  }
  if (!(w > 0)) return null;
  let c = wz / w;
  for (let iter = 0; iter < 50; iter++) {
    const half = Math.min(c - lo, hi - c);
    if (!(half > 0)) break;
    const a = c - half;
    const b = c + half;
    let m = 0;
    let mz = 0;
    for (const f of frames) {
      const left = Math.max(f.z - 0.5, a);
      const right = Math.min(f.z + 0.5, b);
      const frac = right - left;
      if (frac <= 0) continue;
      const mass = f.s0 * Math.min(1, frac);
      m += mass;
      mz += mass * 0.5 * (left + right);
    }
    if (!(m > 0)) break;
    const next = mz / m;
    const moved = Math.abs(next - c);
    c = next;
    if (moved < 1e-7) break;
  }
  // Width: second moment about c over the same symmetric window (whole frames, as NXRefine).
  const half = Math.min(c - lo, hi - c);
  let m2 = 0;
  let m = 0;
  for (const f of frames) {
    const left = Math.max(f.z - 0.5, c - half);
    const right = Math.min(f.z + 0.5, c + half);
    const frac = Math.min(1, right - left);
    if (frac <= 0) continue;
    m += f.s0 * frac;
    m2 += f.s0 * frac * (f.z - c) ** 2;
  }
  const sigz = m > 0 ? Math.sqrt(Math.max(0, m2 / m)) : 0;
  return { z: c, sigz };
}
