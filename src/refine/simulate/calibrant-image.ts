/**
 * A simulated powder calibrant image (Calibrate Powder's test input): Debye–Scherrer rings of a
 * calibrant on a detector of known geometry, with the app's detector model (tilted plane,
 * `createPowderFrame`), so a calibration of the image must give the geometry back.
 *
 * Expected counts of a pixel = background(2θ) + Σ_lines I_n·G(2θ − 2θ_n; σ)·P, averaged over
 * `supersample`² points inside the pixel (so a ring narrower than a pixel is integrated over the
 * pixel, as on a real detector); G is a unit-height Gaussian in 2θ, P the polarization factor and
 * I_n ∝ multiplicity·exp(−B/(2d²))/(sin θ·sin 2θ) (a powder Lorentz factor and a Debye–Waller fall-off),
 * scaled so the strongest ring peaks at `peakCounts`. Counts are Poisson draws from the seeded
 * generator of src/refine/simulate/random.ts; module gaps (Pilatus layout when the shape fits it)
 * read −1 and are returned in `mask`.
 */
import { NxrError } from '../../shared/errors.ts';
import type { CalibrantLine } from '../calibrate/calibrant-lines.ts';
import { twoThetaOfD } from '../calibrate/calibrant-lines.ts';
import type { PowderGeometry } from '../calibrate/models.ts';
import { polarizationOfRay } from '../calibrate/polarization.ts';
import { checkPowderGeometry, createPowderFrame } from '../calibrate/powder-geometry.ts';
import {
  computeModuleGapMask,
  fitsModuleLayout,
  PILATUS_LAYOUT,
  type ModuleLayout,
} from '../detector/module-gaps.ts';
import { degToRad } from '../linalg/mat3.ts';
import { createRandom } from './random.ts';

export interface CalibrantImageOptions {
  geometry: PowderGeometry;
  /** Calibrant lines (computeCalibrantLines). */
  lines: readonly CalibrantLine[];
  /** Seed of the random generator. */
  seed: number;
  /** Gaussian σ of a ring in 2θ, degrees. @default 0.02 */
  ringWidth?: number;
  /** Expected counts at the peak of the strongest ring. @default 3000 */
  peakCounts?: number;
  /** Background counts at 2θ = 0 (falling to 60% at large angles). @default 20 */
  background?: number;
  /** Debye–Waller-like fall-off B, Å². @default 0.5 */
  bFactor?: number;
  /** Sub-samples per pixel along each axis. @default 3 */
  supersample?: number;
  /** Polarization factor f = (Ih − Iv)/(Ih + Iv). @default 0.99 */
  polarizationFactor?: number;
  /** Module gaps: a layout, or false for none. @default the Pilatus layout when the shape fits it */
  gaps?: ModuleLayout | false;
}

export interface CalibrantImage {
  shape: [number, number];
  /** Counts, −1 in module gaps. */
  data: Int32Array;
  /** 1 = module gap. */
  mask: Uint8Array;
  /** The geometry used (the truth). */
  geometry: PowderGeometry;
  /** Peak expected counts of each line (after normalisation), in line order. */
  lineIntensities: number[];
}

export function simulateCalibrantImage(options: CalibrantImageOptions): CalibrantImage {
  const g = checkPowderGeometry(options.geometry);
  const [ny, nx] = g.shape;
  const sigma = degToRad(options.ringWidth ?? 0.02);
  const peakCounts = options.peakCounts ?? 3000;
  const background = options.background ?? 20;
  const bFactor = options.bFactor ?? 0.5;
  const ss = Math.round(options.supersample ?? 3);
  const pol = options.polarizationFactor ?? 0.99;
  if (!(sigma > 0 && peakCounts > 0 && background >= 0 && ss >= 1 && ss <= 8))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'calibrant image: ringWidth and peakCounts must be positive, background ≥ 0, supersample 1–8',
    });
  const layout =
    options.gaps === undefined ? (fitsModuleLayout(g.shape) ? PILATUS_LAYOUT : false) : options.gaps;
  const mask = layout ? computeModuleGapMask(g.shape, layout) : new Uint8Array(ny * nx);

  // Lines that can diffract, sorted by 2θ, with relative intensities.
  const rings = options.lines
    .map((l) => ({ tth: twoThetaOfD(l.d, g.wavelength), l }))
    .filter((r) => Number.isFinite(r.tth))
    .map((r) => {
      const th = r.tth / 2;
      const lorentz = 1 / (Math.sin(th) * Math.sin(r.tth));
      return { tth: r.tth, weight: r.l.multiplicity * Math.exp(-bFactor / (2 * r.l.d * r.l.d)) * lorentz };
    })
    .sort((a, b) => a.tth - b.tth);
  const wmax = Math.max(...rings.map((r) => r.weight), 0);
  const heights = rings.map((r) => (wmax > 0 ? (peakCounts * r.weight) / wmax : 0));
  const tths = rings.map((r) => r.tth);
  const reach = 6 * sigma;
  // Largest change of 2θ across half a pixel diagonal (p/L bounds it for any tilt below ~45°), radians.
  const pixelAngle = (1.5 * g.pixelSize) / g.distance;
  const bgFalloff = degToRad(8);
  const backgroundAt = (tth: number): number => background * (0.6 + 0.4 * Math.exp(-tth / bgFalloff));

  const frame = createPowderFrame(g).frame;
  const m = frame.pixelToLab;
  const L = frame.origin[0];
  const random = createRandom(options.seed, 0x5ca1);
  const data = new Int32Array(ny * nx);
  const sub = Array.from({ length: ss }, (_, i) => (i + 0.5) / ss - 0.5);
  const lowerBound = (t: number): number => {
    let lo = 0;
    let hi = tths.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tths[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const i = y * nx + x;
      if (mask[i]) {
        data[i] = -1;
        continue;
      }
      // Pixels far from every ring see only the (smooth) background: one evaluation at the centre.
      const cx = x - g.beamCenterX;
      const cy = y - g.beamCenterY;
      const c0 = m[0][0] * cx + m[0][1] * cy + L;
      const c1 = m[1][0] * cx + m[1][1] * cy;
      const c2 = m[2][0] * cx + m[2][1] * cy;
      const ctth = Math.atan2(Math.hypot(c1, c2), c0);
      const k0 = lowerBound(ctth - reach - pixelAngle);
      if (k0 >= tths.length || tths[k0]! > ctth + reach + pixelAngle) {
        data[i] = random.poisson(backgroundAt(ctth));
        continue;
      }
      let sum = 0;
      for (const sy of sub) {
        const dy = y + sy - g.beamCenterY;
        for (const sx of sub) {
          const dx = x + sx - g.beamCenterX;
          const v0 = m[0][0] * dx + m[0][1] * dy + L;
          const v1 = m[1][0] * dx + m[1][1] * dy;
          const v2 = m[2][0] * dx + m[2][1] * dy;
          const tth = Math.atan2(Math.hypot(v1, v2), v0);
          let ringSum = 0;
          for (let k = lowerBound(tth - reach); k < tths.length && tths[k]! <= tth + reach; k++) {
            const u = (tth - tths[k]!) / sigma;
            ringSum += heights[k]! * Math.exp(-0.5 * u * u);
          }
          sum += backgroundAt(tth) + ringSum * polarizationOfRay(v0, v1, v2, pol);
        }
      }
      data[i] = random.poisson(sum / (ss * ss));
    }
  }
  const lineIntensities = options.lines.map((l) => {
    const t = twoThetaOfD(l.d, g.wavelength);
    const k = tths.indexOf(t);
    return k >= 0 ? heights[k]! : 0;
  });
  return { shape: [ny, nx], data, mask, geometry: { ...g }, lineIntensities };
}
