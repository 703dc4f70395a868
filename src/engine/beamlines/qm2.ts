/**
 * CHESS QM2 (NXRefine's QM2Beamline, nxbeamline.py). Raw data, read-only:
 *
 *   <rawDir>/<sample>/<label>/<scan>/<sample>_<nnn>/<prefix>_<index>.cbf   images (.cbf, .cbf.gz, .tif, .tiff)
 *   <rawDir>/../<sample>                                                   the SPEC file of the sample
 *
 * where rawDir = <raw_home>/<experiment>/<raw_path> (raw_path is 'raw6M' at QM2). Each scan
 * directory becomes one wrapper `<sample>_<scan>.nxs`; each `<sample>_<nnn>` sub-directory one
 * entry f1, f2 … in the order of nnn, nnn being the SPEC scan number whose data columns and motor
 * positions describe it:
 *   monitor1, monitor2 ← columns flyc1, flyc2 (first two and last two values replaced by the third
 *                        and third-from-last, as NXRefine removes the outliers)
 *   goniometer/phi     ← column phi: start phi[0], @step phi[1] − phi[0], @end phi[−1]
 *   goniometer/chi     ← motor chi − 90°;  goniometer/theta ← motor th
 *   /entry/sample/temperature ← mean of column sampleT (K);  start_time ← #D
 *   <entry>/logs       ← the scan's command, date, number, data columns and motor positions
 * NXRefine writes the pitch as goniometer/gonpitch, which its geometry reads only when no theta
 * field exists; theta is written here so that it is the angle used. The SPEC file is looked for at
 * <rawDir>/../<sample>, then <rawDir>/../<sample>.spec, <rawDir>/<sample>.spec; `logFile` overrides.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import {
  findSpecScan,
  parseSpecFile,
  specColumn,
  specDateToIso,
  type SpecFile,
} from '../../nexus/formats/spec.ts';
import { NxrError } from '../../shared/errors.ts';
import { throwIfAborted } from '../jobs/job-context.ts';
import type { BeamlineAdapter, EntryMetadata, LogCollection, RawEntrySource, RawScan } from './adapter.ts';
import { listImageSeries, readDetectorImage, type DetectorImage } from './image-series.ts';

/** Natural order: 'f2' before 'f10', '5K' before '10K'. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort(naturalCompare);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NxrError(
      {
        code: code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'BAD_PARAMETER',
        message: code === 'ENOENT' ? 'raw directory does not exist' : `cannot list: ${(e as Error).message}`,
        file: dir,
      },
      { cause: e },
    );
  }
}

/** SPEC file of a sample at QM2 (see the module comment), or undefined. */
export function findQm2SpecFile(rawDir: string, sample: string): string | undefined {
  const up = dirname(rawDir);
  for (const candidate of [join(up, sample), join(up, `${sample}.spec`), join(rawDir, `${sample}.spec`)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

async function readSpec(file: string): Promise<SpecFile> {
  let text: string;
  try {
    text = await readFile(file, 'latin1');
  } catch (e) {
    throw new NxrError(
      { code: 'FILE_NOT_FOUND', message: `cannot read the SPEC file: ${(e as Error).message}`, file },
      { cause: e },
    );
  }
  return parseSpecFile(text, { file });
}

/** NXRefine's outlier removal on a monitor: data[0:2] = data[2]; data[-2:] = data[-3]. */
export function smoothMonitorEnds(values: Float64Array): Float64Array {
  const v = Float64Array.from(values);
  const n = v.length;
  if (n >= 5) {
    v[0] = v[1] = v[2]!;
    v[n - 1] = v[n - 2] = v[n - 3]!;
  }
  return v;
}

const safeName = (s: string): string => s.replace(/\//g, '_') || '_';

const QM2_MONITORS = ['flyc1', 'flyc2'] as const;

function toFloat32(img: DetectorImage): Float32Array {
  return img.data instanceof Float32Array ? img.data : Float32Array.from(img.data);
}

export const qm2Beamline: BeamlineAdapter = {
  name: 'QM2',
  aliases: ['CHESS-QM2', 'ID4B'],
  source: { name: 'Cornell High-Energy Synchrotron', type: 'Synchrotron X-Ray Source' },
  defaultMonitors: QM2_MONITORS,

  async listSamples(rawDir) {
    const out: string[] = [];
    for (const sample of await subdirectories(rawDir)) {
      for (const label of await subdirectories(join(rawDir, sample))) out.push(`${sample}/${label}`);
    }
    return out;
  },

  async findScans(loc) {
    const sampleDir = join(loc.rawDir, loc.sample, loc.label);
    const pattern = new RegExp(`^${loc.sample.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_(\\d+)$`);
    const scans: RawScan[] = [];
    for (const scan of await subdirectories(sampleDir)) {
      const directory = join(sampleDir, scan);
      const notes: string[] = [];
      const parts = (await subdirectories(directory))
        .map((name) => ({ name, number: Number(pattern.exec(name)?.[1] ?? Number.NaN) }))
        .filter((p) => Number.isInteger(p.number) && p.number > 0)
        .sort((a, b) => a.number - b.number);
      const entries: RawEntrySource[] = [];
      for (const part of parts) {
        const source = join(directory, part.name);
        const series = await listImageSeries(source);
        if (!series) {
          notes.push(`${scan}/${part.name}: no .cbf or .tif images, skipped`);
          continue;
        }
        entries.push({
          entry: `f${entries.length + 1}`,
          scanNumber: part.number,
          source,
          frames: series.frames,
          missingFrames: series.missing,
        });
      }
      if (entries.length > 0) scans.push({ scan, directory, entries, notes });
    }
    return scans;
  },

  async readMetadata(loc, scan, ctx) {
    const names = loc.monitorNames ?? QM2_MONITORS;
    const specFile = loc.logFile ?? findQm2SpecFile(loc.rawDir, loc.sample);
    if (loc.logFile !== undefined && !existsSync(loc.logFile))
      throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'SPEC file does not exist', file: loc.logFile });
    if (specFile === undefined) {
      const warning = `no SPEC file '${loc.sample}' beside the raw directory '${basename(loc.rawDir)}': monitors, angles and temperature come from the configuration`;
      return scan.entries.map(() => ({ monitors: [], warnings: [warning] }));
    }
    const spec = await readSpec(specFile);
    throwIfAborted(ctx?.signal);
    return scan.entries.map((entry): EntryMetadata => {
      const warnings: string[] = [];
      const s = entry.scanNumber !== undefined ? findSpecScan(spec, entry.scanNumber) : undefined;
      if (!s) {
        warnings.push(
          `${entry.entry}: scan ${entry.scanNumber ?? '?'} is not in the SPEC file ${basename(specFile)}`,
        );
        return { monitors: [], warnings };
      }
      const md: EntryMetadata = { monitors: [], warnings };
      const iso = s.date !== undefined ? specDateToIso(s.date) : undefined;
      if (iso !== undefined) md.startTime = iso;
      const phi = specColumn(s, 'phi');
      if (phi && phi.length >= 2) md.phi = { start: phi[0]!, step: phi[1]! - phi[0]!, end: phi.at(-1)! };
      if (s.positions['chi'] !== undefined) md.chi = s.positions['chi'] - 90;
      if (s.positions['th'] !== undefined) md.theta = s.positions['th'];
      names.forEach((name, i) => {
        const col = specColumn(s, name);
        if (!col || col.length === 0) {
          warnings.push(`${entry.entry}: SPEC scan ${s.number} has no column '${name}'`);
          return;
        }
        // the outliers are at the ends of what was recorded: smooth those, then pad to the frames
        const recorded = smoothMonitorEnds(Float64Array.from(col.slice(0, entry.frames)));
        const values = new Float64Array(entry.frames);
        for (let z = 0; z < entry.frames; z++) values[z] = recorded[Math.min(z, recorded.length - 1)]!;
        if (col.length < entry.frames)
          warnings.push(
            `${entry.entry}: column '${name}' has ${col.length} values for ${entry.frames} frames (last value repeated)`,
          );
        md.monitors.push({ group: `monitor${i + 1}`, signal: name, values });
      });
      const t = specColumn(s, 'sampleT');
      if (t && t.length > 0) md.temperature = t.reduce((a, b) => a + b, 0) / t.length;
      const data: LogCollection = { fields: {}, groups: {} };
      s.labels.forEach((label, j) => {
        data.fields[safeName(label)] = Float64Array.from(s.rows, (r) => r[j]!);
      });
      const positioners: LogCollection = { fields: {}, groups: {} };
      for (const [k, v] of Object.entries(s.positions)) positioners.fields[safeName(k)] = v;
      md.logs = {
        fields: {
          command: s.command,
          scan_number: s.number,
          spec_file: basename(specFile),
          ...(s.date !== undefined ? { date: iso ?? s.date } : {}),
        },
        groups: { data, positioners },
      };
      return md;
    });
  },

  async *readFrames(entry, shape, ctx) {
    const series = await listImageSeries(entry.source);
    if (!series)
      throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no images any more', file: entry.source });
    const [ny, nx] = shape;
    const byFrame = new Map(series.files.map((f) => [f.index - series.first, f.path]));
    const load = (z: number): Promise<DetectorImage | undefined> | undefined => {
      if (z >= entry.frames) return undefined;
      const path = byFrame.get(z);
      return path === undefined ? Promise.resolve(undefined) : readDetectorImage(path);
    };
    let next = load(0);
    try {
      for (let z = 0; z < entry.frames; z++) {
        throwIfAborted(ctx?.signal);
        const img = await next!;
        next = load(z + 1); // read the next file while this one is converted and written
        if (!img) {
          yield new Float32Array(ny * nx).fill(Number.NaN);
          continue;
        }
        if (img.shape[0] !== ny || img.shape[1] !== nx) {
          throw new NxrError({
            code: 'WRONG_SHAPE',
            message: `image is ${img.shape[0]}×${img.shape[1]} but the detector is ${ny}×${nx}`,
            file: byFrame.get(z)!,
          });
        }
        yield toFloat32(img);
      }
    } finally {
      // a read started ahead and never awaited (error, cancel, early return) must not go unhandled
      next?.catch(() => undefined);
    }
  },
};
