import type { UnitCell } from '../geometry/models.ts';
import { computeReciprocalCell, type ReciprocalCellOptions } from './reciprocal-cell.ts';

/**
 * Direct cell (Å, degrees) from a reciprocal cell (Å⁻¹, degrees); `twoPi: true` if the reciprocal
 * lengths carry the factor 2π (NXRefine's a*, b*, c*).
 */
export function computeDirectCell(reciprocal: UnitCell, options: ReciprocalCellOptions = {}): UnitCell {
  const k = options.twoPi ? 2 * Math.PI : 1;
  return computeReciprocalCell({
    ...reciprocal,
    a: reciprocal.a / k,
    b: reciprocal.b / k,
    c: reciprocal.c / k,
  });
}
