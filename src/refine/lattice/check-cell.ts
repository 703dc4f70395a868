import { NxrError } from '../../shared/errors.ts';
import type { UnitCell } from '../geometry/models.ts';
import { degToRad } from '../linalg/mat3.ts';

/**
 * Throws NxrError BAD_PARAMETER unless the cell has positive finite lengths and angles in (0°, 180°)
 * that form a real parallelepiped (positive volume). Returns the cell unchanged.
 */
export function checkCell(cell: UnitCell): UnitCell {
  const fail = (why: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `unit cell ${formatCell(cell)}: ${why}` });
  };
  for (const key of ['a', 'b', 'c'] as const)
    if (!(Number.isFinite(cell[key]) && cell[key] > 0)) fail(`${key} must be a positive length in Å`);
  for (const key of ['alpha', 'beta', 'gamma'] as const)
    if (!(Number.isFinite(cell[key]) && cell[key] > 0 && cell[key] < 180))
      fail(`${key} must be an angle in degrees between 0 and 180`);
  const [ca, cb, cg] = [cell.alpha, cell.beta, cell.gamma].map((v) => Math.cos(degToRad(v))) as [
    number,
    number,
    number,
  ];
  if (!(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg > 1e-12))
    fail('the angles do not form a cell (zero or imaginary volume)');
  return cell;
}

function formatCell(c: UnitCell): string {
  return `(a=${c?.a}, b=${c?.b}, c=${c?.c}, α=${c?.alpha}, β=${c?.beta}, γ=${c?.gamma})`;
}
