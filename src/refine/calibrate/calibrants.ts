/**
 * The powder calibrants the app knows (a subset of pyFAI's list, spec §7), described by their cell
 * and space group so that the d-spacings are computed, not copied (`computeCalibrantLines`).
 * Cells are those of pyFAI's calibrant files (pyFAI 0.21.3), i.e. of the NIST certificates where
 * there is one; test/refine/calibrate compares the lines with pyFAI's files
 * (test/refine/fixtures/pyfai-calibration.json, made by scripts/gen-calibration-fixtures.py).
 */
import { NxrError } from '../../shared/errors.ts';
import type { UnitCell } from '../geometry/models.ts';

export interface CrystalCalibrant {
  kind: 'crystal';
  /** pyFAI's name, e.g. 'CeO2', 'alpha_Al2O3'. */
  name: string;
  description: string;
  cell: UnitCell;
  /** Space group symbol (src/refine/symmetry `findSpaceGroup`). */
  spaceGroup: string;
  /**
   * Extinctions of the structure beyond the space group's: 'diamond' = atoms only on the 8a site
   * of Fd-3m, so reflections with h, k, l all even and h + k + l ≠ 4n vanish (Si (222), (442) …).
   */
  siteCondition?: 'diamond';
  reference: string;
}

export interface LamellarCalibrant {
  kind: 'lamellar';
  name: string;
  description: string;
  /** Long spacing d(001), Å; the lines are d(001)/n. */
  d001: number;
  /** Orders n = 1 … maxOrder. */
  maxOrder: number;
  reference: string;
}

export type Calibrant = CrystalCalibrant | LamellarCalibrant;

const cubic = (a: number): UnitCell => ({ a, b: a, c: a, alpha: 90, beta: 90, gamma: 90 });
const hexagonal = (a: number, c: number): UnitCell => ({ a, b: a, c, alpha: 90, beta: 90, gamma: 120 });

/** In the order the dialog lists them (the common synchrotron standards first). */
export const CALIBRANTS: readonly Calibrant[] = [
  {
    kind: 'crystal',
    name: 'CeO2',
    description: 'Ceria (CeO2), Fm-3m',
    cell: cubic(5.411651),
    spaceGroup: 'F m -3 m',
    reference: 'NIST SRM 674b',
  },
  {
    kind: 'crystal',
    name: 'LaB6',
    description: 'Lanthanum hexaboride (LaB6), Pm-3m',
    cell: cubic(4.156826),
    spaceGroup: 'P m -3 m',
    reference: 'NIST SRM 660c',
  },
  {
    kind: 'crystal',
    name: 'Si',
    description: 'Silicon (Si), Fd-3m',
    cell: cubic(5.4311946),
    spaceGroup: 'F d -3 m',
    siteCondition: 'diamond',
    reference: 'NIST SRM 640c',
  },
  {
    kind: 'crystal',
    name: 'alpha_Al2O3',
    description: 'Corundum (α-Al2O3), R-3c (hexagonal axes)',
    cell: hexagonal(4.757, 12.9877),
    spaceGroup: 'R -3 c:H',
    reference: 'doi:10.1107/S0108767389012596',
  },
  {
    kind: 'lamellar',
    name: 'AgBh',
    description: 'Silver behenate (AgBh), lamellar, d(001) = 58.380 Å',
    d001: 58.38,
    maxOrder: 49,
    reference: 'doi:10.1107/S0021889899012388',
  },
  {
    kind: 'crystal',
    name: 'Cr2O3',
    description: 'Eskolaite (Cr2O3), R-3c (hexagonal axes)',
    cell: hexagonal(4.958979, 13.5959),
    spaceGroup: 'R -3 c:H',
    reference: 'NIST SRM 674b',
  },
  {
    kind: 'crystal',
    name: 'NaCl',
    description: 'Halite (NaCl), Fm-3m',
    cell: cubic(5.6401),
    spaceGroup: 'F m -3 m',
    reference: 'Walker et al., American Mineralogist 89 (2004) 204',
  },
  {
    kind: 'crystal',
    name: 'Al',
    description: 'Aluminium (Al), Fm-3m',
    cell: cubic(4.0495),
    spaceGroup: 'F m -3 m',
    reference: 'W. Witt, Z. Naturforsch. A 22 (1967) 92',
  },
  {
    kind: 'crystal',
    name: 'Au',
    description: 'Gold (Au), Fm-3m',
    cell: cubic(4.0782),
    spaceGroup: 'F m -3 m',
    reference: 'A. Maeland and T. B. Flanagan, Can. J. Phys. 42 (1964) 2364',
  },
  {
    kind: 'crystal',
    name: 'Ni',
    description: 'Nickel (Ni), Fm-3m',
    cell: cubic(3.52387),
    spaceGroup: 'F m -3 m',
    reference: 'A. Taylor, J. Inst. Metals 77 (1950) 585',
  },
  {
    kind: 'crystal',
    name: 'Pt',
    description: 'Platinum (Pt), Fm-3m',
    cell: cubic(3.9231),
    spaceGroup: 'F m -3 m',
    reference: 'Wyckoff 1963',
  },
];

/** The calibrant names, in the dialog's order. */
export function listCalibrantNames(): string[] {
  return CALIBRANTS.map((c) => c.name);
}

/**
 * The calibrant called `name` (case-insensitive; 'Al2O3', 'corundum' and 'AgBehenate' are accepted
 * too). @throws NxrError BAD_PARAMETER listing the known names.
 */
export function findCalibrant(name: string): Calibrant {
  const key = name.trim().toLowerCase();
  const alias: Record<string, string> = {
    al2o3: 'alpha_al2o3',
    corundum: 'alpha_al2o3',
    agbehenate: 'agbh',
    'silver behenate': 'agbh',
    ceria: 'ceo2',
  };
  const wanted = alias[key] ?? key;
  const found = CALIBRANTS.find((c) => c.name.toLowerCase() === wanted);
  if (!found)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `unknown calibrant '${name}' (known: ${listCalibrantNames().join(', ')})`,
    });
  return found;
}
