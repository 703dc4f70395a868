import type { Mat3, UnitCell } from '../geometry/models.ts';
import { angleBetweenVectors, invertMat3, norm3 } from '../linalg/mat3.ts';

/** Cell parameters (Å, degrees) of real-space basis vectors given as the rows of `basis`. */
export function cellOfBasis(basis: Mat3): UnitCell {
  const [a, b, c] = basis;
  return {
    a: norm3(a),
    b: norm3(b),
    c: norm3(c),
    alpha: angleBetweenVectors(b, c),
    beta: angleBetweenVectors(a, c),
    gamma: angleBetweenVectors(a, b),
  };
}

/** Cell parameters of the lattice of a UB (q = UB·hkl, 1/d units): the rows of UB⁻¹ are a, b, c. */
export function cellOfUB(UB: Mat3): UnitCell {
  return cellOfBasis(invertMat3(UB));
}
