/**
 * Refine Lattice (spec §4.10–4.14, §6.1; NXReduce.nxrefine, §8): orient and refine one detector
 * entry of an NXRefine scan file from its peak list (`<entry>/peaks` x, y, z, intensity).
 *
 * Orientation, in this order unless `index` says otherwise ('manual': NXRefine's Orient Manually,
 * Busing–Levy from two chosen peaks and their hkls, checked against the measured angle):
 *   1. the entry's own `orientation_matrix` (e.g. copied from the parent by Copy Parameters), if it
 *      indexes at least 30% of the peaks in range;
 *   2. the parent's (`parent`, else the classic `<sample>_parent.nxs` link): its orientation
 *      matrix for the same entry and, when this file has none, its lattice — how a temperature
 *      series inherits the orientation (HEAD's pull_parent_orientation);
 *   3. indexing with the file's cell (peak-pair angle matching, `indexWithKnownCell`);
 *   4. FFT indexing without a cell (`indexWithFft`) and the conventional cell of the space group.
 * Then Levenberg–Marquardt refinement in detector space (`refineLattice`) of the flagged
 * parameters, with outlier rejection.
 *
 * Written (unless `dryRun`), in one atomic update: `/entry/sample` unitcell_* (and, when the cell
 * came from FFT indexing, the space-group fields if the file had none); the refined geometry
 * fields of `<entry>/instrument`; `<entry>/instrument/detector/orientation_matrix` in NXRefine's
 * convention (UB = orientation_matrix·Bimat⁻¹, see `toNxRefineOrientationMatrix`); `<entry>/peaks`
 * h, k, l (fractional, with the final UB), `indexed` (1 = used in the fit) and `diff` (Å⁻¹), and
 * with a manual orientation `primary_reflection` and `secondary_reflection` (peak indices);
 * `/entry/nxreduce` polar_max and hkl_tolerance; and the `<entry>/nxrefine` NXprocess with the fit
 * report (keywords polar_max, hkl_tolerance, fit_report as NXReduce.record writes them).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import type { NexusReader, NexusWriter } from '../../nexus/port.ts';
import { computePeakTable, type PeakTableColumns } from '../../refine/fit/peak-table.ts';
import { refineLattice, type RefineLatticeResult } from '../../refine/fit/refine-lattice.ts';
import type { LatticeModel, ObservedPeak, RefinableName } from '../../refine/fit/models.ts';
import { REFINABLE_NAMES } from '../../refine/fit/models.ts';
import type { Geometry, Mat3, UnitCell, Vec3 } from '../../refine/geometry/models.ts';
import { pixelToQSample } from '../../refine/geometry/pixel-to-q-sample.ts';
import { applyCellConstraints } from '../../refine/lattice/apply-cell-constraints.ts';
import { computeBMatrix } from '../../refine/lattice/b-matrix.ts';
import { checkCell } from '../../refine/lattice/check-cell.ts';
import { guessLatticeSystem } from '../../refine/lattice/guess-lattice-system.ts';
import { multiplyMat3 } from '../../refine/linalg/mat3.ts';
import {
  BRAVAIS_TYPES,
  bravaisTypeOf,
  chooseConventionalCell,
  listConventionalCells,
} from '../../refine/orient/conventional-cell.ts';
import { countIndexedPeaks } from '../../refine/orient/count-indexed.ts';
import { indexWithFft } from '../../refine/orient/index-fft.ts';
import { indexWithKnownCell } from '../../refine/orient/index-known-cell.ts';
import { reduceCell } from '../../refine/orient/reduce-cell.ts';
import { orientManually, type ManualOrientationResult } from '../../refine/orient/orient-manually.ts';
import {
  fromNxRefineOrientationMatrix,
  toNxRefineOrientationMatrix,
} from '../../refine/orient/orientation-matrix-convention.ts';
import { findSpaceGroup } from '../../refine/symmetry/find-space-group.ts';
import { isSystematicallyAbsent } from '../../refine/symmetry/is-systematically-absent.ts';
import type { LatticeSystem, SpaceGroup } from '../../refine/symmetry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readEntryGeometry, readOrientationMatrix } from './read-entry-geometry.ts';
import { readNumbers } from './read-fields.ts';
import { readSampleLattice, resolveSampleSpaceGroup, type SampleLattice } from './read-sample-lattice.ts';
import { findParentFor, readReductionParameters } from './reduction-parameters.ts';

export type IndexMethod = 'auto' | 'file' | 'parent' | 'known-cell' | 'fft' | 'manual';

/** Orient Manually: two peaks (row indices of `<entry>/peaks`, from 0) and the hkls chosen for them. */
export interface ManualOrientationOptions {
  primary: number;
  secondary: number;
  hkl1: Vec3;
  hkl2: Vec3;
}

export interface RefineLatticeJobOptions {
  /** The scan (wrapper) file. */
  file: string;
  /** Detector entry. @default 'f1' */
  entry?: string;
  /** Parameters to refine. @default a…γ (free ones), U, distance, beamCenterX, beamCenterY */
  fit?: RefinableName[];
  /** Maximum polar angle, degrees. @default the reduction parameters' polar_max (cascade) */
  polarMax?: number;
  /** HKL tolerance, Å⁻¹ (1/d). @default the reduction parameters' hkl_tolerance (cascade) */
  hklTolerance?: number;
  /** How to get the starting orientation. @default 'auto' (see the module comment) */
  index?: IndexMethod;
  /** With index 'manual': the two peaks and their hkls. */
  manual?: ManualOrientationOptions;
  /** Largest |measured − calculated| angle of a manual pair, degrees (NXRefine Peak Angle Tolerance). @default 5 */
  peakTolerance?: number;
  /** Parent scan file for the orientation. @default the classic link; null: none */
  parent?: string | null;
  /** Override the file's space group (symbol or number) and cell. */
  spaceGroup?: string | number;
  cell?: UnitCell;
  /** FFT indexing range of real-space translations, Å. @default 1, 20 */
  dMin?: number;
  dMax?: number;
  /** Residuals of the fit. @default 'detector' */
  objective?: 'detector' | 'reciprocal';
  /** Outlier rejection threshold, robust σ. @default 4 */
  outlierThreshold?: number;
  /** With index 'fft': start from this cell and orientation (picked in Orient by FFT) instead of running the FFT. */
  fftCell?: FftCellStart;
  /** Peaks (rows of `<entry>/peaks`, from 0) left out of the indexing and the fit (the unticked rows). */
  exclude?: readonly number[];
  /** Compute and report only; leave the file untouched. @default false */
  dryRun?: boolean;
}

/** A cell of Orient by FFT to start from. */
export interface FftCellStart {
  latticeSystem: string;
  centring: string;
  cell: UnitCell;
  /** Rotation with U·B(cell) the cell's UB. */
  U: Mat3;
}

export interface IndexingSummary {
  method: Exclude<IndexMethod, 'auto'>;
  /** Where the starting orientation came from (file and path, or the indexing used). */
  source: string;
  /** Peaks in range indexed by the starting orientation (|Δhkl| ≤ 0.12), and their fraction. */
  indexed: number;
  fraction: number;
}

export interface RefineLatticeJobResult {
  file: string;
  entry: string;
  spaceGroup?: string;
  latticeSystem: LatticeSystem;
  polarMax: number;
  hklTolerance: number;
  fit: RefinableName[];
  indexing: IndexingSummary;
  refinement: Omit<RefineLatticeResult, 'peaks'>;
  /** The orientation matrix written (NXRefine convention). */
  orientationMatrix: Mat3;
  /** NXRefine's peak list with the final model (and diffs before the fit). */
  peakTable: PeakTableColumns;
  /** With index 'manual': the pair, its hkls and the angle check. */
  manual?: ManualOrientationOptions & Omit<ManualOrientationResult, 'U'>;
  /** `<entry>/peaks/primary_reflection`, `secondary_reflection` as found in the file. */
  storedReflections?: { primary: number; secondary: number };
  /** Paths written (empty with dryRun). */
  written: string[];
  seconds: number;
}

export const DEFAULT_FIT: readonly RefinableName[] = [
  'a',
  'b',
  'c',
  'alpha',
  'beta',
  'gamma',
  'U',
  'distance',
  'beamCenterX',
  'beamCenterY',
];

interface PeakTable {
  peaks: ObservedPeak[];
  path: string;
  /** primary_reflection / secondary_reflection, when both are stored. */
  reflections?: { primary: number; secondary: number };
}

/** x, y, z (and intensity) of `<entry>/peaks`. */
export function readPeakTable(f: NexusReader, entry: string): PeakTable {
  const path = `/${entry}/peaks`;
  if (!f.has(path))
    throw new NxrError({
      code: 'MISSING_PATH',
      message: 'no peaks: run Find Peaks first',
      file: f.file,
      path,
    });
  const col = (name: string, needed: boolean): number[] | undefined => {
    const v = readNumbers(f, `${path}/${name}`);
    if (v === undefined && needed)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: `peaks have no ${name}`,
        file: f.file,
        path: `${path}/${name}`,
      });
    return v;
  };
  const x = col('x', true)!;
  const y = col('y', true)!;
  const z = col('z', true)!;
  const intensity = col('intensity', false);
  if (y.length !== x.length || z.length !== x.length || (intensity && intensity.length !== x.length))
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `peak columns differ in length (x ${x.length}, y ${y.length}, z ${z.length}${intensity ? `, intensity ${intensity.length}` : ''})`,
      file: f.file,
      path,
    });
  const primary = col('primary_reflection', false)?.[0];
  const secondary = col('secondary_reflection', false)?.[0];
  return {
    path,
    ...(primary !== undefined && secondary !== undefined ? { reflections: { primary, secondary } } : {}),
    peaks: x.map((xi, i) => ({
      x: xi,
      y: y[i]!,
      frame: z[i]!,
      ...(intensity ? { intensity: intensity[i]! } : {}),
    })),
  };
}

function latticeSystemOf(
  sg: SpaceGroup | undefined,
  lattice: SampleLattice,
  cell: UnitCell | undefined,
): LatticeSystem {
  if (sg) return sg.latticeSystem;
  const named = lattice.unitCellGroup?.toLowerCase();
  const known: LatticeSystem[] = [
    'triclinic',
    'monoclinic',
    'orthorhombic',
    'tetragonal',
    'rhombohedral',
    'hexagonal',
    'cubic',
  ];
  if (named === 'trigonal') return 'hexagonal';
  if (named && (known as string[]).includes(named)) return named as LatticeSystem;
  return cell ? guessLatticeSystem(cell) : 'triclinic';
}

interface EntryState {
  geometry: Geometry;
  lattice: SampleLattice;
  sg?: SpaceGroup;
  peaks: PeakTable;
  orientationMatrix?: Mat3;
}

async function readEntryState(file: string, entry: string): Promise<EntryState> {
  const f = await openNexusFile(file);
  try {
    const geometry = await readEntryGeometry(f, entry);
    const lattice = await readSampleLattice(f, '/entry/sample');
    const sg = resolveSampleSpaceGroup(f, lattice);
    const peaks = readPeakTable(f, entry);
    const orientationMatrix = readOrientationMatrix(f, entry);
    return {
      geometry,
      lattice,
      ...(sg ? { sg } : {}),
      peaks,
      ...(orientationMatrix ? { orientationMatrix } : {}),
    };
  } finally {
    f.close();
  }
}

/** The excluded peak indices as a set; NxrError for an index that is not a row of the peak list. */
function checkExcluded(
  exclude: readonly number[] | undefined,
  n: number,
  file: string,
  path: string,
): ReadonlySet<number> {
  const out = new Set<number>();
  for (const i of exclude ?? []) {
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `excluded peaks must be rows of the peak list, 0…${n - 1} (got ${i})`,
        file,
        path,
      });
    out.add(i);
  }
  return out;
}

/** Q_sample (file geometry, 1/d units) of the peaks within the polar angle, excluded ones left out. */
function peaksInRange(state: EntryState, polarMax: number, excluded: ReadonlySet<number>): Vec3[] {
  const g = state.geometry;
  const qs: Vec3[] = [];
  state.peaks.peaks.forEach((p, i) => {
    if (excluded.has(i)) return;
    const q = pixelToQSample(g, p.x, p.y, p.frame);
    const twoTheta = (2 * Math.asin(Math.min(1, (g.wavelength * Math.hypot(...q)) / 2)) * 180) / Math.PI;
    if (twoTheta <= polarMax) qs.push(q);
  });
  return qs;
}

export interface OrientByFftOptions {
  file: string;
  /** @default 'f1' */
  entry?: string;
  /** Maximum polar angle, degrees. @default the reduction parameters' polar_max */
  polarMax?: number;
  /** Real-space translations searched, Å (NXRefine's Dmin, Dmax; its dialog offers 1, 10). @default 1, 20 as Refine Lattice's FFT path */
  dMin?: number;
  dMax?: number;
  exclude?: readonly number[];
  parent?: string | null;
}

export interface FftCellRow extends FftCellStart {
  volume: number;
  indexed: number;
  fraction: number;
  lengthDistortion: number;
  angleDistortion: number;
  matchesSpaceGroup: boolean;
  matchesCell: boolean;
}

export interface OrientByFftResult {
  file: string;
  entry: string;
  peaks: number;
  dMin: number;
  dMax: number;
  spaceGroup?: string;
  definedCell?: UnitCell;
  reducedCell: UnitCell;
  indexed: number;
  candidates: FftCellRow[];
  /** The row of the space group's type nearest the defined cell (Refine Lattice's own FFT choice), or -1. */
  preferred: number;
  seconds: number;
}

/**
 * Orient by FFT (spec §4.14, §6.1), read-only: FFT indexing of the entry's peaks in range without
 * a cell, Niggli reduction, and the best cell of every Bravais type the lattice fits, each with its
 * orientation and the peaks it indexes (NXRefine's cell table). Nothing is written.
 */
export async function orientByFftJob(
  options: OrientByFftOptions,
  ctx: JobContext = {},
): Promise<OrientByFftResult> {
  const started = performance.now();
  const file = resolve(options.file);
  const entry = (options.entry ?? 'f1').replace(/^\/+/, '');
  ctx.onProgress?.(0, 'reading the entry');
  const state = await readEntryState(file, entry);
  const polarMax =
    options.polarMax ??
    (
      await readReductionParameters(file, {
        ...(options.parent !== undefined ? { parent: options.parent } : {}),
      })
    ).values.polar_max;
  if (!(polarMax > 0))
    throw new NxrError({ code: 'BAD_PARAMETER', message: `polar_max (${polarMax}) must be positive`, file });
  const excluded = checkExcluded(options.exclude, state.peaks.peaks.length, file, state.peaks.path);
  const qs = peaksInRange(state, polarMax, excluded);
  if (qs.length < 4)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `only ${qs.length} peaks have a polar angle ≤ ${polarMax}° (polar_max): too few to orient`,
      file,
      path: state.peaks.path,
    });
  const dMin = options.dMin ?? 1;
  const dMax = options.dMax ?? 20;
  let fft: ReturnType<typeof indexWithFft>;
  try {
    fft = indexWithFft(qs, {
      dMin,
      dMax,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      onProgress: (f, m) => ctx.onProgress?.(0.9 * f, m),
    });
  } catch (e) {
    if (e instanceof NxrError)
      throw new NxrError({ code: e.code, message: e.message, file, path: state.peaks.path }, { cause: e });
    throw e;
  }
  const defined = state.lattice.cell;
  const type = state.sg ? bravaisTypeOf(state.sg) : undefined;
  const near = (c: UnitCell, r: UnitCell): boolean =>
    (['a', 'b', 'c'] as const).every((k) => Math.abs(c[k] / r[k] - 1) <= 0.005) &&
    (['alpha', 'beta', 'gamma'] as const).every((k) => Math.abs(c[k] - r[k]) <= 0.5);
  const candidates: FftCellRow[] = listConventionalCells(fft.UB).map((cc) => {
    const n = countIndexedPeaks(cc.UB, qs, 0.12).count;
    const B = computeBMatrix(cc.cell);
    const volume = Math.abs(1 / (B[0][0] * B[1][1] * B[2][2]));
    return {
      latticeSystem: cc.latticeSystem,
      centring: cc.centring,
      cell: cc.cell,
      U: cc.U,
      volume,
      indexed: n,
      fraction: n / qs.length,
      lengthDistortion: cc.lengthDistortion,
      angleDistortion: cc.angleDistortion,
      matchesSpaceGroup:
        type !== undefined && type.latticeSystem === cc.latticeSystem && type.centring === cc.centring,
      matchesCell: defined !== undefined && near(cc.cell, defined),
    };
  });
  // The space group's row, in the setting nearest the defined cell (as Refine Lattice's FFT path).
  let preferred = -1;
  if (state.sg) {
    try {
      const conv = chooseConventionalCell(fft.UB, state.sg, {
        qs,
        ...(defined ? { referenceCell: defined } : {}),
      });
      const i = candidates.findIndex((c) => c.matchesSpaceGroup);
      if (i >= 0) {
        const n = countIndexedPeaks(conv.UB, qs, 0.12).count;
        const B = computeBMatrix(conv.cell);
        candidates[i] = {
          ...candidates[i]!,
          cell: conv.cell,
          U: conv.U,
          indexed: n,
          fraction: n / qs.length,
          volume: Math.abs(1 / (B[0][0] * B[1][1] * B[2][2])),
          lengthDistortion: conv.lengthDistortion,
          angleDistortion: conv.angleDistortion,
          matchesCell: defined !== undefined && near(conv.cell, defined),
        };
        preferred = i;
      }
    } catch (e) {
      if (!(e instanceof NxrError)) throw e;
      ctx.onLog?.(e.message, 'warn');
    }
  }
  ctx.onProgress?.(1, 'done');
  return {
    file,
    entry,
    peaks: qs.length,
    dMin,
    dMax,
    ...(state.sg ? { spaceGroup: state.sg.xhm } : {}),
    ...(defined ? { definedCell: defined } : {}),
    reducedCell: reduceCell(fft.UB).cell,
    indexed: fft.indexed,
    candidates,
    preferred,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Orient and refine one entry (see the module comment). */
export async function refineLatticeJob(
  options: RefineLatticeJobOptions,
  ctx: JobContext = {},
): Promise<RefineLatticeJobResult> {
  const started = performance.now();
  const file = resolve(options.file);
  const entry = (options.entry ?? 'f1').replace(/^\/+/, '');
  const fit = [...(options.fit ?? DEFAULT_FIT)];
  for (const name of fit)
    if (!REFINABLE_NAMES.includes(name))
      throw new NxrError({ code: 'BAD_PARAMETER', message: `unknown fit parameter '${String(name)}'`, file });
  ctx.onProgress?.(0, 'reading the entry');
  const state = await readEntryState(file, entry);
  const reduction = await readReductionParameters(file, {
    overrides: {
      ...(options.polarMax !== undefined ? { polar_max: options.polarMax } : {}),
      ...(options.hklTolerance !== undefined ? { hkl_tolerance: options.hklTolerance } : {}),
    },
    ...(options.parent !== undefined ? { parent: options.parent } : {}),
  });
  const polarMax = reduction.values.polar_max;
  const hklTolerance = reduction.values.hkl_tolerance;
  if (!(polarMax > 0) || !(hklTolerance > 0))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `polar_max (${polarMax}) and hkl_tolerance (${hklTolerance}) must be positive`,
      file,
    });
  let sg = state.sg;
  if (options.spaceGroup !== undefined) {
    try {
      sg = findSpaceGroup(
        typeof options.spaceGroup === 'string' && /^\s*\d+\s*$/.test(options.spaceGroup)
          ? Number(options.spaceGroup)
          : options.spaceGroup,
        options.cell ? { alpha: options.cell.alpha, gamma: options.cell.gamma } : {},
      );
    } catch (e) {
      if (e instanceof NxrError) throw new NxrError({ code: e.code, message: e.message, file }, { cause: e });
      throw e;
    }
  }
  let cell = options.cell ?? state.lattice.cell;
  if (cell) checkCell(cell);
  const g = state.geometry;
  const peaks = state.peaks.peaks;
  const excluded = checkExcluded(options.exclude, peaks.length, file, state.peaks.path);
  const qs = peaksInRange(state, polarMax, excluded);
  if (qs.length < 4)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `only ${qs.length} peaks have a polar angle ≤ ${polarMax}° (polar_max): too few to orient`,
      file,
      path: state.peaks.path,
    });
  throwIfAborted(ctx.signal, file);

  // Starting orientation.
  const method = options.index ?? 'auto';
  let U: Mat3 | undefined;
  let indexing: IndexingSummary | undefined;
  let newSpaceGroupFields = false;
  const fractionOf = (Ux: Mat3, c: UnitCell): { indexed: number; fraction: number } => {
    const n = countIndexedPeaks(multiplyMat3(Ux, computeBMatrix(c)), qs, 0.12).count;
    return { indexed: n, fraction: n / qs.length };
  };
  const accept = (
    m: IndexingSummary['method'],
    source: string,
    Ux: Mat3,
    c: UnitCell,
    minimum: number,
  ): boolean => {
    const f = fractionOf(Ux, c);
    if (f.fraction < minimum) {
      ctx.onLog?.(`${source}: indexes only ${(100 * f.fraction).toFixed(0)}% of the peaks; not used`, 'warn');
      return false;
    }
    U = Ux;
    cell = c;
    indexing = { method: m, source, ...f };
    return true;
  };
  const minimum = method === 'auto' ? 0.3 : 0;
  let manual: RefineLatticeJobResult['manual'];
  if (options.manual !== undefined && method !== 'manual')
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `primary and secondary peaks are used only to orient manually (index 'manual', not '${method}')`,
      file,
    });
  if (method === 'manual') {
    const m = options.manual;
    if (!m)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'orient manually: give the primary and secondary peaks and their hkls',
        file,
      });
    if (!cell)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no unit cell to orient with: define the lattice first',
        file,
        path: '/entry/sample',
      });
    const pick = (which: string, i: number): ObservedPeak => {
      const p = Number.isInteger(i) ? peaks[i] : undefined;
      if (!p)
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `orient manually: the ${which} peak must be a row of the peak list, 0…${peaks.length - 1} (got ${i})`,
          file,
          path: state.peaks.path,
        });
      return p;
    };
    const p1 = pick('primary', m.primary);
    const p2 = pick('secondary', m.secondary);
    if (m.primary === m.secondary)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `orient manually: the primary and secondary peaks must differ (both ${m.primary})`,
        file,
        path: state.peaks.path,
      });
    const q1 = pixelToQSample(g, p1.x, p1.y, p1.frame);
    const q2 = pixelToQSample(g, p2.x, p2.y, p2.frame);
    let r: ManualOrientationResult;
    try {
      r = orientManually(cell, q1, q2, m.hkl1, m.hkl2, {
        wavelength: g.wavelength,
        ...(options.peakTolerance !== undefined ? { peakTolerance: options.peakTolerance } : {}),
      });
    } catch (e) {
      if (e instanceof NxrError)
        throw new NxrError({ code: e.code, message: e.message, file, path: state.peaks.path }, { cause: e });
      throw e;
    }
    const { U: manualU, ...check } = r;
    manual = { ...m, ...check };
    ctx.onLog?.(
      `orient manually: peaks ${m.primary} and ${m.secondary} are ${check.measuredAngle.toFixed(3)}° apart, (${m.hkl1.join(' ')}) and (${m.hkl2.join(' ')}) ${check.calculatedAngle.toFixed(3)}°`,
    );
    accept(
      'manual',
      `Busing–Levy from peaks ${m.primary} (${m.hkl1.join(' ')}) and ${m.secondary} (${m.hkl2.join(' ')})`,
      manualU,
      cell,
      0,
    );
  }
  if ((method === 'auto' || method === 'file') && state.orientationMatrix && cell) {
    const o = fromNxRefineOrientationMatrix(state.orientationMatrix, cell);
    accept('file', `${file}:/${entry}/instrument/detector/orientation_matrix`, o.U, cell, minimum);
  } else if (method === 'file') {
    throw new NxrError({
      code: 'MISSING_PATH',
      message: state.orientationMatrix
        ? 'no unit cell to go with the orientation matrix'
        : 'no orientation matrix',
      file,
      path: `/${entry}/instrument/detector/orientation_matrix`,
    });
  }
  if (!U && (method === 'auto' || method === 'parent')) {
    const parentFile = options.parent === null ? undefined : (options.parent ?? findParentFor(file));
    if (parentFile !== undefined && existsSync(parentFile)) {
      const pf = await openNexusFile(parentFile);
      try {
        const pm = pf.has(`/${entry}`) ? readOrientationMatrix(pf, entry) : undefined;
        const pl = await readSampleLattice(pf, '/entry/sample');
        const pc = cell ?? pl.cell;
        if (pm && pc) {
          const o = fromNxRefineOrientationMatrix(pm, pl.cell ?? pc);
          accept(
            'parent',
            `${parentFile}:/${entry}/instrument/detector/orientation_matrix`,
            o.U,
            pc,
            minimum,
          );
          if (U && !sg) sg = resolveSampleSpaceGroup(pf, pl);
        }
      } finally {
        pf.close();
      }
    }
    if (!U && method === 'parent')
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no parent orientation matrix and lattice to start from',
        file: parentFile ?? file,
      });
  }
  throwIfAborted(ctx.signal, file);
  if (!U && (method === 'auto' || method === 'known-cell') && cell) {
    ctx.onProgress?.(0.05, 'indexing with the known cell');
    const r = indexWithKnownCell(qs, cell, sg ?? findSpaceGroup(1), ctx.signal ? { signal: ctx.signal } : {});
    accept(
      'known-cell',
      `${r.hypotheses} peak-pair hypotheses with the cell of ${file}:/entry/sample`,
      r.U,
      cell,
      0,
    );
  } else if (method === 'known-cell' && !cell) {
    throw new NxrError({
      code: 'MISSING_PATH',
      message: 'no unit cell to index with',
      file,
      path: '/entry/sample',
    });
  }
  if (options.fftCell !== undefined && method !== 'fft')
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `a cell from Orient by FFT is used only with index 'fft' (not '${method}')`,
      file,
    });
  /** Lattice system of a picked FFT cell whose type differs from the space group's. */
  let pickedSystem: LatticeSystem | undefined;
  if (method === 'fft' && options.fftCell) {
    const pick = options.fftCell;
    checkCell(pick.cell);
    if (!BRAVAIS_TYPES.some((t) => t.latticeSystem === pick.latticeSystem && t.centring === pick.centring))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `Orient by FFT: '${pick.latticeSystem} ${pick.centring}' is not a Bravais lattice type`,
        file,
      });
    const type = sg ? bravaisTypeOf(sg) : undefined;
    if (type && (type.latticeSystem !== pick.latticeSystem || type.centring !== pick.centring)) {
      ctx.onLog?.(
        `the cell picked (${pick.latticeSystem} ${pick.centring}) is not of the type of space group ${sg!.xhm}: refined as ${pick.latticeSystem} without the group's absences`,
        'warn',
      );
      sg = undefined;
      pickedSystem = pick.latticeSystem as LatticeSystem;
    } else if (!sg) pickedSystem = pick.latticeSystem as LatticeSystem;
    accept(
      'fft',
      `Orient by FFT: the ${pick.latticeSystem} ${pick.centring} cell picked`,
      pick.U,
      pick.cell,
      0,
    );
  }
  if (!U && (method === 'auto' || method === 'fft')) {
    ctx.onProgress?.(0.05, 'FFT indexing');
    const r = indexWithFft(qs, {
      ...(options.dMin !== undefined ? { dMin: options.dMin } : {}),
      ...(options.dMax !== undefined ? { dMax: options.dMax } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const group = sg ?? findSpaceGroup(1);
    const conv = chooseConventionalCell(r.UB, group, { qs, ...(cell ? { referenceCell: cell } : {}) });
    if (!state.lattice.spaceGroup && options.spaceGroup !== undefined) newSpaceGroupFields = true;
    sg = group;
    accept('fft', `FFT indexing (${r.directions} directions), ${group.xhm} cell`, conv.U, conv.cell, 0);
  }
  if (!U || !cell || !indexing)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'could not find a starting orientation', file });
  const start: IndexingSummary = indexing;
  ctx.onLog?.(
    `orientation from ${start.source}: ${start.indexed} of ${qs.length} peaks in range indexed (${(100 * start.fraction).toFixed(1)}%)`,
  );

  // Refinement.
  const latticeSystem = pickedSystem ?? latticeSystemOf(sg, state.lattice, cell);
  const uniqueAxis = sg && sg.latticeSystem === 'monoclinic' ? bravaisTypeOf(sg).uniqueAxis : undefined;
  const startCell = latticeSystem === 'monoclinic' ? cell : applyCellConstraints(cell, latticeSystem);
  const model: LatticeModel = {
    geometry: g,
    cell: startCell,
    latticeSystem,
    ...(uniqueAxis ? { uniqueAxis } : {}),
    U,
  };
  const group = sg;
  const startB = computeBMatrix(startCell);
  const result = refineLattice(peaks, model, {
    fit,
    hklTolerance,
    polarMax,
    ...(options.objective ? { objective: options.objective } : {}),
    ...(options.outlierThreshold !== undefined ? { outlierThreshold: options.outlierThreshold } : {}),
    ...(group ? { isAbsent: (h: Vec3) => isSystematicallyAbsent(group, h) } : {}),
    ...(excluded.size > 0 ? { exclude: excluded } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (fr, msg) => ctx.onProgress?.(0.1 + 0.8 * fr, msg),
  });
  const s = result.statistics;
  ctx.onLog?.(
    `refined ${result.parameters.filter((p) => p.refined).length} parameters on ${s.indexed} peaks: RMSD ${s.rmsdPixels.toFixed(3)} px, ${s.rmsdFrames.toFixed(3)} frames, ${s.rmsdQ.toExponential(2)} Å⁻¹`,
  );
  const refined = result.model;
  const orientationMatrix = toNxRefineOrientationMatrix(refined.U, refined.cell);
  const peakTable = computePeakTable(peaks, result.peaks, refined.geometry, {
    geometry: g,
    UB: multiplyMat3(U, startB),
    B: startB,
  });
  const written: string[] = [];
  if (!options.dryRun) {
    throwIfAborted(ctx.signal, file);
    ctx.onProgress?.(0.92, 'writing');
    await updateNexusFile(
      file,
      (w) => {
        writeResults(w, {
          entry,
          result,
          orientationMatrix,
          polarMax,
          hklTolerance,
          peakPath: state.peaks.path,
          sg: newSpaceGroupFields ? group : undefined,
          ...(manual ? { reflections: { primary: manual.primary, secondary: manual.secondary } } : {}),
          written,
          record: processRecordFor(file, 'nxrefine', {
            polar_max: polarMax,
            hkl_tolerance: hklTolerance,
            fit_report: result.report,
          }),
        });
      },
      { purpose: 'nxr refine-lattice' },
    );
  }
  ctx.onProgress?.(1, 'done');
  const { peaks: _peaks, ...refinement } = result;
  return {
    file,
    entry,
    ...(group ? { spaceGroup: group.xhm } : {}),
    latticeSystem,
    polarMax,
    hklTolerance,
    fit,
    indexing: start,
    refinement,
    orientationMatrix,
    peakTable,
    ...(manual ? { manual } : {}),
    ...(state.peaks.reflections ? { storedReflections: state.peaks.reflections } : {}),
    written,
    seconds: (performance.now() - started) / 1000,
  };
}

const GEOMETRY_FIELDS: Partial<Record<RefinableName, { path: string; key: keyof Geometry; units: string }>> =
  {
    wavelength: { path: 'instrument/monochromator/wavelength', key: 'wavelength', units: 'Angstroms' },
    distance: { path: 'instrument/detector/distance', key: 'distance', units: 'mm' },
    beamCenterX: { path: 'instrument/detector/beam_center_x', key: 'beamCenterX', units: 'pixels' },
    beamCenterY: { path: 'instrument/detector/beam_center_y', key: 'beamCenterY', units: 'pixels' },
    yaw: { path: 'instrument/detector/yaw', key: 'yaw', units: 'degrees' },
    pitch: { path: 'instrument/detector/pitch', key: 'pitch', units: 'degrees' },
    roll: { path: 'instrument/detector/roll', key: 'roll', units: 'degrees' },
    chi: { path: 'instrument/goniometer/chi', key: 'chi', units: 'degrees' },
    omega: { path: 'instrument/goniometer/omega', key: 'omega', units: 'degrees' },
    theta: { path: 'instrument/goniometer/theta', key: 'theta', units: 'degrees' },
  };

function writeResults(
  w: NexusWriter,
  o: {
    entry: string;
    result: RefineLatticeResult;
    orientationMatrix: Mat3;
    polarMax: number;
    hklTolerance: number;
    peakPath: string;
    sg: SpaceGroup | undefined;
    /** Peaks of a manual orientation (NXRefine's primary_reflection, secondary_reflection). */
    reflections?: { primary: number; secondary: number };
    written: string[];
    record: ReturnType<typeof processRecordFor>;
  },
): void {
  const { entry, result, written } = o;
  const put = (
    path: string,
    value: number | Float64Array | Int8Array,
    units?: string,
    shape?: number[],
  ): void => {
    w.field(path, value, {
      ...(typeof value === 'number' ? { dtype: '<f8' as const } : {}),
      ...(units !== undefined ? { units } : {}),
      ...(shape ? { shape } : {}),
    });
    written.push(path);
  };
  const cell = result.model.cell;
  if (!w.has('/entry/sample')) w.group('/entry/sample', 'NXsample');
  for (const k of ['a', 'b', 'c'] as const) put(`/entry/sample/unitcell_${k}`, cell[k], 'Angstroms');
  for (const k of ['alpha', 'beta', 'gamma'] as const) put(`/entry/sample/unitcell_${k}`, cell[k], 'degrees');
  if (o.sg) {
    w.field('/entry/sample/space_group', o.sg.xhm);
    w.field('/entry/sample/laue_group', o.sg.laueGroup);
    w.field('/entry/sample/unit_cell_group', o.sg.latticeSystem);
    w.field('/entry/sample/lattice_centring', o.sg.centring);
    written.push('/entry/sample/space_group');
  }
  if (!w.has(`/${entry}/sample`)) w.nexusLink(`/${entry}/sample`, '/entry/sample');
  const g = result.model.geometry;
  for (const p of result.parameters) {
    if (!p.refined) continue;
    const field = GEOMETRY_FIELDS[p.name as RefinableName];
    if (field) put(`/${entry}/${field.path}`, g[field.key] as number, field.units);
    if (p.name === 'wavelength')
      put(`/${entry}/instrument/monochromator/energy`, 12.398419739640717 / g.wavelength, 'keV');
    if (p.name === 'phiStart') {
      // Keep @step/@end: rewrite the scalar in place.
      put(`/${entry}/instrument/goniometer/phi`, g.phiStart, 'degree');
      w.setAttrs(`/${entry}/instrument/goniometer/phi`, { step: g.phiStep });
    }
    if (p.name === 'xs' || p.name === 'ys' || p.name === 'zs') {
      const i = ['xs', 'ys', 'zs'].indexOf(p.name);
      put(`/${entry}/instrument/goniometer/${p.name}`, g.sampleOffset?.[i] ?? 0, 'mm');
    }
  }
  put(
    `/${entry}/instrument/detector/orientation_matrix`,
    Float64Array.from(o.orientationMatrix.flat()),
    undefined,
    [3, 3],
  );
  const n = result.peaks.length;
  const col = (f: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => f(i));
  put(
    `${o.peakPath}/h`,
    col((i) => result.peaks[i]!.hklFractional[0]),
  );
  put(
    `${o.peakPath}/k`,
    col((i) => result.peaks[i]!.hklFractional[1]),
  );
  put(
    `${o.peakPath}/l`,
    col((i) => result.peaks[i]!.hklFractional[2]),
  );
  put(
    `${o.peakPath}/diff`,
    col((i) => result.peaks[i]!.qResidual),
    'Angstrom^-1',
  );
  put(
    `${o.peakPath}/indexed`,
    Int8Array.from({ length: n }, (_, i) => (result.peaks[i]!.included ? 1 : 0)),
  );
  if (o.reflections) {
    for (const [name, value] of [
      ['primary_reflection', o.reflections.primary],
      ['secondary_reflection', o.reflections.secondary],
    ] as const) {
      const path = `${o.peakPath}/${name}`;
      if (w.has(path)) w.remove(path);
      w.field(path, value, { dtype: '<i8' });
      written.push(path);
    }
  }
  if (!w.has('/entry/nxreduce')) w.group('/entry/nxreduce', 'NXparameters');
  put('/entry/nxreduce/polar_max', o.polarMax);
  put('/entry/nxreduce/hkl_tolerance', o.hklTolerance);
  written.push(w.record(`/${entry}`, o.record));
}
