import type { Mat3, Vec3 } from '../geometry/models.ts';

/** GEMMI's crystal systems (lower case), as NXRefine stores them in `sample/unit_cell_group`. */
export type CrystalSystem =
  'triclinic' | 'monoclinic' | 'orthorhombic' | 'tetragonal' | 'trigonal' | 'hexagonal' | 'cubic';

/**
 * Lattice system that fixes the cell constraints (NXRefine `set_symmetry`, spec §4.9): the
 * crystal system, except that trigonal groups are 'hexagonal' in the hexagonal (H) setting and
 * 'rhombohedral' (a = b = c, α = β = γ) in the rhombohedral (R) setting.
 */
export type LatticeSystem =
  'triclinic' | 'monoclinic' | 'orthorhombic' | 'tetragonal' | 'rhombohedral' | 'hexagonal' | 'cubic';

/** NXRefine's 11 Laue group names. */
export type LaueGroup =
  '-1' | '2/m' | 'mmm' | '4/m' | '4/mmm' | '-3' | '-3m' | '6/m' | '6/mmm' | 'm-3' | 'm-3m';

/** NXRefine's lattice centring letters. */
export type Centring = 'P' | 'A' | 'B' | 'C' | 'I' | 'F' | 'R';

/** A symmetry operation x' = R·x + t (fractional coordinates). */
export interface SymmetryOperation {
  /** Coordinate triplet, e.g. '-x,y+1/2,-z+1/2'. */
  triplet: string;
  /** Rotation part R (integers, rows). */
  rotation: Mat3;
  /** Translation t in 24ths of a lattice vector (integers in [0, 24)), exact. */
  translation24: Vec3;
}

/** One setting of one of the 230 space groups, from GEMMI's table (see space-group-table.ts). */
export interface SpaceGroup {
  /** International Tables number, 1–230. */
  number: number;
  /** CCP4 number (≥ 1000 for some non-standard settings; 0 if none). */
  ccp4: number;
  /** Full Hermann–Mauguin symbol, e.g. 'P 1 21/c 1'. */
  hm: string;
  /** Setting extension: '' or '1'/'2' (origin choice) or 'H'/'R' (hexagonal/rhombohedral axes). */
  ext: string;
  /** hm plus ':ext' when there is one, e.g. 'R -3 m:H' (NXRefine's `space_group`). */
  xhm: string;
  /** GEMMI's setting qualifier for monoclinic/orthorhombic settings, e.g. 'b1', 'cab'. */
  qualifier: string;
  /** Hall symbol. */
  hall: string;
  /** GEMMI short name, e.g. 'P21/c', 'Fm-3m'. */
  shortName: string;
  crystalSystem: CrystalSystem;
  latticeSystem: LatticeSystem;
  laueGroup: LaueGroup;
  /** Point group, Hermann–Mauguin. */
  pointGroup: string;
  /** First letter of the symbol (NXRefine's `centring`; 'R' for both R settings). */
  centring: Centring;
  /** GEMMI's centring type of the setting's lattice ('P' for rhombohedral axes). */
  centringType: Centring;
  /** Is this the reference (standard) setting of its number? */
  isReferenceSetting: boolean;
  /** Change of basis to the reference setting (GEMMI `basisop`), as a triplet. */
  basisOp: string;
  /** Contains the inversion (with some translation)? */
  centrosymmetric: boolean;
  /** Symmetry operations without the centring translations (the first is the identity). */
  operations: readonly SymmetryOperation[];
  /** Centring translations in 24ths (the first is 0,0,0). */
  centringVectors24: readonly Vec3[];
  /** Row in GEMMI's table (stable within one generated table). */
  tableIndex: number;
}
