import { NxrError } from '../../shared/errors.ts';
import type { Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import { cross3, determinantMat3, dot3, invertMat3, multiplyMat3, norm3 } from '../linalg/mat3.ts';
import { cellOfBasis } from './cell-of-basis.ts';

export interface ReducedCell {
  /** Real-space basis vectors as rows (Å, in the frame of the input), right-handed. */
  basis: Mat3;
  /** Integer matrix M with basis = M·(input basis): reduced hkl = M·input hkl, UB_reduced = UB·M⁻¹. */
  transform: Mat3;
  /** UB of the reduced basis (1/d units). */
  UB: Mat3;
  cell: UnitCell;
  /** Niggli type: I (all angles < 90°) or II (all ≥ 90°). */
  type: 'I' | 'II';
}

/**
 * Reduce a primitive lattice given by its UB (q = UB·hkl, 1/d units) to its Buerger cell — the
 * three shortest lattice translations that form a basis (a ≤ b ≤ c) — with Niggli's sign
 * convention (all three angles acute, type I, or all non-acute, type II) and right-handed. This
 * is the Niggli cell except in the special-position tie cases of Křivý & Gruber; the conventional
 * cell search that follows does not depend on them.
 * @throws NxrError BAD_PARAMETER for a singular UB.
 */
export function reduceCell(UB: Mat3): ReducedCell {
  let R: Mat3;
  try {
    R = invertMat3(UB);
  } catch {
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'cell reduction: UB is singular' });
  }
  const volume = Math.abs(determinantMat3(R));
  // Rows as (vector, integer coefficients in the input basis).
  let rows: Array<{ v: Vec3; m: Vec3 }> = [
    { v: R[0], m: [1, 0, 0] },
    { v: R[1], m: [0, 1, 0] },
    { v: R[2], m: [0, 0, 1] },
  ];
  // Pairwise (Gauss/LLL-like) size reduction until nothing changes.
  for (let pass = 0; pass < 200; pass++) {
    rows.sort((x, y) => norm3(x.v) - norm3(y.v));
    let changed = false;
    for (let i = 1; i < 3; i++)
      for (let j = 0; j < i; j++) {
        const vi = rows[i]!;
        const vj = rows[j]!;
        const mu = Math.round(dot3(vi.v, vj.v) / dot3(vj.v, vj.v));
        if (mu !== 0) {
          rows[i] = {
            v: [vi.v[0] - mu * vj.v[0], vi.v[1] - mu * vj.v[1], vi.v[2] - mu * vj.v[2]],
            m: [vi.m[0] - mu * vj.m[0], vi.m[1] - mu * vj.m[1], vi.m[2] - mu * vj.m[2]],
          };
          changed = true;
        }
      }
    if (!changed) break;
  }
  // Shortest three translations forming a basis, from combinations of the size-reduced rows.
  const lattice: Array<{ v: Vec3; m: Vec3; length: number }> = [];
  for (let i = -2; i <= 2; i++)
    for (let j = -2; j <= 2; j++)
      for (let k = -2; k <= 2; k++) {
        if (i === 0 && j === 0 && k === 0) continue;
        const [r0, r1, r2] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
        const v: Vec3 = [
          i * r0.v[0] + j * r1.v[0] + k * r2.v[0],
          i * r0.v[1] + j * r1.v[1] + k * r2.v[1],
          i * r0.v[2] + j * r1.v[2] + k * r2.v[2],
        ];
        const m: Vec3 = [
          i * r0.m[0] + j * r1.m[0] + k * r2.m[0],
          i * r0.m[1] + j * r1.m[1] + k * r2.m[1],
          i * r0.m[2] + j * r1.m[2] + k * r2.m[2],
        ];
        lattice.push({ v, m, length: norm3(v) });
      }
  lattice.sort((x, y) => x.length - y.length);
  let chosen: Array<{ v: Vec3; m: Vec3 }> | undefined;
  const a = lattice[0]!;
  search: for (const b of lattice) {
    if (norm3(cross3(a.v, b.v)) < 1e-6 * a.length * b.length) continue;
    for (const c of lattice) {
      if (c.length < b.length) continue;
      const det = determinantMat3([a.m, b.m, c.m]);
      if (Math.abs(Math.abs(det) - 1) < 1e-6) {
        chosen = [a, b, c];
        break search;
      }
    }
  }
  if (!chosen) chosen = rows;
  rows = chosen;
  // Niggli signs and right-handedness.
  const candidates: Array<[number, number, number]> = [
    [1, 1, 1],
    [-1, -1, 1],
    [-1, 1, -1],
    [1, -1, -1],
    [-1, -1, -1],
    [1, 1, -1],
    [1, -1, 1],
    [-1, 1, 1],
  ];
  let best: { rows: Array<{ v: Vec3; m: Vec3 }>; type: 'I' | 'II'; rank: number } | undefined;
  for (const s of candidates) {
    const r = rows.map((row, i) => ({
      v: row.v.map((x) => x * s[i]!) as Vec3,
      m: row.m.map((x) => x * s[i]! || 0) as Vec3,
    }));
    if (determinantMat3([r[0]!.v, r[1]!.v, r[2]!.v]) <= 0) continue;
    const eps = 1e-8 * volume ** (2 / 3);
    const products = [dot3(r[1]!.v, r[2]!.v), dot3(r[0]!.v, r[2]!.v), dot3(r[0]!.v, r[1]!.v)];
    const typeI = products.every((p) => p > eps);
    const typeII = products.every((p) => p <= eps);
    const rank = typeI ? 0 : typeII ? 1 : 2;
    if (!best || rank < best.rank) best = { rows: r, type: typeI ? 'I' : 'II', rank };
  }
  const basis: Mat3 = [best!.rows[0]!.v, best!.rows[1]!.v, best!.rows[2]!.v];
  const transform: Mat3 = [best!.rows[0]!.m, best!.rows[1]!.m, best!.rows[2]!.m];
  return {
    basis,
    transform,
    UB: multiplyMat3(UB, invertMat3(transform)),
    cell: cellOfBasis(basis),
    type: best!.type,
  };
}
