/**
 * Validation of the Refine dialogs' fields, field by field, so each message stands beside its
 * field before anything runs. The rules are the jobs' own: the pure checks of src/refine
 * (checkPeakSearchParameters, checkCell, findSpaceGroup) are called where they exist; the rules of
 * the engine-side reduction-parameter check (checkReductionParameters) are repeated here, since
 * that module reads files. The engine checks everything again when the job runs.
 */
import { checkCell } from '../../refine/lattice/check-cell.ts';
import { checkBraggMaskParameters } from '../../refine/mask/flag-frame-difference.ts';
import { defineGridAxis } from '../../refine/transform/define-grid-axis.ts';
import type { GridAxis } from '../../refine/transform/models.ts';
import { checkPeakSearchParameters } from '../../refine/peaks/peak-search-parameters.ts';
import { lookupSpaceGroup } from '../../refine/symmetry/find-space-group.ts';
import type { SpaceGroup } from '../../refine/symmetry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import type { ReductionValues } from '../../shared/jobs.ts';

export type Errors<K extends string> = Partial<Record<K, string>>;

/** A number typed in a field: NaN for anything else (including an empty field). */
export function parseNumber(text: string): number {
  const t = text.trim().replace(/−/g, '-');
  if (t === '') return NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

export const isBlank = (text: string): boolean => text.trim() === '';

export type ReductionKey = keyof ReductionValues;

export const REDUCTION_KEYS: readonly ReductionKey[] = [
  'threshold',
  'first',
  'last',
  'polar_max',
  'hkl_tolerance',
  'monitor',
  'norm',
  'qmin',
  'qmax',
  'radius',
  'min_pixels',
];

/** The values typed in Choose Parameters as the job takes them (numbers, and the monitor's name). */
export function toReductionValues(v: Record<ReductionKey, string>): ReductionValues {
  const out = {} as Record<ReductionKey, number | string>;
  for (const k of REDUCTION_KEYS) out[k] = k === 'monitor' ? v[k].trim() : parseNumber(v[k]);
  return out as unknown as ReductionValues;
}

/**
 * Frame range [first, last) as NXRefine slices it: first an integer ≥ 0, last an integer >
 * first and ≤ the number of frames.
 */
export function checkFrameRange(first: string, last: string, nframes?: number): Errors<'first' | 'last'> {
  const out: Errors<'first' | 'last'> = {};
  const f = parseNumber(first);
  const l = parseNumber(last);
  if (!Number.isInteger(f) || f < 0) out.first = 'a frame number ≥ 0';
  else if (nframes !== undefined && f >= nframes) out.first = `must be < ${nframes} (frames in the scan)`;
  if (!Number.isInteger(l)) out.last = 'a whole frame number';
  else if (nframes !== undefined && l > nframes) out.last = `must be ≤ ${nframes} (frames in the scan)`;
  else if (out.first === undefined && !(l > f)) out.last = `must be greater than the first frame (${f})`;
  return out;
}

/** Choose Parameters (the rules of the engine's checkReductionParameters). */
export function checkReductionForm(v: Record<ReductionKey, string>, nframes?: number): Errors<ReductionKey> {
  const out: Errors<ReductionKey> = { ...checkFrameRange(v.first, v.last, nframes) };
  const num = (k: ReductionKey): number => parseNumber(v[k]);
  if (!(num('threshold') > 0)) out.threshold = 'a positive number of counts';
  const polar = num('polar_max');
  if (!(polar > 0 && polar <= 90)) out.polar_max = 'an angle in (0, 90] degrees';
  if (!(num('hkl_tolerance') > 0)) out.hkl_tolerance = 'a positive number (Å⁻¹)';
  if (isBlank(v.monitor)) out.monitor = 'the name of a monitor, e.g. monitor1';
  if (!(num('norm') > 0)) out.norm = 'a positive number';
  const qmin = num('qmin');
  const qmax = num('qmax');
  if (!(qmin >= 0)) out.qmin = 'a number ≥ 0 (Å⁻¹)';
  if (Number.isNaN(qmax)) out.qmax = 'a number (Å⁻¹)';
  else if (!Number.isNaN(qmin) && !(qmax > qmin)) out.qmax = `must be greater than the minimum Q (${qmin})`;
  if (!(num('radius') > 0)) out.radius = 'a positive number (Å⁻¹)';
  const mp = num('min_pixels');
  if (!Number.isInteger(mp) || mp < 1) out.min_pixels = 'a whole number of pixels ≥ 1';
  return out;
}

export type FindMaximumKey = 'first' | 'last' | 'qmin' | 'qmax' | 'filterSize';

/** Find Maximum: frame range; Q limits optional (blank = automatic annulus) but ordered; filter ≥ 1. */
export function checkFindMaximumForm(
  v: Record<FindMaximumKey, string>,
  nframes?: number,
): Errors<FindMaximumKey> {
  const out: Errors<FindMaximumKey> = { ...checkFrameRange(v.first, v.last, nframes) };
  const qmin = parseNumber(v.qmin);
  const qmax = parseNumber(v.qmax);
  if (!isBlank(v.qmin) && !(qmin >= 0)) out.qmin = 'a number ≥ 0 (Å⁻¹), or blank for automatic';
  if (!isBlank(v.qmax) && Number.isNaN(qmax)) out.qmax = 'a number (Å⁻¹), or blank for automatic';
  else if (!isBlank(v.qmax) && !Number.isNaN(qmin) && !(qmax > qmin))
    out.qmax = `must be greater than the minimum Q (${qmin})`;
  const fs = parseNumber(v.filterSize);
  if (!Number.isInteger(fs) || fs < 1) out.filterSize = 'a whole number of frames ≥ 1';
  return out;
}

export type FindPeaksKey = 'threshold' | 'first' | 'last' | 'minPixels';

/** Find Peaks: the job's own parameter check (threshold, min_pixels) and the frame range. */
export function checkFindPeaksForm(v: Record<FindPeaksKey, string>, nframes?: number): Errors<FindPeaksKey> {
  const out: Errors<FindPeaksKey> = { ...checkFrameRange(v.first, v.last, nframes) };
  const threshold = parseNumber(v.threshold);
  const minPixels = parseNumber(v.minPixels);
  if (Number.isNaN(threshold)) out.threshold = 'a number of counts';
  else if (!(threshold > 0)) out.threshold = 'a positive number of counts';
  try {
    checkPeakSearchParameters({ threshold: Number.isNaN(threshold) ? 1 : threshold, minPixels });
  } catch (e) {
    if (!(e instanceof NxrError)) throw e;
    if (/^min_pixels/.test(e.detail)) out.minPixels = 'a whole number of pixels, 1…200';
    else if (/^threshold/.test(e.detail)) out.threshold ??= 'a number of counts ≥ 0';
  }
  return out;
}

export type CellKey = 'a' | 'b' | 'c' | 'alpha' | 'beta' | 'gamma';
export const CELL_KEYS: readonly CellKey[] = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'];
export type LatticeKey = CellKey | 'spaceGroup' | 'formula';

export interface LatticeCheck {
  errors: Errors<LatticeKey>;
  /** The group the symbol names (undefined when it names none). */
  group?: SpaceGroup;
}

/** Define Lattice: a cell that checkCell accepts and a space group findSpaceGroup knows. */
export function checkLatticeForm(v: Record<LatticeKey, string>): LatticeCheck {
  const errors: Errors<LatticeKey> = {};
  const cell = Object.fromEntries(CELL_KEYS.map((k) => [k, parseNumber(v[k])])) as Record<CellKey, number>;
  for (const k of ['a', 'b', 'c'] as const) if (!(cell[k] > 0)) errors[k] = 'a positive length (Å)';
  for (const k of ['alpha', 'beta', 'gamma'] as const)
    if (!(cell[k] > 0 && cell[k] < 180)) errors[k] = 'an angle between 0 and 180°';
  if (CELL_KEYS.every((k) => errors[k] === undefined)) {
    try {
      checkCell(cell);
    } catch (e) {
      if (!(e instanceof NxrError)) throw e;
      errors.gamma = 'these angles form no cell (zero volume)';
    }
  }
  const symbol = v.spaceGroup.trim();
  let group: SpaceGroup | undefined;
  if (symbol === '') errors.spaceGroup = 'a symbol (P 21/c, Fm-3m) or number 1–230';
  else {
    group = lookupSpaceGroup(/^\d+$/.test(symbol) ? Number(symbol) : symbol, {
      ...(Number.isFinite(cell.alpha) ? { alpha: cell.alpha } : {}),
      ...(Number.isFinite(cell.gamma) ? { gamma: cell.gamma } : {}),
    });
    if (!group) errors.spaceGroup = `unknown space group '${symbol}'`;
  }
  return { errors, ...(group ? { group } : {}) };
}

export type AngleKey = 'wavelength' | 'distance' | 'beamCenterX' | 'beamCenterY' | 'pixelSize';

/** Calculate Angles: the rules of checkGeometry for the five values the dialog edits. */
export function checkAngleForm(v: Record<AngleKey, string>): Errors<AngleKey> {
  const out: Errors<AngleKey> = {};
  if (!(parseNumber(v.wavelength) > 0)) out.wavelength = 'a positive wavelength (Å)';
  if (!(parseNumber(v.distance) > 0)) out.distance = 'a positive distance (mm)';
  if (Number.isNaN(parseNumber(v.beamCenterX))) out.beamCenterX = 'a number of pixels';
  if (Number.isNaN(parseNumber(v.beamCenterY))) out.beamCenterY = 'a number of pixels';
  if (!(parseNumber(v.pixelSize) > 0)) out.pixelSize = 'a positive size (mm)';
  return out;
}

export const hasErrors = (e: Record<string, string | undefined>): boolean =>
  Object.values(e).some((m) => m !== undefined);

export type MaskKey = 'first' | 'last' | 't1' | 'h1' | 't2' | 'h2';

/**
 * Prepare 3D Mask: frames first…last inclusive (the job's convention) and the mask parameters as
 * checkBraggMaskParameters accepts them, field by field.
 */
export function checkMaskForm(v: Record<MaskKey, string>, nframes?: number): Errors<MaskKey> {
  const out: Errors<MaskKey> = {};
  const f = parseNumber(v.first);
  const l = parseNumber(v.last);
  if (!Number.isInteger(f) || f < 0) out.first = 'a frame number ≥ 0';
  if (!Number.isInteger(l)) out.last = 'a whole frame number';
  else if (nframes !== undefined && l > nframes - 1) out.last = `must be ≤ ${nframes - 1} (the last frame)`;
  else if (out.first === undefined && !(l > f)) out.last = `must be greater than the first frame (${f})`;
  const p = { t1: parseNumber(v.t1), h1: parseNumber(v.h1), t2: parseNumber(v.t2), h2: parseNumber(v.h2) };
  const messages: Record<'t1' | 'h1' | 't2' | 'h2', string> = {
    t1: 'counts ≥ 0',
    h1: 'a whole number of pixels, 1…1001',
    t2: 'a fraction, 0…1',
    h2: 'a whole number of pixels, 1…1001',
  };
  for (const k of ['t1', 'h1', 't2', 'h2'] as const) {
    // each value on its own, the others at their defaults
    try {
      checkBraggMaskParameters({ t1: 2, h1: 11, t2: 0.8, h2: 51, [k]: p[k] });
    } catch (e) {
      if (!(e instanceof NxrError)) throw e;
      out[k] = messages[k];
    }
  }
  return out;
}

export type GridKey = 'hQ' | 'hdQ' | 'kQ' | 'kdQ' | 'lQ' | 'ldQ';

/**
 * Transform Data: each axis −Q…+Q in steps of dQ (NXRefine's dialog), checked as defineGridAxis
 * checks it; returns the axes it defines.
 */
export function checkGridForm(v: Record<GridKey, string>): {
  errors: Errors<GridKey>;
  axes: Partial<Record<'h' | 'k' | 'l', GridAxis>>;
} {
  const errors: Errors<GridKey> = {};
  const axes: Partial<Record<'h' | 'k' | 'l', GridAxis>> = {};
  for (const a of ['h', 'k', 'l'] as const) {
    const q = parseNumber(v[`${a}Q`]);
    const dq = parseNumber(v[`${a}dQ`]);
    if (!(q > 0)) errors[`${a}Q`] = 'a positive limit (r.l.u.)';
    if (!(dq > 0)) errors[`${a}dQ`] = 'a positive step (r.l.u.)';
    if (errors[`${a}Q`] || errors[`${a}dQ`]) continue;
    try {
      axes[a] = defineGridAxis(-q, dq, q, a.toUpperCase());
    } catch (e) {
      if (!(e instanceof NxrError)) throw e;
      errors[`${a}dQ`] = e.detail.replace(/^.*: /, '');
    }
  }
  return { errors, axes };
}
