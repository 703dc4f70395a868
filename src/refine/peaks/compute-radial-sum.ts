import { computeDetectorFrame } from '../geometry/detector-frame.ts';
import { createPixelMapper } from '../geometry/create-pixel-mapper.ts';
import type { Geometry } from '../geometry/models.ts';

export interface RadialSum {
  /** Bin centres, degrees of 2θ. */
  polarAngle: Float64Array;
  /** Q = 4π sin(2θ/2)/λ at the bin centres, Å⁻¹ (2π units, as NXRefine writes radial_sum/Q). */
  q: Float64Array;
  /** Σ signal / Σ (solid angle × polarization) of the unmasked pixels in each bin (0 if empty, as pyFAI). */
  radialSum: Float64Array;
  /** Unmasked pixels per bin. */
  counts: Int32Array;
}

export interface RadialSumOptions {
  /** 1 = masked pixel. */
  mask: Uint8Array | null;
  /** Per-pixel polarization factors (instrument/detector/polarization); none → 1. */
  polarization?: ArrayLike<number> | null;
  /** @default 2048 (NXRefine) */
  bins?: number;
}

/**
 * Solid angle of every pixel relative to a pixel at normal incidence at the point of the detector
 * plane nearest the sample, cos³α with α the angle between the ray and the plane's normal (pyFAI's
 * `correctSolidAngle` for a flat detector), for the tilted detector of `g`.
 */
export function computeSolidAngles(g: Geometry): Float64Array {
  const f = computeDetectorFrame(g);
  const [ny, nx] = g.shape;
  const out = new Float64Array(ny * nx);
  const P = f.pixelToLab;
  const nrm = f.normal;
  for (let y = 0; y < ny; y++) {
    const dy = y - g.beamCenterY;
    for (let x = 0; x < nx; x++) {
      const dx = x - g.beamCenterX;
      const px = f.origin[0] + P[0][0] * dx + P[0][1] * dy;
      const py = f.origin[1] + P[1][0] * dx + P[1][1] * dy;
      const pz = f.origin[2] + P[2][0] * dx + P[2][1] * dy;
      const cos = Math.abs(px * nrm[0] + py * nrm[1] + pz * nrm[2]) / Math.sqrt(px * px + py * py + pz * pz);
      out[y * nx + x] = cos * cos * cos;
    }
  }
  return out;
}

/**
 * Azimuthal integration of a 2-D image (Find Maximum's summed_data) against the true scattering
 * angle 2θ of each pixel: a histogram of `bins` equal bins between the smallest and largest 2θ of
 * the unmasked pixels, each bin = Σ signal / Σ (solid angle × polarization) — what pyFAI's
 * `integrate1d(…, correctSolidAngle=True, method=('no', 'histogram', 'cython'))` returns
 * (spec §5.2 step 4).
 */
export function computeRadialSum(
  image: ArrayLike<number>,
  g: Geometry,
  options: RadialSumOptions,
): RadialSum {
  const bins = options.bins ?? 2048;
  const twoTheta = createPixelMapper(g).mapPolarAngles();
  const solid = computeSolidAngles(g);
  const mask = options.mask;
  const pol = options.polarization ?? null;
  const n = twoTheta.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if ((mask !== null && mask[i] !== 0) || !Number.isFinite(image[i]!)) continue;
    const t = twoTheta[i]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const polarAngle = new Float64Array(bins);
  const q = new Float64Array(bins);
  const radialSum = new Float64Array(bins);
  const counts = new Int32Array(bins);
  if (!(hi > lo)) return { polarAngle, q, radialSum, counts };
  const width = (hi - lo) / bins;
  const signal = new Float64Array(bins);
  const norm = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const v = image[i]!;
    if ((mask !== null && mask[i] !== 0) || !Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.floor((twoTheta[i]! - lo) / width));
    signal[b]! += v;
    norm[b]! += solid[i]! * (pol ? pol[i]! : 1);
    counts[b]!++;
  }
  for (let b = 0; b < bins; b++) {
    const t = lo + (b + 0.5) * width;
    polarAngle[b] = t;
    q[b] = (4 * Math.PI * Math.sin((t * Math.PI) / 360)) / g.wavelength;
    if (counts[b]! > 0 && norm[b]! > 0) radialSum[b] = signal[b]! / norm[b]!;
  }
  return { polarAngle, q, radialSum, counts };
}
