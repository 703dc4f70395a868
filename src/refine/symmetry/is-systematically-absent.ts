import type { Vec3 } from '../geometry/models.ts';
import type { SpaceGroup } from './models.ts';

/**
 * Is reflection hkl (integers) systematically absent in space group `sg`? Exact integer test, as
 * GEMMI `GroupOps::is_systematically_absent`: absent if h·c is not an integer for a centring
 * vector c, or if an operation (R, t) leaves h invariant (h·R = h) with h·t not an integer.
 * (0,0,0) is never absent.
 */
export function isSystematicallyAbsent(sg: SpaceGroup, hkl: Vec3): boolean {
  const [h, k, l] = hkl;
  for (let i = 1; i < sg.centringVectors24.length; i++) {
    const c = sg.centringVectors24[i]!;
    if ((h * c[0] + k * c[1] + l * c[2]) % 24 !== 0) return true;
  }
  for (let i = 1; i < sg.operations.length; i++) {
    const { rotation: r, translation24: t } = sg.operations[i]!;
    if (
      h * r[0][0] + k * r[1][0] + l * r[2][0] === h &&
      h * r[0][1] + k * r[1][1] + l * r[2][1] === k &&
      h * r[0][2] + k * r[1][2] + l * r[2][2] === l &&
      (h * t[0] + k * t[1] + l * t[2]) % 24 !== 0
    )
      return true;
  }
  return false;
}
