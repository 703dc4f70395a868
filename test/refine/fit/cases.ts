/** Crystal systems × centrings used by the indexing and refinement tests (cells in the group's setting). */
import type { UnitCell } from '../../../src/refine/geometry/models.ts';

export interface LatticeCase {
  spaceGroup: string;
  cell: UnitCell;
}

const cell = (a: number, b: number, c: number, alpha: number, beta: number, gamma: number): UnitCell => ({
  a,
  b,
  c,
  alpha,
  beta,
  gamma,
});

/** All seven crystal systems, primitive and centred, monoclinic β ≠ 90°, both rhombohedral settings. */
export const LATTICE_CASES: LatticeCase[] = [
  { spaceGroup: 'F m -3 m', cell: cell(5.43, 5.43, 5.43, 90, 90, 90) },
  { spaceGroup: 'P m -3 m', cell: cell(4.0, 4.0, 4.0, 90, 90, 90) },
  { spaceGroup: 'I 4/m m m', cell: cell(3.9, 3.9, 12.7, 90, 90, 90) },
  { spaceGroup: 'P 4/m m m', cell: cell(4.2, 4.2, 6.1, 90, 90, 90) },
  { spaceGroup: 'C m c m', cell: cell(3.8, 11.2, 4.9, 90, 90, 90) },
  { spaceGroup: 'P m m m', cell: cell(3.82, 3.89, 11.68, 90, 90, 90) },
  { spaceGroup: 'P 63/m m c', cell: cell(3.95, 3.95, 6.4, 90, 90, 120) },
  { spaceGroup: 'R -3 m:H', cell: cell(4.9, 4.9, 13.0, 90, 90, 120) },
  { spaceGroup: 'R -3 m:R', cell: cell(5.2, 5.2, 5.2, 56, 56, 56) },
  { spaceGroup: 'C 1 2/m 1', cell: cell(8.0, 6.0, 7.0, 90, 105, 90) },
  { spaceGroup: 'P 1 21/c 1', cell: cell(5.1, 6.3, 7.4, 90, 98, 90) },
  { spaceGroup: 'P -1', cell: cell(4.3, 5.6, 6.9, 82, 97, 104) },
];
