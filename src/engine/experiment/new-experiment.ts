/**
 * Experiment ▸ New Experiment (nxrefine-spec.md §2.1, §7): creates the experiment directory
 * `<analysis_home>/<experiment>[/<analysis_path>]` with configurations/, tasks/, calibrations/ and
 * scripts/, and tasks/settings.ini copied from the server settings (server-only sections removed,
 * defaults filled, unknown keys dropped) with the [instrument] section filled. Without a server
 * settings file the built-in defaults are used. NXRefine's empty SQLite task database
 * (tasks/nxdatabase.db) is not made: this program keeps no task database.
 *
 * The directory given is the experiment directory itself: analysis_home and experiment are read
 * from it (after taking off analysis_path when it ends with it); values given for them must agree.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';

import { planNewExperiment } from '../../refine/experiment/layout.ts';
import { checkName, checkSubpath, subpathParts } from '../../refine/experiment/names.ts';
import { canonicalInstrument, checkSettings } from '../../refine/settings/setting-rules.ts';
import { experimentSettingsFromServer, type Settings } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import { beamlineNames } from '../beamlines/registry.ts';
import type { JobContext } from '../jobs/job-context.ts';
import { throwIfAborted } from '../jobs/job-context.ts';
import {
  findServerSettings,
  readSettingsText,
  writeSettingsFile,
  type ServerLookup,
} from './settings-files.ts';

export interface NewExperimentOptions {
  /** The experiment directory to create (absolute, or relative to the working directory). */
  directory: string;
  /** Source Name ([instrument] source). Undefined: the server file's value. */
  source?: string | null;
  /** Instrument: a registered beamline name (e.g. QM2). */
  instrument?: string | null;
  /** Raw Home Directory (absolute). */
  rawHome?: string | null;
  /** Raw Data Subdirectory (relative). */
  rawPath?: string | null;
  /** Analysis Home Directory: must be the directory's parent (after analysis_path). */
  analysisHome?: string | null;
  /** Analysis Subdirectory: the directory must end with it. */
  analysisPath?: string | null;
  /** Name of Experiment: must be the directory's name (after analysis_path). */
  experiment?: string | null;
  /** Replace an existing tasks/settings.ini. @default false */
  overwrite?: boolean;
  /** Where to look for the server settings. */
  server?: ServerLookup;
}

export interface NewExperimentResult {
  /** Absolute experiment directory. */
  directory: string;
  /** The [instrument] section written. */
  instrument: Settings[string];
  /** Folders and files made, relative to the directory. */
  created: string[];
  /** Folders that existed already, relative to the directory. */
  existing: string[];
  /** Absolute path of tasks/settings.ini. */
  settingsFile: string;
  /** The server settings file copied, when there was one. */
  serverSettingsFile?: string;
  settings: Settings;
}

const bad = (message: string, file?: string): NxrError =>
  new NxrError({ code: 'BAD_PARAMETER', message, ...(file !== undefined ? { file } : {}) });

const text = (v: string | null | undefined): string | null | undefined =>
  v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim();

export async function newExperiment(
  o: NewExperimentOptions,
  ctx: JobContext = {},
): Promise<NewExperimentResult> {
  throwIfAborted(ctx.signal);
  const dir = resolve(o.directory);
  const instruments = beamlineNames();

  // the server settings (their [instrument] values are the defaults of the options)
  const server = findServerSettings(o.server ?? {});
  const serverFile = server !== undefined && existsSync(server.file) ? server.file : undefined;
  const settings = experimentSettingsFromServer(
    serverFile !== undefined ? readSettingsText(serverFile) : undefined,
  );
  const inst = settings['instrument']!;
  const fromServer = (key: string): string | null => {
    const v = inst[key];
    return v === null || v === undefined ? null : String(v);
  };

  // analysis_path: given, else the server's when the directory ends with it
  let analysisPath = text(o.analysisPath);
  if (analysisPath === undefined) {
    const def = fromServer('analysis_path');
    const parts = def !== null ? subpathParts(def) : [];
    analysisPath =
      parts.length > 0 && dir.split(sep).slice(-parts.length).join('/') === parts.join('/')
        ? parts.join('/')
        : null;
  }
  if (analysisPath !== null) {
    const why = checkSubpath(analysisPath);
    if (why !== undefined) throw bad(`analysis path '${analysisPath}': ${why}`);
  }
  const sub = analysisPath !== null ? subpathParts(analysisPath) : [];
  const dirParts = dir.split(sep);
  if (sub.length > 0 && dirParts.slice(-sub.length).join('/') !== sub.join('/'))
    throw bad(`the experiment directory must end with the analysis subdirectory '${sub.join('/')}'`, dir);
  const base = sub.length > 0 ? dirParts.slice(0, -sub.length).join(sep) || sep : dir;
  const experiment = basename(base);
  const analysisHome = dirname(base);
  if (experiment === '' || base === analysisHome)
    throw bad('cannot make an experiment at the file-system root', dir);
  const nameWhy = checkName('experiment', experiment);
  if (nameWhy !== undefined) throw bad(`experiment name '${experiment}': ${nameWhy}`, dir);
  const givenExperiment = text(o.experiment);
  if (givenExperiment !== undefined && givenExperiment !== null && givenExperiment !== experiment)
    throw bad(
      `the experiment is '${givenExperiment}', but the directory is named '${experiment}'` +
        (sub.length > 0 ? ` (before '${sub.join('/')}')` : ''),
      dir,
    );
  const givenHome = text(o.analysisHome);
  if (givenHome !== undefined && givenHome !== null && resolve(givenHome) !== analysisHome)
    throw bad(`the analysis home is '${givenHome}', but the directory lies in '${analysisHome}'`, dir);

  const rawHome = text(o.rawHome) === undefined ? fromServer('raw_home') : text(o.rawHome)!;
  if (rawHome !== null && !isAbsolute(rawHome))
    throw bad(`raw home '${rawHome}' must be an absolute directory`);
  const rawPath = text(o.rawPath) === undefined ? fromServer('raw_path') : text(o.rawPath)!;
  let instrument = text(o.instrument) === undefined ? fromServer('instrument') : text(o.instrument)!;
  if (instrument !== null) instrument = canonicalInstrument(instrument, instruments);
  const source = text(o.source) === undefined ? fromServer('source') : text(o.source)!;

  settings['instrument'] = {
    ...inst,
    source,
    instrument,
    raw_home: rawHome,
    raw_path: rawPath,
    analysis_home: analysisHome,
    analysis_path: analysisPath,
    experiment,
  };
  const settingsFile = join(dir, 'tasks', 'settings.ini');
  const problems = checkSettings(settings, 'experiment', { instruments });
  if (problems.length > 0) {
    const p = problems[0]!;
    const from = p.section === 'instrument' ? '' : ` (from ${serverFile ?? 'the built-in defaults'})`;
    throw bad(`[${p.section}] ${p.key} = ${String(settings[p.section]![p.key])}: ${p.message}${from}`);
  }

  if (existsSync(dir) && !statSync(dir).isDirectory()) throw bad('exists and is not a directory', dir);
  if (existsSync(settingsFile) && o.overwrite !== true)
    throw new NxrError({
      code: 'WRITE_FAILED',
      message: 'an experiment exists here already (its settings are not overwritten without overwrite)',
      file: settingsFile,
    });

  const plan = planNewExperiment();
  const created: string[] = [];
  const existing: string[] = [];
  try {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      created.push('.');
    }
    for (const folder of plan.folders) {
      const p = join(dir, ...folder.split('/'));
      if (existsSync(p)) {
        if (!statSync(p).isDirectory()) throw bad('exists and is not a directory', p);
        existing.push(folder);
      } else {
        mkdirSync(p);
        created.push(folder);
      }
    }
  } catch (e) {
    if (e instanceof NxrError) throw e;
    throw new NxrError(
      { code: 'WRITE_FAILED', message: `cannot create the directory: ${(e as Error).message}`, file: dir },
      { cause: e },
    );
  }
  writeSettingsFile(settingsFile, settings, { overwrite: o.overwrite === true });
  created.push('tasks/settings.ini');
  ctx.onLog?.(
    `New experiment ${experiment}: made ${created.join(', ')}; settings from ${serverFile !== undefined ? `the server settings (${server?.source ?? ''})` : 'the built-in defaults'}`,
  );
  ctx.onProgress?.(1);
  return {
    directory: dir,
    instrument: settings['instrument'],
    created,
    existing,
    settingsFile,
    ...(serverFile !== undefined ? { serverSettingsFile: serverFile } : {}),
    settings,
  };
}
