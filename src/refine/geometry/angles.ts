import { multiplyMat3Vec3, radToDeg, transposeMat3 } from '../linalg/mat3.ts';
import { computeDetectorFrame } from './detector-frame.ts';
import { computeGoniometerMatrix } from './goniometer.ts';
import type { Geometry, Vec3 } from './models.ts';

export interface PixelAngleOptions {
  /**
   * 'exact': the true scattering geometry — the ray from the sample to the pixel on the tilted
   * detector (with the sample offset at `frame`). 'nxrefine': NXRefine `calculate_angles`
   * (spec §4.7), which ignores tilts and sample offset: polar = atan(p·r/L).
   * Both agree exactly for an untilted detector and zero sample offset.
   * @default 'exact'
   */
  convention?: 'exact' | 'nxrefine';
  /** Frame used for the sample offset in 'exact' mode. @default 0 */
  frame?: number;
}

/** Sample → pixel vector (mm, lab frame) for the chosen convention. */
function scatteredRay(g: Geometry, x: number, y: number, options: PixelAngleOptions): Vec3 {
  const f = computeDetectorFrame(g);
  const offset: Vec3 = [x - g.beamCenterX, y - g.beamCenterY, 0];
  if (options.convention === 'nxrefine') {
    // Untilted plane, no sample offset: v = (L, 0, 0) + p·O⁻¹·(x − xc, y − yc, 0).
    const w = multiplyMat3Vec3(transposeMat3(f.O), offset);
    const p = g.pixelSize;
    return [f.origin[0] + w[0] * p, w[1] * p, w[2] * p];
  }
  const w = multiplyMat3Vec3(f.pixelToLab, offset);
  let v: Vec3 = [w[0] + f.origin[0], w[1], w[2]];
  if (f.hasSampleOffset) {
    const s = multiplyMat3Vec3(
      computeGoniometerMatrix(g, g.phiStart + g.phiStep * (options.frame ?? 0)),
      g.sampleOffset!,
    );
    v = [v[0] - s[0], v[1] - s[1], v[2] - s[2]];
  }
  return v;
}

/**
 * Polar (scattering, 2θ) angle of pixel (x, y), degrees, in [0, 180].
 * 'nxrefine' convention: atan(p·√((x−xc)² + (y−yc)²)/L) exactly as NXRefine writes
 * `peaks/polar_angle`.
 */
export function computePolarAngle(
  g: Geometry,
  x: number,
  y: number,
  options: PixelAngleOptions = {},
): number {
  if (options.convention === 'nxrefine') {
    computeDetectorFrame(g); // validates g
    return radToDeg(Math.atan((g.pixelSize * Math.hypot(x - g.beamCenterX, y - g.beamCenterY)) / g.distance));
  }
  const v = scatteredRay(g, x, y, options);
  return radToDeg(Math.atan2(Math.hypot(v[1], v[2]), v[0]));
}

/**
 * Azimuthal angle of pixel (x, y) about the beam, degrees in (−180, 180]: atan2(−v_y, v_z) of the
 * lab ray v, so 0° points up (+z_lab) and +90° towards −y_lab. For O = '-y +z -x' and no tilt this is
 * NXRefine's atan2(x − xc, y − yc): 0° along increasing row, +90° along increasing column.
 */
export function computeAzimuthalAngle(
  g: Geometry,
  x: number,
  y: number,
  options: PixelAngleOptions = {},
): number {
  const v = scatteredRay(g, x, y, options);
  const a = radToDeg(Math.atan2(-v[1], v[2]));
  return a === -180 ? 180 : a;
}
