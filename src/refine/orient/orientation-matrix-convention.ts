import type { Mat3, UnitCell } from '../geometry/models.ts';
import { computeBMatrix } from '../lattice/b-matrix.ts';
import { computeDirectMatrix } from '../lattice/direct-matrix.ts';
import { invertMat3, maxAbsDiffMat3, multiplyMat3 } from '../linalg/mat3.ts';
import { computeNearestRotation } from './nearest-rotation.ts';

/**
 * The `orientation_matrix` to store in an NXRefine file for orientation U (a rotation, Busing–Levy
 * B): U·B·A with A = NXRefine's `Bimat` (spec §4.9), so that NXRefine and CCTW, which compute
 * UB = orientation_matrix·A⁻¹, get exactly our UB. For orthogonal cells B·A = I and the stored
 * matrix is U itself; for hexagonal, monoclinic and triclinic cells it is not a rotation (as the
 * matrices NXRefine's own FFT orientation stores, `Umat = UB·Bimat`).
 */
export function toNxRefineOrientationMatrix(U: Mat3, cell: UnitCell): Mat3 {
  return multiplyMat3(U, computeBMatrix(cell), computeDirectMatrix(cell));
}

export interface OrientationFromFile {
  /** UB = orientation_matrix·A⁻¹ (how NXRefine uses it), 1/d units. */
  UB: Mat3;
  /** The rotation nearest UB·B⁻¹ (Busing–Levy B): our U. */
  U: Mat3;
  /** Largest element of UB − U·B relative to the largest element of UB (0 for a consistent file). */
  mismatch: number;
}

/**
 * Read an NXRefine `orientation_matrix` for a cell: UB as NXRefine computes it, and the rotation U
 * that with the correct B reproduces it. A U written by NXRefine's Busing–Levy path for a
 * non-orthogonal cell (built with its inconsistent B) shows up as a mismatch of order the B error;
 * the subsequent refinement absorbs it.
 */
export function fromNxRefineOrientationMatrix(matrix: Mat3, cell: UnitCell): OrientationFromFile {
  const UB = multiplyMat3(matrix, invertMat3(computeDirectMatrix(cell)));
  const B = computeBMatrix(cell);
  const U = computeNearestRotation(multiplyMat3(UB, invertMat3(B)));
  const scale = Math.max(...UB.flat().map(Math.abs));
  return { UB, U, mismatch: maxAbsDiffMat3(multiplyMat3(U, B), UB) / scale };
}
