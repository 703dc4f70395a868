/**
 * Sum Scans planning (spec §7, NXRefine's nxsum): scans taken under identical conditions are added
 * frame by frame. What "identical" means here, per entry (f1, f2 …), between the first scan and
 * each other one:
 *
 * | field                                   | tolerance                               |
 * | --------------------------------------- | --------------------------------------- |
 * | frames, frame shape [ny, nx] of data    | equal                                   |
 * | detector/shape                          | equal                                   |
 * | monochromator/wavelength (Å)            | relative 1e-5                           |
 * | detector/distance (mm)                  | 0.01 mm                                 |
 * | goniometer phi start (°)                | 0.001°                                  |
 * | goniometer phi step (°/frame)           | relative 1e-6 (float32 storage passes)  |
 * | goniometer chi, omega, theta (°)        | 0.001°                                  |
 * | NXmonitor groups and their length       | same names, signals and lengths         |
 *
 * The tolerances accept values written from one configuration (and float32 round trips) and refuse
 * a moved detector, a changed wavelength or a different rotation. Refined values of separately
 * refined scans usually differ by more: sum the raw scans, then refine the sum (the sum copies the
 * first scan's geometry). A field missing from both files is equal; missing from one is not.
 *
 * NXRefine checks none of this (only that each raw file exists and has monitor1) and hard-codes
 * 3650 frames; a mismatch here is an NxrError naming both files and the differing field.
 */
import { NxrError } from '../../shared/errors.ts';

/** Frame element types the sum handles (numpy-style, little- or big-endian). */
export type SumDtype = '<f4' | '<f8' | '<i4' | '<u4' | '<i8';

export interface EntryConditions {
  /** Frames in data/data. */
  frames: number;
  /** [ny, nx] of data/data. */
  frameShape: [number, number];
  /** dtype of data/data, e.g. '<i4', '<f4', '>u2'. */
  dtype: string;
  /** detector/shape. */
  detectorShape?: [number, number];
  /** Å */
  wavelength?: number;
  /** mm */
  distance?: number;
  /** Degrees. */
  phiStart?: number;
  phiStep?: number;
  chi?: number;
  omega?: number;
  theta?: number;
  /** NXmonitor groups by name: signal field and its length. */
  monitors: Record<string, { signal: string; length: number }>;
  /** Length of data/monitor_weight, when present. */
  monitorWeight?: number;
}

export interface ScanConditions {
  /** The scan file as shown to the user. */
  file: string;
  entries: Record<string, EntryConditions>;
}

export const SUM_TOLERANCES = {
  wavelengthRelative: 1e-5,
  distanceMm: 0.01,
  angleDegrees: 0.001,
  phiStepRelative: 1e-6,
} as const;

export interface SumEntryPlan {
  entry: string;
  frames: number;
  frameShape: [number, number];
  /** Element type of the summed frames. */
  dtype: SumDtype;
  /** NXmonitor groups to sum (group → signal field). */
  monitors: Array<{ group: string; signal: string }>;
  /** data/monitor_weight is in every scan and is summed. */
  sumMonitorWeight: boolean;
  /** data/monitor_weight is in some scans only: it is left out of the sum. */
  dropMonitorWeight: boolean;
}

function parseDtype(d: string): { kind: 'f' | 'i' | 'u'; size: number } | undefined {
  const m = /^[<>|=]?([fiu])(\d)$/.exec(d);
  return m ? { kind: m[1] as 'f' | 'i' | 'u', size: Number(m[2]) } : undefined;
}

/**
 * The element type of a sum: float32 stays float32 (float64 if any input is float64; integers
 * join a float sum); integers sum into int32 (signed ≤ 32-bit and unsigned ≤ 16-bit inputs),
 * uint32 (all inputs uint32) or int64 (any 64-bit input, or uint32 mixed with signed). Integer
 * sums that leave the range of their type are refused when they happen, never wrapped (numpy, and
 * so NXRefine, would wrap silently).
 */
export function sumDtype(dtypes: readonly string[], file?: string): SumDtype {
  const parsed = dtypes.map((d) => {
    const p = parseDtype(d);
    if (!p)
      throw new NxrError({
        code: 'WRONG_DTYPE',
        message: `frames of type ${d} cannot be summed (numbers only)`,
        ...(file !== undefined ? { file } : {}),
      });
    return p;
  });
  if (parsed.some((p) => p.kind === 'f'))
    return parsed.some((p) => p.kind === 'f' && p.size === 8) ? '<f8' : '<f4';
  if (parsed.some((p) => p.size === 8)) return '<i8';
  const hasU4 = parsed.some((p) => p.kind === 'u' && p.size === 4);
  if (hasU4) return parsed.every((p) => p.kind === 'u' && p.size === 4) ? '<u4' : '<i8';
  return '<i4';
}

/** Inclusive range of an integer sum type. */
export function sumRange(dtype: SumDtype): [number, number] | undefined {
  if (dtype === '<i4') return [-(2 ** 31), 2 ** 31 - 1];
  if (dtype === '<u4') return [0, 2 ** 32 - 1];
  if (dtype === '<i8') return [-(2 ** 53), 2 ** 53]; // exact in float64 accumulation
  return undefined;
}

const fmt = (v: number | undefined): string => (v === undefined ? 'missing' : String(v));

interface FieldCheck {
  /** Path inside the entry, e.g. 'instrument/detector/distance'. */
  path: string;
  unit: string;
  get: (e: EntryConditions) => number | undefined;
  close: (a: number, b: number) => boolean;
  tolerance: string;
}

const CHECKS: FieldCheck[] = [
  {
    path: 'instrument/monochromator/wavelength',
    unit: 'Å',
    get: (e) => e.wavelength,
    close: (a, b) => Math.abs(a - b) <= SUM_TOLERANCES.wavelengthRelative * Math.abs(a),
    tolerance: `relative ${SUM_TOLERANCES.wavelengthRelative}`,
  },
  {
    path: 'instrument/detector/distance',
    unit: 'mm',
    get: (e) => e.distance,
    close: (a, b) => Math.abs(a - b) <= SUM_TOLERANCES.distanceMm,
    tolerance: `${SUM_TOLERANCES.distanceMm} mm`,
  },
  {
    path: 'instrument/goniometer/phi',
    unit: '° (start)',
    get: (e) => e.phiStart,
    close: (a, b) => Math.abs(a - b) <= SUM_TOLERANCES.angleDegrees,
    tolerance: `${SUM_TOLERANCES.angleDegrees}°`,
  },
  {
    path: 'instrument/goniometer/phi@step',
    unit: '°',
    get: (e) => e.phiStep,
    close: (a, b) => Math.abs(a - b) <= SUM_TOLERANCES.phiStepRelative * Math.max(Math.abs(a), Math.abs(b)),
    tolerance: `relative ${SUM_TOLERANCES.phiStepRelative}`,
  },
  ...(['chi', 'omega', 'theta'] as const).map((k): FieldCheck => ({
    path: `instrument/goniometer/${k}`,
    unit: '°',
    get: (e) => e[k],
    close: (a, b) => Math.abs(a - b) <= SUM_TOLERANCES.angleDegrees,
    tolerance: `${SUM_TOLERANCES.angleDegrees}°`,
  })),
];

function mismatch(a: string, b: string, entry: string, path: string, detail: string): NxrError {
  return new NxrError({
    code: 'BAD_PARAMETER',
    message: `cannot sum ${a} and ${b}: /${entry}/${path} differs (${detail})`,
    file: b,
    path: `/${entry}/${path}`,
  });
}

/**
 * Check that the scans can be summed entry by entry and plan the sum; throws an NxrError naming
 * both files and the differing field otherwise. `entries` default: the first scan's entries.
 */
export function checkSumInputs(
  scans: readonly ScanConditions[],
  entries?: readonly string[],
): SumEntryPlan[] {
  if (scans.length < 2)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `choose at least two scans to sum (got ${scans.length})`,
    });
  const files = scans.map((s) => s.file);
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  if (dup !== undefined)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'the same scan is chosen twice', file: dup });
  const first = scans[0]!;
  const names =
    entries ?? Object.keys(first.entries).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (names.length === 0)
    throw new NxrError({ code: 'MISSING_PATH', message: 'no entries (f1, f2 …) to sum', file: first.file });
  return names.map((entry): SumEntryPlan => {
    const e0 = first.entries[entry];
    if (!e0)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: `no entry '${entry}'`,
        file: first.file,
        path: `/${entry}`,
      });
    let withWeight = e0.monitorWeight !== undefined ? 1 : 0;
    for (const s of scans.slice(1)) {
      const e = s.entries[entry];
      if (!e)
        throw new NxrError({
          code: 'MISSING_PATH',
          message: `cannot sum ${first.file} and ${s.file}: ${s.file} has no entry '${entry}'`,
          file: s.file,
          path: `/${entry}`,
        });
      if (e.frames !== e0.frames)
        throw mismatch(first.file, s.file, entry, 'data/data', `${e0.frames} frames vs ${e.frames}`);
      if (e.frameShape[0] !== e0.frameShape[0] || e.frameShape[1] !== e0.frameShape[1])
        throw mismatch(
          first.file,
          s.file,
          entry,
          'data/data',
          `frames of ${e0.frameShape.join('×')} vs ${e.frameShape.join('×')} pixels`,
        );
      const ds0 = e0.detectorShape?.join('×');
      const ds = e.detectorShape?.join('×');
      if (ds0 !== ds)
        throw mismatch(
          first.file,
          s.file,
          entry,
          'instrument/detector/shape',
          `${ds0 ?? 'missing'} vs ${ds ?? 'missing'}`,
        );
      for (const c of CHECKS) {
        const a = c.get(e0);
        const b = c.get(e);
        const same = a === undefined || b === undefined ? a === b : c.close(a, b);
        if (!same)
          throw mismatch(
            first.file,
            s.file,
            entry,
            c.path,
            `${fmt(a)} vs ${fmt(b)} ${c.unit}; tolerance ${c.tolerance}`,
          );
      }
      const m0 = Object.keys(e0.monitors).sort();
      const m = Object.keys(e.monitors).sort();
      for (const g of new Set([...m0, ...m])) {
        const a = e0.monitors[g];
        const b = e.monitors[g];
        if (!a || !b)
          throw mismatch(
            first.file,
            s.file,
            entry,
            g,
            `monitor ${a ? 'missing' : 'present'} in ${s.file}, ${a ? 'present' : 'missing'} in ${first.file}`,
          );
        if (a.signal !== b.signal)
          throw mismatch(first.file, s.file, entry, g, `signal '${a.signal}' vs '${b.signal}'`);
        if (a.length !== b.length)
          throw mismatch(first.file, s.file, entry, `${g}/${a.signal}`, `${a.length} values vs ${b.length}`);
      }
      if (e.monitorWeight !== undefined) {
        withWeight++;
        if (e0.monitorWeight !== undefined && e.monitorWeight !== e0.monitorWeight)
          throw mismatch(
            first.file,
            s.file,
            entry,
            'data/monitor_weight',
            `${e0.monitorWeight} values vs ${e.monitorWeight}`,
          );
      }
    }
    const dtype = sumDtype(
      scans.map((s) => s.entries[entry]!.dtype),
      first.file,
    );
    return {
      entry,
      frames: e0.frames,
      frameShape: e0.frameShape,
      dtype,
      monitors: Object.entries(e0.monitors)
        .map(([group, v]) => ({ group, signal: v.signal }))
        .sort((a, b) => a.group.localeCompare(b.group, 'en', { numeric: true })),
      sumMonitorWeight: withWeight === scans.length,
      dropMonitorWeight: withWeight > 0 && withWeight < scans.length,
    };
  });
}

/** 'sum', 'LaB6_sum' or 'LaB6_sum.nxs' → the scan name 'sum' (the file must start with `<sample>_`). */
export function sumScanName(output: string, sample: string): string {
  let name = output.trim();
  if (name.endsWith('.nxs')) {
    name = name.slice(0, -4);
    if (!name.startsWith(`${sample}_`))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `the summed file name must start with '${sample}_' (got '${output}')`,
      });
  }
  if (name.startsWith(`${sample}_`)) name = name.slice(sample.length + 1);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(name) || name.length > 100)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `the output name must be a plain name (letters, digits, _ . + -), got '${output}'`,
    });
  if (['parent', 'scans', 'backup'].includes(name.toLowerCase()))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `'${name}' is reserved (parent link, parent file or backup folder)`,
    });
  return name;
}
