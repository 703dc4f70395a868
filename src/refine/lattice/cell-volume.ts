import type { UnitCell } from '../geometry/models.ts';
import { degToRad } from '../linalg/mat3.ts';
import { checkCell } from './check-cell.ts';

/** Cell volume V = abc·√(1 − cos²α − cos²β − cos²γ + 2 cosα cosβ cosγ), Å³. */
export function computeCellVolume(cell: UnitCell): number {
  checkCell(cell);
  const ca = Math.cos(degToRad(cell.alpha));
  const cb = Math.cos(degToRad(cell.beta));
  const cg = Math.cos(degToRad(cell.gamma));
  return cell.a * cell.b * cell.c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
}
