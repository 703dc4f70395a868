/**
 * The Experiment menu's jobs (spec §7): requests, results and the menu itself.
 *
 * Two sorts of job:
 * - directory jobs (New Experiment, New Configuration, New Sample, New Scan, Import Scans, Sum
 *   Scans, Edit Settings) carry `directory`, a HOST path: absolute under Electron, relative to the
 *   served folder in browser mode. Every other field that holds a host path is listed in
 *   `hostPathFields`, so the browser-mode server resolves it through its path jail before the
 *   engine sees it. Results never carry absolute paths: they give paths relative to `directory`.
 * - file jobs (Calibrate Powder, Create Mask) carry `fileId` (an open file) and `entry`, like the
 *   Refine jobs.
 *
 * Each job adds, in its own section below: its request and result interfaces, its kind in
 * `ExperimentJobRequest`, `ExperimentJobResultMap` and `experimentJobKinds`, and its host-path
 * fields. src/shared/jobs.ts folds these into JobRequest / JobResultMap / jobKinds.
 */
import type { ConfigurationSettings, DetectorPosition } from '../refine/experiment/configuration.ts';
import type { ScanPosition, ScanSettings } from '../refine/experiment/scan.ts';
import type { DetectorMaskCounts } from '../refine/mask/detector-mask.ts';
import type { MaskShape } from '../refine/mask/mask-shapes.ts';
import type { PowderGeometry, PowderParameterName, RingPoint } from '../refine/calibrate/models.ts';
import type { Settings, SettingsScope, SettingValue } from '../refine/settings/settings-ini.ts';

// ---- job sections (one per job; keep each job's types together) ----

// ---- New Experiment, New Configuration, New Sample, New Scan, Edit Settings (issue 8 items 3, 6)

/** New Experiment: make the experiment directory `directory` with tasks/settings.ini. */
export interface NewExperimentRequest {
  kind: 'new-experiment';
  /** The experiment directory to create (= <analysis_home>/<experiment>[/<analysis_path>]). */
  directory: string;
  source?: string;
  /** A registered beamline name. */
  instrument?: string;
  /** Raw Home Directory (stored as typed: an absolute path on the machine with the raw data). */
  rawHome?: string;
  rawPath?: string;
  /** Analysis Subdirectory: `directory` must end with it. */
  analysisPath?: string;
  /** Name of Experiment: checked against `directory`. */
  experiment?: string;
  /** Replace the settings of an existing experiment. */
  overwrite?: boolean;
}
export interface NewExperimentSummary {
  /** Folders and files made, relative to `directory` ('.' = the directory itself). */
  created: string[];
  existing: string[];
  /** 'tasks/settings.ini' */
  settingsFile: string;
  /** Whether the settings were copied from a server settings file (else the built-in defaults). */
  fromServer: boolean;
  /** The [instrument] values written (analysis_home left out: a host path). */
  instrument: Record<string, SettingValue>;
}

/** New Configuration: write configurations/<name>.nxs. */
export interface NewConfigurationRequest {
  kind: 'new-configuration';
  /** The experiment directory. */
  directory: string;
  name: string;
  values: ConfigurationSettings;
  overwrite?: boolean;
}
export interface NewConfigurationSummary {
  /** 'configurations/<name>.nxs' */
  file: string;
  entries: string[];
  detector: { name: string; shape: [number, number]; pixelSize: number; maskedPixels: number | null };
  nframes: number;
}

/** New Sample: make <sample>/<label>. */
export interface NewSampleRequest {
  kind: 'new-sample';
  directory: string;
  sample: string;
  label: string;
}
export interface NewSampleSummary {
  /** '<sample>/<label>' */
  labelDir: string;
  created: boolean;
}

/** New Scan: <sample>/<label>/<sample>_<scan>.nxs from a configuration. */
export interface NewScanRequest {
  kind: 'new-scan';
  directory: string;
  sample: string;
  label: string;
  /** Configuration name in configurations/. */
  configuration: string;
  /** Scan values; those left out come from the configuration. */
  values: Partial<Omit<ScanSettings, 'positions'>> & {
    scan: string;
    positions?: Array<Partial<ScanPosition>>;
  };
  overwrite?: boolean;
}
export interface NewScanSummary {
  /** Relative to `directory`. */
  wrapperFile: string;
  scanDir: string;
  /** Per entry: link file (relative to the wrapper's folder), path, and whether the file exists. */
  links: Array<{ entry: string; file: string; path: string; exists: boolean }>;
  nframes: number;
}

/** Read an experiment directory for the New … dialogs (read-only); without one, only the defaults. */
export interface ReadExperimentRequest {
  kind: 'read-experiment';
  directory?: string;
  /** Also summarise this configuration (New Scan's defaults). */
  configuration?: string;
}
export interface ReadExperimentSummary {
  /** The directory has tasks/ or configurations/. */
  isExperiment: boolean;
  /** tasks/settings.ini, defaults filled (the defaults when there is none). */
  settings: Settings;
  hasSettingsFile: boolean;
  samples: Array<{ sample: string; label: string; scans: string[] }>;
  configurations: string[];
  /** Registered beamline names (the instrument must be one). */
  instruments: string[];
  /** The server settings' [instrument] values (New Experiment's defaults); null without a server file. */
  serverInstrument: Record<string, SettingValue> | null;
  configuration?: {
    name: string;
    entries: string[];
    shape: [number, number];
    phiStart: number;
    phiEnd: number;
    phiStep: number;
    frameRate: number;
    positions: DetectorPosition[];
  };
}

export interface SettingsSummary {
  scope: SettingsScope;
  /** 'tasks/settings.ini' (relative to `directory`) or, for the server, the file's name in its folder. */
  file: string;
  exists: boolean;
  sections: Array<{
    name: string;
    entries: Array<{
      key: string;
      value: SettingValue;
      text: string;
      origin: 'file' | 'default';
      label?: string;
    }>;
  }>;
  dropped: Array<{ section: string; key: string; value: SettingValue }>;
  problems: Array<{ section: string; key: string; message: string }>;
  /** Registered beamline names. */
  instruments: string[];
}

/** Edit Settings, reading: an experiment's tasks/settings.ini, or the server settings. */
export interface ReadSettingsRequest {
  kind: 'read-settings';
  scope: SettingsScope;
  /** The experiment directory (experiment scope). */
  directory?: string;
}

/** Edit Settings, saving: values by 'section.key' (text as settings.ini holds it, or typed). */
export interface EditSettingsRequest {
  kind: 'edit-settings';
  scope: SettingsScope;
  directory?: string;
  values: Record<string, SettingValue>;
}
export interface EditSettingsSummary extends SettingsSummary {
  changed: Array<{ section: string; key: string; from: SettingValue | null; to: SettingValue }>;
}

// ---- Import Scans, Sum Scans (issue 8 items 4, 5)

/**
 * Import Scans, read-only: the beamline's samples in the raw data directory, the experiment's
 * configurations and, with `sample` and `label`, that sample's raw scans.
 */
export interface ListRawScansRequest {
  kind: 'list-raw-scans';
  /** The experiment directory. */
  directory: string;
  /** The raw data directory holding <sample>/<label>/; default <raw_home>/<experiment>/<raw_path>. */
  rawDirectory?: string;
  /** Default: tasks/settings.ini [instrument] instrument. */
  beamline?: string;
  sample?: string;
  label?: string;
}
export interface RawScanListing {
  /** The raw scan directory's name. */
  scan: string;
  /** The scan file it becomes, relative to `directory`. */
  wrapper: string;
  /** That scan file exists already. */
  exists: boolean;
  entries: Array<{ entry: string; scanNumber?: number; frames: number; missingFrames: number }>;
  notes: string[];
}
export interface ListRawScansSummary {
  beamline: string;
  /** Every beamline with an importer. */
  beamlines: string[];
  rawDirectoryFrom: 'request' | 'settings';
  /** '<sample>/<label>' in the raw data directory. */
  samples: string[];
  /** File names in configurations/. */
  configurations: string[];
  scans: RawScanListing[];
}

/** Import Scans: raw scans of <sample>/<label> → scan files and float32 frame files. */
export interface ImportScansRequest {
  kind: 'import-scans';
  /** The experiment directory. */
  directory: string;
  sample: string;
  label: string;
  /** Configuration name in configurations/. */
  configuration: string;
  rawDirectory?: string;
  /** The beamline's log file (QM2: the SPEC file) instead of its default place. */
  specFile?: string;
  beamline?: string;
  /** Log columns imported as monitor1, monitor2 … (QM2 default flyc1, flyc2). */
  monitors?: string[];
  /** Raw scans to import (default all). */
  scans?: string[];
  overwrite?: boolean;
}
export interface ImportScansSummary {
  beamline: string;
  imported: Array<{
    scan: string;
    /** Relative to `directory`. */
    wrapper: string;
    entries: Array<{
      entry: string;
      scanNumber?: number;
      frames: number;
      missingFrames: number;
      rawFile: string;
      monitors: string[];
    }>;
    warnings: string[];
  }>;
  skipped: Array<{ scan: string; reason: string }>;
  seconds: number;
}

/** Sum Scans, read-only: the scan files of a sample directory. */
export interface ListScanFilesRequest {
  kind: 'list-scan-files';
  /** The sample directory <experiment>/<sample>/<label>. */
  directory: string;
}
export interface ListScanFilesSummary {
  sample: string;
  label: string;
  /** `<sample>_<scan>.nxs` files (the parent link and parent file left out), natural order. */
  files: Array<{ file: string; scan: string; hasScanDirectory: boolean }>;
}

/** Sum Scans: add scans taken under identical conditions into <sample>_<output>.nxs. */
export interface SumScansRequest {
  kind: 'sum-scans';
  /** The sample directory <experiment>/<sample>/<label>. */
  directory: string;
  /** Scan names or file names in `directory`, first one first (its wrapper is copied). */
  scans: string[];
  /** The sum's scan name (or file name <sample>_<name>.nxs). */
  output: string;
  /** Default: every fN of the first scan. */
  entries?: string[];
  /** Update Existing Sums: keep summed frame files, redo the wrapper and monitors. */
  update?: boolean;
  /** Overwrite Existing Sums. */
  overwrite?: boolean;
}
export interface SumScansSummary {
  /** Relative to `directory`. */
  wrapper: string;
  scanDir: string;
  scans: string[];
  entries: Array<{
    entry: string;
    frames: number;
    dtype: string;
    rawFile: string;
    summedFrames: boolean;
    monitors: string[];
    monitorWeight: 'summed' | 'dropped' | 'none';
  }>;
  /** The first scan's frame-derived results not copied into the sum. */
  removed: string[];
  seconds: number;
}

// ---- Create Mask (issue 8 item 2) ----

/**
 * Create Mask: `<entry>/instrument/detector/pixel_mask` (int8, 1 = masked) = the current mask
 * (unless keepExisting is false) ∪ an imported mask image, then the shapes in order (add/remove
 * the pixels whose centres are inside), then ∪ the module gaps ∪ the pixels < 0 of the calibration
 * image or first frame (src/engine/jobs/create-mask.ts, src/refine/mask/detector-mask.ts).
 */
export interface CreateMaskRequest {
  kind: 'create-mask';
  fileId: string;
  entry: string;
  shapes?: MaskShape[];
  /** Module gaps: 'auto', a DECTRIS model name ('Pilatus 2M', 'Eiger2 16M' …) or 'none' (default). */
  gaps?: string;
  /** Whose negative pixels are masked. @default 'auto' (calibration image, else the first frame) */
  negatives?: 'auto' | 'calibration' | 'frame' | 'none';
  /** A mask image (host path: TIFF, PNG, EDF, CBF, HDF5) OR-ed in; non-zero = masked. */
  importFile?: string;
  /** The dataset of an HDF5 importFile (found when absent). */
  importPath?: string;
  /** @default true */
  keepExisting?: boolean;
  /** Also write the other entries whose names end in a digit. */
  allEntries?: boolean;
  /** false: a preview (the mask is computed and returned, nothing is written). */
  write: boolean;
  /** Return the reference image (calibration image or first frame), e.g. to show it. */
  returnImage?: boolean;
}
export interface CreateMaskSummary {
  entry: string;
  /** [ny, nx] */
  shape: [number, number];
  description: string | null;
  gaps: { model: string | null; family: string | null; source: string; note?: string };
  /** Whose negative pixels were masked, and its path in the file. */
  reference: 'calibration' | 'frame' | 'none';
  referencePath: string | null;
  /** The image returned with returnImage ('none': the entry has neither). */
  imageSource: 'calibration' | 'frame' | 'none';
  imagePath: string | null;
  /** The imported file's name (not its path), format and dataset. */
  imported: { file: string; format: string; path?: string } | null;
  counts: DetectorMaskCounts;
  /** The mask, 1 = masked, row-major [ny, nx]. */
  mask: Uint8Array;
  image?: Float32Array;
  /** [x, y] pixels, when the entry has a beam centre. */
  beamCenter: [number, number] | null;
  written: boolean;
  entries: string[];
}

// ---- Calibrate Powder (issue 8 item 1) ----

/**
 * The geometry the Calibrate Powder dialog edits (the app's conventions, src/refine/calibrate):
 * wavelength Å, distance mm (sample → beam centre along the beam), beam centre pixels (pixel
 * index = pixel centre), yaw/pitch/roll degrees, pixel size mm, shape [ny, nx].
 */
export type PowderGeometryValues = PowderGeometry;
/** A picked point: x (column), y (row) in pixels and its calibrant line, 0-based. */
export type PowderPoint = RingPoint;

/** Where the calibrant image comes from: `image` (host path) else the entry's stored calibration. */
interface PowderImageFields {
  /** An image file (TIFF, CBF, EDF, HDF5): a host path. */
  image?: string;
  /** HDF5 image: the dataset (found when absent) and the frame of a 3-D stack. */
  imagePath?: string;
  frame?: number;
}

/** What an entry holds when the dialog opens on it. */
export interface PowderStateRequest {
  kind: 'powder-state';
  fileId: string;
  entry: string;
}
export interface PowderStateSummary {
  entry: string;
  entries: string[];
  /** Entries NXRefine offers to copy the calibration to (names ending in a digit). */
  detectorEntries: string[];
  /** Values found in the entry (missing ones absent). */
  values: Partial<PowderGeometry>;
  detector: string | null;
  calibrants: string[];
  calibration: {
    calibrant: string | null;
    title: string | null;
    shape: [number, number];
    points: PowderPoint[];
  } | null;
}

/** Import Powder Data (or the stored image): the pixels to show. */
export interface PowderImageRequest extends PowderImageFields {
  kind: 'powder-image';
  fileId: string;
  entry: string;
}
export interface PowderImageSummary {
  /** The file's name (not its path), format, dataset and frame. */
  source: { name: string; format: string; path?: string; frame?: number; frames: number; stored: boolean };
  shape: [number, number];
  /** Row-major [ny, nx] counts (negative = module gaps). */
  data: Float32Array;
  /** Geometry the image file states (Å, mm, pixels). */
  metadata: {
    wavelength?: number;
    distance?: number;
    beamCenterX?: number;
    beamCenterY?: number;
    pixelSize?: number;
  };
}

/** Select Points (a click) or Autogenerate Rings (rings 1…rings): read-only. */
export interface PickRingsRequest extends PowderImageFields {
  kind: 'pick-rings';
  fileId: string;
  entry: string;
  geometry: PowderGeometry;
  calibrant: string;
  /** Search Size, pixels. @default 10 */
  searchSize?: number;
  rings?: number;
  click?: { x: number; y: number; ring: number };
}
export interface PickRingsSummary {
  points: PowderPoint[];
}

/** Calibrate: fit the checked parameters to the points (read-only). */
export interface FitPowderRequest {
  kind: 'fit-powder';
  fileId: string;
  entry: string;
  geometry: PowderGeometry;
  calibrant: string;
  points: PowderPoint[];
  /** The dialog's checkboxes by parameter name (wavelength, distance, beamCenterX, beamCenterY, yaw, pitch, roll). */
  fit?: Partial<Record<PowderParameterName, boolean>>;
}
export interface FitPowderSummary {
  geometry: PowderGeometry;
  fitted: PowderParameterName[];
  esds: Partial<Record<PowderParameterName, number>>;
  /** rms 2θ residual of the points used, degrees. */
  rms: number;
  /** 2θ residual of each point, degrees, and whether it was used (outliers are dropped). */
  residuals: number[];
  used: boolean[];
  rings: Array<{ ring: number; d: number; twoTheta: number; count: number; mean: number; rms: number }>;
  converged: boolean;
  message: string;
  notes: string[];
}

/** Save: store the calibration in the entry (and `copyTo`), atomically. */
export interface CalibratePowderRequest extends PowderImageFields {
  kind: 'calibrate-powder';
  fileId: string;
  entry: string;
  calibrant: string;
  geometry: PowderGeometry;
  points?: PowderPoint[];
  /** rms of the fit, degrees, stored with the points. */
  rms?: number;
  copyTo?: string[];
}
export interface CalibratePowderSummary {
  entries: string[];
  written: string[];
}

/** Import Calibration / Export Calibration: a pyFAI PONI file (host path). */
export interface PowderPoniRequest {
  kind: 'powder-poni';
  fileId: string;
  entry: string;
  action: 'import' | 'export';
  poni: string;
  /** export: the geometry to write. */
  geometry?: PowderGeometry;
}
export interface PowderPoniSummary {
  /** import: the geometry read (in the entry's detector orientation). */
  geometry?: PowderGeometry;
  /** The file's name. */
  name: string;
}

// ---- the unions ----

/** Every Experiment job request. */
export type ExperimentJobRequest =
  | PowderStateRequest
  | PowderImageRequest
  | PickRingsRequest
  | FitPowderRequest
  | CalibratePowderRequest
  | PowderPoniRequest
  | CreateMaskRequest
  | NewExperimentRequest
  | NewConfigurationRequest
  | NewSampleRequest
  | NewScanRequest
  | ReadExperimentRequest
  | ReadSettingsRequest
  | EditSettingsRequest
  | ListRawScansRequest
  | ImportScansRequest
  | ListScanFilesRequest
  | SumScansRequest;

export interface ExperimentJobResultMap {
  'powder-state': PowderStateSummary;
  'powder-image': PowderImageSummary;
  'pick-rings': PickRingsSummary;
  'fit-powder': FitPowderSummary;
  'calibrate-powder': CalibratePowderSummary;
  'powder-poni': PowderPoniSummary;
  'create-mask': CreateMaskSummary;
  'new-experiment': NewExperimentSummary;
  'new-configuration': NewConfigurationSummary;
  'new-sample': NewSampleSummary;
  'new-scan': NewScanSummary;
  'read-experiment': ReadExperimentSummary;
  'read-settings': SettingsSummary;
  'edit-settings': EditSettingsSummary;
  'list-raw-scans': ListRawScansSummary;
  'import-scans': ImportScansSummary;
  'list-scan-files': ListScanFilesSummary;
  'sum-scans': SumScansSummary;
}

/** Kinds of the Experiment jobs the engine runs. */
export const experimentJobKinds = [
  'powder-state',
  'powder-image',
  'pick-rings',
  'fit-powder',
  'calibrate-powder',
  'powder-poni',
  'create-mask',
  'new-experiment',
  'new-configuration',
  'new-sample',
  'new-scan',
  'read-experiment',
  'read-settings',
  'edit-settings',
  'list-raw-scans',
  'import-scans',
  'list-scan-files',
  'sum-scans',
] as const satisfies readonly ExperimentJobRequest['kind'][];

export type ExperimentJobKind = (typeof experimentJobKinds)[number];

/**
 * Fields (besides `directory`) that hold host paths, per kind: a string or an array of strings.
 * The browser-mode server maps each through the served folder; under Electron they are absolute.
 */
export const hostPathFields: { [K in ExperimentJobKind]?: readonly string[] } = {
  'powder-image': ['image'],
  'pick-rings': ['image'],
  'calibrate-powder': ['image'],
  'powder-poni': ['poni'],
  'create-mask': ['importFile'],
  'list-raw-scans': ['rawDirectory'],
  'import-scans': ['rawDirectory', 'specFile'],
};

// ---- the menu ----

/**
 * The Experiment menu in NXRefine's classic order (spec §7) with the job each item runs. An item
 * is shown once its job is registered in `experimentJobKinds` (Make Scans, SPEC macros for 6-ID-D,
 * is not offered).
 */
export const experimentMenuItems = [
  { dialog: 'new-experiment', label: 'New Experiment', job: 'new-experiment' },
  { dialog: 'new-configuration', label: 'New Configuration', job: 'new-configuration' },
  { dialog: 'calibrate-powder', label: 'Calibrate Powder', job: 'calibrate-powder' },
  { dialog: 'create-mask', label: 'Create Mask', job: 'create-mask' },
  { dialog: 'new-sample', label: 'New Sample', job: 'new-sample' },
  { dialog: 'new-scan', label: 'New Scan', job: 'new-scan' },
  { dialog: 'import-scans', label: 'Import Scans', job: 'import-scans' },
  { dialog: 'sum-scans', label: 'Sum Scans', job: 'sum-scans' },
  { dialog: 'edit-settings', label: 'Edit Settings', job: 'edit-settings' },
] as const;

export type ExperimentDialogId = (typeof experimentMenuItems)[number]['dialog'];

export function isExperimentJobKind(k: unknown): k is ExperimentJobKind {
  return typeof k === 'string' && (experimentJobKinds as readonly string[]).includes(k);
}

/** The Experiment menu items whose job the engine runs, in menu order. */
export function availableExperimentItems(): Array<{ dialog: ExperimentDialogId; label: string }> {
  return experimentMenuItems
    .filter((i) => isExperimentJobKind(i.job))
    .map((i) => ({ dialog: i.dialog, label: i.label }));
}

export function isExperimentDialogId(d: unknown): d is ExperimentDialogId {
  return typeof d === 'string' && experimentMenuItems.some((i) => i.dialog === d);
}
