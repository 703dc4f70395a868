/** Compare a refined/indexed lattice with the truth of a synthetic scan, whatever hkl setting it chose. */
import type { Mat3, UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { computeDirectCell } from '../../../src/refine/lattice/direct-cell.ts';
import { invertMat3, multiplyMat3, multiplyMat3Vec3 } from '../../../src/refine/linalg/mat3.ts';
import { computeNearestRotation } from '../../../src/refine/orient/nearest-rotation.ts';
import { computeRotationAngle } from '../../../src/refine/orient/misorientation.ts';
import type { SyntheticPeak } from './synthetic-peaks.ts';

/** Direct cell of the lattice whose reciprocal basis vectors are the columns of UB (1/d units). */
export function cellOfUB(UB: Mat3): UnitCell {
  const col = (j: 0 | 1 | 2): Vec3 => [UB[0][j], UB[1][j], UB[2][j]];
  const len = (v: Vec3): number => Math.hypot(...v);
  const ang = (u: Vec3, v: Vec3): number =>
    (Math.acos((u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (len(u) * len(v))) * 180) / Math.PI;
  const [a, b, c] = [col(0), col(1), col(2)];
  return computeDirectCell({
    a: len(a),
    b: len(b),
    c: len(c),
    alpha: ang(b, c),
    beta: ang(a, c),
    gamma: ang(a, b),
  });
}

export interface TruthComparison {
  /** Integer matrix taking found hkl to true hkl (h_true = T·h_found). */
  T: Mat3;
  /** Largest deviation of (UB_true)⁻¹·UB_found from an integer matrix. */
  nonInteger: number;
  /** Rotation between the found and true orientation, degrees. */
  orientationError: number;
  /** Cell of the found lattice expressed in the true setting. */
  cell: UnitCell;
  maxLengthError: number;
  maxAngleError: number;
  /** Fraction of the true Bragg peaks indexed with their true hkl. */
  indexedFraction: number;
  /** Junk peaks that were indexed (included). */
  junkIndexed: number;
}

export function compareToTruth(
  found: { UB: Mat3 },
  truth: { UB: Mat3; cell: UnitCell },
  peaks: readonly SyntheticPeak[],
  assigned: ReadonlyArray<{ h: number; k: number; l: number; included: boolean }>,
): TruthComparison {
  const Tf = multiplyMat3(invertMat3(truth.UB), found.UB);
  const T = Tf.map((r) => r.map((v) => Math.round(v))) as Mat3;
  const nonInteger = Math.max(...Tf.flatMap((r, i) => r.map((v, j) => Math.abs(v - T[i]![j]!))));
  // UB in the true setting: UB_found·T⁻¹.
  const aligned = multiplyMat3(found.UB, invertMat3(T));
  const R = computeNearestRotation(multiplyMat3(aligned, invertMat3(truth.UB)));
  const cell = cellOfUB(aligned);
  const maxLengthError = Math.max(
    ...(['a', 'b', 'c'] as const).map((k) => Math.abs(cell[k] / truth.cell[k] - 1)),
  );
  const maxAngleError = Math.max(
    ...(['alpha', 'beta', 'gamma'] as const).map((k) => Math.abs(cell[k] - truth.cell[k])),
  );
  let bragg = 0;
  let good = 0;
  let junk = 0;
  peaks.forEach((p, i) => {
    const a = assigned[i]!;
    if (p.kind !== 'bragg') {
      if (a.included) junk++;
      return;
    }
    bragg++;
    if (!a.included) return;
    const h = multiplyMat3Vec3(T, [a.h, a.k, a.l]);
    if (h[0] === p.hkl![0] && h[1] === p.hkl![1] && h[2] === p.hkl![2]) good++;
  });
  return {
    T,
    nonInteger,
    orientationError: computeRotationAngle(R),
    cell,
    maxLengthError,
    maxAngleError,
    indexedFraction: good / bragg,
    junkIndexed: junk,
  };
}
