import type { Mat3 } from '../geometry/models.ts';
import { multiplyMat3 } from '../linalg/mat3.ts';

/** UB = U·B (1/d units): Q_sample = UB·hkl. */
export function computeUB(U: Mat3, B: Mat3): Mat3 {
  return multiplyMat3(U, B);
}
