/**
 * What each settings.ini key means and which values it takes (nxrefine-spec.md §2.3), for Edit
 * Settings and `nxr settings --set`: a label with units, and a check that returns the message shown
 * beside the field (undefined when the value is good). Values are already parsed
 * (parseSettingValue): a number typed in a text field arrives as a number.
 */
import { checkName, checkSubpath } from '../experiment/names.ts';
import { checkOrientationText } from '../experiment/checks.ts';
import type { Settings, SettingsScope, SettingValue } from './settings-ini.ts';
import { defaultsFor } from './settings-ini.ts';

export interface SettingContext {
  /** Registered beamline names the instrument must be one of (case as registered). */
  instruments: readonly string[];
}

/** Server types NXServer knows (None → direct). */
export const SERVER_TYPES = ['direct', 'multicore', 'multinode'] as const;
/** Multiprocessing start methods `concurrent` may name instead of True/False. */
export const START_METHODS = ['spawn', 'fork', 'forkserver'] as const;

type Check = (v: SettingValue, all: Settings, ctx: SettingContext) => string | undefined;

const isNum = (v: SettingValue | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const get = (all: Settings, section: string, key: string): SettingValue | undefined => all[section]?.[key];

const positive =
  (what = 'a positive number'): Check =>
  (v) =>
    isNum(v) && v > 0 ? undefined : what;
const anyNumber: Check = (v) => (isNum(v) ? undefined : 'a number');
const wholeAtLeast =
  (min: number, what: string): Check =>
  (v) =>
    isNum(v) && Number.isInteger(v) && v >= min ? undefined : what;
const optionalText: Check = (v) => (v === null || typeof v === 'string' ? undefined : 'text (or None)');
const isAbsolutePath = (s: string): boolean =>
  s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s) || s.startsWith('\\\\');
const optionalAbsolute: Check = (v) => {
  if (v === null) return undefined;
  if (typeof v !== 'string') return 'a directory (or None)';
  return isAbsolutePath(v) ? undefined : 'an absolute directory (or None)';
};
const optionalSubpath: Check = (v) => {
  if (v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') return 'a sub-directory (or None)';
  return checkSubpath(String(v));
};

export interface SettingInfo {
  /** Label with units, as the dialog shows it. */
  label: string;
  check: Check;
}

/** Every known key by section, in NXRefine's order. */
export const SETTING_INFO: Record<string, Record<string, SettingInfo>> = {
  server: {
    type: {
      label: 'Server type (direct | multicore | multinode)',
      check: (v) =>
        v === null || (typeof v === 'string' && (SERVER_TYPES as readonly string[]).includes(v))
          ? undefined
          : 'direct, multicore or multinode',
    },
    cores: { label: 'Cores', check: wholeAtLeast(1, 'a whole number of cores ≥ 1') },
    concurrent: {
      label: 'Concurrent (True | False | start method)',
      check: (v) =>
        typeof v === 'boolean' || (typeof v === 'string' && (START_METHODS as readonly string[]).includes(v))
          ? undefined
          : 'True, False, spawn, fork or forkserver',
    },
    run_command: {
      label: 'Run command (pdsh … | qsub …)',
      check: (v) =>
        v === null || (typeof v === 'string' && /^(pdsh|qsub)\b/.test(v))
          ? undefined
          : "None, or a command starting with 'pdsh' or 'qsub'",
    },
    template: { label: 'Script template', check: optionalAbsolute },
    cctw: {
      label: 'CCTW executable',
      check: (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'the cctw command'),
    },
  },
  instrument: {
    source: { label: 'Source Name', check: optionalText },
    instrument: {
      label: 'Instrument',
      check: (v, _all, ctx) => {
        if (v === null) return undefined;
        const name = String(v);
        return ctx.instruments.includes(name)
          ? undefined
          : `not a registered beamline (${ctx.instruments.join(', ')})`;
      },
    },
    raw_home: { label: 'Raw Home Directory', check: optionalAbsolute },
    raw_path: { label: 'Raw Data Subdirectory', check: optionalSubpath },
    analysis_home: { label: 'Analysis Home Directory', check: optionalAbsolute },
    analysis_path: { label: 'Analysis Subdirectory', check: optionalSubpath },
    experiment: {
      label: 'Name of Experiment',
      check: (v) => (v === null ? undefined : checkName('experiment', String(v))),
    },
  },
  nxrefine: {
    wavelength: { label: 'Wavelength (Å)', check: positive('a positive wavelength (Å)') },
    distance: { label: 'Distance (mm)', check: positive('a positive distance (mm)') },
    detector_orientation: {
      label: 'Detector Orientation',
      check: (v) => checkOrientationText(typeof v === 'string' ? v : ''),
    },
    phi: { label: 'Phi Start (deg)', check: anyNumber },
    phi_end: {
      label: 'Phi End (deg)',
      check: (v, all) => {
        if (!isNum(v)) return 'a number';
        const start = get(all, 'nxrefine', 'phi');
        return isNum(start) && !(v > start) ? `must be greater than phi (${start})` : undefined;
      },
    },
    phi_step: { label: 'Phi Step (deg)', check: positive('a positive step (degrees per frame)') },
    chi: { label: 'Chi (deg)', check: anyNumber },
    omega: { label: 'Omega (deg)', check: anyNumber },
    theta: { label: 'Theta (deg)', check: anyNumber },
    x: { label: 'Translation X (mm)', check: anyNumber },
    y: { label: 'Translation Y (mm)', check: anyNumber },
    nsteps: { label: 'Number of Steps', check: wholeAtLeast(1, 'a whole number ≥ 1') },
    frame_rate: {
      label: 'Frame Rate (Hz)',
      check: (v) => (isNum(v) && v >= 0 ? undefined : 'frames per second ≥ 0'),
    },
  },
  nxreduce: {
    threshold: { label: 'Peak Threshold', check: positive('a positive number of counts') },
    min_pixels: {
      label: 'Minimum Pixels Between Peaks',
      check: wholeAtLeast(1, 'a whole number of pixels ≥ 1'),
    },
    first: { label: 'First Frame', check: wholeAtLeast(0, 'a frame number ≥ 0') },
    last: {
      label: 'Last Frame',
      check: (v, all) => {
        if (!isNum(v) || !Number.isInteger(v)) return 'a whole frame number';
        const first = get(all, 'nxreduce', 'first');
        return isNum(first) && !(v > first) ? `must be greater than the first frame (${first})` : undefined;
      },
    },
    polar_max: {
      label: 'Max. Polar Angle (deg)',
      check: (v) => (isNum(v) && v > 0 && v <= 90 ? undefined : 'an angle in (0, 90] degrees'),
    },
    hkl_tolerance: { label: 'HKL Tolerance (Å⁻¹)', check: positive('a positive number (Å⁻¹)') },
    monitor: {
      label: 'Normalization Monitor',
      check: (v) =>
        typeof v === 'string' && v.trim() !== '' ? undefined : 'the name of a monitor, e.g. monitor1',
    },
    norm: { label: 'Normalization Value', check: positive() },
    polarization: {
      label: 'Polarization',
      check: (v) => (isNum(v) && v >= 0 && v <= 1 ? undefined : 'a factor between 0 and 1'),
    },
    qmin: {
      label: 'Minimum Scattering Q (Å⁻¹)',
      check: (v) => (isNum(v) && v >= 0 ? undefined : 'a number ≥ 0 (Å⁻¹)'),
    },
    qmax: {
      label: 'Maximum Taper Q (Å⁻¹)',
      check: (v, all) => {
        if (!isNum(v)) return 'a number (Å⁻¹)';
        const qmin = get(all, 'nxreduce', 'qmin');
        return isNum(qmin) && !(v > qmin) ? `must be greater than qmin (${qmin})` : undefined;
      },
    },
    radius: { label: 'Punch Radius (Å⁻¹)', check: positive('a positive number (Å⁻¹)') },
  },
};

/** Canonical spelling of a registered instrument name typed in any case, else the text as typed. */
export function canonicalInstrument(name: string, instruments: readonly string[]): string {
  return instruments.find((i) => i.toLowerCase() === name.trim().toLowerCase()) ?? name.trim();
}

/** The message for one value (undefined when good, or when the key has no rule). */
export function checkSettingValue(
  section: string,
  key: string,
  value: SettingValue,
  all: Settings,
  ctx: SettingContext,
): string | undefined {
  return SETTING_INFO[section]?.[key]?.check(value, all, ctx);
}

export interface SettingProblem {
  section: string;
  key: string;
  message: string;
}

/** Every bad value of the scope's known sections, in section and key order. */
export function checkSettings(
  settings: Settings,
  scope: SettingsScope,
  ctx: SettingContext,
): SettingProblem[] {
  const out: SettingProblem[] = [];
  for (const section of Object.keys(defaultsFor(scope))) {
    const values = settings[section] ?? {};
    for (const key of Object.keys(SETTING_INFO[section] ?? {})) {
      if (!(key in values)) continue;
      const message = checkSettingValue(section, key, values[key]!, settings, ctx);
      if (message !== undefined) out.push({ section, key, message });
    }
  }
  return out;
}
