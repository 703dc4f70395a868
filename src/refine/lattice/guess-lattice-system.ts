import type { UnitCell } from '../geometry/models.ts';
import type { LatticeSystem } from '../symmetry/models.ts';

export interface GuessLatticeSystemOptions {
  /** Relative tolerance for equal lengths and angles (NXRefine: np.isclose, rtol 1e-5). @default 1e-5 */
  tolerance?: number;
}

/**
 * The highest-symmetry lattice system whose constraints the cell satisfies (NXRefine
 * `guess_symmetry`, spec §4.9). Unlike NXRefine, a cell with a = b = c and α = β = γ ≠ 90° is
 * 'rhombohedral' (NXRefine says 'triclinic'); γ = 120° with a ≠ b stays 'triclinic' as in NXRefine.
 */
export function guessLatticeSystem(cell: UnitCell, options: GuessLatticeSystemOptions = {}): LatticeSystem {
  const rtol = options.tolerance ?? 1e-5;
  const close = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-8 + rtol * Math.abs(y);
  const { a, b, c, alpha, beta, gamma } = cell;
  if (close(alpha, 90) && close(beta, 90)) {
    if (close(gamma, 90)) {
      if (close(a, b) && close(a, c)) return 'cubic';
      return close(a, b) ? 'tetragonal' : 'orthorhombic';
    }
    if (close(gamma, 120)) return close(a, b) ? 'hexagonal' : 'triclinic';
  }
  if (close(alpha, 90) && close(gamma, 90)) return 'monoclinic';
  if (close(a, b) && close(a, c) && close(alpha, beta) && close(alpha, gamma)) return 'rhombohedral';
  return 'triclinic';
}
