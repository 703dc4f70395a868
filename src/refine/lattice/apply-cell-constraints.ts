import { NxrError } from '../../shared/errors.ts';
import type { UnitCell } from '../geometry/models.ts';
import type { LatticeSystem } from '../symmetry/models.ts';

/**
 * Impose the constraints of a lattice system on a cell (NXRefine `set_symmetry`, spec §4.9),
 * returning a new cell: cubic b = c = a, α = β = γ = 90; tetragonal b = a, angles 90; orthorhombic
 * angles 90; hexagonal b = a, α = β = 90, γ = 120; rhombohedral b = c = a, β = γ = α; monoclinic
 * α = γ = 90 (b unique); triclinic none.
 *
 * Also accepts GEMMI's crystal-system name 'trigonal', treated as 'hexagonal' (hexagonal axes, as
 * NXRefine assumes); pass a space group's `latticeSystem` to get 'rhombohedral' for R settings.
 * @throws NxrError BAD_PARAMETER for an unknown name.
 */
export function applyCellConstraints(cell: UnitCell, system: LatticeSystem | 'trigonal'): UnitCell {
  const { a, alpha } = cell;
  switch (system) {
    case 'cubic':
      return { a, b: a, c: a, alpha: 90, beta: 90, gamma: 90 };
    case 'tetragonal':
      return { a, b: a, c: cell.c, alpha: 90, beta: 90, gamma: 90 };
    case 'orthorhombic':
      return { ...cell, alpha: 90, beta: 90, gamma: 90 };
    case 'hexagonal':
    case 'trigonal':
      return { a, b: a, c: cell.c, alpha: 90, beta: 90, gamma: 120 };
    case 'rhombohedral':
      return { a, b: a, c: a, alpha, beta: alpha, gamma: alpha };
    case 'monoclinic':
      return { ...cell, alpha: 90, gamma: 90 };
    case 'triclinic':
      return { ...cell };
    default:
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `unknown crystal symmetry '${String(system)}' (expected cubic, tetragonal, orthorhombic, hexagonal, trigonal, rhombohedral, monoclinic or triclinic)`,
      });
  }
}
