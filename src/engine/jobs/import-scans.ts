/**
 * Experiment ▸ Import Scans (spec §7; NXRefine's ImportScanDialog + NXBeamLine.import_data,
 * load_data and read_logs in one step): every raw scan of `<sample>/<label>` found by the
 * experiment's beamline adapter becomes
 *
 *   <experiment>/<sample>/<label>/<sample>_<scan>.nxs   wrapper: /entry copied from the
 *       configuration (+ sample name, label, temperature); /fN copied from the configuration's fN
 *       (or f1) + scan_number, start_time, source, goniometer angles, monitor1/2, logs, and
 *       data:NXdata with data → <scan>/fN.h5 (external link, relative), frame_number, y_pixel,
 *       x_pixel, frame_time; fN/sample → /entry/sample (NeXus link)
 *   <experiment>/<sample>/<label>/<scan>/fN.h5           /entry/data/data float32 (frames, ny, nx),
 *       maxshape (max(5000, frames), ny, nx), one chunk per frame, bitshuffle-LZ4; NaN frames for
 *       missing images; frame_number, y_pixel, x_pixel (uint16) as NXRefine's QM2 load_data writes
 *
 * The raw directory is only read. A scan whose wrapper exists is skipped unless `overwrite`. Each
 * scan is all-or-nothing: its frame files and wrapper are written to temp files and renamed into
 * place together at the end; a cancel or an error leaves the scans already imported and nothing of
 * the one in progress.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

import type { NexusReader } from '../../nexus/port.ts';
import type { Settings } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import type {
  BeamlineAdapter,
  EntryMetadata,
  LogCollection,
  RawLocation,
  RawScan,
} from '../beamlines/adapter.ts';
import { copyGroup } from '../beamlines/copy-group.ts';
import { naturalCompare } from '../beamlines/qm2.ts';
import { getBeamline } from '../beamlines/registry.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { createNexusFile, type NexusFileWriter } from '../io/nexus-writer.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { readNumbers, readScalar } from './read-fields.ts';
import { findExperimentSettingsFile, readSettingsFile } from './scan-layout.ts';

export interface ImportSourceOptions {
  /** The experiment (analysis) directory: holds tasks/, configurations/ and the sample directories. */
  experimentDir: string;
  /** The raw data directory holding `<sample>/<label>/`; default `<raw_home>/<experiment>/<raw_path>` of tasks/settings.ini. */
  rawDir?: string;
  /** Beamline name; default `[instrument] instrument` of tasks/settings.ini. */
  beamline?: string;
}

export interface ImportScansOptions extends ImportSourceOptions {
  sample: string;
  label: string;
  /** Configuration name in `<experiment>/configurations/` ('default' or 'default.nxs'). */
  configuration: string;
  /** The beamline's log file (QM2: the SPEC file), instead of the default location. */
  logFile?: string;
  /** Monitor channels imported as monitor1, monitor2 … (default the beamline's: QM2 flyc1, flyc2). */
  monitors?: string[];
  /** Import only these scans (names of raw scan directories); default all. */
  scans?: string[];
  /** Replace existing wrappers and frame files. @default false */
  overwrite?: boolean;
}

export interface ImportSource {
  experimentDir: string;
  rawDir: string;
  beamline: BeamlineAdapter;
  /** Where rawDir and the beamline came from. */
  origin: { rawDir: 'option' | 'settings'; beamline: 'option' | 'settings' };
}

export interface FoundScan {
  scan: string;
  /** Wrapper path relative to the experiment directory. */
  wrapper: string;
  exists: boolean;
  entries: Array<{ entry: string; scanNumber?: number; frames: number; missingFrames: number }>;
  notes: string[];
}

export interface ImportedEntry {
  entry: string;
  scanNumber?: number;
  frames: number;
  missingFrames: number;
  /** Relative to the experiment directory. */
  rawFile: string;
  monitors: string[];
}

export interface ImportedScan {
  scan: string;
  /** Relative to the experiment directory. */
  wrapper: string;
  entries: ImportedEntry[];
  warnings: string[];
}

export interface ImportScansResult {
  beamline: string;
  /** The raw directory as used (absolute). */
  rawDir: string;
  imported: ImportedScan[];
  skipped: Array<{ scan: string; reason: string }>;
  seconds: number;
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

function bad(message: string, file?: string): NxrError {
  return new NxrError({ code: 'BAD_PARAMETER', message, ...(file !== undefined ? { file } : {}) });
}

function experimentSettings(experimentDir: string): Settings | undefined {
  const f = findExperimentSettingsFile(experimentDir);
  return f === undefined ? undefined : readSettingsFile(f);
}

/** `<raw_home>/<experiment>/<raw_path>` from the [instrument] settings (NXRefine's ImportScanDialog). */
export function rawDirectoryFromSettings(
  experimentDir: string,
  settings: Settings | undefined,
): string | undefined {
  const inst = settings?.['instrument'] ?? {};
  const rawHome = inst['raw_home'];
  if (typeof rawHome !== 'string' || rawHome === '') return undefined;
  const analysisPath = typeof inst['analysis_path'] === 'string' ? inst['analysis_path'] : '';
  const dir = resolve(experimentDir);
  const experiment =
    typeof inst['experiment'] === 'string' && inst['experiment'] !== ''
      ? inst['experiment']
      : analysisPath !== '' && basename(dir) === analysisPath
        ? basename(dirname(dir))
        : basename(dir);
  const rawPath = inst['raw_path'];
  return typeof rawPath === 'string' && rawPath !== ''
    ? join(rawHome, experiment, rawPath)
    : join(rawHome, experiment);
}

/** The raw directory and beamline of an experiment (options first, then tasks/settings.ini). */
export function resolveImportSource(o: ImportSourceOptions): ImportSource {
  const experimentDir = resolve(o.experimentDir);
  if (!existsSync(experimentDir) || !statSync(experimentDir).isDirectory())
    throw new NxrError({
      code: 'FILE_NOT_FOUND',
      message: 'experiment directory does not exist',
      file: o.experimentDir,
    });
  const settings = experimentSettings(experimentDir);
  const settingsFile = findExperimentSettingsFile(experimentDir);
  const beamlineName =
    o.beamline ??
    (typeof settings?.['instrument']?.['instrument'] === 'string'
      ? settings['instrument']['instrument']
      : undefined);
  if (beamlineName === undefined)
    throw bad(
      'no beamline: give one (--beamline QM2) or set [instrument] instrument in tasks/settings.ini',
      settingsFile ?? join(experimentDir, 'tasks', 'settings.ini'),
    );
  const beamline = getBeamline(beamlineName, o.beamline === undefined ? settingsFile : undefined);
  const rawDir =
    o.rawDir !== undefined ? resolve(o.rawDir) : rawDirectoryFromSettings(experimentDir, settings);
  if (rawDir === undefined)
    throw bad(
      'no raw data directory: give one (--raw DIR) or set [instrument] raw_home (and raw_path) in tasks/settings.ini',
      settingsFile ?? join(experimentDir, 'tasks', 'settings.ini'),
    );
  if (!existsSync(rawDir) || !statSync(rawDir).isDirectory())
    throw new NxrError({
      code: 'FILE_NOT_FOUND',
      message: 'raw data directory does not exist',
      file: rawDir,
    });
  return {
    experimentDir,
    rawDir,
    beamline,
    origin: {
      rawDir: o.rawDir !== undefined ? 'option' : 'settings',
      beamline: o.beamline !== undefined ? 'option' : 'settings',
    },
  };
}

/** Configuration files of an experiment (names in configurations/, sorted). */
export function listConfigurations(experimentDir: string): string[] {
  const dir = join(resolve(experimentDir), 'configurations');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.nxs'))
    .sort(naturalCompare);
}

function checkSampleLabel(sample: string, label: string): void {
  for (const [what, v] of [
    ['sample', sample],
    ['label', label],
  ] as const) {
    if (!PLAIN_NAME.test(v)) throw bad(`${what} must be a plain name (letters, digits, _ . + -), got '${v}'`);
  }
}

function location(
  src: ImportSource,
  o: { sample: string; label: string; logFile?: string; monitors?: string[] },
): RawLocation {
  return {
    rawDir: src.rawDir,
    sample: o.sample,
    label: o.label,
    ...(o.logFile !== undefined ? { logFile: resolve(o.logFile) } : {}),
    ...(o.monitors !== undefined ? { monitorNames: o.monitors } : {}),
  };
}

/** The raw scans of one sample, and whether each has a wrapper already (the dialog's scan list). */
export async function findRawScans(
  o: ImportSourceOptions & { sample: string; label: string },
): Promise<{ source: ImportSource; scans: FoundScan[] }> {
  checkSampleLabel(o.sample, o.label);
  const source = resolveImportSource(o);
  const raw = await source.beamline.findScans(location(source, o));
  const labelDir = join(source.experimentDir, o.sample, o.label);
  return {
    source,
    scans: raw.map((s) => {
      const wrapper = join(labelDir, `${o.sample}_${s.scan}.nxs`);
      return {
        scan: s.scan,
        wrapper: relative(source.experimentDir, wrapper),
        exists: existsSync(wrapper),
        entries: s.entries.map((e) => ({
          entry: e.entry,
          ...(e.scanNumber !== undefined ? { scanNumber: e.scanNumber } : {}),
          frames: e.frames,
          missingFrames: e.missingFrames.length,
        })),
        notes: s.notes,
      };
    }),
  };
}

function configurationFile(experimentDir: string, name: string): string {
  const n = name.endsWith('.nxs') ? name : `${name}.nxs`;
  if (!PLAIN_NAME.test(n)) throw bad(`configuration must be a file name in configurations/, got '${name}'`);
  const file = join(experimentDir, 'configurations', n);
  if (!existsSync(file))
    throw new NxrError({
      code: 'FILE_NOT_FOUND',
      message: `no configuration '${n}' (have: ${listConfigurations(experimentDir).join(', ') || 'none'})`,
      file,
    });
  return file;
}

/** Detector shape [ny, nx] from the configuration's f1 (or the first entry that has one). */
function configDetectorShape(cfg: NexusReader): [number, number] | undefined {
  for (const e of configEntries(cfg)) {
    const s = readNumbers(cfg, `/${e}/instrument/detector/shape`);
    if (s && s.length === 2 && s.every((v) => Number.isInteger(v) && v > 0)) return [s[0]!, s[1]!];
  }
  return undefined;
}

function configEntries(cfg: NexusReader): string[] {
  return cfg
    .children('/', { attrs: false })
    .filter((c) => c.kind === 'group' && /^f\d+$/.test(c.name))
    .map((c) => c.name)
    .sort(naturalCompare);
}

function writeLogs(w: NexusFileWriter, path: string, logs: LogCollection): void {
  w.group(path, 'NXcollection');
  for (const [k, v] of Object.entries(logs.fields)) w.field(`${path}/${k}`, v);
  for (const [k, g] of Object.entries(logs.groups)) writeLogs(w, `${path}/${k}`, g);
}

const index = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** The whole scan file, written after its frames (see the module comment). */
async function writeWrapper(
  w: NexusFileWriter,
  cfg: NexusReader,
  scan: RawScan,
  meta: EntryMetadata[],
  shape: [number, number],
  o: ImportScansOptions,
  beamline: BeamlineAdapter,
): Promise<void> {
  const [ny, nx] = shape;
  w.setAttrs('/', { default: 'entry' });
  if (cfg.has('/entry'))
    copyGroup(cfg, w, '/entry', '/entry', {
      exclude: new Set(['sample/name', 'sample/label', 'sample/temperature']),
    });
  else w.group('/entry', 'NXentry');
  w.group('/entry/sample', 'NXsample');
  w.field('/entry/sample/name', o.sample);
  w.field('/entry/sample/label', o.label);
  const temps = meta.map((m) => m.temperature).filter((t): t is number => t !== undefined);
  if (temps.length > 0)
    w.field('/entry/sample/temperature', temps.reduce((a, b) => a + b, 0) / temps.length, { units: 'K' });
  else if (cfg.has('/entry/sample/temperature')) {
    const t = await readScalar(cfg, '/entry/sample/temperature', 'K', { first: true });
    if (t !== undefined) w.field('/entry/sample/temperature', t, { units: 'K' });
  }
  const cfgEntries = configEntries(cfg);
  for (const [i, entry] of scan.entries.entries()) {
    const md = meta[i]!;
    const e = `/${entry.entry}`;
    const from = cfgEntries.includes(entry.entry) ? entry.entry : cfgEntries[0];
    const exclude = new Set(['data', 'sample', 'logs', 'scan_number', 'start_time', 'instrument/source']);
    for (const m of md.monitors) exclude.add(m.group);
    if (md.phi) exclude.add('instrument/goniometer/phi');
    if (md.chi !== undefined) exclude.add('instrument/goniometer/chi');
    if (md.omega !== undefined) exclude.add('instrument/goniometer/omega');
    if (md.theta !== undefined) exclude.add('instrument/goniometer/theta');
    if (from !== undefined) copyGroup(cfg, w, `/${from}`, e, { exclude });
    else w.group(e, 'NXentry');
    w.nexusLink(`${e}/sample`, '/entry/sample');
    if (entry.scanNumber !== undefined) w.field(`${e}/scan_number`, entry.scanNumber);
    if (md.startTime !== undefined) w.field(`${e}/start_time`, md.startTime);
    w.group(`${e}/instrument`, 'NXinstrument');
    w.group(`${e}/instrument/source`, 'NXsource');
    w.field(`${e}/instrument/source/name`, beamline.source.name);
    w.field(`${e}/instrument/source/type`, beamline.source.type);
    w.field(`${e}/instrument/source/probe`, 'x-ray');
    const gon = `${e}/instrument/goniometer`;
    if (md.phi || md.chi !== undefined || md.omega !== undefined || md.theta !== undefined)
      w.group(gon, 'NXgoniometer');
    if (md.phi)
      w.field(`${gon}/phi`, md.phi.start, { units: 'degree', attrs: { step: md.phi.step, end: md.phi.end } });
    if (md.chi !== undefined) w.field(`${gon}/chi`, md.chi, { units: 'degree' });
    if (md.omega !== undefined) w.field(`${gon}/omega`, md.omega, { units: 'degree' });
    if (md.theta !== undefined) w.field(`${gon}/theta`, md.theta, { units: 'degree' });
    const frameTime =
      md.frameTime ??
      (await readScalar(w, `${e}/instrument/detector/frame_time`, 's', { first: true })) ??
      0.1;
    const frames = entry.frames;
    const d = `${e}/data`;
    w.group(d, 'NXdata', { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] });
    w.externalLink(`${d}/data`, `${scan.scan}/${entry.entry}.h5`, '/entry/data/data');
    w.field(`${d}/frame_number`, index(frames));
    w.field(`${d}/y_pixel`, index(ny));
    w.field(`${d}/x_pixel`, index(nx));
    w.field(
      `${d}/frame_time`,
      Float64Array.from({ length: frames }, (_, z) => z * frameTime),
      { units: 's', ...(md.startTime !== undefined ? { attrs: { start: md.startTime } } : {}) },
    );
    for (const m of md.monitors) {
      const g = `${e}/${m.group}`;
      w.group(g, 'NXmonitor', { signal: m.signal, axes: 'frame_number' });
      w.field(`${g}/${m.signal}`, m.values);
      w.field(`${g}/frame_number`, index(frames));
      w.field(
        `${g}/frame_time`,
        Float64Array.from({ length: frames }, (_, z) => z * frameTime),
        { units: 's' },
      );
    }
    if (md.logs) writeLogs(w, `${e}/logs`, md.logs);
    w.setAttrs(e, { default: 'data' });
  }
}

/** Import Scans; see the module comment. */
export async function importScans(o: ImportScansOptions, ctx: JobContext = {}): Promise<ImportScansResult> {
  const t0 = performance.now();
  checkSampleLabel(o.sample, o.label);
  const source = resolveImportSource(o);
  const { experimentDir, beamline } = source;
  const cfgFile = configurationFile(experimentDir, o.configuration);
  const loc = location(source, o);
  const found = await beamline.findScans(loc);
  if (found.length === 0)
    throw new NxrError({
      code: 'FILE_NOT_FOUND',
      message: `no raw scans of ${o.sample}/${o.label} (a scan is a directory with ${o.sample}_<nnn>/ image folders)`,
      file: join(source.rawDir, o.sample, o.label),
    });
  if (o.scans !== undefined) {
    const unknown = o.scans.filter((s) => !found.some((f) => f.scan === s));
    if (unknown.length > 0)
      throw bad(
        `no raw scan ${unknown.map((s) => `'${s}'`).join(', ')} (found: ${found.map((f) => f.scan).join(', ')})`,
      );
  }
  const labelDir = join(experimentDir, o.sample, o.label);
  const selected = found.filter((s) => o.scans === undefined || o.scans.includes(s.scan));
  const skipped: ImportScansResult['skipped'] = [];
  const todo: RawScan[] = [];
  for (const s of selected) {
    if (existsSync(join(labelDir, `${o.sample}_${s.scan}.nxs`)) && o.overwrite !== true)
      skipped.push({ scan: s.scan, reason: 'wrapper exists (use overwrite)' });
    else todo.push(s);
  }
  const totalFrames = todo.reduce((n, s) => n + s.entries.reduce((m, e) => m + e.frames, 0), 0);
  let done = 0;
  const imported: ImportedScan[] = [];
  const cfg = await openNexusFile(cfgFile);
  try {
    const shape = configDetectorShape(cfg);
    if (!shape)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'the configuration has no detector shape ([ny, nx]) in any fN',
        file: cfgFile,
        path: '/f1/instrument/detector/shape',
      });
    mkdirSync(labelDir, { recursive: true });
    for (const scan of todo) {
      throwIfAborted(ctx.signal);
      ctx.onLog?.(
        `importing ${scan.scan}: ${scan.entries.map((e) => `${e.entry} ← ${basename(e.source)} (${e.frames} frames)`).join(', ')}`,
      );
      for (const n of scan.notes) ctx.onLog?.(n, 'warn');
      const meta = await beamline.readMetadata(loc, scan, ctx);
      const warnings = [...new Set(meta.flatMap((m) => m.warnings))];
      for (const wmsg of warnings) ctx.onLog?.(wmsg, 'warn');
      const scanDir = join(labelDir, scan.scan);
      const createdDir = !existsSync(scanDir);
      mkdirSync(scanDir, { recursive: true });
      const writers: NexusFileWriter[] = [];
      try {
        for (const entry of scan.entries) {
          const w = await createNexusFile(join(scanDir, `${entry.entry}.h5`), {
            overwrite: true,
            purpose: 'nxr import-scans',
          });
          writers.push(w);
          const [ny, nx] = shape;
          w.group('/entry', 'NXentry');
          w.group('/entry/data', 'NXdata', { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] });
          w.createStack('/entry/data/data', {
            frameShape: shape,
            dtype: '<f4',
            compression: 'bslz4',
            maxFrames: Math.max(5000, entry.frames),
          });
          const u16 = (n: number): Uint16Array | Uint32Array =>
            n <= 65536
              ? Uint16Array.from({ length: n }, (_, i) => i)
              : Uint32Array.from({ length: n }, (_, i) => i);
          w.field('/entry/data/frame_number', u16(entry.frames));
          w.field('/entry/data/y_pixel', u16(ny));
          w.field('/entry/data/x_pixel', u16(nx));
          const block = 8;
          const buf = new Float32Array(block * ny * nx);
          let k = 0;
          for await (const frame of beamline.readFrames(entry, shape, ctx)) {
            buf.set(frame, k * ny * nx);
            k++;
            if (k === block) {
              w.appendFrames('/entry/data/data', buf, k);
              done += k;
              k = 0;
              ctx.onProgress?.(done / Math.max(1, totalFrames), `${scan.scan} ${entry.entry}`);
            }
          }
          if (k > 0) {
            w.appendFrames('/entry/data/data', buf.subarray(0, k * ny * nx), k);
            done += k;
            ctx.onProgress?.(done / Math.max(1, totalFrames), `${scan.scan} ${entry.entry}`);
          }
          throwIfAborted(ctx.signal);
        }
        const wrapperFile = join(labelDir, `${o.sample}_${scan.scan}.nxs`);
        const ww = await createNexusFile(wrapperFile, { overwrite: true, purpose: 'nxr import-scans' });
        writers.push(ww);
        await writeWrapper(ww, cfg, scan, meta, shape, o, beamline);
        throwIfAborted(ctx.signal);
        // commit: frames first, the wrapper last (a wrapper never points at frames that are not there)
        for (const w of writers) w.close();
        imported.push({
          scan: scan.scan,
          wrapper: relative(experimentDir, wrapperFile),
          entries: scan.entries.map((e, i) => ({
            entry: e.entry,
            ...(e.scanNumber !== undefined ? { scanNumber: e.scanNumber } : {}),
            frames: e.frames,
            missingFrames: e.missingFrames.length,
            rawFile: relative(experimentDir, join(scanDir, `${e.entry}.h5`)),
            monitors: meta[i]!.monitors.map((m) => m.group),
          })),
          warnings,
        });
        ctx.onLog?.(`wrote ${relative(experimentDir, wrapperFile)}`);
      } catch (e) {
        for (const w of writers) w.abort();
        if (createdDir) {
          try {
            rmdirSync(scanDir);
          } catch {
            // not empty: something else is in it; leave it
          }
        }
        throw e;
      }
    }
  } finally {
    cfg.close();
  }
  ctx.onProgress?.(1, 'done');
  return {
    beamline: beamline.name,
    rawDir: source.rawDir,
    imported,
    skipped,
    seconds: (performance.now() - t0) / 1000,
  };
}
