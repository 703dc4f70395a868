import type { Mat3, UnitCell } from '../geometry/models.ts';
import { degToRad } from '../linalg/mat3.ts';
import { checkCell } from './check-cell.ts';

/**
 * Direct metric tensor G (Å²): G = [[a², ab cosγ, ac cosβ], [ab cosγ, b², bc cosα], [ac cosβ, bc cosα, c²]].
 * Pass the reciprocal cell to get G* (or use `computeReciprocalMetricTensor`).
 */
export function computeMetricTensor(cell: UnitCell): Mat3 {
  checkCell(cell);
  const { a, b, c } = cell;
  const ca = Math.cos(degToRad(cell.alpha));
  const cb = Math.cos(degToRad(cell.beta));
  const cg = Math.cos(degToRad(cell.gamma));
  return [
    [a * a, a * b * cg, a * c * cb],
    [a * b * cg, b * b, b * c * ca],
    [a * c * cb, b * c * ca, c * c],
  ];
}
