/**
 * Refine Lattice's peak list, residual plot and Orient Manually helpers (no React): rows of the
 * engine's peak table, sorting, formatting as NXRefine's List table, why a row is greyed, the
 * residual plot's points before and after the fit, and the candidate hkls of two chosen peaks
 * (powder rings and angles, spec §4.12, §6.1) with the angle check.
 */
import type { Vec3 } from '../../refine/geometry/models.ts';
import { computeBMatrix } from '../../refine/lattice/b-matrix.ts';
import { norm3, radToDeg } from '../../refine/linalg/mat3.ts';
import { computeHklAngle, computePeakAngle } from '../../refine/orient/angles.ts';
import {
  listPeakPairCandidates,
  type PeakPairCandidates,
  type SecondaryCandidate,
} from '../../refine/orient/peak-pair-candidates.ts';
import { lookupSpaceGroup } from '../../refine/symmetry/find-space-group.ts';
import { NxrError } from '../../shared/errors.ts';
import type { RefineLatticeSummary, RefinePeakTable } from '../../shared/jobs.ts';

/** Columns of the list, in NXRefine's order. */
export type PeakColumn =
  'i' | 'x' | 'y' | 'z' | 'polar' | 'azimuthal' | 'intensity' | 'h' | 'k' | 'l' | 'diff';

/** The numbers a peak list shows; hkl columns only once the peaks are indexed. */
export interface PeakColumns {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  z: ArrayLike<number>;
  polar: ArrayLike<number> | null;
  azimuthal: ArrayLike<number> | null;
  intensity: ArrayLike<number> | null;
  h?: ArrayLike<number> | null;
  k?: ArrayLike<number> | null;
  l?: ArrayLike<number> | null;
  diff?: ArrayLike<number> | null;
}

export const PEAK_HEADINGS: ReadonlyArray<[PeakColumn, string]> = [
  ['i', 'i'],
  ['x', 'x'],
  ['y', 'y'],
  ['z', 'z'],
  ['polar', 'Polar'],
  ['azimuthal', 'Azi'],
  ['intensity', 'Intensity'],
  ['h', 'H'],
  ['k', 'K'],
  ['l', 'L'],
  ['diff', 'Diff'],
];

/** The headings a table shows: H, K, L, Diff only when it has them. */
export function peakHeadings(rows: PeakColumns): Array<[PeakColumn, string]> {
  return PEAK_HEADINGS.filter(([c]) => c === 'i' || (rows[c] ?? null) !== null);
}

export function peakValue(rows: PeakColumns, c: PeakColumn, i: number): number {
  if (c === 'i') return i;
  return rows[c]?.[i] ?? NaN;
}

/** Row order for a sort by column `by` (NaN last either way), stable. */
export function sortPeakRows(rows: PeakColumns, by: PeakColumn, ascending: boolean): number[] {
  const n = rows.x.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  const v = (i: number): number => peakValue(rows, by, i);
  idx.sort((a, b) => {
    const va = v(a);
    const vb = v(b);
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? a - b : 1) : -1;
    return (ascending ? va - vb : vb - va) || a - b;
  });
  return idx;
}

/** A cell as NXRefine's table writes it: z rounded, intensity %5.3g, H K L 2 dp, Diff 3 dp. */
export function formatPeakCell(rows: PeakColumns, c: PeakColumn, i: number): string {
  const v = peakValue(rows, c, i);
  if (Number.isNaN(v)) return '';
  switch (c) {
    case 'i':
      return String(v);
    case 'z':
      return String(Math.round(v));
    case 'x':
    case 'y':
      return v.toFixed(2);
    case 'intensity':
      return v.toPrecision(3);
    case 'h':
    case 'k':
    case 'l':
      return (Math.abs(v) < 0.005 ? 0 : v).toFixed(2);
    case 'diff':
      return v.toFixed(3);
    default:
      return v.toFixed(3);
  }
}

/** Why a row is greyed (status of the engine's table), or null when the peak is used in the fit. */
export function excludedReason(
  status: number,
  t?: { polarMax: number; hklTolerance: number },
): string | null {
  switch (status) {
    case 0:
      return null;
    case 1:
      return `polar angle above ${t ? `${t.polarMax}°` : 'the maximum'}`;
    case 2:
      return `Diff above the HKL tolerance${t ? ` (${t.hklTolerance} Å⁻¹)` : ''}`;
    case 3:
      return 'systematically absent or (000)';
    case 4:
      return 'rejected as an outlier';
    case 5:
      return 'excluded (unticked)';
    default:
      return 'not used';
  }
}

/** The peak list of a Refine Lattice result as table columns. */
export function refinePeakRows(t: RefinePeakTable): PeakColumns & { status: Int8Array } {
  return {
    x: t.x,
    y: t.y,
    z: t.z,
    polar: t.polar,
    azimuthal: t.azimuthal,
    intensity: t.intensity.some((v) => !Number.isNaN(v)) ? t.intensity : null,
    h: t.h,
    k: t.k,
    l: t.l,
    diff: t.diff,
    status: t.status,
  };
}

export interface ResidualSeries {
  /** Polar angle (deg), residual and peak index of each point. */
  x: number[];
  y: number[];
  peak: number[];
}

/**
 * Points of the residual plot against polar angle: with 'diff', NXRefine's Diff (Å⁻¹) before the
 * fit (peaks within polar max and tolerance with the starting orientation) and after it (the peaks
 * used); with 'pixels', the spot-position residual after the fit (px).
 */
export function residualSeries(
  r: Pick<RefineLatticeSummary, 'peakTable' | 'polarMax' | 'hklTolerance'>,
  kind: 'diff' | 'pixels',
): { before: ResidualSeries | null; after: ResidualSeries } {
  const t = r.peakTable;
  const after: ResidualSeries = { x: [], y: [], peak: [] };
  const before: ResidualSeries = { x: [], y: [], peak: [] };
  for (let i = 0; i < t.x.length; i++) {
    const polar = t.polar[i]!;
    if (t.status[i] === 0) {
      after.x.push(polar);
      after.y.push(kind === 'diff' ? t.diff[i]! : t.pixelResidual[i]!);
      after.peak.push(i);
    }
    if (kind === 'diff' && polar <= r.polarMax && t.diffStart[i]! <= r.hklTolerance) {
      before.x.push(polar);
      before.y.push(t.diffStart[i]!);
      before.peak.push(i);
    }
  }
  return { before: kind === 'diff' ? before : null, after };
}

/** 'h k l', 'h,k,l' or '(h k l)' → integers; null when it is not three integers. */
export function parseHkl(text: string): Vec3 | null {
  const parts = text
    .replace(/[()[\]]/g, ' ')
    .trim()
    .split(/[\s,]+/)
    .filter((s) => s !== '');
  if (parts.length !== 3) return null;
  const v = parts.map(Number);
  return v.every((x) => Number.isInteger(x)) ? (v as Vec3) : null;
}

export const formatHkl = (h: readonly number[]): string => h.join(' ');

/** The cell the job started from (the file's), from a result's parameter table. */
function startCell(r: RefineLatticeSummary): {
  cell: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number };
  wavelength: number;
} {
  const get = (name: string): number => {
    const p = r.parameters.find((q) => q.name === name);
    if (!p) throw new NxrError({ code: 'BAD_PARAMETER', message: `the result has no ${name}` });
    return p.initial;
  };
  return {
    cell: {
      a: get('a'),
      b: get('b'),
      c: get('c'),
      alpha: get('alpha'),
      beta: get('beta'),
      gamma: get('gamma'),
    },
    wavelength: get('wavelength'),
  };
}

const qOf = (t: RefinePeakTable, i: number): Vec3 => [t.qx[i]!, t.qy[i]!, t.qz[i]!];

/**
 * NXRefine's Orient Manually helper for peaks `primary` and `secondary` of a result: each peak's
 * powder ring and the candidate hkls (primary: one per class of its ring; secondary: those whose
 * angle to it matches the measured one within `peakTolerance`, best first).
 * @throws NxrError for a row that does not exist or a pair that cannot be used.
 */
export function manualCandidates(
  r: RefineLatticeSummary,
  primary: number,
  secondary: number,
  options: { polarTolerance?: number; peakTolerance?: number } = {},
): PeakPairCandidates {
  const t = r.peakTable;
  const n = t.x.length;
  for (const [which, i] of [
    ['primary', primary],
    ['secondary', secondary],
  ] as const)
    if (!(Number.isInteger(i) && i >= 0 && i < n))
      throw new NxrError({ code: 'BAD_PARAMETER', message: `the ${which} peak must be a row 0…${n - 1}` });
  if (primary === secondary)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'choose two different peaks' });
  const { cell, wavelength } = startCell(r);
  const sg =
    (r.spaceGroup !== undefined
      ? lookupSpaceGroup(r.spaceGroup, { alpha: cell.alpha, gamma: cell.gamma })
      : undefined) ?? lookupSpaceGroup(1)!;
  return listPeakPairCandidates(cell, sg, qOf(t, primary), qOf(t, secondary), { wavelength, ...options });
}

/**
 * Secondary hkls for any primary hkl `h1` (typed, not only a class representative): the
 * reflections of the secondary peak's ring whose angle to h1 is within `peakTolerance` of the
 * measured angle, best first.
 */
export function secondaryCandidates(
  r: RefineLatticeSummary,
  c: PeakPairCandidates,
  h1: Vec3,
  peakTolerance = 5,
): SecondaryCandidate[] {
  const B = computeBMatrix(startCell(r).cell);
  const ring = c.rings[c.ring[1]];
  if (!ring) return [];
  return ring.classes
    .flatMap((k) => k.equivalents)
    .map((hkl) => {
      const angle = computeHklAngle(B, h1, hkl);
      return { hkl, angle, difference: Math.abs(angle - c.angle) };
    })
    .filter((s) => s.difference <= peakTolerance && s.angle > 1e-6 && s.angle < 180 - 1e-6)
    .sort((a, b) => a.difference - b.difference);
}

export interface AngleCheck {
  /** Angle between the peaks' Q and between the hkls' reciprocal vectors, degrees. */
  measured: number;
  calculated: number;
  /** 2θ of each peak and of each hkl, degrees. */
  peakTwoTheta: [number, number];
  hklTwoTheta: [number, number];
}

/** The angle check of a pair before orienting (the engine repeats it): measured vs calculated. */
export function angleCheck(
  r: RefineLatticeSummary,
  primary: number,
  secondary: number,
  h1: Vec3,
  h2: Vec3,
): AngleCheck {
  const { cell, wavelength } = startCell(r);
  const B = computeBMatrix(cell);
  const t = r.peakTable;
  const tth = (len: number): number => 2 * radToDeg(Math.asin(Math.min(1, (wavelength * len) / 2)));
  const bh = (h: Vec3): number => {
    const v = [0, 1, 2].map((i) => B[i]![0] * h[0] + B[i]![1] * h[1] + B[i]![2] * h[2]) as Vec3;
    return norm3(v);
  };
  return {
    measured: computePeakAngle(qOf(t, primary), qOf(t, secondary)),
    calculated: computeHklAngle(B, h1, h2),
    peakTwoTheta: [tth(norm3(qOf(t, primary))), tth(norm3(qOf(t, secondary)))],
    hklTwoTheta: [tth(bh(h1)), tth(bh(h2))],
  };
}
