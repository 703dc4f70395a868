/**
 * The engine bodies of New Experiment, New Configuration, New Sample, New Scan, Edit Settings and
 * their read-only helpers (read-experiment, read-settings): requests (untrusted: a page may send
 * anything) are checked field by field, the job functions run, and results are turned into
 * summaries whose paths are relative to the request's directory.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';

import type { ConfigurationSettings } from '../../refine/experiment/configuration.ts';
import { configurationFileName } from '../../refine/experiment/names.ts';
import type { SettingsScope, SettingValue } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import type {
  EditSettingsRequest,
  EditSettingsSummary,
  NewConfigurationRequest,
  NewConfigurationSummary,
  NewExperimentRequest,
  NewExperimentSummary,
  NewSampleRequest,
  NewSampleSummary,
  NewScanRequest,
  NewScanSummary,
  ReadExperimentRequest,
  ReadExperimentSummary,
  ReadSettingsRequest,
  SettingsSummary,
} from '../../shared/experiment-jobs.ts';
import type { JobContext } from '../jobs/job-context.ts';
import type { RefineJobContext } from '../refine-jobs.ts';
import { normalizeSettings } from '../../refine/settings/settings-ini.ts';
import { beamlineNames } from '../beamlines/registry.ts';
import { listConfigurations, listSamples } from './experiment-directory.ts';
import { findServerSettings, readSettingsText } from './settings-files.ts';
import { newConfiguration, readExperimentSettings } from './new-configuration.ts';
import { newExperiment } from './new-experiment.ts';
import { newSample } from './new-sample.ts';
import { newScan, readConfigurationSummary, type ScanValues } from './new-scan.ts';
import { editSettings, readSettings, type SettingsView } from './settings.ts';

const jobContext = (ctx: RefineJobContext): JobContext => ({
  signal: ctx.signal,
  onProgress: (f) => ctx.progress(f),
  onLog: (m, level) => ctx.log(m, level),
});

const bad = (message: string): NxrError => new NxrError({ code: 'BAD_PARAMETER', message });

/** '/'-separated path of `p` relative to `dir`. */
const rel = (dir: string, p: string): string => relative(dir, p).split(sep).join('/');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Values typed as the job needs them; a BAD_PARAMETER naming the field otherwise. */
function expectTypes(
  where: string,
  v: Record<string, unknown>,
  types: Record<string, 'number' | 'string'>,
  required: boolean,
): void {
  for (const [k, t] of Object.entries(types)) {
    const x = v[k];
    if (x === undefined && !required) continue;
    if (typeof x !== t) throw bad(`${where}${k} must be a ${t}`);
  }
}

const POSITION_NUMBERS = {
  chi: 'number',
  omega: 'number',
  theta: 'number',
  x: 'number',
  y: 'number',
} as const;

function configurationValues(v: unknown): ConfigurationSettings {
  if (!isRecord(v)) throw bad('new-configuration: values must be an object');
  expectTypes(
    'values.',
    v,
    {
      facility: 'string',
      instrument: 'string',
      wavelength: 'number',
      threshold: 'number',
      first: 'number',
      last: 'number',
      polarMax: 'number',
      hklTolerance: 'number',
      monitor: 'string',
      norm: 'number',
      radius: 'number',
      phiStart: 'number',
      phiEnd: 'number',
      phiStep: 'number',
      frameRate: 'number',
      distance: 'number',
      detector: 'string',
      detectorOrientation: 'string',
    },
    true,
  );
  expectTypes('values.', v, { beamCenterX: 'number', beamCenterY: 'number' }, false);
  if (!Array.isArray(v['positions'])) throw bad('values.positions must be a list');
  (v['positions'] as unknown[]).forEach((p, i) => {
    if (!isRecord(p)) throw bad(`values.positions[${i}] must be an object`);
    expectTypes(`values.positions[${i}].`, p, POSITION_NUMBERS, true);
  });
  return v as unknown as ConfigurationSettings;
}

function scanValues(v: unknown): ScanValues {
  if (!isRecord(v)) throw bad('new-scan: values must be an object');
  expectTypes('values.', v, { scan: 'string' }, true);
  expectTypes(
    'values.',
    v,
    { temperature: 'number', phiStart: 'number', phiEnd: 'number', phiStep: 'number', frameRate: 'number' },
    false,
  );
  const positions = v['positions'];
  if (positions !== undefined) {
    if (!Array.isArray(positions)) throw bad('values.positions must be a list');
    positions.forEach((p, i) => {
      if (!isRecord(p)) throw bad(`values.positions[${i}] must be an object`);
      expectTypes(
        `values.positions[${i}].`,
        p,
        { ...POSITION_NUMBERS, linkFile: 'string', linkPath: 'string' },
        false,
      );
    });
  }
  return v as unknown as ScanValues;
}

function scopeOf(s: unknown): SettingsScope {
  if (s !== 'experiment' && s !== 'server')
    throw bad(`scope must be 'experiment' or 'server', got '${String(s)}'`);
  return s;
}

export async function newExperimentJob(
  req: NewExperimentRequest,
  ctx: RefineJobContext,
): Promise<NewExperimentSummary> {
  const r = await newExperiment(
    {
      directory: req.directory,
      ...(req.source !== undefined ? { source: req.source } : {}),
      ...(req.instrument !== undefined ? { instrument: req.instrument } : {}),
      ...(req.rawHome !== undefined ? { rawHome: req.rawHome } : {}),
      ...(req.rawPath !== undefined ? { rawPath: req.rawPath } : {}),
      ...(req.analysisPath !== undefined ? { analysisPath: req.analysisPath } : {}),
      ...(req.experiment !== undefined ? { experiment: req.experiment } : {}),
      overwrite: req.overwrite === true,
    },
    jobContext(ctx),
  );
  const instrument: Record<string, SettingValue> = { ...(r.instrument ?? {}) };
  delete instrument['analysis_home'];
  return {
    created: r.created,
    existing: r.existing,
    settingsFile: rel(r.directory, r.settingsFile),
    fromServer: r.serverSettingsFile !== undefined,
    instrument,
  };
}

export async function newConfigurationJob(
  req: NewConfigurationRequest,
  ctx: RefineJobContext,
): Promise<NewConfigurationSummary> {
  const r = await newConfiguration(
    {
      directory: req.directory,
      name: req.name,
      values: configurationValues(req.values),
      overwrite: req.overwrite === true,
    },
    jobContext(ctx),
  );
  return { file: rel(req.directory, r.file), entries: r.entries, detector: r.detector, nframes: r.nframes };
}

export async function newSampleJob(req: NewSampleRequest, ctx: RefineJobContext): Promise<NewSampleSummary> {
  const r = await newSample(
    { directory: req.directory, sample: req.sample, label: req.label },
    jobContext(ctx),
  );
  return { labelDir: r.relative, created: r.created };
}

export async function newScanJob(req: NewScanRequest, ctx: RefineJobContext): Promise<NewScanSummary> {
  const r = await newScan(
    {
      directory: req.directory,
      sample: req.sample,
      label: req.label,
      configuration: req.configuration,
      values: scanValues(req.values),
      overwrite: req.overwrite === true,
    },
    jobContext(ctx),
  );
  return {
    wrapperFile: r.relative.wrapperFile,
    scanDir: r.relative.scanDir,
    links: r.links,
    nframes: r.nframes,
  };
}

export async function readExperimentJob(
  req: ReadExperimentRequest,
  ctx: RefineJobContext,
): Promise<ReadExperimentSummary> {
  ctx.progress(0);
  const dir = req.directory;
  const server = findServerSettings();
  const serverSettings =
    server !== undefined && existsSync(server.file)
      ? normalizeSettings(readSettingsText(server.file), 'server')
      : null;
  const isExperiment =
    dir !== undefined && (existsSync(join(dir, 'tasks')) || existsSync(join(dir, 'configurations')));
  const { settings, file } =
    dir !== undefined
      ? readExperimentSettings(dir)
      : { settings: normalizeSettings({}, 'experiment').settings };
  const out: ReadExperimentSummary = {
    isExperiment,
    settings,
    hasSettingsFile: file !== undefined,
    samples: isExperiment ? listSamples(dir) : [],
    configurations: isExperiment ? listConfigurations(dir) : [],
    instruments: beamlineNames(),
    serverInstrument: serverSettings?.settings['instrument'] ?? null,
  };
  if (dir !== undefined && req.configuration !== undefined && req.configuration !== '') {
    const s = await readConfigurationSummary(
      join(dir, 'configurations', configurationFileName(req.configuration)),
    );
    out.configuration = {
      name: req.configuration.replace(/\.nxs$/i, ''),
      entries: s.entries,
      shape: s.shape,
      phiStart: s.phiStart,
      phiEnd: s.phiEnd,
      phiStep: s.phiStep,
      frameRate: s.frameRate,
      positions: s.positions,
    };
  }
  return out;
}

function settingsSummary(v: SettingsView, directory: string | undefined): SettingsSummary {
  return {
    scope: v.scope,
    file:
      v.scope === 'experiment' && directory !== undefined
        ? rel(directory, v.file)
        : `${basename(join(v.file, '..'))}/${basename(v.file)}`,
    exists: v.exists,
    sections: v.sections,
    dropped: v.dropped,
    problems: v.problems,
    instruments: v.instruments,
  };
}

export async function readSettingsJob(
  req: ReadSettingsRequest,
  ctx: RefineJobContext,
): Promise<SettingsSummary> {
  const scope = scopeOf(req.scope);
  const v = await readSettings(
    { scope, ...(req.directory !== undefined ? { directory: req.directory } : {}) },
    jobContext(ctx),
  );
  return settingsSummary(v, req.directory);
}

export async function editSettingsJob(
  req: EditSettingsRequest,
  ctx: RefineJobContext,
): Promise<EditSettingsSummary> {
  const scope = scopeOf(req.scope);
  for (const [k, v] of Object.entries(req.values)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw bad(`values['${k}'] must be text, a number, a boolean or null`);
  }
  const r = await editSettings(
    { scope, values: req.values, ...(req.directory !== undefined ? { directory: req.directory } : {}) },
    jobContext(ctx),
  );
  return {
    ...settingsSummary(r, req.directory),
    changed: r.changed.map((c) => ({ section: c.section, key: c.key, from: c.from ?? null, to: c.to })),
  };
}
