/**
 * Long-running engine jobs: requests, results and the events they emit. Every job runs with its
 * own AbortController in the engine; progress is throttled to integer-percent changes
 * (NXReduce.update_progress does the same) and every job logs "started" / "complete (N seconds)" /
 * "failed" lines like NXReduce.record_start / record_end / record_fail.
 */
import type { NxrErrorInfo } from './errors.ts';
import {
  experimentJobKinds,
  type ExperimentDialogId,
  type ExperimentJobRequest,
  type ExperimentJobResultMap,
} from './experiment-jobs.ts';

/** Per-frame statistics of a 3-D stack (the summed-frames curve of Find Maximum). */
export interface FrameStatsRequest {
  kind: 'frame-stats';
  fileId: string;
  /** Path of the 3-D dataset, e.g. /f1/data/data. */
  path: string;
  /** Frame range [start, stop); the whole stack when omitted. */
  frames?: [number, number];
}

export interface FrameStatsResult {
  /** Index of the first frame reported. */
  start: number;
  /** Sum of each frame (NaN pixels skipped). */
  sums: Float64Array;
  /** Largest finite pixel value of each frame (-Infinity when the frame has none). */
  maxima: Float64Array;
}

/** Values of /entry/nxreduce (Choose Parameters; names as NXRefine's settings.ini keys). */
export interface ReductionValues {
  /** Peak threshold, counts. */
  threshold: number;
  /** First frame (inclusive). */
  first: number;
  /** Last frame (exclusive end, as NXRefine slices). */
  last: number;
  /** Maximum polar angle, degrees. */
  polar_max: number;
  /** HKL tolerance, Å⁻¹ (1/d units, no 2π). */
  hkl_tolerance: number;
  /** Normalization monitor (NXmonitor name). */
  monitor: string;
  /** Normalization value. */
  norm: number;
  /** Minimum scattering Q, Å⁻¹. */
  qmin: number;
  /** Maximum taper Q, Å⁻¹. */
  qmax: number;
  /** Punch radius, Å⁻¹. */
  radius: number;
  /** Minimum pixels between peaks. */
  min_pixels: number;
}

/** Unit cell: Å and degrees. */
export interface CellValues {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
}

/** The detector values Calculate Angles lets the user change (Å, mm, pixels, mm). */
export interface AngleGeometryValues {
  wavelength: number;
  distance: number;
  beamCenterX: number;
  beamCenterY: number;
  pixelSize: number;
}

/** Peak positions (pixels, frames) and angles (degrees), one array element per peak. */
export interface PeakColumns {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  intensity: Float64Array;
  polarAngle: Float64Array;
  azimuthalAngle: Float64Array;
}

/** Choose Parameters: resolve (and with `write`, store) /entry/nxreduce through NXRefine's cascade. */
export interface ChooseParametersRequest {
  kind: 'choose-parameters';
  fileId: string;
  /** Values typed in the dialog; they win over every stored value. */
  values?: Partial<ReductionValues>;
  /** Store in /entry/nxreduce. false: only resolve and check (the dialog's initial values). */
  write: boolean;
  /** Also make this file the parent ("Set As Parent"). */
  setParent?: boolean;
}
export interface ChooseParametersSummary {
  values: ReductionValues;
  /** Where each value came from, e.g. 'file /entry/nxreduce/threshold', 'settings.ini', 'default'. */
  origins: Record<keyof ReductionValues, string>;
  /** Frames per rotation, when known. */
  nframes?: number;
  written: boolean;
  /** With setParent: the parent link and what it pointed to before (base names). */
  parent?: { link: string; previous?: string };
}

/**
 * Set as Parent (the tree's context menu; `nxr parent FILE`): make this scan file the parent of its
 * <sample>/<label>/ directory — the `<sample>_parent.nxs` link and the /entry/nxcopy record.
 */
export interface SetParentRequest {
  kind: 'set-parent';
  fileId: string;
}
export interface SetParentSummary {
  /** The new parent's file name. */
  file: string;
  /** The link's file name, e.g. sim_parent.nxs. */
  link: string;
  /** The file name the link pointed to before, if any. */
  previous?: string;
}

/** Copy Parameters: copy the parent's geometry, lattice and parameters into this scan file. */
export interface CopyParametersRequest {
  kind: 'copy-parameters';
  fileId: string;
  /** Copy into entries that already have nxcopy. */
  overwrite?: boolean;
}
export interface CopyParametersSummary {
  /** The parent's file name. */
  parent: string;
  isParent: boolean;
  copied: Array<{ entry: string; fields: number; missing: string[] }>;
  skipped: Array<{ entry: string; reason: string }>;
  written: boolean;
}

/** Find Maximum (nxmax) of one entry. */
export interface FindMaximumRequest {
  kind: 'find-maximum';
  fileId: string;
  /** Detector entry, e.g. 'f1'. */
  entry: string;
  first?: number;
  last?: number;
  /** Annulus limits, Å⁻¹. */
  qmin?: number;
  qmax?: number;
  /** Running-median width of the transmission, frames. */
  filterSize?: number;
  /** Save the results in the file. @default true */
  write?: boolean;
}
export interface FindMaximumSummary {
  entry: string;
  first: number;
  last: number;
  maximum: number;
  maximumX: number;
  maximumY: number;
  hotPixels: number;
  deadPixels: number;
  missingFrames: number;
  annulus: { qmin: number; qmax: number; source: string; pixels: number };
  /** Median transmission baseline (null without one). */
  transmissionMedian: number | null;
  written: boolean;
  /** Paths written in the file. */
  paths: string[];
  seconds: number;
}

/** Find Peaks (nxfind) of one entry. */
export interface FindPeaksRequest {
  kind: 'find-peaks';
  fileId: string;
  entry: string;
  threshold?: number;
  first?: number;
  last?: number;
  minPixels?: number;
  /** Save the peaks in the file. @default true */
  write?: boolean;
}
export interface FindPeaksSummary {
  entry: string;
  first: number;
  last: number;
  threshold: number;
  minPixels: number;
  count: number;
  /** Sorted by z. */
  peaks: PeakColumns;
  written: boolean;
  paths: string[];
  seconds: number;
}

/** Define Lattice: /entry/sample (cell, space group, formula). */
export interface DefineLatticeRequest {
  kind: 'define-lattice';
  fileId: string;
  cell?: CellValues;
  /** Hermann–Mauguin symbol, Hall symbol or number. */
  spaceGroup?: string;
  formula?: string;
  /** Impose the group's cell constraints instead of refusing. */
  constrain?: boolean;
}
export interface DefineLatticeSummary {
  cell: CellValues;
  /** The cell given, when the constraints changed it. */
  givenCell?: CellValues;
  spaceGroup: string;
  spaceGroupNumber: number;
  laueGroup: string;
  centring: string;
  unitCellGroup: string;
  formula?: string;
  written: boolean;
}

/** Calculate Angles: polar/azimuthal angles of the peaks and the powder rings of the lattice. */
export interface CalculateAnglesRequest {
  kind: 'calculate-angles';
  fileId: string;
  entry: string;
  /** Values replacing the file's (saved with write). */
  geometry?: Partial<AngleGeometryValues>;
  /** @default 'exact' */
  convention?: 'exact' | 'nxrefine';
  /** Store the angles (and the geometry) in the file ("Save"). @default false ("Plot") */
  write?: boolean;
}
export interface CalculateAnglesSummary {
  entry: string;
  convention: 'exact' | 'nxrefine';
  geometry: AngleGeometryValues;
  /** Largest polar angle on the detector, degrees. */
  twoThetaMax: number;
  peaks: {
    x: Float64Array;
    y: Float64Array;
    z: Float64Array;
    polarAngle: Float64Array;
    azimuthalAngle: Float64Array;
    /** Nearest ring, −1 without rings. */
    ring: Int32Array;
  };
  /** Powder rings: angle (degrees), first hkl and total multiplicity; null without a lattice. */
  rings: Array<{ twoTheta: number; hkl: [number, number, number]; multiplicity: number }> | null;
  written: boolean;
}

/** Prepare 3D Mask (nxprepare_mask): the mask around the Bragg peaks, in <scan>/fN_mask.nxs. */
export interface PrepareMaskRequest {
  kind: 'prepare-mask';
  fileId: string;
  entry: string;
  /** First and last frame, inclusive (the job's convention). */
  first?: number;
  last?: number;
  /** Threshold 1 (counts), Horizontal Size 1 (pixels, odd), Threshold 2 (fraction), Horizontal Size 2. */
  t1?: number;
  h1?: number;
  t2?: number;
  h2?: number;
}
export interface PrepareMaskSummary {
  entry: string;
  /** File name of the mask file (in the scan directory). */
  maskFile: string;
  /** Where the mask is linked in the wrapper. */
  maskPath: string;
  params: { t1: number; h1: number; t2: number; h2: number };
  first: number;
  last: number;
  nframes: number;
  maskedVoxels: number;
  maskedFraction: number;
  seconds: number;
}

/** How Refine Lattice gets its starting orientation (see the job). */
export type OrientationSource = 'auto' | 'file' | 'parent' | 'known-cell' | 'fft' | 'manual';

/** Orient Manually (NXRefine's Primary / Secondary): two peaks of fN/peaks and their hkls. */
export interface ManualOrientation {
  /** Peak indices (rows of fN/peaks, from 0). */
  primary: number;
  secondary: number;
  hkl1: [number, number, number];
  hkl2: [number, number, number];
}

/**
 * Refine Lattice's peak list (NXRefine's List table), one element per row of fN/peaks, from the
 * final (refined, or only oriented) model.
 */
export interface RefinePeakTable {
  /** Centroid: column, row (px) and frame. */
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** NaN when the file has no intensities. */
  intensity: Float64Array;
  /** Polar (2θ) and azimuthal angles, degrees. */
  polar: Float64Array;
  azimuthal: Float64Array;
  /** Fractional hkl. */
  h: Float64Array;
  k: Float64Array;
  l: Float64Array;
  /** NXRefine's diff |B·(hkl − rint(hkl))|, Å⁻¹ (1/d units): after, and before the fit (starting orientation, file geometry). */
  diff: Float64Array;
  diffStart: Float64Array;
  /** |(dx, dy)| predicted − observed after the fit, px (NaN when not indexed). */
  pixelResidual: Float64Array;
  /** 0 used in the fit, 1 polar angle > max, 2 diff > tolerance, 3 (000) or systematically absent, 4 outlier, 5 excluded by the user. */
  status: Int8Array;
  /** Q_sample with the file's geometry, Å⁻¹ (1/d units): Orient Manually's angles and rings. */
  qx: Float64Array;
  qy: Float64Array;
  qz: Float64Array;
}

/** The angle check of a manual orientation. */
export interface ManualOrientationCheck extends ManualOrientation {
  /** Angle between the two peaks' Q, and between the reciprocal-lattice vectors of hkl1, hkl2, degrees. */
  measuredAngle: number;
  calculatedAngle: number;
  /** 2θ of each peak (from |Q|) and of each hkl, degrees. */
  peakTwoTheta: [number, number];
  hklTwoTheta: [number, number];
}

/** Refine Lattice: orient (index) and least-squares refine an entry from its peaks. */
export interface RefineLatticeRequest {
  kind: 'refine-lattice';
  fileId: string;
  entry: string;
  /** Parameters to refine (a … gamma, wavelength, distance, beamCenterX, …, 'U'). */
  fit?: string[];
  /** Max. Polar Angle, degrees. */
  polarMax?: number;
  /** HKL Tolerance, Å⁻¹. */
  hklTolerance?: number;
  index?: OrientationSource;
  /** With index 'manual': the two peaks and their hkls. */
  manual?: ManualOrientation;
  /** With index 'fft': the cell picked in Orient by FFT (its orientation starts the fit; no new FFT run). */
  fftCell?: FftCellChoice;
  /** Peaks (rows of fN/peaks, from 0) left out of the orientation and the fit: the unticked rows. */
  exclude?: number[];
  /** Compute and report only (true), or save the refinement (false). @default false */
  dryRun?: boolean;
}

type Cell6 = { a: number; b: number; c: number; alpha: number; beta: number; gamma: number };
type Matrix3 = [[number, number, number], [number, number, number], [number, number, number]];

/** A cell of Orient by FFT chosen to start Refine Lattice from. */
export interface FftCellChoice {
  /** triclinic … cubic (rhombohedral: R in rhombohedral axes). */
  latticeSystem: string;
  /** P, A, B, C, I, F or R. */
  centring: string;
  /** Å, degrees. */
  cell: Cell6;
  /** Rotation U with U·B(cell) = UB of the cell (Busing–Levy B, sample frame). */
  U: Matrix3;
}

/** One row of Orient by FFT's cell table. */
export interface FftCellCandidate extends FftCellChoice {
  /** Å³. */
  volume: number;
  /** Peaks in range indexed by the cell (each hkl within 0.12 of an integer), and their fraction. */
  indexed: number;
  fraction: number;
  /** Largest relative deviation of a length, and of an angle (degrees), that the lattice system constrains. */
  lengthDistortion: number;
  angleDistortion: number;
  /** The lattice type (system and centring) of the file's space group. */
  matchesSpaceGroup: boolean;
  /** Within 0.5 % (lengths) and 0.5° (angles) of the file's cell. */
  matchesCell: boolean;
}

/**
 * Orient by FFT (read-only: nothing is written): FFT indexing of an entry's peaks without a cell,
 * and the best cell of every Bravais type the lattice found fits (NXRefine's cell table).
 */
export interface OrientFftRequest {
  kind: 'orient-fft';
  fileId: string;
  entry: string;
  /** Max. Polar Angle, degrees. @default the reduction parameters' */
  polarMax?: number;
  /** Shortest and longest real-space translation searched, Å (NXRefine's Dmin, Dmax). @default 1, 20 */
  dMin?: number;
  dMax?: number;
  /** Peaks left out (unticked rows). */
  exclude?: number[];
}
export interface OrientFftSummary {
  entry: string;
  /** Peaks within the polar angle used for indexing. */
  peaks: number;
  dMin: number;
  dMax: number;
  /** The file's space group and cell (the defined lattice), when it has them. */
  spaceGroup?: string;
  definedCell?: Cell6;
  /** Niggli-reduced cell of the lattice found, and the peaks it indexes. */
  reducedCell: Cell6;
  indexed: number;
  /** Most symmetric first. */
  candidates: FftCellCandidate[];
  /** The row Refine Lattice's own FFT choice corresponds to (space group type and cell), or -1. */
  preferred: number;
  seconds: number;
}
export interface RefineLatticeSummary {
  entry: string;
  spaceGroup?: string;
  latticeSystem: string;
  polarMax: number;
  hklTolerance: number;
  fit: string[];
  indexing: { method: string; source: string; indexed: number; fraction: number };
  parameters: Array<{
    name: string;
    value: number;
    initial: number;
    esd: number;
    units: string;
    refined: boolean;
  }>;
  statistics: {
    peaks: number;
    inPolarRange: number;
    indexed: number;
    outliers: number;
    rmsdPixels: number;
    rmsdFrames: number;
    score: number;
    converged: boolean;
    message: string;
  };
  /** lmfit-style fit report. */
  report: string;
  orientationMatrix: [[number, number, number], [number, number, number], [number, number, number]];
  /** The peak list with the final model. */
  peakTable: RefinePeakTable;
  /** With index 'manual': the angle check. */
  manual?: ManualOrientationCheck;
  /** fN/peaks primary_reflection / secondary_reflection as stored (before this run). */
  storedReflections?: { primary: number; secondary: number };
  /** Paths written (empty for a dry run). */
  written: string[];
  seconds: number;
}

/** One axis of a transform grid: [start, step, stop], r.l.u. */
export type GridAxisSpec = [number, number, number];

/** Transform Data: the frames of an entry into an HKL grid (<scan>/fN_transform.nxs). */
export interface TransformRequest {
  kind: 'transform';
  fileId: string;
  entry: string;
  /** Exclude the 3-D mask (masked_transform). */
  masked?: boolean;
  grid?: { h?: GridAxisSpec; k?: GridAxisSpec; l?: GridAxisSpec };
  first?: number;
  last?: number;
  /** Only work out the grid (the dialog's defaults), transform nothing. */
  plan?: boolean;
}
export interface TransformSummary {
  entry: string;
  masked: boolean;
  /** Each axis: first voxel centre, step and count (r.l.u.). */
  grid: Record<'h' | 'k' | 'l', { start: number; step: number; count: number }>;
  gridSource: string;
  planned: boolean;
  /** File name of the transform (empty when only planned). */
  outputFile: string;
  first: number;
  last: number;
  framesUsed: number;
  pixels: number;
  sumCounts: number;
  sumWeights: number;
  seconds: number;
}

/** The automated workflow (nxr reduce) on an open scan file: max → find → copy → refine → prepare → transform. */
export interface ReduceRequest {
  kind: 'reduce';
  fileId: string;
  /** Entries to reduce. @default every fN */
  entries?: string[];
  /** Steps to run (in NXRefine's order). @default all */
  steps?: string[];
  /** Run steps whose NXprocess record exists again. @default false */
  overwrite?: boolean;
  /** Refine Lattice fit flags. @default the workflow's */
  fit?: string[];
}
export interface ReduceSummary {
  /** File names (no folders) of the scan files reduced. */
  files: string[];
  outcomes: Array<{
    file: string;
    entry: string;
    step: string;
    status: string;
    message?: string;
    seconds: number;
  }>;
  failures: number;
}

export type JobRequest =
  | FrameStatsRequest
  | ChooseParametersRequest
  | CopyParametersRequest
  | FindMaximumRequest
  | FindPeaksRequest
  | DefineLatticeRequest
  | CalculateAnglesRequest
  | PrepareMaskRequest
  | RefineLatticeRequest
  | OrientFftRequest
  | TransformRequest
  | ReduceRequest
  | SetParentRequest
  | ExperimentJobRequest;
export type JobKind = JobRequest['kind'];

export interface JobResultMap extends ExperimentJobResultMap {
  'frame-stats': FrameStatsResult;
  'choose-parameters': ChooseParametersSummary;
  'copy-parameters': CopyParametersSummary;
  'find-maximum': FindMaximumSummary;
  'find-peaks': FindPeaksSummary;
  'define-lattice': DefineLatticeSummary;
  'calculate-angles': CalculateAnglesSummary;
  'prepare-mask': PrepareMaskSummary;
  'refine-lattice': RefineLatticeSummary;
  'orient-fft': OrientFftSummary;
  transform: TransformSummary;
  reduce: ReduceSummary;
  'set-parent': SetParentSummary;
}
export type JobResult = JobResultMap[JobKind];

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  /** 0…100, integer; sent only when the integer changes. */
  percent: number;
}

export interface JobLog {
  jobId: string;
  kind: JobKind;
  level: 'info' | 'warn' | 'error';
  message: string;
  /** ms since the epoch. */
  time: number;
}

/** The end of a job: its result (typed by kind) or its error. */
export type JobEnd =
  | {
      [K in JobKind]: {
        jobId: string;
        kind: K;
        ok: true;
        result: JobResultMap[K];
        seconds: number;
        /** The job rewrote the file: the engine has reopened it, the UI reloads its tree. */
        fileChanged?: boolean;
      };
    }[JobKind]
  | { jobId: string; kind: JobKind; ok: false; error: NxrErrorInfo; seconds: number };

export const jobKinds = [
  ...experimentJobKinds,
  'frame-stats',
  'choose-parameters',
  'copy-parameters',
  'find-maximum',
  'find-peaks',
  'define-lattice',
  'calculate-angles',
  'prepare-mask',
  'refine-lattice',
  'orient-fft',
  'transform',
  'reduce',
  'set-parent',
] as const satisfies readonly JobKind[];
// Every kind is listed (compile-time check).
const everyKindListed: Exclude<JobKind, (typeof jobKinds)[number]> extends never ? true : false = true;
void everyKindListed;

export function isJobKind(k: unknown): k is JobKind {
  return typeof k === 'string' && (jobKinds as readonly string[]).includes(k);
}

/**
 * The Refine menu in NXRefine's classic order (spec §6.1) with the job each item runs. An item is
 * shown only when its job exists (`job` is a registered kind); the others wait for their engine job.
 */
export const refineMenuItems = [
  { dialog: 'choose-parameters', label: 'Choose Parameters', job: 'choose-parameters' },
  { dialog: 'copy-parameters', label: 'Copy Parameters', job: 'copy-parameters' },
  { dialog: 'find-maximum', label: 'Find Maximum', job: 'find-maximum' },
  { dialog: 'find-peaks', label: 'Find Peaks', job: 'find-peaks' },
  { dialog: 'prepare-mask', label: 'Prepare 3D Mask', job: 'prepare-mask' },
  { dialog: 'calculate-angles', label: 'Calculate Angles', job: 'calculate-angles' },
  { dialog: 'define-lattice', label: 'Define Lattice', job: 'define-lattice' },
  { dialog: 'refine-lattice', label: 'Refine Lattice', job: 'refine-lattice' },
  { dialog: 'transform-data', label: 'Transform Data', job: 'transform' },
] as const;

export type RefineDialogId = (typeof refineMenuItems)[number]['dialog'];

/** The Refine menu items whose job the engine runs, in menu order. */
export function availableRefineItems(): Array<{ dialog: RefineDialogId; label: string }> {
  return refineMenuItems.filter((i) => isJobKind(i.job)).map((i) => ({ dialog: i.dialog, label: i.label }));
}

export function isRefineDialogId(d: unknown): d is RefineDialogId {
  return typeof d === 'string' && refineMenuItems.some((i) => i.dialog === d);
}

/** A dialog of the Refine or the Experiment menu. */
export type DialogId = RefineDialogId | ExperimentDialogId;
