import type { Geometry, UnitCell } from '../geometry/models.ts';
import { computeTwoThetaMax } from '../geometry/two-theta-max.ts';
import { computeReciprocalCell } from '../lattice/reciprocal-cell.ts';
import { degToRad } from '../linalg/mat3.ts';
import type { HklGrid } from './models.ts';
import { defineGridAxis } from './define-grid-axis.ts';
import { numpyRound } from './python-numbers.ts';

/** NXRefine's `initialize_grid` rounding: 2·ceil(np.round(v)/2) (an even integer). */
export function evenCeil(v: number): number {
  return 2 * Math.ceil(numpyRound(v) / 2);
}

/**
 * NXRefine's `stepsize(v)`: the nearest of 1, 2, 5, 10 to v/10^⌊log10 v⌋ (the first on ties),
 * times 10^⌊log10 v⌋. E.g. 0.012 → 0.01, 0.028 → 0.02, 0.008 → 0.01.
 */
export function niceStepSize(v: number): number {
  const digits = Math.floor(Math.log10(v));
  // Python: 10**digits is an int for digits ≥ 0 and a float 10.0**digits below; both are exact here.
  const multiplier = 10 ** digits;
  const x = v / multiplier;
  let best = 1;
  for (const s of [1, 2, 5, 10]) if (Math.abs(s - x) < Math.abs(best - x)) best = s;
  return best * multiplier;
}

export interface DefaultGridInput {
  geometry: Geometry;
  cell: UnitCell;
  /**
   * How Q_max is found: 'nxrefine' uses NXRefine's two_theta_max (asin, corner typo) so that the
   * grid is the one NXRefine would choose; 'exact' the true largest 2θ of the detector corners.
   * @default 'nxrefine'
   */
  qMaxConvention?: 'nxrefine' | 'exact';
}

/** Q_max = 4π sin(2θ_max/2)/λ in Å⁻¹ (2π units), NXRefine's `Qmax`. */
export function computeQMax(geometry: Geometry, convention: 'nxrefine' | 'exact' = 'nxrefine'): number {
  const tth = computeTwoThetaMax(geometry, { convention });
  return (4 * Math.PI * Math.sin(degToRad(tth) / 2)) / geometry.wavelength;
}

/**
 * The grid NXRefine chooses when an entry has no transform axes yet (`initialize_grid`, spec §4.16):
 * H_max = evenceil(0.8·Q_max/a*) with a* in 2π Å⁻¹, H from −H_max to H_max in steps of
 * stepsize(round(2·H_max)/1000); the same for K (b*) and L (c*).
 */
export function computeDefaultGrid(input: DefaultGridInput): HklGrid {
  const qMax = computeQMax(input.geometry, input.qMaxConvention ?? 'nxrefine');
  const rec = computeReciprocalCell(input.cell, { twoPi: true });
  const axis = (star: number, name: string): HklGrid['h'] => {
    // NXRefine gives 0 when 0.8·Q_max < a*/2 (and then fails); one even step out is the least grid.
    const stop = Math.max(2, evenCeil((0.8 * qMax) / star));
    const range = numpyRound(2 * stop);
    const step = niceStepSize(range / 1000);
    return defineGridAxis(-stop, step, stop, name);
  };
  return { h: axis(rec.a, 'H'), k: axis(rec.b, 'K'), l: axis(rec.c, 'L') };
}
