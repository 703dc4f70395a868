/**
 * Reduction parameters (Choose Parameters; `/entry/nxreduce:NXparameters`, spec §2.3, §3.2, §6.1)
 * with NXRefine's cascade (classic `NXReduce.get_parameter`):
 *
 *   command line → parent `/entry/nxreduce` (when a parent exists and this file is not it)
 *   → own `/entry/nxreduce` → experiment `tasks/settings.ini [nxreduce]` → built-in defaults
 *
 * `first`/`last` are stored as `first_frame`/`last_frame`. Inherited (not command-line) values are
 * corrected as NXRefine does: first < 0 → 10; last > nframes → nframes − 10. Every effective value
 * carries where it came from.
 */
import { existsSync } from 'node:fs';

import type { NexusReader, NexusWriter, WriteDtype } from '../../nexus/port.ts';
import { detectorEntries } from '../../nexus/schema/nxrefine-paths.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { snapshotField, writeSnapshot, type FieldSnapshot } from './field-snapshot.ts';
import { readEntryFrameCount } from './read-entry-geometry.ts';
import { readNumbers, readText } from './read-fields.ts';
import {
  findExperimentSettingsFile,
  isSameFile,
  readParentLink,
  readSettingsFile,
  scanLayout,
} from './scan-layout.ts';

/** The parameters Choose Parameters edits, plus min_pixels (Find Peaks). */
export interface ReductionParameters {
  /** Peak threshold, counts. */
  threshold: number;
  /** First frame used by Find Maximum / Find Peaks / Prepare Mask. */
  first: number;
  /** Last frame (exclusive upper bound as NXRefine uses it). */
  last: number;
  /** Maximum polar angle of peaks used in refinement, degrees. */
  polar_max: number;
  /** HKL tolerance, Å⁻¹ in 1/d units (no 2π). */
  hkl_tolerance: number;
  /** Normalization monitor (NXmonitor group name). */
  monitor: string;
  /** Monitor normalization divisor. */
  norm: number;
  /** Transmission annulus lower edge, Å⁻¹ (2π units). */
  qmin: number;
  /** Transmission annulus upper edge / PDF taper, Å⁻¹ (2π units). */
  qmax: number;
  /** Punch radius, Å⁻¹ (2π units). */
  radius: number;
  /** Minimum separation of peaks, pixels. */
  min_pixels: number;
}

export type ReductionKey = keyof ReductionParameters;

/** In the order Choose Parameters shows them. */
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

/** Field name in /entry/nxreduce and its dtype (spec §3.1: threshold float, first/last int, monitor str). */
export const REDUCTION_FIELDS: Record<ReductionKey, { field: string; dtype: WriteDtype; label: string }> = {
  threshold: { field: 'threshold', dtype: '<f8', label: 'Peak Threshold' },
  first: { field: 'first_frame', dtype: '<i8', label: 'First Frame' },
  last: { field: 'last_frame', dtype: '<i8', label: 'Last Frame' },
  polar_max: { field: 'polar_max', dtype: '<f8', label: 'Max. Polar Angle (deg)' },
  hkl_tolerance: { field: 'hkl_tolerance', dtype: '<f8', label: 'HKL Tolerance (Å⁻¹)' },
  monitor: { field: 'monitor', dtype: 'string', label: 'Normalization Monitor' },
  norm: { field: 'norm', dtype: '<f8', label: 'Normalization Value' },
  qmin: { field: 'qmin', dtype: '<f8', label: 'Minimum Scattering Q (Å⁻¹)' },
  qmax: { field: 'qmax', dtype: '<f8', label: 'Maximum Taper Q (Å⁻¹)' },
  radius: { field: 'radius', dtype: '<f8', label: 'Punch Radius (Å⁻¹)' },
  min_pixels: { field: 'min_pixels', dtype: '<i8', label: 'Minimum Pixels Between Peaks' },
};

export const NXREDUCE_PATH = '/entry/nxreduce';

export type ParameterSource = 'command line' | 'parent' | 'file' | 'settings.ini' | 'default';

export interface ParameterOrigin {
  source: ParameterSource;
  /** The file the value was read from (parent, own file or settings.ini). */
  file?: string;
  /** Path inside a NeXus file, e.g. /entry/nxreduce/threshold. */
  path?: string;
  /** A correction NXRefine applies to inherited values, e.g. 'last 3640 > 400 frames → 390'. */
  note?: string;
}

export interface ResolvedReductionParameters {
  values: ReductionParameters;
  origins: Record<ReductionKey, ParameterOrigin>;
  /** Frames per rotation (the smallest over the fN entries), when known. */
  nframes?: number;
  /** The parent wrapper used in the cascade. */
  parentFile?: string;
  /** The experiment settings.ini used in the cascade. */
  settingsFile?: string;
}

export interface ReadReductionOptions {
  /** Values given on the command line (or in the dialog). */
  overrides?: Partial<ReductionParameters>;
  /**
   * Parent wrapper file. undefined: the classic `<sample>_parent.nxs` link next to the file (not
   * used when it points at the file itself); null: no parent.
   */
  parent?: string | null;
  /** settings.ini. undefined: `<experiment>/tasks/settings.ini` found from the file's location; null: none. */
  settingsFile?: string | null;
  /** Frames per rotation. undefined: read from the file's fN entries. */
  nframes?: number;
}

/** Frames per rotation: the smallest data/data length over the fN entries. */
export function readScanFrameCount(f: NexusReader): number | undefined {
  const entries = detectorEntries(f.children('/', { attrs: false }).map((c) => c.name));
  let n: number | undefined;
  for (const e of entries) {
    const c = readEntryFrameCount(f, e);
    if (c !== undefined) n = n === undefined ? c : Math.min(n, c);
  }
  return n;
}

type Raw = Partial<Record<ReductionKey, number | string>>;

/** The parameters stored in a file's /entry/nxreduce (raw, unvalidated). */
export function readStoredReductionParameters(f: NexusReader): Raw {
  const out: Raw = {};
  if (!f.has(NXREDUCE_PATH)) return out;
  for (const key of REDUCTION_KEYS) {
    const path = `${NXREDUCE_PATH}/${REDUCTION_FIELDS[key].field}`;
    if (!f.has(path)) continue;
    if (key === 'monitor') {
      const v = readText(f, path);
      if (v !== undefined && v !== 'None') out[key] = v;
    } else {
      const v = readNumbers(f, path);
      if (v === undefined || v.length === 0) continue;
      if (v.length !== 1)
        throw new NxrError({
          code: 'WRONG_SHAPE',
          message: `expected one number, found ${v.length}`,
          file: f.file,
          path,
        });
      out[key] = v[0]!;
    }
  }
  return out;
}

function fromSettings(settings: Settings | undefined): Raw {
  const out: Raw = {};
  const section = settings?.['nxreduce'];
  if (!section) return out;
  for (const key of REDUCTION_KEYS) {
    const v = section[key];
    if (typeof v === 'number' || typeof v === 'string') out[key] = v;
  }
  return out;
}

function defaults(): Raw {
  const out: Raw = {};
  const section = DEFAULT_SETTINGS['nxreduce']!;
  for (const key of REDUCTION_KEYS) {
    const v = section[key];
    if (typeof v === 'number' || typeof v === 'string') out[key] = v;
  }
  return out;
}

/** The parent wrapper for `file` (the classic link), unless it is `file` itself. */
export function findParentFor(file: string): string | undefined {
  const link = readParentLink(scanLayout(file).parentLink);
  if (!link.target || isSameFile(link.target, file)) return undefined;
  return link.target;
}

/** Effective reduction parameters of a wrapper file, with their origins (see module comment). */
export async function readReductionParameters(
  file: string,
  options: ReadReductionOptions = {},
): Promise<ResolvedReductionParameters> {
  const layout = scanLayout(file);
  const f = await openNexusFile(file);
  let own: Raw;
  let nframes = options.nframes;
  try {
    own = readStoredReductionParameters(f);
    nframes ??= readScanFrameCount(f);
  } finally {
    f.close();
  }
  let parentFile = options.parent === null ? undefined : options.parent;
  if (options.parent === undefined) parentFile = findParentFor(file);
  if (parentFile !== undefined && isSameFile(parentFile, file)) parentFile = undefined;
  let parent: Raw = {};
  if (parentFile !== undefined) {
    if (!existsSync(parentFile))
      throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'parent file does not exist', file: parentFile });
    const pf = await openNexusFile(parentFile);
    try {
      parent = readStoredReductionParameters(pf);
    } finally {
      pf.close();
    }
  }
  const settingsFile =
    options.settingsFile === null
      ? undefined
      : (options.settingsFile ?? findExperimentSettingsFile(layout.experimentDir));
  const ini = settingsFile !== undefined ? fromSettings(readSettingsFile(settingsFile)) : {};
  const builtIn = defaults();

  const levels: Array<{ raw: Raw; origin: ParameterOrigin }> = [
    { raw: (options.overrides ?? {}) as Raw, origin: { source: 'command line' } },
    ...(parentFile !== undefined
      ? [{ raw: parent, origin: { source: 'parent' as const, file: parentFile } }]
      : []),
    { raw: own, origin: { source: 'file', file } },
    ...(settingsFile !== undefined
      ? [{ raw: ini, origin: { source: 'settings.ini' as const, file: settingsFile } }]
      : []),
    { raw: builtIn, origin: { source: 'default' } },
  ];
  const values = {} as Record<ReductionKey, number | string>;
  const origins = {} as Record<ReductionKey, ParameterOrigin>;
  for (const key of REDUCTION_KEYS) {
    for (const level of levels) {
      const v = level.raw[key];
      if (v === undefined) continue;
      values[key] = v;
      const o: ParameterOrigin = { ...level.origin };
      if (o.source === 'parent' || o.source === 'file')
        o.path = `${NXREDUCE_PATH}/${REDUCTION_FIELDS[key].field}`;
      if (o.source === 'settings.ini') o.path = `[nxreduce] ${key}`;
      origins[key] = o;
      break;
    }
  }
  // NXRefine's corrections of inherited frame limits (never of command-line values)
  if (origins.first.source !== 'command line' && typeof values.first === 'number' && values.first < 0) {
    origins.first.note = `first ${values.first} < 0 → 10`;
    values.first = 10;
  }
  if (
    nframes !== undefined &&
    origins.last.source !== 'command line' &&
    typeof values.last === 'number' &&
    values.last > nframes
  ) {
    origins.last.note = `last ${values.last} > ${nframes} frames → nframes − 10`;
    values.last = nframes - 10;
  }
  // type coercion: monitor is text, everything else numbers
  for (const key of REDUCTION_KEYS) {
    const v = values[key];
    if (key === 'monitor') values[key] = String(v);
    else if (typeof v === 'string') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n))
        throw parameterError(key, v, origins[key], file, 'must be a number');
      values[key] = n;
    }
  }
  return {
    values: values as unknown as ReductionParameters,
    origins,
    ...(nframes !== undefined ? { nframes } : {}),
    ...(parentFile !== undefined ? { parentFile } : {}),
    ...(settingsFile !== undefined ? { settingsFile } : {}),
  };
}

/** 'parent /x/sim_300K.nxs:/entry/nxreduce/threshold', 'settings.ini /x/tasks/settings.ini', 'default'… */
export function describeOrigin(o: ParameterOrigin): string {
  if (o.file === undefined) return o.source;
  const where = o.path !== undefined && o.source !== 'settings.ini' ? `${o.file}:${o.path}` : o.file;
  return `${o.source} ${where}`;
}

function parameterError(
  key: ReductionKey,
  value: unknown,
  origin: ParameterOrigin | undefined,
  file: string,
  why: string,
): NxrError {
  const cli =
    key === 'polar_max' || key === 'hkl_tolerance' || key === 'min_pixels' ? key.replace('_', '-') : key;
  const inNexus = origin?.source === 'file' || origin?.source === 'parent';
  const from =
    origin === undefined || origin.source === 'command line'
      ? ''
      : inNexus
        ? ` (stored in the ${origin.source === 'parent' ? 'parent' : 'file'})`
        : ` (from ${describeOrigin(origin)})`;
  return new NxrError({
    code: 'BAD_PARAMETER',
    message: `${cli} = ${String(value)}${from}: ${why}`,
    file: inNexus ? origin.file! : file,
    ...(inNexus && origin.path !== undefined ? { path: origin.path } : {}),
  });
}

/**
 * Throws a BAD_PARAMETER NxrError naming the first invalid value and where it came from:
 * threshold > 0; first ≥ 0 and last integers with first < last ≤ nframes; 0 < polar_max ≤ 90;
 * hkl_tolerance > 0; monitor not empty; norm > 0; 0 ≤ qmin < qmax; radius > 0; min_pixels ≥ 1.
 */
export function checkReductionParameters(
  file: string,
  values: ReductionParameters,
  origins: Partial<Record<ReductionKey, ParameterOrigin>> = {},
  nframes?: number,
): ReductionParameters {
  const fail = (key: ReductionKey, why: string): never => {
    throw parameterError(key, values[key], origins[key], file, why);
  };
  const finite = (key: ReductionKey): number => {
    const v = values[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(key, 'must be a finite number');
    return v as number;
  };
  if (!(finite('threshold') > 0)) fail('threshold', 'must be positive (counts)');
  const first = finite('first');
  const last = finite('last');
  if (!Number.isInteger(first) || first < 0) fail('first', 'must be a frame index ≥ 0');
  if (!Number.isInteger(last)) fail('last', 'must be an integer frame index');
  if (!(first < last)) {
    if (origins.first?.source === 'command line' && origins.last?.source !== 'command line')
      fail(
        'first',
        `must be less than last (${last}${origins.last ? `, ${describeOrigin(origins.last)}` : ''})`,
      );
    fail('last', `must be greater than first (${first})`);
  }
  if (nframes !== undefined && last > nframes) fail('last', `must be ≤ the number of frames (${nframes})`);
  const polarMax = finite('polar_max');
  if (!(polarMax > 0 && polarMax <= 90)) fail('polar_max', 'must be in (0, 90] degrees');
  if (!(finite('hkl_tolerance') > 0)) fail('hkl_tolerance', 'must be positive (Å⁻¹)');
  if (typeof values.monitor !== 'string' || values.monitor.trim() === '')
    fail('monitor', 'must name a monitor');
  if (!(finite('norm') > 0)) fail('norm', 'must be positive');
  const qmin = finite('qmin');
  const qmax = finite('qmax');
  if (!(qmin >= 0)) fail('qmin', 'must be ≥ 0 Å⁻¹');
  if (!(qmin < qmax)) fail('qmax', `must be greater than qmin (${qmin})`);
  if (!(finite('radius') > 0)) fail('radius', 'must be positive (Å⁻¹)');
  const mp = finite('min_pixels');
  if (!Number.isInteger(mp) || mp < 1) fail('min_pixels', 'must be a whole number of pixels ≥ 1');
  return values;
}

/**
 * Write the parameters to /entry/nxreduce (NXparameters) with NXRefine's field names and dtypes.
 * Other fields already in the group are kept (legacy `first`/`last` are dropped: superseded).
 */
export function writeReductionParameters(w: NexusWriter, values: ReductionParameters): void {
  const ours = new Set(REDUCTION_KEYS.map((k) => REDUCTION_FIELDS[k].field));
  const kept: Array<[string, FieldSnapshot]> = [];
  if (w.has(NXREDUCE_PATH)) {
    for (const child of w.children(NXREDUCE_PATH, { attrs: false })) {
      if (ours.has(child.name) || child.name === 'first' || child.name === 'last') continue;
      if (child.kind !== 'dataset') continue;
      const s = snapshotField(w, child.path);
      if (s) kept.push([child.name, s]);
    }
    w.remove(NXREDUCE_PATH);
  }
  if (!w.has('/entry')) w.group('/entry', 'NXentry');
  w.group(NXREDUCE_PATH, 'NXparameters');
  for (const key of REDUCTION_KEYS) {
    const { field, dtype } = REDUCTION_FIELDS[key];
    w.field(`${NXREDUCE_PATH}/${field}`, values[key], { dtype });
  }
  for (const [name, s] of kept) writeSnapshot(w, `${NXREDUCE_PATH}/${name}`, s);
}

/** Paths in /entry/nxreduce of the given parameters (e.g. first → /entry/nxreduce/first_frame). */
export function reductionFieldPaths(keys: readonly ReductionKey[]): string[] {
  return keys.map((k) => `${NXREDUCE_PATH}/${REDUCTION_FIELDS[k].field}`);
}

/**
 * NXRefine's `NXReduce.write_parameters(threshold=…, first=…, last=…)`: set only the given
 * parameters in /entry/nxreduce (NXparameters, created when missing), with NXRefine's field names
 * and dtypes; every other field of the group is kept. Returns the paths written. A field being
 * replaced costs a rebuild of the temp file: callers replacing several clear them first with one
 * `remove([...])` (see `clearPaths`).
 */
export function writeReductionFields(w: NexusWriter, values: Partial<ReductionParameters>): string[] {
  if (!w.has('/entry')) w.group('/entry', 'NXentry');
  if (!w.has(NXREDUCE_PATH)) w.group(NXREDUCE_PATH, 'NXparameters');
  const written: string[] = [];
  for (const key of REDUCTION_KEYS) {
    const v = values[key];
    if (v === undefined) continue;
    const { field, dtype } = REDUCTION_FIELDS[key];
    const path = `${NXREDUCE_PATH}/${field}`;
    if (w.has(path)) w.remove(path);
    w.field(path, v, { dtype });
    written.push(path);
  }
  return written;
}
