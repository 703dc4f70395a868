/**
 * Peak lists with known truth, made directly from the geometry core (no frames): every allowed
 * reflection that crosses the Ewald sphere inside the scan and lands on the detector, centroids
 * with Gaussian noise, some weak reflections missing, plus junk (hot pixels, powder-ring points,
 * a second grain, random points).
 */
import type { ObservedPeak } from '../../../src/refine/fit/models.ts';
import { computePolarAngle } from '../../../src/refine/geometry/angles.ts';
import type { Geometry, Mat3, UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { predictReflection } from '../../../src/refine/geometry/predict-reflection.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { multiplyMat3, multiplyMat3Vec3 } from '../../../src/refine/linalg/mat3.ts';
import { PRESETS, type PresetName } from '../../../src/refine/simulate/presets.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';
import { isSystematicallyAbsent } from '../../../src/refine/symmetry/is-systematically-absent.ts';
import type { SpaceGroup } from '../../../src/refine/symmetry/models.ts';
import { randomRotation } from '../../../src/refine/simulate/random-rotation.ts';

export type PeakKind = 'bragg' | 'hot' | 'ring' | 'grain' | 'random';

export interface SyntheticPeak extends ObservedPeak {
  kind: PeakKind;
  /** True hkl of a Bragg peak of the main grain. */
  hkl?: Vec3;
}

export interface SyntheticScanOptions {
  seed: number;
  cell: UnitCell;
  spaceGroup: SpaceGroup;
  /** Orientation (Busing–Levy B). @default random from the seed */
  U?: Mat3;
  preset?: PresetName;
  nframes?: number;
  geometry?: Partial<Geometry>;
  /** Centroid noise σ, px and frames. @default 0.07, 0.07 */
  noisePixels?: number;
  noiseFrames?: number;
  /** Fraction of reflections missing (too weak). @default 0.1 */
  missing?: number;
  /** Junk peaks per true peak (0.55 → junk is 35% of the list). @default 0.55 */
  junkRatio?: number;
  /** Largest number of true peaks kept (the rest dropped at random). */
  maxPeaks?: number;
}

export interface SyntheticScan {
  geometry: Geometry;
  cell: UnitCell;
  U: Mat3;
  UB: Mat3;
  nframes: number;
  peaks: SyntheticPeak[];
}

export { randomRotation };

export function presetGeometry(preset: PresetName, overrides: Partial<Geometry> = {}): Geometry {
  const p = PRESETS[preset];
  return {
    wavelength: p.wavelength,
    distance: p.distance,
    pixelSize: p.pixelSize,
    shape: [...p.shape],
    beamCenterX: p.beamCenterX,
    beamCenterY: p.beamCenterY,
    yaw: p.yaw,
    pitch: p.pitch,
    roll: p.roll,
    detectorOrientation: '-y +z -x',
    phiStart: p.phiStart,
    phiStep: p.phiStep,
    chi: 0,
    omega: 0,
    theta: 0,
    ...overrides,
  };
}

/** Every reflection of the grain (UB) that lands on the detector within the scan, exact positions. */
export function predictAllSpots(
  g: Geometry,
  UB: Mat3,
  cell: UnitCell,
  sg: SpaceGroup,
  nframes: number,
): Array<{ hkl: Vec3; x: number; y: number; frame: number }> {
  const [ny, nx] = g.shape;
  let twoThetaMax = 0;
  for (const [x, y] of [
    [0, 0],
    [nx, 0],
    [0, ny],
    [nx, ny],
  ] as const)
    twoThetaMax = Math.max(twoThetaMax, computePolarAngle(g, x, y));
  const qmax = (2 * Math.sin(((twoThetaMax / 2 + 0.5) * Math.PI) / 180)) / g.wavelength;
  const hmax = Math.ceil(qmax * cell.a);
  const kmax = Math.ceil(qmax * cell.b);
  const lmax = Math.ceil(qmax * cell.c);
  const out: Array<{ hkl: Vec3; x: number; y: number; frame: number }> = [];
  for (let h = -hmax; h <= hmax; h++)
    for (let k = -kmax; k <= kmax; k++)
      for (let l = -lmax; l <= lmax; l++) {
        if (h === 0 && k === 0 && l === 0) continue;
        const q = multiplyMat3Vec3(UB, [h, k, l]);
        if (Math.hypot(...q) > qmax) continue;
        if (isSystematicallyAbsent(sg, [h, k, l])) continue;
        for (const s of predictReflection(g, UB, [h, k, l], {
          frameRange: [1, nframes - 2],
          onDetectorOnly: true,
        })) {
          if (s.x < 3 || s.y < 3 || s.x > nx - 4 || s.y > ny - 4) continue;
          out.push({ hkl: [h, k, l], x: s.x, y: s.y, frame: s.frame });
        }
      }
  return out;
}

export function makeSyntheticScan(o: SyntheticScanOptions): SyntheticScan {
  const random = createRandom(o.seed, 101);
  const preset = o.preset ?? 'small';
  const geometry = presetGeometry(preset, o.geometry);
  const nframes = o.nframes ?? 3600;
  const U = o.U ?? randomRotation(random);
  const UB = multiplyMat3(U, computeBMatrix(o.cell));
  const noisePx = o.noisePixels ?? 0.07;
  const noiseFr = o.noiseFrames ?? 0.07;
  const missing = o.missing ?? 0.1;
  let spots = predictAllSpots(geometry, UB, o.cell, o.spaceGroup, nframes).filter(
    () => random.uniform() >= missing,
  );
  if (o.maxPeaks !== undefined && spots.length > o.maxPeaks) {
    const keep = o.maxPeaks / spots.length;
    spots = spots.filter(() => random.uniform() < keep);
  }
  const peaks: SyntheticPeak[] = spots.map((s) => ({
    x: s.x + noisePx * random.normal(),
    y: s.y + noisePx * random.normal(),
    frame: s.frame + noiseFr * random.normal(),
    intensity: 100 + 1000 * random.uniform(),
    kind: 'bragg',
    hkl: s.hkl,
  }));
  const nJunk = Math.ceil((o.junkRatio ?? 0.55) * peaks.length);
  const [ny, nx] = geometry.shape;
  const junk: SyntheticPeak[] = [];
  // A second grain: same cell, another orientation.
  const U2 = randomRotation(random);
  const grain = predictAllSpots(
    geometry,
    multiplyMat3(U2, computeBMatrix(o.cell)),
    o.cell,
    o.spaceGroup,
    nframes,
  );
  const nGrain = Math.min(grain.length, Math.round(nJunk * 0.4));
  for (let i = 0; i < nGrain; i++) {
    const s = grain[Math.floor(random.uniform() * grain.length)]!;
    junk.push({ x: s.x, y: s.y, frame: s.frame, intensity: 50 + 300 * random.uniform(), kind: 'grain' });
  }
  // Hot pixels, each reported on a few frames.
  const hot = Array.from({ length: 4 }, () => [
    3 + random.uniform() * (nx - 6),
    3 + random.uniform() * (ny - 6),
  ]);
  const nHot = Math.round(nJunk * 0.15);
  for (let i = 0; i < nHot; i++) {
    const [x, y] = hot[i % hot.length]!;
    junk.push({ x: x!, y: y!, frame: random.uniform() * (nframes - 1), intensity: 1e5, kind: 'hot' });
  }
  // Powder-ring points (aluminium 111 and 200, d = 2.338, 2.025 Å).
  const nRing = Math.round(nJunk * 0.25);
  for (let i = 0; i < nRing; i++) {
    const d = i % 2 ? 2.338 : 2.025;
    const twoTheta = 2 * Math.asin(geometry.wavelength / (2 * d));
    const r = (geometry.distance * Math.tan(twoTheta)) / geometry.pixelSize;
    const psi = 2 * Math.PI * random.uniform();
    const x = geometry.beamCenterX + r * Math.sin(psi);
    const y = geometry.beamCenterY + r * Math.cos(psi);
    if (x < 0 || y < 0 || x > nx - 1 || y > ny - 1) continue;
    junk.push({ x, y, frame: random.uniform() * (nframes - 1), intensity: 80, kind: 'ring' });
  }
  while (junk.length < nJunk) {
    junk.push({
      x: random.uniform() * (nx - 1),
      y: random.uniform() * (ny - 1),
      frame: random.uniform() * (nframes - 1),
      intensity: 60,
      kind: 'random',
    });
  }
  // Shuffle so the junk is not at the end.
  const all = [...peaks, ...junk];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return { geometry, cell: o.cell, U, UB, nframes, peaks: all };
}
