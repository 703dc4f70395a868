import { multiplyMat3, transposeMat3 } from '../linalg/mat3.ts';
import { checkGeometry } from './check-geometry.ts';
import { computeTiltMatrix } from './compute-tilt-matrix.ts';
import type { Geometry, Mat3, Vec3 } from './models.ts';
import { parseDetectorOrientation } from './parse-detector-orientation.ts';

/**
 * Everything about the detector that does not depend on φ, precomputed once (spec §4.2–4.6).
 *
 * A pixel (x, y) sits in the lab at `origin + M·(x − xc, y − yc, 0)` with `M = p·T·O⁻¹`
 * (mm, relative to the goniometer centre), i.e. the detector plane passes through
 * `origin = (L, 0, 0)` and has unit normal `normal = T·O⁻¹·ẑ_det`.
 */
export interface DetectorFrame {
  /** Detector orientation O (det = O·lab). */
  O: Mat3;
  /** Tilt matrix T = R1(roll)·R2(pitch)·R3(yaw); NXRefine's Dmat = T⁻¹ = Tᵀ. */
  T: Mat3;
  /** Dmat = T⁻¹. */
  D: Mat3;
  /** Pixel offset → lab matrix M = p·T·O⁻¹ (mm per pixel). */
  pixelToLab: Mat3;
  /** Lab offset from the origin → detector pixels: O·T⁻¹/p (rows 0, 1 give x − xc, y − yc). */
  labToPixel: Mat3;
  /** Detector-plane point hit by the undeflected beam: (L, 0, 0) mm. */
  origin: Vec3;
  /** Unit normal of the tilted plane, T·O⁻¹·ẑ_det (points back towards the sample for '-y +z -x'). */
  normal: Vec3;
  /** Unit normal of the untilted plane, O⁻¹·ẑ_det (NXRefine's `get_xyz` plane). */
  normalUntilted: Vec3;
}

export function computeDetectorFrame(g: Geometry): DetectorFrame {
  checkGeometry(g);
  const O = parseDetectorOrientation(g.detectorOrientation);
  const Oinv = transposeMat3(O);
  const T = computeTiltMatrix(g);
  const D = transposeMat3(T);
  const p = g.pixelSize;
  const TO = multiplyMat3(T, Oinv);
  const pixelToLab = TO.map((r) => r.map((v) => v * p)) as Mat3;
  const labToPixel = multiplyMat3(O, D).map((r) => r.map((v) => v / p)) as Mat3;
  return {
    O,
    T,
    D,
    pixelToLab,
    labToPixel,
    origin: [g.distance, 0, 0],
    normal: [TO[0][2], TO[1][2], TO[2][2]],
    normalUntilted: [Oinv[0][2], Oinv[1][2], Oinv[2][2]],
  };
}
