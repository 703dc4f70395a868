import type { Mat3, Vec3 } from '../geometry/models.ts';
import { invertMat3, multiplyMat3Vec3 } from '../linalg/mat3.ts';

/** x with A·x = b for a 3×3 A, or undefined if A is singular. */
export function solve3(A: Mat3, b: Vec3): Vec3 | undefined {
  try {
    return multiplyMat3Vec3(invertMat3(A), b);
  } catch {
    return undefined;
  }
}
