import type { Mat3, UnitCell } from '../geometry/models.ts';
import { degToRad } from '../linalg/mat3.ts';
import { checkCell } from './check-cell.ts';

/**
 * NXRefine's `Bimat` A (spec §4.9): columns are the real-space vectors a, b, c (Å) with a ∥ x and
 * b in the xy plane:
 * A = [[a, b cosγ, c cosβ], [0, b sinγ, c(cosα − cosβ cosγ)/sinγ], [0, 0, B33]].
 */
export function computeDirectMatrix(cell: UnitCell): Mat3 {
  checkCell(cell);
  const ca = Math.cos(degToRad(cell.alpha));
  const cb = Math.cos(degToRad(cell.beta));
  const cg = Math.cos(degToRad(cell.gamma));
  const sg = Math.sin(degToRad(cell.gamma));
  const b23 = (cell.c * (ca - cb * cg)) / sg;
  const b33 = Math.sqrt(cell.c * cell.c - (cell.c * cb) ** 2 - b23 * b23);
  return [
    [cell.a, cell.b * cg, cell.c * cb],
    [0, cell.b * sg, b23],
    [0, 0, b33],
  ];
}
