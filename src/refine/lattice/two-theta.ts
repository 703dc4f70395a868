import type { UnitCell, Vec3 } from '../geometry/models.ts';
import { radToDeg } from '../linalg/mat3.ts';
import { computeDSpacing } from './d-spacing.ts';

/**
 * Bragg angle 2θ (degrees) of reflection hkl at wavelength λ (Å): 2·asin(λ/2d), with the correct d
 * (NXRefine `two_theta_hkl`). NaN if the reflection lies beyond the limiting sphere (λ/2d > 1).
 */
export function computeTwoTheta(cell: UnitCell, hkl: Vec3, wavelength: number): number {
  const s = wavelength / (2 * computeDSpacing(cell, hkl));
  return s > 1 ? NaN : 2 * radToDeg(Math.asin(s));
}
