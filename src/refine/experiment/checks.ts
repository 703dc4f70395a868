/**
 * Checks shared by the Experiment dialogs' values: each returns the message shown beside a field
 * (keyed by field), nothing when the value is good. The engine refuses a request with the first
 * message; the dialogs show them all.
 */
import { parseDetectorOrientation } from '../geometry/parse-detector-orientation.ts';

/** Messages by field key. */
export type Errors = Record<string, string>;

/** The first error as 'key: message', or undefined. */
export function firstError(errors: Errors): [string, string] | undefined {
  const e = Object.entries(errors)[0];
  return e === undefined ? undefined : [e[0], e[1]];
}

export interface ReductionValues {
  /** counts */
  threshold: number;
  first: number;
  last: number;
  /** degrees */
  polarMax: number;
  /** Å⁻¹ */
  hklTolerance: number;
  monitor: string;
  norm: number;
  /** Å⁻¹ */
  radius: number;
}

/**
 * The analysis values of New Configuration, with the rules of Choose Parameters: threshold > 0;
 * first an integer ≥ 0; last an integer > first; 0 < polar max ≤ 90; HKL tolerance > 0; a monitor
 * name; norm > 0; radius > 0.
 */
export function checkReduction(v: ReductionValues): Errors {
  const out: Errors = {};
  const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (!isNum(v.threshold) || !(v.threshold > 0)) out['threshold'] = 'a positive number of counts';
  const firstOk = isNum(v.first) && Number.isInteger(v.first) && v.first >= 0;
  if (!firstOk) out['first'] = 'a frame number ≥ 0';
  if (!isNum(v.last) || !Number.isInteger(v.last)) out['last'] = 'a whole frame number';
  else if (firstOk && !(v.last > v.first)) out['last'] = `must be greater than the first frame (${v.first})`;
  if (!isNum(v.polarMax) || !(v.polarMax > 0 && v.polarMax <= 90))
    out['polarMax'] = 'an angle in (0, 90] degrees';
  if (!isNum(v.hklTolerance) || !(v.hklTolerance > 0)) out['hklTolerance'] = 'a positive number (Å⁻¹)';
  if (typeof v.monitor !== 'string' || v.monitor.trim() === '')
    out['monitor'] = 'the name of a monitor, e.g. monitor1';
  if (!isNum(v.norm) || !(v.norm > 0)) out['norm'] = 'a positive number';
  if (!isNum(v.radius) || !(v.radius > 0)) out['radius'] = 'a positive number (Å⁻¹)';
  return out;
}

/** The message for a detector orientation NXRefine cannot read, e.g. '-y +z -x' is good. */
export function checkOrientationText(text: string): string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return "three signed lab axes, e.g. '-y +z -x'";
  try {
    parseDetectorOrientation(text);
    return undefined;
  } catch {
    return "three signed lab axes, e.g. '-y +z -x'";
  }
}

/**
 * Frames of a rotation from φ start to φ end in steps (NXRefine: `np.arange((end − start)/step)`,
 * e.g. −5 → 360 in 0.1° = 3650). A quotient within 1e-6 of an integer counts as that integer, so
 * floating-point noise (365/0.1 = 3649.9999999999995) neither adds nor drops a frame.
 */
export function countFrames(phiStart: number, phiEnd: number, phiStep: number): number {
  const q = (phiEnd - phiStart) / phiStep;
  if (!Number.isFinite(q) || q <= 0) return 0;
  const r = Math.round(q);
  return Math.abs(q - r) < 1e-6 ? r : Math.ceil(q);
}
