import { NxrError } from '../../shared/errors.ts';
import type { Vec3 } from '../geometry/models.ts';
import { listReflections } from '../lattice/list-reflections.ts';
import { findSpaceGroup } from '../symmetry/find-space-group.ts';
import type { Calibrant } from './calibrants.ts';

/** One powder line (ring) of a calibrant: every reflection class with this d-spacing. */
export interface CalibrantLine {
  /** d-spacing, Å. */
  d: number;
  /** Representative hkl of each class in the line (e.g. LaB6 (300) and (221)). */
  hkls: Vec3[];
  /** Total multiplicity (Friedel mates included), as pyFAI's files list it. */
  multiplicity: number;
}

export interface CalibrantLinesOptions {
  /** Smallest d-spacing, Å. @default 0.5 (or λ/2 when `wavelength` is given, whichever is larger) */
  dMin?: number;
  /** Wavelength, Å: lines with d < λ/2 cannot diffract and are left out. */
  wavelength?: number;
}

/** Classes whose d differ by less than this (relative) form one line. */
const SAME_D = 1e-9;

/**
 * The lines of a calibrant in decreasing d, computed from its cell and space group (systematic
 * absences from src/refine/symmetry, plus the calibrant's site condition), classes of equal d
 * merged into one line as pyFAI's calibrant files do. Lamellar calibrants (AgBh) give d001/n.
 */
export function computeCalibrantLines(
  calibrant: Calibrant,
  options: CalibrantLinesOptions = {},
): CalibrantLine[] {
  const lambda = options.wavelength;
  if (lambda !== undefined && !(lambda > 0 && Number.isFinite(lambda)))
    throw new NxrError({ code: 'BAD_PARAMETER', message: `wavelength must be positive (got ${lambda} Å)` });
  const dMin = Math.max(options.dMin ?? 0.5, lambda !== undefined ? lambda / 2 : 0);
  if (!(dMin > 0 && Number.isFinite(dMin)))
    throw new NxrError({ code: 'BAD_PARAMETER', message: `dMin must be positive (got ${dMin} Å)` });
  if (calibrant.kind === 'lamellar') {
    const lines: CalibrantLine[] = [];
    for (let n = 1; n <= calibrant.maxOrder; n++) {
      const d = calibrant.d001 / n;
      if (d < dMin) break;
      lines.push({ d, hkls: [[0, 0, n]], multiplicity: 2 });
    }
    return lines;
  }
  const sg = findSpaceGroup(calibrant.spaceGroup);
  const classes = listReflections(calibrant.cell, sg, { dMin }).filter(
    (c) => !(calibrant.siteCondition === 'diamond' && isDiamondSiteAbsent(c.hkl)),
  );
  const lines: CalibrantLine[] = [];
  for (const c of classes) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.d - c.d) <= SAME_D * c.d) {
      last.hkls.push(c.hkl);
      last.multiplicity += c.multiplicity;
    } else {
      lines.push({ d: c.d, hkls: [c.hkl], multiplicity: c.multiplicity });
    }
  }
  return lines;
}

/** Diamond structure (8a of Fd-3m): h, k, l all even with h + k + l ≠ 4n have zero structure factor. */
function isDiamondSiteAbsent([h, k, l]: Vec3): boolean {
  const even = h % 2 === 0 && k % 2 === 0 && l % 2 === 0;
  return even && (((h + k + l) % 4) + 4) % 4 !== 0;
}

/** Scattering angle 2θ of a d-spacing, radians (NaN when λ > 2d: the line cannot diffract). */
export function twoThetaOfD(d: number, wavelength: number): number {
  const s = wavelength / (2 * d);
  return s > 1 ? NaN : 2 * Math.asin(s);
}
