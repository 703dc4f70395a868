/**
 * Small, allocation-light 3×3 matrix and 3-vector helpers (row-major `Mat3`, column-vector
 * convention: `multiplyMat3Vec3(M, v)` = M·v). Everything beyond 3×3 uses ml-matrix.
 */
import type { Mat3, Vec3 } from '../geometry/models.ts';

export function identityMat3(): Mat3 {
  return [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
}

export function dot3(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross3(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm3(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

/** a/|a|; the zero vector stays zero. */
export function normalize3(a: Vec3): Vec3 {
  const n = norm3(a);
  return n === 0 ? [0, 0, 0] : [a[0] / n, a[1] / n, a[2] / n];
}

export function add3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function subtract3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function scale3(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}

/** Angle between two vectors, degrees (0 if either is zero). Robust near 0° and 180° (atan2 form). */
export function angleBetweenVectors(a: Vec3, b: Vec3): number {
  const c = norm3(cross3(a, b));
  const d = dot3(a, b);
  if (c === 0 && d === 0) return 0;
  return (Math.atan2(c, d) * 180) / Math.PI;
}

/** M·v */
export function multiplyMat3Vec3(m: Mat3, v: Vec3): Vec3 {
  return [dot3(m[0], v), dot3(m[1], v), dot3(m[2], v)];
}

/** vᵀ·M (row vector times matrix), returned as a Vec3. */
export function multiplyVec3Mat3(v: Vec3, m: Mat3): Vec3 {
  return [
    v[0] * m[0][0] + v[1] * m[1][0] + v[2] * m[2][0],
    v[0] * m[0][1] + v[1] * m[1][1] + v[2] * m[2][1],
    v[0] * m[0][2] + v[1] * m[1][2] + v[2] * m[2][2],
  ];
}

/** A·B (any number of factors, left to right). */
export function multiplyMat3(...ms: Mat3[]): Mat3 {
  if (ms.length === 0) return identityMat3();
  let r = ms[0]!;
  for (let k = 1; k < ms.length; k++) {
    const b = ms[k]!;
    const a = r;
    const row = (i: 0 | 1 | 2): Vec3 => [
      a[i][0] * b[0][0] + a[i][1] * b[1][0] + a[i][2] * b[2][0],
      a[i][0] * b[0][1] + a[i][1] * b[1][1] + a[i][2] * b[2][1],
      a[i][0] * b[0][2] + a[i][1] * b[1][2] + a[i][2] * b[2][2],
    ];
    r = [row(0), row(1), row(2)];
  }
  return r;
}

export function transposeMat3(m: Mat3): Mat3 {
  return [
    [m[0][0], m[1][0], m[2][0]],
    [m[0][1], m[1][1], m[2][1]],
    [m[0][2], m[1][2], m[2][2]],
  ];
}

export function determinantMat3(m: Mat3): number {
  return dot3(m[0], cross3(m[1], m[2]));
}

/** M⁻¹ by the adjugate. Throws a RangeError if M is singular (|det| below 1e-300 or not finite). */
export function invertMat3(m: Mat3): Mat3 {
  const [r0, r1, r2] = m;
  // Columns of the inverse are the cross products of rows, divided by det.
  const c0 = cross3(r1, r2);
  const c1 = cross3(r2, r0);
  const c2 = cross3(r0, r1);
  const det = dot3(r0, c0);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-300) throw new RangeError('singular 3×3 matrix');
  return [
    [c0[0] / det, c1[0] / det, c2[0] / det],
    [c0[1] / det, c1[1] / det, c2[1] / det],
    [c0[2] / det, c1[2] / det, c2[2] / det],
  ];
}

/** Matrix whose columns are a, b, c. */
export function mat3FromColumns(a: Vec3, b: Vec3, c: Vec3): Mat3 {
  return [
    [a[0], b[0], c[0]],
    [a[1], b[1], c[1]],
    [a[2], b[2], c[2]],
  ];
}

/** Column j of M. */
export function columnOfMat3(m: Mat3, j: 0 | 1 | 2): Vec3 {
  return [m[0][j], m[1][j], m[2][j]];
}

/** Largest absolute element-wise difference between two matrices. */
export function maxAbsDiffMat3(a: Mat3, b: Mat3): number {
  let d = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) d = Math.max(d, Math.abs(a[i]![j]! - b[i]![j]!));
  return d;
}

export function degToRad(deg: number): number {
  return (deg * Math.PI) / 180;
}

export function radToDeg(rad: number): number {
  return (rad * 180) / Math.PI;
}
