/**
 * The engine bodies of Import Scans and Sum Scans and their read-only helpers (list-raw-scans,
 * list-scan-files): request → job function → summary with paths relative to the request's
 * directory (never absolute; warnings name files by their names only).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { NxrError } from '../../shared/errors.ts';
import type {
  ImportScansRequest,
  ImportScansSummary,
  ListRawScansRequest,
  ListRawScansSummary,
  ListScanFilesRequest,
  ListScanFilesSummary,
  SumScansRequest,
  SumScansSummary,
} from '../../shared/experiment-jobs.ts';
import { naturalCompare } from '../beamlines/qm2.ts';
import { beamlineNames } from '../beamlines/registry.ts';
import type { RefineJobContext } from '../refine-jobs.ts';
import { findRawScans, importScans, listConfigurations, resolveImportSource } from './import-scans.ts';
import type { JobContext } from './job-context.ts';
import { sumScans } from './sum-scans.ts';

const jobContext = (ctx: RefineJobContext): JobContext => ({
  signal: ctx.signal,
  onProgress: (f) => ctx.progress(f),
  onLog: (m, level) => ctx.log(m, level),
});

export async function listRawScansJob(req: ListRawScansRequest): Promise<ListRawScansSummary> {
  const common = {
    experimentDir: req.directory,
    ...(req.rawDirectory !== undefined && req.rawDirectory !== '' ? { rawDir: req.rawDirectory } : {}),
    ...(req.beamline !== undefined && req.beamline !== '' ? { beamline: req.beamline } : {}),
  };
  const source = resolveImportSource(common);
  const samples = await source.beamline.listSamples(source.rawDir);
  const scans =
    req.sample !== undefined && req.label !== undefined
      ? (await findRawScans({ ...common, sample: req.sample, label: req.label })).scans
      : [];
  return {
    beamline: source.beamline.name,
    beamlines: beamlineNames(),
    rawDirectoryFrom: source.origin.rawDir === 'option' ? 'request' : 'settings',
    samples,
    configurations: listConfigurations(source.experimentDir),
    scans,
  };
}

export async function importScansJob(
  req: ImportScansRequest,
  ctx: RefineJobContext,
): Promise<ImportScansSummary> {
  const r = await importScans(
    {
      experimentDir: req.directory,
      sample: req.sample,
      label: req.label,
      configuration: req.configuration,
      overwrite: req.overwrite === true,
      ...(req.rawDirectory !== undefined && req.rawDirectory !== '' ? { rawDir: req.rawDirectory } : {}),
      ...(req.specFile !== undefined && req.specFile !== '' ? { logFile: req.specFile } : {}),
      ...(req.beamline !== undefined && req.beamline !== '' ? { beamline: req.beamline } : {}),
      ...(req.monitors !== undefined ? { monitors: req.monitors } : {}),
      ...(req.scans !== undefined ? { scans: req.scans } : {}),
    },
    jobContext(ctx),
  );
  return { beamline: r.beamline, imported: r.imported, skipped: r.skipped, seconds: r.seconds };
}

/** The `<sample>_<scan>.nxs` files of a sample directory (NXRefine's Sum dialog lists them). */
export function listScanFilesJob(req: ListScanFilesRequest): Promise<ListScanFilesSummary> {
  const dir = req.directory;
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'sample directory does not exist', file: dir });
  const label = basename(dir);
  const sample = basename(dirname(dir));
  const prefix = `${sample}_`;
  const files = readdirSync(dir)
    .filter(
      (f) =>
        f.startsWith(prefix) &&
        f.endsWith('.nxs') &&
        f !== `${sample}_parent.nxs` &&
        !f.endsWith('_scans.nxs') &&
        statSync(join(dir, f)).isFile(),
    )
    .sort(naturalCompare)
    .map((file) => {
      const scan = file.slice(prefix.length, -4);
      const sd = join(dir, scan);
      return { file, scan, hasScanDirectory: existsSync(sd) && statSync(sd).isDirectory() };
    });
  return Promise.resolve({ sample, label, files });
}

export async function sumScansJob(req: SumScansRequest, ctx: RefineJobContext): Promise<SumScansSummary> {
  const r = await sumScans(
    {
      sampleDir: req.directory,
      scans: req.scans,
      output: req.output,
      update: req.update === true,
      overwrite: req.overwrite === true,
      pool: ctx.pool(),
      ...(req.entries !== undefined ? { entries: req.entries } : {}),
    },
    jobContext(ctx),
  );
  return r;
}
