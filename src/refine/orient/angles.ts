import type { Mat3, Vec3 } from '../geometry/models.ts';
import { angleBetweenVectors, multiplyMat3Vec3 } from '../linalg/mat3.ts';

/** Angle between two scattering vectors (e.g. the Q_sample of two peaks), degrees (NXRefine `angle_peaks`, unrounded). */
export function computePeakAngle(q1: Vec3, q2: Vec3): number {
  return angleBetweenVectors(q1, q2);
}

/**
 * Angle between the reciprocal-lattice vectors of two reflections, degrees: the angle between B·h1
 * and B·h2 for the correct B (NXRefine `angle_hkls`, which gets the same value through its row
 * convention, unrounded).
 */
export function computeHklAngle(B: Mat3, h1: Vec3, h2: Vec3): number {
  return angleBetweenVectors(multiplyMat3Vec3(B, h1), multiplyMat3Vec3(B, h2));
}
