import { NxrError } from '../../shared/errors.ts';
import type { UnitCell, Vec3 } from '../geometry/models.ts';
import type { SpaceGroup } from '../symmetry/models.ts';
import { computeEquivalentHkls } from '../symmetry/equivalent-hkls.ts';
import { isSystematicallyAbsent } from '../symmetry/is-systematically-absent.ts';
import { computeReciprocalMetricTensor } from './reciprocal-metric-tensor.ts';

/** One class of symmetry-equivalent reflections (Friedel mates included). */
export interface ReflectionClass {
  /** Representative: the first of `equivalents` (largest in lexicographic order, as NXRefine `indices`). */
  hkl: Vec3;
  /** All members, sorted descending (NXRefine `indices_hkl`). */
  equivalents: Vec3[];
  /** Number of members (powder multiplicity). */
  multiplicity: number;
  /** Interplanar spacing, Å. */
  d: number;
}

export interface ListReflectionsOptions {
  /** Smallest d-spacing, Å (NXRefine: λ / (2 sin(polar_max/2))). */
  dMin: number;
  /** Largest d-spacing, Å. @default Infinity */
  dMax?: number;
}

/**
 * All reflection classes allowed by `sg` (systematic absences removed, (000) excluded) with
 * dMin ≤ d ≤ dMax, sorted by decreasing d, then by representative (NXRefine `miller`/`indices`,
 * the same set as GEMMI `make_miller_array` with Friedel mates merged).
 */
export function listReflections(
  cell: UnitCell,
  sg: SpaceGroup,
  options: ListReflectionsOptions,
): ReflectionClass[] {
  const { dMin } = options;
  const dMax = options.dMax ?? Infinity;
  if (!(Number.isFinite(dMin) && dMin > 0))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `listReflections: dMin must be a positive length in Å (got ${dMin})`,
    });
  const g = computeReciprocalMetricTensor(cell);
  const sMax = 1 / (dMin * dMin);
  const sMin = dMax === Infinity ? 0 : 1 / (dMax * dMax);
  // |h| ≤ a/dMin etc. (h = Q·a).
  const hMax = Math.floor(cell.a / dMin + 1e-9);
  const kMax = Math.floor(cell.b / dMin + 1e-9);
  const lMax = Math.floor(cell.c / dMin + 1e-9);
  const eps = 1e-12 * sMax;
  const seen = new Set<string>();
  const out: ReflectionClass[] = [];
  for (let h = -hMax; h <= hMax; h++)
    for (let k = -kMax; k <= kMax; k++)
      for (let l = -lMax; l <= lMax; l++) {
        if (h === 0 && k === 0 && l === 0) continue;
        const s =
          g[0][0] * h * h +
          g[1][1] * k * k +
          g[2][2] * l * l +
          2 * (g[0][1] * h * k + g[0][2] * h * l + g[1][2] * k * l);
        if (s > sMax + eps || s < sMin - eps) continue;
        const key = `${h},${k},${l}`;
        if (seen.has(key)) continue;
        const equivalents = computeEquivalentHkls(sg, [h, k, l]);
        for (const e of equivalents) seen.add(e.join());
        if (isSystematicallyAbsent(sg, [h, k, l])) continue;
        out.push({
          hkl: equivalents[0]!,
          equivalents,
          multiplicity: equivalents.length,
          d: 1 / Math.sqrt(s),
        });
      }
  return out.sort((p, q) => q.d - p.d || q.hkl[0] - p.hkl[0] || q.hkl[1] - p.hkl[1] || q.hkl[2] - p.hkl[2]);
}
