/**
 * Experiment ▸ New Scan, classic (nxrefine-spec.md §3.2, §7): makes the scan directory
 * `<sample>/<label>/<scan>/` and the scan ("wrapper") file `<sample>/<label>/<sample>_<scan>.nxs`:
 * a copy of a configuration file (everything the configuration holds, including a calibration or
 * a mask added to it since) with the sample, the requested goniometer values (`*_set`), the
 * detector translation and frame time, and per entry an NXdata whose `data` is an external link to
 * `<scan>/f<N>.h5:/entry/data/data` (see src/refine/experiment/scan.ts). The raw files need not
 * exist yet. The wrapper is made through a temp file renamed into place; an existing wrapper is
 * replaced only with `overwrite`.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { NexusReader } from '../../nexus/port.ts';
import { firstError } from '../../refine/experiment/checks.ts';
import type { DetectorPosition } from '../../refine/experiment/configuration.ts';
import { planNewScan } from '../../refine/experiment/layout.ts';
import { configurationFileName } from '../../refine/experiment/names.ts';
import {
  checkScan,
  scanDefaults,
  scanFrameCount,
  scanPlan,
  type ConfigurationSummary,
  type ScanPosition,
  type ScanSettings,
} from '../../refine/experiment/scan.ts';
import { NxrError } from '../../shared/errors.ts';
import { copyGroup } from '../beamlines/copy-group.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { createNexusFile } from '../io/nexus-writer.ts';
import type { JobContext } from '../jobs/job-context.ts';
import { throwIfAborted } from '../jobs/job-context.ts';
import { readDetectorShape, readPhi } from '../jobs/read-entry-geometry.ts';
import { readScalar } from '../jobs/read-fields.ts';
import { requireExperimentDirectory, requireName } from './experiment-directory.ts';
import { planPaths, writePlan } from './write-plan.ts';

export interface ConfigurationFileSummary extends ConfigurationSummary {
  /** Detector entries f1 … fN of the configuration. */
  entries: string[];
  /** [ny, nx] of /entry/instrument/detector/shape. */
  shape: [number, number];
}

/** The entries f1, f2 … of a file, in order. */
function positionEntries(f: NexusReader): string[] {
  return f
    .children('/', { attrs: false })
    .map((c) => c.name)
    .filter((n) => /^f\d+$/.test(n))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** What New Scan starts from: φ range, frame rate, detector positions and shape of a configuration. */
export async function readConfigurationSummary(file: string): Promise<ConfigurationFileSummary> {
  if (!existsSync(file))
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such configuration', file });
  const f = await openNexusFile(file);
  try {
    const entries = positionEntries(f);
    const shape =
      readDetectorShape(f, 'entry') ??
      (entries[0] !== undefined ? readDetectorShape(f, entries[0]) : undefined);
    if (shape === undefined)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'the configuration has no detector shape',
        file,
        path: '/entry/instrument/detector/shape',
      });
    const phiEntry = entries[0] ?? 'entry';
    const phiPath = `/${phiEntry}/instrument/goniometer/phi`;
    const { phiStart, phiStep } = await readPhi(f, phiEntry);
    let phiEnd: number | undefined;
    if (f.has(phiPath)) {
      const end = f
        .entity(phiPath, { attrs: true, maxDepth: 0 })
        .attributes.find((a) => a.name === 'end')?.value;
      const v = Array.isArray(end) ? end[0] : end;
      if (typeof v === 'number' && Number.isFinite(v)) phiEnd = v;
    }
    const frameTime = await readScalar(f, `/${phiEntry}/instrument/detector/frame_time`, 's', {
      first: true,
    });
    const positions: DetectorPosition[] = [];
    for (const e of entries) {
      const g = (k: string, unit: string): Promise<number | undefined> =>
        readScalar(f, `/${e}/instrument/${k}`, unit, { first: true });
      positions.push({
        chi: (await g('goniometer/chi', 'deg')) ?? 0,
        omega: (await g('goniometer/omega', 'deg')) ?? 0,
        theta: (await g('goniometer/theta', 'deg')) ?? 0,
        x: (await g('detector/translation_x', 'mm')) ?? 0,
        y: (await g('detector/translation_y', 'mm')) ?? 0,
      });
    }
    return {
      entries,
      shape,
      phiStart,
      phiStep,
      phiEnd: phiEnd ?? 360,
      frameRate: frameTime !== undefined && frameTime > 0 ? 1 / frameTime : 10,
      positions,
    };
  } finally {
    f.close();
  }
}

/** New Scan's values: given ones over the configuration's (positions merged one by one). */
export type ScanValues = Partial<Omit<ScanSettings, 'positions'>> & {
  scan: string;
  positions?: Array<Partial<ScanPosition>>;
};

export function mergeScanValues(summary: ConfigurationSummary, v: ScanValues): ScanSettings {
  const d = scanDefaults(summary, v.scan);
  return {
    ...d,
    ...Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== 'positions' && x !== undefined)),
    scan: v.scan,
    positions: d.positions.map((p, i) => ({
      ...p,
      ...Object.fromEntries(Object.entries(v.positions?.[i] ?? {}).filter(([, x]) => x !== undefined)),
    })),
  } as ScanSettings;
}

export interface NewScanOptions {
  /** The experiment directory. */
  directory: string;
  sample: string;
  label: string;
  /** Configuration name (a file of configurations/, with or without .nxs). */
  configuration: string;
  values: ScanValues;
  /** Replace an existing scan file. @default false */
  overwrite?: boolean;
}

export interface NewScanResult {
  /** Absolute path of the wrapper file. */
  wrapperFile: string;
  /** Absolute path of the scan directory. */
  scanDir: string;
  /** Relative to the experiment directory. */
  relative: { wrapperFile: string; scanDir: string };
  /** Per entry: the external link (file relative to the wrapper's folder, path) and whether its file exists. */
  links: Array<{ entry: string; file: string; path: string; exists: boolean }>;
  nframes: number;
  values: ScanSettings;
}

export async function newScan(o: NewScanOptions, ctx: JobContext = {}): Promise<NewScanResult> {
  throwIfAborted(ctx.signal);
  const dir = requireExperimentDirectory(o.directory);
  const sample = requireName('sample', o.sample);
  const label = requireName('label', o.label);
  const configFile = join(
    dir,
    'configurations',
    configurationFileName(requireName('configuration', o.configuration)),
  );
  const summary = await readConfigurationSummary(configFile);
  if (o.values.positions !== undefined && o.values.positions.length !== summary.entries.length)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `the configuration has ${summary.entries.length} detector positions, the scan gives ${o.values.positions.length}`,
      file: configFile,
    });
  const values = mergeScanValues(summary, o.values);
  const first = firstError(checkScan(values));
  if (first !== undefined) {
    const [key, why] = first;
    const value = key
      .split('.')
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], values);
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `${key} = ${JSON.stringify(value) ?? 'missing'}: ${why}`,
    });
  }
  const layout = planNewScan(sample, label, values.scan);
  const labelDir = join(dir, sample, label);
  if (!existsSync(labelDir) || !statSync(labelDir).isDirectory())
    throw new NxrError({
      code: 'FILE_NOT_FOUND',
      message: 'no such sample directory: make it with New Sample first',
      file: labelDir,
    });
  const wrapperFile = join(dir, ...layout.wrapperFile.split('/'));
  const scanDir = join(dir, ...layout.scanDir.split('/'));
  if (existsSync(wrapperFile) && o.overwrite !== true)
    throw new NxrError({
      code: 'WRITE_FAILED',
      message: 'the scan file exists already (not overwritten without overwrite)',
      file: wrapperFile,
    });
  if (existsSync(scanDir) && !statSync(scanDir).isDirectory())
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'exists and is not a directory', file: scanDir });

  const plan = scanPlan(values, { sample, label, shape: summary.shape });
  const written = planPaths(plan);
  const excludeBelow = (entry: string): Set<string> =>
    new Set([...written].filter((p) => p.startsWith(`/${entry}/`)).map((p) => p.slice(entry.length + 2)));
  const config = await openNexusFile(configFile);
  try {
    const w = await createNexusFile(wrapperFile, { overwrite: o.overwrite === true, purpose: 'new scan' });
    try {
      for (const e of ['entry', ...summary.entries]) {
        throwIfAborted(ctx.signal, wrapperFile);
        copyGroup(config, w, `/${e}`, `/${e}`, { exclude: excludeBelow(e) });
      }
      writePlan(w, plan);
      mkdirSync(scanDir, { recursive: true });
      w.close();
    } catch (e) {
      w.abort();
      throw e;
    }
  } finally {
    config.close();
  }
  const links = values.positions.map((p, i) => {
    const file = `${values.scan}/${p.linkFile.trim()}`;
    return {
      entry: `f${i + 1}`,
      file,
      path: p.linkPath.trim(),
      exists: existsSync(join(labelDir, ...file.split('/'))),
    };
  });
  ctx.onLog?.(
    `New scan ${layout.wrapperFile} from configurations/${basename(configFile)}: ${links.map((l) => `${l.entry} → ${l.file}`).join(', ')}`,
  );
  ctx.onProgress?.(1);
  return {
    wrapperFile,
    scanDir,
    relative: { wrapperFile: layout.wrapperFile, scanDir: layout.scanDir },
    links,
    nframes: scanFrameCount(values),
    values,
  };
}
