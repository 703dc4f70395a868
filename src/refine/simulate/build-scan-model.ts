import type { Geometry, Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import { computeGoniometerMatrix } from '../geometry/goniometer.ts';
import { computeTwoThetaMax } from '../geometry/two-theta-max.ts';
import { createPixelMapper } from '../geometry/create-pixel-mapper.ts';
import { predictReflection } from '../geometry/predict-reflection.ts';
import { computeBMatrix } from '../lattice/b-matrix.ts';
import { multiplyMat3, multiplyMat3Vec3 } from '../linalg/mat3.ts';
import { computeModuleGapMask, fitsModuleLayout } from '../detector/module-gaps.ts';
import { frameFraction, reflectionFrameSpan } from './deposit-peaks.ts';
import { gaussianFraction } from './erf.ts';
import type { DetectorDefects, EntryModel, ScanModel, SimulatedReflection } from './models.ts';
import type { SimulationPreset } from './presets.ts';
import { createRandom, type Random } from './random.ts';
import { randomRotation } from './random-rotation.ts';

export interface ScanModelOptions {
  preset: SimulationPreset;
  seed: number;
  cell: UnitCell;
  /** Space-group symbol (recorded in the truth) and its systematic-absence test. */
  spaceGroup: string;
  isAbsent: (hkl: Vec3) => boolean;
  /** Number of rotations (entries f1…fN). @default 1 */
  entries: number;
  /** Override the preset's frame count (benchmarks). */
  nframes?: number;
  /** Signed output types write −1 in module gaps (Pilatus convention), unsigned types 0. */
  signedOutput: boolean;
}

/** Widest profile kept, in frames: reflections crossing the Ewald sphere more slowly sit in the blind region. */
const MAX_SIGMA_FRAMES = 25;

/** Ewald excitation f(φ) = |G(φ)·q + k_i| − 1/λ (Å⁻¹). */
function excitation(g: Geometry, q: Vec3, phiDeg: number): number {
  const r = multiplyMat3Vec3(computeGoniometerMatrix(g, phiDeg), q);
  return Math.hypot(r[0] + 1 / g.wavelength, r[1], r[2]) - 1 / g.wavelength;
}

function entryGeometry(preset: SimulationPreset, index: number): Geometry {
  // Entries f2, f3 … model further detector positions and goniometer offsets of the same rotation.
  return {
    wavelength: preset.wavelength,
    distance: preset.distance,
    pixelSize: preset.pixelSize,
    shape: [...preset.shape],
    beamCenterX: preset.beamCenterX - 20 * index,
    beamCenterY: preset.beamCenterY + 5 * index,
    yaw: preset.yaw,
    pitch: preset.pitch,
    roll: preset.roll,
    detectorOrientation: '-y +z -x',
    phiStart: preset.phiStart,
    phiStep: preset.phiStep,
    chi: 1.5 * index,
    omega: -0.75 * index,
    theta: 0,
  };
}

function maxQ(g: Geometry): number {
  // 0.5° margin for the tilts.
  return (2 * Math.sin((((computeTwoThetaMax(g) + 0.5) / 2) * Math.PI) / 180)) / g.wavelength;
}

function makeDefects(preset: SimulationPreset, random: Random): DetectorDefects {
  const [ny, nx] = preset.shape;
  const pixelMask = fitsModuleLayout(preset.shape)
    ? computeModuleGapMask(preset.shape)
    : new Uint8Array(ny * nx);
  const taken = new Set<number>();
  const pick = (): { x: number; y: number } => {
    for (;;) {
      const x = 2 + Math.floor(random.uniform() * (nx - 4));
      const y = 2 + Math.floor(random.uniform() * (ny - 4));
      const i = y * nx + x;
      if (!pixelMask[i] && !taken.has(i)) {
        taken.add(i);
        return { x, y };
      }
    }
  };
  const hotPixels = Array.from({ length: preset.hotPixels }, () => ({
    ...pick(),
    value: Math.round(200_000 + random.uniform() * 800_000),
  }));
  const deadPixels = Array.from({ length: preset.deadPixels }, pick);
  return { pixelMask, hotPixels, deadPixels };
}

function makeBackground(g: Geometry, preset: SimulationPreset): Float32Array {
  const twoTheta = createPixelMapper(g).mapPolarAngles();
  const bg = new Float32Array(twoTheta.length);
  for (let i = 0; i < bg.length; i++) {
    bg[i] =
      preset.backgroundFlat + preset.backgroundAir * Math.exp(-twoTheta[i]! / preset.backgroundAirWidth);
  }
  return bg;
}

function makeMonitor(nframes: number, random: Random): Float64Array {
  const m = new Float64Array(nframes);
  const phase = random.uniform() * 2 * Math.PI;
  for (let z = 0; z < nframes; z++) {
    m[z] = 1 + 0.03 * Math.sin((2 * Math.PI * z) / 517 + phase) + 0.004 * random.normal();
  }
  return m;
}

function makeReflections(
  g: Geometry,
  preset: SimulationPreset,
  crystal: { UB: Mat3; cell: UnitCell },
  isAbsent: (hkl: Vec3) => boolean,
  nframes: number,
  monitor: Float64Array,
  background: Float32Array,
  pixelMask: Uint8Array,
  seed: number,
): SimulatedReflection[] {
  const qmax = maxQ(g);
  const { a, b, c } = crystal.cell;
  const hmax = Math.ceil(qmax * a);
  const kmax = Math.ceil(qmax * b);
  const lmax = Math.ceil(qmax * c);
  const [ny, nx] = g.shape;
  const mosaicRad = (preset.mosaic * Math.PI) / 180;
  const out: SimulatedReflection[] = [];
  for (let h = -hmax; h <= hmax; h++) {
    for (let k = -kmax; k <= kmax; k++) {
      for (let l = -lmax; l <= lmax; l++) {
        if (h === 0 && k === 0 && l === 0) continue;
        if (isAbsent([h, k, l])) continue;
        const q = multiplyMat3Vec3(crystal.UB, [h, k, l]);
        const qlen = Math.hypot(...q);
        if (qlen > qmax) continue;
        // Structure factor: Wilson (exponential) |F|², the same for both crossings and every entry.
        const hklRandom = createRandom(seed, 7, h + 4096, k + 4096, l + 4096);
        const f2 = -Math.log(1 - hklRandom.uniform());
        const debyeWaller = Math.exp(-0.5 * qlen * qlen);
        const spots = predictReflection(g, crystal.UB, [h, k, l], {
          frameRange: [-5 * MAX_SIGMA_FRAMES, nframes - 1 + 5 * MAX_SIGMA_FRAMES],
        });
        for (const spot of spots) {
          // Rocking width: the mosaic spread moves the point by η|q| across the sphere at the rate df/dφ.
          const dphi = 1e-3;
          const rate =
            Math.abs(excitation(g, q, spot.phi + dphi) - excitation(g, q, spot.phi - dphi)) /
            ((2 * dphi * Math.PI) / 180);
          const sigmaPhi = (mosaicRad * qlen) / Math.max(rate, 1e-12); // radians
          const sigmaFrame = Math.max(0.35, (sigmaPhi * 180) / Math.PI / g.phiStep);
          if (sigmaFrame > MAX_SIGMA_FRAMES) continue;
          const r: SimulatedReflection = {
            h,
            k,
            l,
            x: spot.x,
            y: spot.y,
            frame: spot.frame,
            phi: spot.phi,
            sigmaX: preset.sigmaPixels,
            sigmaY: preset.sigmaPixels,
            sigmaFrame,
            // Lorentz factor: counts grow with the time the reflection spends in diffraction.
            counts: preset.countScale * f2 * debyeWaller * (sigmaPhi / mosaicRad),
            depositedCounts: 0,
            peakValue: 0,
            peakMasked: false,
          };
          const [z0, z1] = reflectionFrameSpan(r);
          if (z1 < 0 || z0 > nframes - 1) continue;
          if (r.x < -3 || r.x > nx + 2 || r.y < -3 || r.y > ny + 2) continue;
          // Expected counts actually deposited in the scan (frames outside it are not measured).
          for (let z = Math.max(0, z0); z <= Math.min(nframes - 1, z1); z++) {
            r.depositedCounts += r.counts * frameFraction(r, z) * monitor[z]!;
          }
          const zr = Math.min(nframes - 1, Math.max(0, Math.round(r.frame)));
          const xr = Math.min(nx - 1, Math.max(0, Math.round(r.x)));
          const yr = Math.min(ny - 1, Math.max(0, Math.round(r.y)));
          const voxel =
            r.counts *
            frameFraction(r, zr) *
            monitor[zr]! *
            gaussianFraction(xr - 0.5, xr + 0.5, r.x, r.sigmaX) *
            gaussianFraction(yr - 0.5, yr + 0.5, r.y, r.sigmaY);
          r.peakValue = voxel + background[yr * nx + xr]! * monitor[zr]!;
          r.peakMasked = pixelMask[yr * nx + xr] === 1;
          out.push(r);
        }
      }
    }
  }
  out.sort((p, q) => p.frame - q.frame);
  return out;
}

/** The whole simulated experiment, noise-free: crystal, entries with their reflections, defects. */
export function buildScanModel(options: ScanModelOptions): ScanModel {
  const { preset, seed } = options;
  const random = createRandom(seed, 1);
  const U = randomRotation(random);
  const B = computeBMatrix(options.cell);
  const UB = multiplyMat3(U, B);
  const crystal = { cell: options.cell, spaceGroup: options.spaceGroup, U, UB };
  const defects = makeDefects(preset, createRandom(seed, 2));
  const nframes = options.nframes ?? preset.nframes;
  const entries: EntryModel[] = [];
  for (let e = 0; e < options.entries; e++) {
    const geometry = entryGeometry(preset, e);
    const monitor = makeMonitor(nframes, createRandom(seed, 3, e));
    const background = makeBackground(geometry, preset);
    const reflections = makeReflections(
      geometry,
      preset,
      crystal,
      options.isAbsent,
      nframes,
      monitor,
      background,
      defects.pixelMask,
      seed,
    );
    entries.push({
      name: `f${e + 1}`,
      geometry,
      nframes,
      monitor,
      monitorMean: 50_000,
      reflections,
      background,
    });
  }
  return {
    seed,
    crystal,
    entries,
    defects,
    diffuse: { amplitude: preset.diffuseAmplitude, qScale: preset.diffuseQScale },
    gapValue: options.signedOutput ? -1 : 0,
  };
}
