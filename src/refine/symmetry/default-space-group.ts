import { NxrError } from '../../shared/errors.ts';
import { findSpaceGroup } from './find-space-group.ts';
import type { Centring, SpaceGroup } from './models.ts';

/** NXRefine's groups with minimal absences per centring, used when no space group is given (spec §4.9). */
const MINIMAL: Record<Centring, string> = {
  P: 'P1',
  A: 'Amm2',
  B: 'P1',
  C: 'C121',
  I: 'I222',
  F: 'F222',
  R: 'R3',
};

/** The space group NXRefine assumes for a lattice centring when `space_group` is empty. */
export function findDefaultSpaceGroup(centring: string): SpaceGroup {
  const symbol = MINIMAL[centring.trim().toUpperCase() as Centring];
  if (!symbol)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `unknown lattice centring '${centring}' (expected one of P, A, B, C, I, F, R)`,
    });
  return findSpaceGroup(symbol);
}
