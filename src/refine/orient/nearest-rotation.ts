import { Matrix, SingularValueDecomposition, determinant } from 'ml-matrix';

import type { Mat3 } from '../geometry/models.ts';

/**
 * The rotation matrix nearest to M in the Frobenius norm (orthogonal polar factor, M = R·P):
 * R = W·diag(1, 1, det(W·Vᵀ))·Vᵀ from the SVD M = W·Σ·Vᵀ. Used to turn a least-squares UB·B⁻¹
 * (or an NXRefine orientation matrix that absorbed a non-orthogonal B, spec §4.9) into a proper U.
 */
export function computeNearestRotation(M: Mat3): Mat3 {
  const svd = new SingularValueDecomposition(new Matrix(M.map((r) => [...r])), { autoTranspose: false });
  const W = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  let R = W.mmul(V.transpose());
  if (determinant(R) < 0) {
    const D = Matrix.eye(3, 3);
    D.set(2, 2, -1);
    R = W.mmul(D).mmul(V.transpose());
  }
  return R.to2DArray() as Mat3;
}
