import { NxrError } from '../../shared/errors.ts';
import type { Mat3, Vec3 } from '../geometry/models.ts';
import { invertMat3 } from '../linalg/mat3.ts';

/**
 * Least-squares UB (1/d units) from indexed scattering vectors: the 3×3 matrix minimising
 * Σ w_i |UB·h_i − q_i|², i.e. UB = (Σ w q hᵀ)(Σ w h hᵀ)⁻¹ (nine free elements, no cell constraint).
 * @throws NxrError BAD_PARAMETER if the hkls do not span three dimensions.
 */
export function fitUBToQ(qs: readonly Vec3[], hkls: readonly Vec3[], weights?: ArrayLike<number>): Mat3 {
  const QH: number[][] = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const HH: number[][] = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < qs.length; i++) {
    const q = qs[i]!;
    const h = hkls[i]!;
    const w = weights?.[i] ?? 1;
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        QH[a]![b]! += w * q[a]! * h[b]!;
        HH[a]![b]! += w * h[a]! * h[b]!;
      }
  }
  let inv: Mat3;
  try {
    inv = invertMat3(HH as Mat3);
  } catch {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `cannot fit UB: the ${qs.length} indexed reflections do not span three dimensions`,
    });
  }
  return [0, 1, 2].map((a) =>
    [0, 1, 2].map((b) => QH[a]![0]! * inv[0][b]! + QH[a]![1]! * inv[1][b]! + QH[a]![2]! * inv[2][b]!),
  ) as Mat3;
}
