import { NxrError } from '../../shared/errors.ts';
import type { GridAxis } from './models.ts';
import { numpyRound } from './python-numbers.ts';

/** Largest number of voxels along one axis (a sanity bound; 100 000 × 0.001 r.l.u. = ±50 r.l.u.). */
export const MAX_AXIS_COUNT = 100_000;

/**
 * A grid axis from NXRefine's start, step, stop (r.l.u.), counted as `define_grid` does:
 * count = int(np.round((stop − start)/step, 2)) + 1 (spec §4.16). The voxel centres are
 * start + i·step; when (stop − start)/step is not a whole number the last centre is below `stop`
 * (NXRefine's linspace would instead stretch the step; we keep the step the user asked for).
 *
 * @throws NxrError BAD_PARAMETER for non-finite values, step ≤ 0, stop < start, or too many voxels.
 */
export function defineGridAxis(start: number, step: number, stop: number, name = 'axis'): GridAxis {
  const bad = (why: string): never => {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `${name} grid ${start},${step},${stop} (start,step,stop): ${why}`,
    });
  };
  if (![start, step, stop].every(Number.isFinite)) bad('values must be finite numbers');
  if (!(step > 0)) bad('step must be positive');
  if (stop < start) bad('stop must not be below start');
  const count = Math.trunc(numpyRound((stop - start) / step, 2)) + 1;
  if (count > MAX_AXIS_COUNT) bad(`${count} voxels is more than ${MAX_AXIS_COUNT}`);
  return { start, step, count };
}
