import type { UnitCell } from '../geometry/models.ts';
import { degToRad, radToDeg } from '../linalg/mat3.ts';
import { computeCellVolume } from './cell-volume.ts';

export interface ReciprocalCellOptions {
  /**
   * Multiply the reciprocal lengths by 2π (NXRefine's `astar`, `bstar`, `cstar`,
   * `reciprocal_lattice_parameters`, the transform axes' `scaling_factor`).
   * @default false (1/d units: a* = 1/d₁₀₀ for orthogonal cells)
   */
  twoPi?: boolean;
}

/**
 * Reciprocal cell (a*, b*, c* in Å⁻¹; α*, β*, γ* in degrees) of a direct cell.
 * a* = bc·sinα/V, cos α* = (cosβ cosγ − cosα)/(sinβ sinγ), and cyclically.
 * In 1/d units the map is an involution: the reciprocal of the reciprocal cell is the direct cell
 * (`computeDirectCell` undoes the 2π version).
 */
export function computeReciprocalCell(cell: UnitCell, options: ReciprocalCellOptions = {}): UnitCell {
  const V = computeCellVolume(cell);
  const [sa, sb, sg] = [cell.alpha, cell.beta, cell.gamma].map((v) => Math.sin(degToRad(v))) as [
    number,
    number,
    number,
  ];
  const [ca, cb, cg] = [cell.alpha, cell.beta, cell.gamma].map((v) => Math.cos(degToRad(v))) as [
    number,
    number,
    number,
  ];
  const k = options.twoPi ? 2 * Math.PI : 1;
  const angle = (cosValue: number): number => radToDeg(Math.acos(Math.min(1, Math.max(-1, cosValue))));
  return {
    a: (k * cell.b * cell.c * sa) / V,
    b: (k * cell.c * cell.a * sb) / V,
    c: (k * cell.a * cell.b * sg) / V,
    alpha: angle((cb * cg - ca) / (sb * sg)),
    beta: angle((cg * ca - cb) / (sg * sa)),
    gamma: angle((ca * cb - cg) / (sa * sb)),
  };
}
