/**
 * The synthetic peak set of the refinement benches (bench/refine-lattice.ts,
 * bench/refine-peak-table.ts): a triclinic crystal seen by the pilatus2m geometry (1475 × 1679 px,
 * 650 mm, λ = 0.2 Å, a full turn in 0.1° frames, χ = 1.5°, ω = −0.75°, θ = 0.2°), about `wanted`
 * true peaks out to 2θ = 17° with 0.07 px / 0.07 frame centroid noise, plus half as many junk
 * peaks spread uniformly over the scan.
 */
import { rotationFromVector } from '../src/refine/fit/lattice-parameters.ts';
import type { ObservedPeak } from '../src/refine/fit/models.ts';
import type { Geometry, Mat3, UnitCell } from '../src/refine/geometry/models.ts';
import { predictReflection } from '../src/refine/geometry/predict-reflection.ts';
import { computeBMatrix } from '../src/refine/lattice/b-matrix.ts';
import { multiplyMat3, multiplyMat3Vec3 } from '../src/refine/linalg/mat3.ts';
import { PRESETS } from '../src/refine/simulate/presets.ts';
import { createRandom } from '../src/refine/simulate/random.ts';

export interface TriclinicPeakSet {
  geometry: Geometry;
  cell: UnitCell;
  U: Mat3;
  B: Mat3;
  UB: Mat3;
  /** True peaks first (`nTrue`), then the junk. */
  peaks: ObservedPeak[];
  nTrue: number;
  /** Reflections on the detector the true peaks were drawn from. */
  reflections: number;
}

export function triclinicPeakSet(options: {
  wanted: number;
  /** Stream of the seeded random generator (each bench its own). */
  stream: number;
  /** Detector tilts, degrees. @default the pilatus2m preset's */
  tilts?: { yaw: number; pitch: number; roll: number };
  /** Intensity given to the noisy true peaks (none when omitted). */
  intensity?: number;
}): TriclinicPeakSet {
  const p = PRESETS.pilatus2m;
  const tilts = options.tilts ?? { yaw: p.yaw, pitch: p.pitch, roll: p.roll };
  const geometry: Geometry = {
    wavelength: p.wavelength,
    distance: p.distance,
    pixelSize: p.pixelSize,
    shape: [...p.shape],
    beamCenterX: p.beamCenterX,
    beamCenterY: p.beamCenterY,
    ...tilts,
    detectorOrientation: '-y +z -x',
    phiStart: p.phiStart,
    phiStep: p.phiStep,
    chi: 1.5,
    omega: -0.75,
    theta: 0.2,
  };
  const cell: UnitCell = { a: 6.4, b: 7.5, c: 8.8, alpha: 82, beta: 97, gamma: 104 };
  const rnd = createRandom(2026, options.stream);
  const U = rotationFromVector([40, -25, 70]);
  const B = computeBMatrix(cell);
  const UB = multiplyMat3(U, B);
  const nframes = 3600;
  const [ny, nx] = geometry.shape;
  const spots: ObservedPeak[] = [];
  const qmax = (2 * Math.sin((8.5 * Math.PI) / 180)) / geometry.wavelength;
  const hmax = Math.ceil(qmax * 9);
  for (let h = -hmax; h <= hmax; h++)
    for (let k = -hmax; k <= hmax; k++)
      for (let l = -hmax; l <= hmax; l++) {
        if ((h === 0 && k === 0 && l === 0) || Math.hypot(...multiplyMat3Vec3(UB, [h, k, l])) > qmax)
          continue;
        for (const s of predictReflection(geometry, UB, [h, k, l], {
          frameRange: [1, nframes - 2],
          onDetectorOnly: true,
        }))
          spots.push({ x: s.x, y: s.y, frame: s.frame, intensity: 100 });
      }
  const keep = Math.min(1, options.wanted / spots.length);
  const peaks: ObservedPeak[] = spots
    .filter(() => rnd.uniform() < keep)
    .map((s) => ({
      x: s.x + 0.07 * rnd.normal(),
      y: s.y + 0.07 * rnd.normal(),
      frame: s.frame + 0.07 * rnd.normal(),
      ...(options.intensity !== undefined ? { intensity: options.intensity } : {}),
    }));
  const nTrue = peaks.length;
  for (let i = 0, n = Math.ceil(nTrue / 2); i < n; i++)
    peaks.push({
      x: rnd.uniform() * (nx - 1),
      y: rnd.uniform() * (ny - 1),
      frame: rnd.uniform() * (nframes - 1),
    });
  return { geometry, cell, U, B, UB, peaks, nTrue, reflections: spots.length };
}
