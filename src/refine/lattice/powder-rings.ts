import { NxrError } from '../../shared/errors.ts';
import type { UnitCell } from '../geometry/models.ts';
import { degToRad, radToDeg } from '../linalg/mat3.ts';
import type { SpaceGroup } from '../symmetry/models.ts';
import { listReflections, type ReflectionClass } from './list-reflections.ts';

export interface PowderRing {
  /** Ring angle 2θ, degrees: the multiplicity-weighted mean of its classes' 2θ. */
  twoTheta: number;
  /** Reflection classes in the ring, in increasing 2θ, each with its own 2θ. */
  classes: (ReflectionClass & { twoTheta: number })[];
}

export interface PowderRingsOptions {
  /** Wavelength, Å. */
  wavelength: number;
  /** Largest polar angle 2θ to include, degrees (NXRefine `polar_max`). */
  polarMax: number;
  /** Classes closer than this to the current ring angle join it, degrees. @default 0.1 (NXRefine `polar_tolerance`) */
  polarTolerance?: number;
}

/**
 * Powder rings of the allowed reflections up to `polarMax` (NXRefine `make_rings`, spec §4.12):
 * walk the classes in increasing 2θ; a class more than `polarTolerance` above the current ring's
 * angle starts a new ring, otherwise it joins the ring and the ring angle becomes the
 * multiplicity-weighted mean of its classes' 2θ.
 */
export function computePowderRings(
  cell: UnitCell,
  sg: SpaceGroup,
  options: PowderRingsOptions,
): PowderRing[] {
  const { wavelength, polarMax } = options;
  const tolerance = options.polarTolerance ?? 0.1;
  if (!(wavelength > 0 && polarMax > 0 && polarMax < 180 && tolerance >= 0))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `powder rings need wavelength > 0 Å, 0 < polarMax < 180° and polarTolerance ≥ 0 (got ${wavelength}, ${polarMax}, ${tolerance})`,
    });
  const dMin = wavelength / (2 * Math.sin(degToRad(polarMax) / 2));
  const classes = listReflections(cell, sg, { dMin }).map((c) => ({
    ...c,
    twoTheta: 2 * radToDeg(Math.asin(Math.min(1, wavelength / (2 * c.d)))),
  }));
  const rings: PowderRing[] = [];
  for (const c of classes) {
    const ring = rings[rings.length - 1];
    if (!ring || c.twoTheta - ring.twoTheta > tolerance) {
      rings.push({ twoTheta: c.twoTheta, classes: [c] });
    } else {
      ring.classes.push(c);
      let sum = 0;
      let weight = 0;
      for (const m of ring.classes) {
        sum += m.twoTheta * m.multiplicity;
        weight += m.multiplicity;
      }
      ring.twoTheta = sum / weight;
    }
  }
  return rings;
}
