import type { Mat3, Vec3 } from '../geometry/models.ts';
import { invertMat3 } from '../linalg/mat3.ts';

export interface IndexedPeaks {
  /** Peaks whose fractional hkl lies within `tolerance` of an integer in every component (not 000). */
  count: number;
  /** Nearest integer hkl per peak (NaN where not indexed). */
  hkls: Vec3[];
  /** Indices of the indexed peaks. */
  indices: number[];
}

/**
 * Index scattering vectors with a UB (1/d units): hkl = rint((UB)⁻¹·q), accepted when every
 * component of hkl − rint(hkl) is within `tolerance` (in hkl units, as Mantid's IndexingUtils; a
 * tolerance in r.l.u. is fair to long and short axes alike).
 */
export function countIndexedPeaks(UB: Mat3, qs: readonly Vec3[], tolerance: number): IndexedPeaks {
  const M = invertMat3(UB);
  const hkls: Vec3[] = [];
  const indices: number[] = [];
  qs.forEach((q, i) => {
    const f0 = M[0][0] * q[0] + M[0][1] * q[1] + M[0][2] * q[2];
    const f1 = M[1][0] * q[0] + M[1][1] * q[1] + M[1][2] * q[2];
    const f2 = M[2][0] * q[0] + M[2][1] * q[1] + M[2][2] * q[2];
    const h = Math.round(f0);
    const k = Math.round(f1);
    const l = Math.round(f2);
    if (
      Math.abs(f0 - h) <= tolerance &&
      Math.abs(f1 - k) <= tolerance &&
      Math.abs(f2 - l) <= tolerance &&
      (h !== 0 || k !== 0 || l !== 0)
    ) {
      hkls.push([h || 0, k || 0, l || 0]);
      indices.push(i);
    } else {
      hkls.push([NaN, NaN, NaN]);
    }
  });
  return { count: indices.length, hkls, indices };
}
