import { multiplyMat3 } from '../linalg/mat3.ts';
import { rotationMatrix } from '../linalg/rotation-matrix.ts';
import type { Geometry, Mat3 } from './models.ts';

/**
 * Detector tilt matrix T = R1(roll)·R2(pitch)·R3(yaw) (spec §4.3). T maps an in-plane pixel offset
 * (lab-oriented, untilted) into the lab; NXRefine's `Dmat` is T⁻¹ = Tᵀ.
 */
export function computeTiltMatrix(g: Pick<Geometry, 'yaw' | 'pitch' | 'roll'>): Mat3 {
  return multiplyMat3(rotationMatrix(1, g.roll), rotationMatrix(2, g.pitch), rotationMatrix(3, g.yaw));
}
