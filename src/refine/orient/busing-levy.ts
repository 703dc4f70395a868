import { NxrError } from '../../shared/errors.ts';
import type { Mat3, Vec3 } from '../geometry/models.ts';
import {
  cross3,
  invertMat3,
  mat3FromColumns,
  multiplyMat3,
  multiplyMat3Vec3,
  norm3,
  normalize3,
} from '../linalg/mat3.ts';

/**
 * Orientation matrix U from two observed reflections (Busing & Levy 1967, eqs 23–27; NXRefine
 * `get_UBmat`, spec §4.10): with h_c = B·h (crystal Cartesian) and g the observed Q_sample,
 *
 *   t1 = unit(v1), t3 = unit(v1 × v2), t2 = unit(v1 × t3)   for v = h_c and v = g,
 *   U = T_g · T_c⁻¹.
 *
 * The first reflection's direction is fitted exactly, the second fixes the rotation about it.
 * Use the correct (Busing–Levy) B; with NXRefine's B (`convention: 'nxrefine'`) this reproduces
 * NXRefine's U, which is wrong for non-orthogonal cells (spec §4.9).
 * @throws NxrError BAD_PARAMETER if either pair is (nearly) parallel or zero.
 */
export function computeBusingLevyU(B: Mat3, h1: Vec3, h2: Vec3, g1: Vec3, g2: Vec3): Mat3 {
  const triad = (v1: Vec3, v2: Vec3, what: string): Mat3 => {
    const n = cross3(v1, v2);
    if (!(norm3(v1) > 0 && norm3(n) > 1e-9 * norm3(v1) * norm3(v2)))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `Busing–Levy orientation: the two ${what} are zero or parallel; choose two non-collinear reflections`,
      });
    const t1 = normalize3(v1);
    const t3 = normalize3(n);
    const t2 = normalize3(cross3(v1, t3));
    return mat3FromColumns(t1, t2, t3);
  };
  const Tc = triad(multiplyMat3Vec3(B, h1), multiplyMat3Vec3(B, h2), 'hkl vectors');
  const Tg = triad(g1, g2, 'peak Q vectors');
  return multiplyMat3(Tg, invertMat3(Tc));
}
