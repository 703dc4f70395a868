import type { Mat3 } from '../geometry/models.ts';
import { radToDeg } from '../linalg/mat3.ts';

/**
 * Rotation angle of a rotation matrix R, degrees in [0, 180]: the angle θ with tr R = 1 + 2 cos θ,
 * computed from the skew part as well (atan2) so small angles are accurate.
 */
export function computeRotationAngle(R: Mat3): number {
  const c = (R[0][0] + R[1][1] + R[2][2] - 1) / 2;
  const sx = (R[2][1] - R[1][2]) / 2;
  const sy = (R[0][2] - R[2][0]) / 2;
  const sz = (R[1][0] - R[0][1]) / 2;
  return radToDeg(Math.atan2(Math.hypot(sx, sy, sz), c));
}

/** Angle of the rotation taking orientation U1 to U2 (U2·U1ᵀ), degrees. */
export function computeMisorientation(U1: Mat3, U2: Mat3): number {
  const R: number[][] = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => U2[i]![0] * U1[j]![0] + U2[i]![1] * U1[j]![1] + U2[i]![2] * U1[j]![2]),
  );
  return computeRotationAngle(R as Mat3);
}
