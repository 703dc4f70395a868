import type { Vec3 } from '../geometry/models.ts';
import type { SpaceGroup } from './models.ts';

export interface EquivalentHklsOptions {
  /**
   * Add the Friedel mates −h (Laue-class equivalents, what a diffraction pattern shows; NXRefine
   * `indices_hkl`). @default true
   */
  friedel?: boolean;
}

/**
 * The distinct reflections symmetry-equivalent to hkl: {h·R} over the point-group rotations R
 * (GEMMI `Op.apply_to_hkl`), plus −h·R with `friedel`. Sorted in descending lexicographic order,
 * as NXRefine's `indices_hkl`, so the first element is a stable representative of the class.
 */
export function computeEquivalentHkls(
  sg: SpaceGroup,
  hkl: Vec3,
  options: EquivalentHklsOptions = {},
): Vec3[] {
  const friedel = options.friedel ?? true;
  const [h, k, l] = hkl;
  const seen = new Map<string, Vec3>();
  for (const { rotation: r } of sg.operations) {
    const e: Vec3 = [
      h * r[0][0] + k * r[1][0] + l * r[2][0],
      h * r[0][1] + k * r[1][1] + l * r[2][1],
      h * r[0][2] + k * r[1][2] + l * r[2][2],
    ];
    seen.set(e.join(), e);
    if (friedel) {
      const m: Vec3 = [-e[0] || 0, -e[1] || 0, -e[2] || 0];
      seen.set(m.join(), m);
    }
  }
  return [...seen.values()].sort((a, b) => b[0] - a[0] || b[1] - a[1] || b[2] - a[2]);
}
