import { NxrError } from '../../shared/errors.ts';
import type { Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import { computeBMatrix } from '../lattice/b-matrix.ts';
import { computePowderRings, type PowderRing } from '../lattice/powder-rings.ts';
import { norm3, radToDeg } from '../linalg/mat3.ts';
import type { SpaceGroup } from '../symmetry/models.ts';
import { computeHklAngle, computePeakAngle } from './angles.ts';
import { computeBusingLevyU } from './busing-levy.ts';

export interface PeakPairOptions {
  wavelength: number;
  /** Classes closer than this in 2θ share a ring, degrees (NXRefine polar_tolerance). @default 0.1 */
  polarTolerance?: number;
  /** Secondary reflections whose angle to the primary is within this of the peaks' angle, degrees (NXRefine peak_tolerance). @default 5 */
  peakTolerance?: number;
}

export interface SecondaryCandidate {
  hkl: Vec3;
  /** Angle between the primary and this reflection, degrees. */
  angle: number;
  /** |angle − measured angle between the peaks|, degrees. */
  difference: number;
}

export interface PrimaryCandidate {
  hkl: Vec3;
  /** 2θ of the reflection, degrees. */
  twoTheta: number;
  /** Secondary reflections consistent with the measured angle, best first (NXRefine preselects the first). */
  secondaries: SecondaryCandidate[];
}

export interface PeakPairCandidates {
  /** Measured angle between the two peaks' scattering vectors, degrees (NXRefine angle_peaks). */
  angle: number;
  /** 2θ of each peak from |Q| (degrees) and the powder ring it is assigned to (index into `rings`). */
  twoTheta: [number, number];
  ring: [number, number];
  rings: PowderRing[];
  /** One candidate per reflection class of the primary peak's ring (NXRefine get_ring_list). */
  primaries: PrimaryCandidate[];
}

/**
 * Candidate hkls for two chosen peaks, as NXRefine's Orient Manually dialog offers them (spec
 * §6.1, §4.12): each peak is assigned to the nearest powder ring of the cell; the primary may be
 * the first reflection of any class of its ring; for each, the secondary may be any reflection of
 * its ring's classes whose angle to the primary is within `peakTolerance` of the measured angle
 * (sorted by the difference). Orient with `orientFromPeakPair`.
 * @param q1 Q_sample of the primary and secondary peaks (1/d units).
 */
export function listPeakPairCandidates(
  cell: UnitCell,
  sg: SpaceGroup,
  q1: Vec3,
  q2: Vec3,
  options: PeakPairOptions,
): PeakPairCandidates {
  const peakTolerance = options.peakTolerance ?? 5;
  const twoThetaOf = (q: Vec3): number => {
    const s = (options.wavelength * norm3(q)) / 2;
    if (!(s > 0 && s <= 1))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `orientation: a peak's |Q| = ${norm3(q)} Å⁻¹ is zero or beyond 2/λ`,
      });
    return 2 * radToDeg(Math.asin(s));
  };
  const t1 = twoThetaOf(q1);
  const t2 = twoThetaOf(q2);
  const rings = computePowderRings(cell, sg, {
    wavelength: options.wavelength,
    polarMax: Math.min(179, Math.max(t1, t2) + 2),
    polarTolerance: options.polarTolerance ?? 0.1,
  });
  if (rings.length === 0)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'orientation: the cell has no reflections this far out',
    });
  const nearest = (t: number): number => {
    let best = 0;
    rings.forEach((r, i) => {
      if (Math.abs(r.twoTheta - t) < Math.abs(rings[best]!.twoTheta - t)) best = i;
    });
    return best;
  };
  const r1 = nearest(t1);
  const r2 = nearest(t2);
  const angle = computePeakAngle(q1, q2);
  const B = computeBMatrix(cell);
  const secondaryPool = rings[r2]!.classes.flatMap((c) => c.equivalents);
  const primaries = rings[r1]!.classes.map((c) => {
    const secondaries = secondaryPool
      .map((hkl) => {
        const a = computeHklAngle(B, c.hkl, hkl);
        return { hkl, angle: a, difference: Math.abs(a - angle) };
      })
      .filter((s) => s.difference <= peakTolerance && s.angle > 1e-6 && s.angle < 180 - 1e-6)
      .sort((x, y) => x.difference - y.difference);
    return { hkl: c.hkl, twoTheta: c.twoTheta, secondaries };
  });
  return { angle, twoTheta: [t1, t2], ring: [r1, r2], rings, primaries };
}

/** Orientation U (Busing–Levy B of the cell) from two peaks and their chosen hkls (NXRefine Orient). */
export function orientFromPeakPair(cell: UnitCell, h1: Vec3, h2: Vec3, q1: Vec3, q2: Vec3): Mat3 {
  return computeBusingLevyU(computeBMatrix(cell), h1, h2, q1, q2);
}
