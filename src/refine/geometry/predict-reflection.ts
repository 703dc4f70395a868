import { NxrError } from '../../shared/errors.ts';
import { multiplyMat3, multiplyMat3Vec3, radToDeg } from '../linalg/mat3.ts';
import { rotationMatrix } from '../linalg/rotation-matrix.ts';
import { computeDetectorFrame } from './detector-frame.ts';
import type { Geometry, Mat3, Vec3 } from './models.ts';
import { projectToDetector, type ProjectToDetectorOptions } from './project-to-detector.ts';

export interface PredictedSpot {
  /** Detector column and row, px (pixel index = pixel centre). */
  x: number;
  y: number;
  /** Fractional frame index, φ = phiStart + phiStep·frame. */
  frame: number;
  /** Rotation angle of the crossing, degrees, consistent with `frame` (= phiStart + phiStep·frame). */
  phi: number;
}

export interface PredictReflectionOptions extends ProjectToDetectorOptions {
  /**
   * Frame window [first, last] (fractional, inclusive) to unwrap into. Each Ewald crossing repeats
   * every N = 360/|phiStep| frames; every copy inside the window is returned (none if no copy falls
   * in it; two or more if the window spans more than one turn).
   * Without it, each crossing is returned once with its frame in [0, N), i.e. φ within one turn
   * starting at phiStart in the scan direction.
   * (NXRefine's hard-coded rule is this with N = 3600 and window [25, 3625).)
   */
  frameRange?: [number, number];
  /** Keep only spots whose centre lies on the detector: −½ ≤ x < nx − ½, −½ ≤ y < ny − ½. @default false */
  onDetectorOnly?: boolean;
}

/**
 * Where reflection `hkl` crosses the Ewald sphere during the rotation and where it lands on the
 * detector (spec §4.8, NXRefine `get_xyz`, solved analytically instead of 24 fsolve starts).
 *
 * With q = UB·hkl (1/d units) and G(φ) = M·R3(φ), the Ewald condition |G(φ)q + k_i| = 1/λ is
 * (G(φ)q)ₓ = −λ|q|²/2, i.e. A cos φ + B sin φ = D with A, B, D from M and q: zero, one (tangent)
 * or two solutions per turn, found in closed form. Each crossing is projected with
 * `projectToDetector` (exact tilted plane by default); crossings whose ray misses the detector
 * plane (runs away from it) are dropped. Sorted by frame.
 */
export function predictReflection(
  g: Geometry,
  UB: Mat3,
  hkl: Vec3,
  options: PredictReflectionOptions = {},
): PredictedSpot[] {
  const frame = computeDetectorFrame(g);
  const q = multiplyMat3Vec3(UB, hkl);
  const q2 = q[0] * q[0] + q[1] * q[1] + q[2] * q[2];
  if (!(q2 > 0)) return [];
  const M = multiplyMat3(rotationMatrix(2, g.theta), rotationMatrix(3, g.omega), rotationMatrix(1, g.chi));
  const [m0, m1, m2] = M[0];
  const A = m0 * q[0] + m1 * q[1];
  const B = m1 * q[0] - m0 * q[1];
  const D = (-g.wavelength * q2) / 2 - m2 * q[2];
  const R = Math.hypot(A, B);
  const qlen = Math.sqrt(q2);
  if (R <= 1e-14 * qlen) return []; // q along the rotation axis: never (or always) in reflection
  const c = D / R;
  if (Math.abs(c) > 1 + 1e-12) return [];
  const alpha = Math.atan2(B, A);
  const delta = Math.acos(Math.min(1, Math.max(-1, c)));
  const phis = delta < 1e-9 ? [alpha] : [alpha - delta, alpha + delta];

  const perTurn = 360 / Math.abs(g.phiStep);
  const spots: PredictedSpot[] = [];
  for (const phiRad of phis) {
    const phi = radToDeg(phiRad);
    const xy = projectToDetector(g, q, phi, options, frame);
    if (!xy) continue;
    const z0 = mod((phi - g.phiStart) / g.phiStep, perTurn);
    for (const z of unwrapFrames(z0, perTurn, options.frameRange)) {
      spots.push({ x: xy.x, y: xy.y, frame: z, phi: g.phiStart + g.phiStep * z });
    }
  }
  const [ny, nx] = g.shape;
  return spots
    .filter(
      (s) => !options.onDetectorOnly || (s.x >= -0.5 && s.x < nx - 0.5 && s.y >= -0.5 && s.y < ny - 0.5),
    )
    .sort((a, b) => a.frame - b.frame);
}

function mod(a: number, n: number): number {
  const r = a - n * Math.floor(a / n);
  return r >= n ? 0 : r;
}

function unwrapFrames(z0: number, perTurn: number, range: [number, number] | undefined): number[] {
  if (!range) return [z0];
  const [first, last] = range;
  if (!(Number.isFinite(first) && Number.isFinite(last) && first <= last))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `predictReflection: frameRange must be [first, last] with first ≤ last (got ${JSON.stringify(range)})`,
    });
  const out: number[] = [];
  for (let z = z0 + perTurn * Math.ceil((first - z0) / perTurn); z <= last; z += perTurn) out.push(z);
  return out;
}
