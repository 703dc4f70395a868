import type { AbortSignalLike } from '../../shared/abort.ts';
import { NxrError } from '../../shared/errors.ts';
import type { Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import { computeBMatrix } from '../lattice/b-matrix.ts';
import { listReflections } from '../lattice/list-reflections.ts';
import { angleBetweenVectors, invertMat3, multiplyMat3, multiplyMat3Vec3, norm3 } from '../linalg/mat3.ts';
import type { SpaceGroup } from '../symmetry/models.ts';
import { computeBusingLevyU } from './busing-levy.ts';
import { countIndexedPeaks } from './count-indexed.ts';
import { fitUBToQ } from './fit-ub-to-q.ts';
import { computeNearestRotation } from './nearest-rotation.ts';

export interface IndexKnownCellOptions {
  /** Relative tolerance when matching |q| of a peak to a reflection shell. @default 0.015 */
  lengthTolerance?: number;
  /** Tolerance on the angle between two peaks vs two reflections, degrees. @default 1.5 */
  angleTolerance?: number;
  /** A peak is indexed when each component of hkl is within this of an integer (hkl units). @default 0.12 */
  indexTolerance?: number;
  /** Peaks (lowest |q| first) used to form orientation hypotheses. @default 20 */
  seedPeaks?: number;
  /** Seed peaks whose |q| matches more reflections than this are skipped (too ambiguous). @default 400 */
  maxCandidates?: number;
  signal?: AbortSignalLike;
}

export interface IndexResult {
  /** Orientation (Busing–Levy B of `cell`): a rotation. */
  U: Mat3;
  /** UB fitted to the indexed peaks (nine free elements; near U·B of the given cell). */
  UB: Mat3;
  /** Peaks indexed by UB within the index tolerance, their hkls (NaN where not) and indices. */
  indexed: number;
  fraction: number;
  hkls: Vec3[];
  indices: number[];
  /** Orientation hypotheses scored. */
  hypotheses: number;
}

/**
 * Orientation from a peak list with a known cell (NXRefine's manual Busing–Levy orientation made
 * automatic): for pairs of low-|q| peaks, every pair of allowed reflections whose lengths match the
 * peaks' |q| and whose angle matches the peaks' angle gives a Busing–Levy U; each U is scored by
 * the number of all peaks it indexes, the best few are re-scored after a least-squares update,
 * and the winner is refined (UB fitted to the indexed peaks, U = its nearest rotation for the
 * fixed cell, re-indexed, repeated). Robust to junk: a junk peak only adds hypotheses that index
 * few peaks. The first peak of a pair takes one reflection per symmetry class (and its Friedel
 * mate), since symmetry-equivalent orientations index the same pattern.
 * @param qs Q_sample of every peak, 1/d units (Å⁻¹, no 2π).
 * @throws NxrError BAD_PARAMETER when no hypothesis indexes at least 3 non-coplanar peaks.
 */
export function indexWithKnownCell(
  qs: readonly Vec3[],
  cell: UnitCell,
  sg: SpaceGroup,
  options: IndexKnownCellOptions = {},
): IndexResult {
  const lengthTolerance = options.lengthTolerance ?? 0.015;
  const angleTolerance = options.angleTolerance ?? 1.5;
  const tolerance = options.indexTolerance ?? 0.12;
  const nSeeds = options.seedPeaks ?? 20;
  const maxCandidates = options.maxCandidates ?? 400;
  const fail = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `indexing with a known cell: ${message}` });
  };
  const valid = qs
    .map((q, i) => ({ q, i, len: norm3(q) }))
    .filter((p) => p.len > 0 && Number.isFinite(p.len));
  if (valid.length < 3) fail(`need at least 3 peaks, got ${valid.length}`);
  const B = computeBMatrix(cell);
  const qmax = Math.max(...valid.map((p) => p.len)) * (1 + lengthTolerance);
  const classes = listReflections(cell, sg, { dMin: 1 / qmax }).map((c) => ({
    ...c,
    len: 1 / c.d,
  }));
  const matching = (len: number): typeof classes =>
    classes.filter((c) => Math.abs(c.len - len) <= lengthTolerance * len);

  // Seeds: lowest |q| first, skipping peaks that match no shell (junk) or too many.
  const seeds: Array<{ q: Vec3; firsts: Vec3[]; all: Vec3[] }> = [];
  for (const p of [...valid].sort((a, b) => a.len - b.len)) {
    const m = matching(p.len);
    const all = m.flatMap((c) => c.equivalents);
    if (all.length === 0 || all.length > maxCandidates) continue;
    const firsts = m.flatMap((c) => [c.hkl, c.hkl.map((v) => -v || 0) as Vec3]);
    seeds.push({ q: p.q, firsts, all });
    if (seeds.length >= nSeeds) break;
  }
  if (seeds.length < 2)
    fail('fewer than two peaks match reflections of the cell (check the cell, wavelength and geometry)');

  // Hypotheses from pairs.
  const scoreSet =
    valid.length > 300 ? valid.filter((_, k) => k % Math.ceil(valid.length / 300) === 0) : valid;
  const scoreQs = scoreSet.map((p) => p.q);
  const allQs = valid.map((p) => p.q);
  const hypotheses: Array<{ U: Mat3; score: number }> = [];
  let tested = 0;
  for (let a = 0; a < seeds.length; a++) {
    for (let b = a + 1; b < seeds.length; b++) {
      if (options.signal?.aborted) throw new NxrError({ code: 'CANCELLED', message: 'indexing cancelled' });
      const s1 = seeds[a]!;
      const s2 = seeds[b]!;
      const observed = angleBetweenVectors(s1.q, s2.q);
      if (observed < 3 || observed > 177) continue;
      for (const h1 of s1.firsts) {
        const c1 = multiplyMat3Vec3(B, h1);
        for (const h2 of s2.all) {
          const calc = angleBetweenVectors(c1, multiplyMat3Vec3(B, h2));
          if (Math.abs(calc - observed) > angleTolerance) continue;
          const U = computeBusingLevyU(B, h1, h2, s1.q, s2.q);
          tested++;
          const score = countIndexedPeaks(multiplyMat3(U, B), scoreQs, tolerance).count;
          hypotheses.push({ U, score });
        }
      }
    }
  }
  if (hypotheses.length === 0) fail('no pair of peaks matches a pair of reflections of the cell');
  hypotheses.sort((x, y) => y.score - x.score);

  // Refine the best few on all peaks; keep the one indexing most.
  let best: { U: Mat3; UB: Mat3; count: number } | undefined;
  for (const h of hypotheses.slice(0, 10)) {
    const r = refineOrientationFixedCell(h.U, B, allQs, tolerance);
    if (!best || r.count > best.count) best = r;
  }
  const found = best!;
  const idx = countIndexedPeaks(found.UB, allQs, tolerance);
  if (idx.count < 3) fail('no orientation indexes three or more peaks');
  // Map back to the caller's peak order.
  const hkls: Vec3[] = qs.map(() => [NaN, NaN, NaN]);
  const indices: number[] = [];
  idx.indices.forEach((k) => {
    const i = valid[k]!.i;
    hkls[i] = idx.hkls[k]!;
    indices.push(i);
  });
  return {
    U: found.U,
    UB: found.UB,
    indexed: idx.count,
    fraction: idx.count / qs.length,
    hkls,
    indices: indices.sort((x, y) => x - y),
    hypotheses: tested,
  };
}

/**
 * Least-squares orientation: fit UB (nine elements, so a cell a little off — another temperature —
 * still indexes high orders) to the peaks it indexes, repeat with the grown set; U = the rotation
 * nearest UB·B⁻¹ of the given cell. `count` and `UB` are those of the fitted UB.
 */
export function refineOrientationFixedCell(
  U0: Mat3,
  B: Mat3,
  qs: readonly Vec3[],
  tolerance: number,
  rounds = 6,
): { U: Mat3; UB: Mat3; count: number } {
  let UB = multiplyMat3(U0, B);
  let count = countIndexedPeaks(UB, qs, tolerance).count;
  for (let r = 0; r < rounds; r++) {
    const idx = countIndexedPeaks(UB, qs, tolerance);
    if (idx.count < 4) break;
    let fitted: Mat3;
    try {
      fitted = fitUBToQ(
        idx.indices.map((i) => qs[i]!),
        idx.indices.map((i) => idx.hkls[i]!),
      );
    } catch {
      break;
    }
    const c = countIndexedPeaks(fitted, qs, tolerance).count;
    if (c < count) break;
    const same = c === count && r > 0;
    UB = fitted;
    count = c;
    if (same) break;
  }
  return { U: computeNearestRotation(multiplyMat3(UB, invertMat3(B))), UB, count };
}
