import { multiplyMat3 } from '../linalg/mat3.ts';
import { rotationMatrix } from '../linalg/rotation-matrix.ts';
import type { Geometry, Mat3 } from './models.ts';

/**
 * Goniometer matrix G(φ) = R2(θ)·R3(ω)·R1(χ)·R3(φ) (spec §4.4), all angles in degrees:
 * Q_lab = G(φ)·Q_sample. φ is the rotation angle itself (φ = phiStart + phiStep·frame).
 */
export function computeGoniometerMatrix(g: Pick<Geometry, 'theta' | 'omega' | 'chi'>, phiDeg: number): Mat3 {
  return multiplyMat3(
    rotationMatrix(2, g.theta),
    rotationMatrix(3, g.omega),
    rotationMatrix(1, g.chi),
    rotationMatrix(3, phiDeg),
  );
}
