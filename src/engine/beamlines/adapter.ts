/**
 * What a beamline contributes to Import Scans (spec §7, NXRefine's NXBeamLine subclasses): where
 * its raw scans are, what each scan's entries (detector positions) are, the metadata its logs hold
 * (monitors, goniometer angles, temperature, start time) and its frames. The import job
 * (src/engine/jobs/import-scans.ts) does the rest the same way for every beamline: wrapper files
 * copied from a configuration, raw frames as float32 stacks, external links, NeXus links.
 *
 * Adding a beamline = one module implementing `BeamlineAdapter` + one line in registry.ts
 * (docs/design/beamlines.md).
 */
import type { JobContext } from '../jobs/job-context.ts';

/** Where to look for one sample's raw data. */
export interface RawLocation {
  /** `<raw_home>/<experiment>/<raw_path>`: the directory holding `<sample>/<label>/`. Absolute. */
  rawDir: string;
  sample: string;
  label: string;
  /** The beamline's log file (e.g. a SPEC file), when the user names it instead of the default. */
  logFile?: string;
  /** Monitor channels to import as monitor1, monitor2 … (default: the beamline's own). */
  monitorNames?: readonly string[];
}

/** One entry (detector position, `f1`, `f2` …) of a raw scan. */
export interface RawEntrySource {
  /** 'f1', 'f2', … */
  entry: string;
  /** The beamline's number for this part of the scan (QM2: the SPEC scan number). */
  scanNumber?: number;
  /** Where the frames are: a directory of images or a file. Absolute. */
  source: string;
  /** Frames this entry will hold. */
  frames: number;
  /** Frames with no image (stored as NaN). */
  missingFrames: number[];
}

/** A scan found in the raw directory: one wrapper `<sample>_<scan>.nxs` in the analysis tree. */
export interface RawScan {
  /** Scan name (the raw scan directory's name, e.g. '300K'). */
  scan: string;
  /** The raw scan directory. Absolute. */
  directory: string;
  entries: RawEntrySource[];
  /** Things the user should know (skipped sub-directories …). */
  notes: string[];
}

export interface MonitorRecord {
  /** 'monitor1', 'monitor2' … */
  group: string;
  /** Signal field name = the beamline's channel name ('flyc1', 'MCS1'). */
  signal: string;
  /** One value per frame. */
  values: Float64Array;
}

/** A log collection: scalars, strings or per-point arrays, and sub-collections. */
export interface LogCollection {
  fields: Record<string, number | string | Float64Array>;
  groups: Record<string, LogCollection>;
}

/** What the beamline's logs say about one entry; anything left undefined keeps the configuration's value. */
export interface EntryMetadata {
  /** ISO 8601 start time. */
  startTime?: string;
  /** Seconds per frame. */
  frameTime?: number;
  /** Degrees. */
  phi?: { start: number; step: number; end: number };
  chi?: number;
  omega?: number;
  theta?: number;
  monitors: MonitorRecord[];
  /** Kelvin. */
  temperature?: number;
  /** Written to `<entry>/logs` (NXcollection). */
  logs?: LogCollection;
  /** Problems that did not stop the import (a missing monitor column …). */
  warnings: string[];
}

export interface BeamlineAdapter {
  /** Name in settings.ini `[instrument] instrument`, e.g. 'QM2'. */
  readonly name: string;
  /** Other names that select this adapter. */
  readonly aliases: readonly string[];
  /** NXsource name and type written to each entry. */
  readonly source: { name: string; type: string };
  /** Monitor channels imported by default, as monitor1, monitor2 … */
  readonly defaultMonitors: readonly string[];
  /** `<sample>/<label>` pairs present in the raw directory, sorted. */
  listSamples(rawDir: string): Promise<string[]>;
  /** The raw scans of one sample, in natural order. */
  findScans(location: RawLocation): Promise<RawScan[]>;
  /** Metadata of each entry of a scan (same order as `scan.entries`). */
  readMetadata(location: RawLocation, scan: RawScan, ctx?: JobContext): Promise<EntryMetadata[]>;
  /**
   * The frames of one entry in order, each as float32 [ny × nx] (NaN for a missing image). An
   * image whose shape is not `shape` is an NxrError naming the image file.
   */
  readFrames(entry: RawEntrySource, shape: [number, number], ctx?: JobContext): AsyncIterable<Float32Array>;
  /** Optional: SPEC macro lines that make the given scans (6-ID-D's Make Scans). */
  makeScans?(scanFiles: readonly string[], command: string): Promise<string[]>;
}
