/**
 * Refine Lattice ▸ Orient by FFT (spec §4.14, §6.1) without React: the candidate cells of the
 * orient-fft job as table rows, the row to preselect, the form check of Dmin / Dmax, and the
 * comparison of a candidate with the defined lattice.
 */
import type { FftCellCandidate, FftCellChoice, OrientFftSummary } from '../../shared/jobs.ts';
import { parseNumber, type Errors } from './validate.ts';

export type FftKey = 'dMin' | 'dMax';

/** Dmin, Dmax: 0 < Dmin < Dmax, Å. */
export function checkFftForm(v: Record<FftKey, string>): Errors<FftKey> {
  const out: Errors<FftKey> = {};
  const lo = parseNumber(v.dMin);
  const hi = parseNumber(v.dMax);
  if (!(lo > 0)) out.dMin = 'a positive length (Å)';
  if (!(hi > 0)) out.dMax = 'a positive length (Å)';
  else if (lo > 0 && !(hi > lo)) out.dMax = 'longer than Dmin';
  return out;
}

/** One row of the cell table, formatted as shown. */
export interface FftCellRow {
  symmetry: string;
  centring: string;
  a: string;
  b: string;
  c: string;
  alpha: string;
  beta: string;
  gamma: string;
  volume: string;
  /** "n (p %)", no-break spaces. */
  indexed: string;
  /** "space group" and/or "cell" when the row agrees with the defined lattice. */
  matches: string;
}

export function formatFftCell(c: FftCellCandidate): FftCellRow {
  const matches = [c.matchesSpaceGroup ? 'space group' : '', c.matchesCell ? 'cell' : '']
    .filter(Boolean)
    .join(', ');
  return {
    symmetry: c.latticeSystem,
    centring: c.centring,
    a: c.cell.a.toFixed(4),
    b: c.cell.b.toFixed(4),
    c: c.cell.c.toFixed(4),
    alpha: c.cell.alpha.toFixed(3),
    beta: c.cell.beta.toFixed(3),
    gamma: c.cell.gamma.toFixed(3),
    volume: c.volume.toFixed(2),
    indexed: `${c.indexed}\u00a0(${(100 * c.fraction).toFixed(0)}\u00a0%)`,
    matches,
  };
}

/** The row to preselect: the job's preferred one (the space group's type), else the most symmetric indexing ≥ 90 % as many as the best. */
export function preselectFftRow(s: Pick<OrientFftSummary, 'candidates' | 'preferred'>): number {
  if (s.preferred >= 0 && s.preferred < s.candidates.length) return s.preferred;
  if (s.candidates.length === 0) return -1;
  const best = Math.max(...s.candidates.map((c) => c.indexed));
  return s.candidates.findIndex((c) => c.indexed >= 0.9 * best);
}

/** Relative differences of a candidate from the defined cell: lengths in %, angles in degrees. */
export function compareWithDefined(
  c: FftCellCandidate,
  defined: OrientFftSummary['definedCell'],
): string | null {
  if (!defined) return null;
  const pct = (['a', 'b', 'c'] as const).map(
    (k) => `Δ${k} ${(100 * (c.cell[k] / defined[k] - 1)).toFixed(2)} %`,
  );
  const deg = (['alpha', 'beta', 'gamma'] as const).map(
    (k, j) => `Δ${'αβγ'[j]} ${(c.cell[k] - defined[k]).toFixed(2)}°`,
  );
  return [...pct, ...deg].join(', ');
}

/** What Refine Lattice is sent for a picked row. */
export function fftChoiceOf(c: FftCellCandidate): FftCellChoice {
  return {
    latticeSystem: c.latticeSystem,
    centring: c.centring,
    cell: { ...c.cell },
    U: [[...c.U[0]], [...c.U[1]], [...c.U[2]]],
  };
}
