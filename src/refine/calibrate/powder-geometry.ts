/**
 * 2θ and ring positions on the detector for a powder geometry, computed with the app's detector
 * model (src/refine/geometry `computeDetectorFrame`: the same tilted plane as Calculate Angles,
 * Find Peaks and the transform), so a calibration is consistent with everything downstream.
 */
import { NxrError } from '../../shared/errors.ts';
import { computeDetectorFrame, type DetectorFrame } from '../geometry/detector-frame.ts';
import type { Geometry } from '../geometry/models.ts';
import type { PowderGeometry } from './models.ts';

/** The full Geometry of a powder geometry (no goniometer: φ, χ, ω, θ = 0; φ step 0.1). */
export function toGeometry(g: PowderGeometry): Geometry {
  return {
    wavelength: g.wavelength,
    distance: g.distance,
    pixelSize: g.pixelSize,
    shape: [g.shape[0], g.shape[1]],
    beamCenterX: g.beamCenterX,
    beamCenterY: g.beamCenterY,
    yaw: g.yaw,
    pitch: g.pitch,
    roll: g.roll,
    detectorOrientation: g.detectorOrientation,
    phiStart: 0,
    phiStep: 0.1,
    chi: 0,
    omega: 0,
    theta: 0,
  };
}

/** Precomputed detector frame of a powder geometry, for many pixel evaluations. */
export interface PowderFrame {
  geometry: PowderGeometry;
  frame: DetectorFrame;
  /** 2θ of pixel (x, y), radians. */
  twoTheta(x: number, y: number): number;
  /** Azimuth of pixel (x, y) about the beam, radians: atan2(−v_y, v_z) (0 = up, as `computeAzimuthalAngle`). */
  azimuth(x: number, y: number): number;
  /**
   * The pixel (x, y) where the cone 2θ meets the detector at azimuth ψ (radians, the convention of
   * `azimuth`), or undefined when that ray misses the detector plane.
   */
  ringPoint(twoTheta: number, psi: number): { x: number; y: number } | undefined;
}

export function createPowderFrame(g: PowderGeometry): PowderFrame {
  const frame = computeDetectorFrame(toGeometry(g));
  const m = frame.pixelToLab;
  const L = frame.origin[0];
  const { beamCenterX: xc, beamCenterY: yc } = g;
  const n = frame.normal;
  const nDotOrigin = n[0] * L;
  const a = frame.labToPixel;
  const ray = (x: number, y: number): [number, number, number] => {
    const dx = x - xc;
    const dy = y - yc;
    return [m[0][0] * dx + m[0][1] * dy + L, m[1][0] * dx + m[1][1] * dy, m[2][0] * dx + m[2][1] * dy];
  };
  return {
    geometry: g,
    frame,
    twoTheta(x, y) {
      const v = ray(x, y);
      return Math.atan2(Math.hypot(v[1], v[2]), v[0]);
    },
    azimuth(x, y) {
      const v = ray(x, y);
      return Math.atan2(-v[1], v[2]);
    },
    ringPoint(twoTheta, psi) {
      const s = Math.sin(twoTheta);
      const k0 = Math.cos(twoTheta);
      const k1 = -s * Math.sin(psi);
      const k2 = s * Math.cos(psi);
      const kn = n[0] * k0 + n[1] * k1 + n[2] * k2;
      if (Math.abs(kn) < 1e-12) return undefined;
      const t = nDotOrigin / kn;
      if (!(t > 0)) return undefined;
      const p0 = t * k0 - L;
      const p1 = t * k1;
      const p2 = t * k2;
      return {
        x: xc + a[0][0] * p0 + a[0][1] * p1 + a[0][2] * p2,
        y: yc + a[1][0] * p0 + a[1][1] * p1 + a[1][2] * p2,
      };
    },
  };
}

/** Throws NxrError BAD_PARAMETER for a powder geometry with nonsense values. */
export function checkPowderGeometry(g: PowderGeometry): PowderGeometry {
  const bad = (what: string, v: unknown): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `powder geometry: ${what} (got ${String(v)})` });
  };
  for (const k of ['wavelength', 'distance', 'pixelSize'] as const)
    if (!(Number.isFinite(g[k]) && g[k] > 0)) bad(`${k} must be a positive number`, g[k]);
  for (const k of ['beamCenterX', 'beamCenterY', 'yaw', 'pitch', 'roll'] as const)
    if (!Number.isFinite(g[k])) bad(`${k} must be a finite number`, g[k]);
  const [ny, nx] = g.shape ?? [];
  if (!(Number.isInteger(ny) && Number.isInteger(nx) && ny! > 0 && nx! > 0))
    bad('shape must be [ny, nx] positive integers', JSON.stringify(g.shape));
  computeDetectorFrame(toGeometry(g)); // validates the detector orientation
  return g;
}
