import { NxrError } from '../../shared/errors.ts';
import type { Mat3, UnitCell } from '../geometry/models.ts';
import { degToRad, invertMat3 } from '../linalg/mat3.ts';
import { computeDirectMatrix } from './direct-matrix.ts';
import { computeReciprocalCell } from './reciprocal-cell.ts';

export interface BMatrixOptions {
  /**
   * 'busing-levy': the crystallographic B of Busing & Levy (1967) eq. 3, reciprocal basis vectors
   * as columns with a* ∥ x and c ⊥ (x, y): |B·h| = 1/d and Bᵀ·B = G* for every cell.
   * 'nxrefine': NXRefine's `Bmat = inv(Bimat)` (spec §4.9), correct only when the cell is
   * orthogonal (for hexagonal, monoclinic, triclinic cells |Bmat·h| ≠ 1/d); use it only to
   * reproduce UB matrices read from, or written for, NXRefine.
   * @default 'busing-levy'
   */
  convention?: 'busing-levy' | 'nxrefine';
}

/** B matrix of a cell in 1/d units (Å⁻¹, no 2π): Q_crystal = B·hkl. Orthogonal cells: diag(1/a, 1/b, 1/c) in both conventions. */
export function computeBMatrix(cell: UnitCell, options: BMatrixOptions = {}): Mat3 {
  if (options.convention === 'nxrefine') return invertMat3(computeDirectMatrix(cell));
  if (options.convention !== undefined && options.convention !== 'busing-levy')
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `computeBMatrix: unknown convention '${String(options.convention)}'`,
    });
  const r = computeReciprocalCell(cell);
  const cb = Math.cos(degToRad(r.beta));
  const sb = Math.sin(degToRad(r.beta));
  const cg = Math.cos(degToRad(r.gamma));
  const sg = Math.sin(degToRad(r.gamma));
  const ca = Math.cos(degToRad(cell.alpha));
  return [
    [r.a, r.b * cg, r.c * cb],
    [0, r.b * sg, -r.c * sb * ca],
    [0, 0, 1 / cell.c],
  ];
}
