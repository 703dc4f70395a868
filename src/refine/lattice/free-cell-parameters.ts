import type { UnitCell } from '../geometry/models.ts';
import type { LatticeSystem } from '../symmetry/models.ts';

/**
 * The symmetry-independent cell parameters a refinement may vary (NXRefine `define_lattice_parameters`,
 * spec §4.13): cubic a; tetragonal and hexagonal a, c; rhombohedral a, α; orthorhombic a, b, c;
 * monoclinic a, b, c, β; triclinic all six. The others follow from `applyCellConstraints`.
 */
export function listFreeCellParameters(system: LatticeSystem | 'trigonal'): (keyof UnitCell)[] {
  switch (system) {
    case 'cubic':
      return ['a'];
    case 'tetragonal':
    case 'hexagonal':
    case 'trigonal':
      return ['a', 'c'];
    case 'rhombohedral':
      return ['a', 'alpha'];
    case 'orthorhombic':
      return ['a', 'b', 'c'];
    case 'monoclinic':
      return ['a', 'b', 'c', 'beta'];
    default:
      return ['a', 'b', 'c', 'alpha', 'beta', 'gamma'];
  }
}
