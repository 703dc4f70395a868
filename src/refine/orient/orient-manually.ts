import { NxrError } from '../../shared/errors.ts';
import type { Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import { computeBMatrix } from '../lattice/b-matrix.ts';
import { multiplyMat3Vec3, norm3, radToDeg } from '../linalg/mat3.ts';
import { computeHklAngle, computePeakAngle } from './angles.ts';
import { computeBusingLevyU } from './busing-levy.ts';

export interface OrientManuallyOptions {
  /** Wavelength, Å (for the 2θ of the peaks and of the hkls). */
  wavelength: number;
  /** Largest |measured − calculated| angle between the two reflections, degrees (NXRefine peak_tolerance). @default 5 */
  peakTolerance?: number;
  /** Largest relative difference between a peak's d-spacing and its hkl's. @default 0.05 */
  dTolerance?: number;
}

export interface ManualOrientationResult {
  /** Orientation (a rotation) for the Busing–Levy B of the cell. */
  U: Mat3;
  /** Angle between the peaks' Q and between the reciprocal-lattice vectors of the hkls, degrees. */
  measuredAngle: number;
  calculatedAngle: number;
  /** 2θ of each peak (from |Q|) and of each hkl (from the cell), degrees. */
  peakTwoTheta: [number, number];
  hklTwoTheta: [number, number];
}

const fmt = (h: Vec3): string => `(${h.join(' ')})`;

/**
 * NXRefine's Orient Manually (spec §4.10, §6.1): U from two peaks and the hkls chosen for them, by
 * Busing & Levy, after checking the choice — each hkl's d-spacing must match its peak's (within
 * `dTolerance`) and the angle between the hkls the angle between the peaks (within
 * `peakTolerance`), so a wrong choice is refused with the numbers instead of giving a wrong U.
 * @param q1 Q_sample of the primary and secondary peaks, 1/d units.
 * @throws NxrError BAD_PARAMETER for non-integer, zero or parallel hkls, or a failed check.
 */
export function orientManually(
  cell: UnitCell,
  q1: Vec3,
  q2: Vec3,
  h1: Vec3,
  h2: Vec3,
  options: OrientManuallyOptions,
): ManualOrientationResult {
  const peakTolerance = options.peakTolerance ?? 5;
  const dTolerance = options.dTolerance ?? 0.05;
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `orient manually: ${message}` });
  };
  for (const h of [h1, h2])
    if (h.length !== 3 || !h.every((v) => Number.isInteger(v)) || h.every((v) => v === 0))
      bad(`${fmt(h)} is not a reflection (three integers, not all zero)`);
  if (!(options.wavelength > 0)) bad(`wavelength must be positive (got ${options.wavelength})`);
  const B = computeBMatrix(cell);
  const twoTheta = (qLength: number): number => {
    const s = (options.wavelength * qLength) / 2;
    return s > 1 ? NaN : 2 * radToDeg(Math.asin(s));
  };
  const peakTwoTheta: [number, number] = [twoTheta(norm3(q1)), twoTheta(norm3(q2))];
  const hklTwoTheta: [number, number] = [
    twoTheta(norm3(multiplyMat3Vec3(B, h1))),
    twoTheta(norm3(multiplyMat3Vec3(B, h2))),
  ];
  [
    [q1, h1, 'primary'],
    [q2, h2, 'secondary'],
  ].forEach(([q, h, which]) => {
    const dPeak = 1 / norm3(q as Vec3);
    const dHkl = 1 / norm3(multiplyMat3Vec3(B, h as Vec3));
    if (!(Math.abs(dPeak / dHkl - 1) <= dTolerance))
      bad(
        `the ${which as string} peak has d = ${dPeak.toFixed(4)} Å but ${fmt(h as Vec3)} has d = ${dHkl.toFixed(4)} Å (more than ${(100 * dTolerance).toFixed(0)}% apart): choose an hkl of its powder ring`,
      );
  });
  const measuredAngle = computePeakAngle(q1, q2);
  const calculatedAngle = computeHklAngle(B, h1, h2);
  if (!(Math.abs(measuredAngle - calculatedAngle) <= peakTolerance))
    bad(
      `the peaks are ${measuredAngle.toFixed(3)}° apart but ${fmt(h1)} and ${fmt(h2)} are ${calculatedAngle.toFixed(3)}° apart (tolerance ${peakTolerance}°): choose another pair`,
    );
  const U = computeBusingLevyU(B, h1, h2, q1, q2);
  return { U, measuredAngle, calculatedAngle, peakTwoTheta, hklTwoTheta };
}
