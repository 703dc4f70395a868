import type { Mat3, Vec3 } from '../geometry/models.ts';
import { invertMat3, multiplyMat3Vec3 } from '../linalg/mat3.ts';

export interface HklResidual {
  /** Fractional hkl = (UB)⁻¹·q. */
  hkl: Vec3;
  /** Nearest integer hkl (rint). */
  nearest: Vec3;
  /** |B·(hkl − nearest)|, Å⁻¹ in 1/d units (NXRefine `diff`). */
  residual: number;
}

/**
 * Index a scattering vector q (Q_sample, 1/d units) and measure how far it is from the nearest
 * reciprocal-lattice point (NXRefine `diff(i)`, spec §4.11): |B·(hkl − rint(hkl))|.
 */
export function computeHklResidual(UB: Mat3, B: Mat3, q: Vec3): HklResidual {
  const hkl = multiplyMat3Vec3(invertMat3(UB), q);
  const nearest = hkl.map((v) => Math.round(v) || 0) as Vec3;
  const d = multiplyMat3Vec3(B, [hkl[0] - nearest[0], hkl[1] - nearest[1], hkl[2] - nearest[2]]);
  return { hkl, nearest, residual: Math.hypot(d[0], d[1], d[2]) };
}
