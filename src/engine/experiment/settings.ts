/**
 * Experiment ▸ Edit Settings and Server ▸ Edit Settings (nxrefine-spec.md §2.2–2.3, §7): read a
 * settings file with NXSettings' clean-up (missing keys filled from the defaults, unknown keys of
 * known sections dropped, server-only sections kept out of an experiment file), each value with
 * where it came from; and write changed values after checking every value (the instrument must be
 * a registered beamline). Values typed as text are parsed as NXSettings.get does.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import {
  canonicalInstrument,
  checkSettings,
  SETTING_INFO,
  type SettingProblem,
} from '../../refine/settings/setting-rules.ts';
import {
  defaultsFor,
  formatSettingValue,
  normalizeSettings,
  parseSettingValue,
  type Settings,
  type SettingsScope,
  type SettingValue,
} from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import { beamlineNames } from '../beamlines/registry.ts';
import type { JobContext } from '../jobs/job-context.ts';
import { throwIfAborted } from '../jobs/job-context.ts';
import {
  findExperimentSettings,
  findServerSettings,
  readSettingsText,
  writeSettingsFile,
  type ServerLookup,
} from './settings-files.ts';

export interface SettingsTarget {
  scope: SettingsScope;
  /** Experiment scope: the experiment directory (or its tasks/ folder). */
  directory?: string;
  /** Server scope: where to look for the server directory. */
  server?: ServerLookup;
}

export type SettingOrigin = 'file' | 'default';

export interface SettingEntry {
  key: string;
  value: SettingValue;
  /** As settings.ini writes it ('None', 'True', '%g' numbers). */
  text: string;
  origin: SettingOrigin;
  /** Label with units, for known keys. */
  label?: string;
}

export interface SettingsSectionView {
  name: string;
  entries: SettingEntry[];
}

export interface SettingsView {
  scope: SettingsScope;
  /** Absolute path of the settings file (which may not exist yet). */
  file: string;
  exists: boolean;
  sections: SettingsSectionView[];
  /** Unknown keys dropped from known sections (and server sections of an experiment file). */
  dropped: Array<{ section: string; key: string; value: SettingValue }>;
  /** Values NXRefine would refuse, as they are in the file. */
  problems: SettingProblem[];
  /** Registered beamline names. */
  instruments: string[];
  settings: Settings;
}

/** The settings file of a target; a clear error when there is none to be found. */
export function settingsFileOf(t: SettingsTarget): string {
  if (t.scope === 'server') {
    const loc = findServerSettings(t.server ?? {});
    if (loc === undefined)
      throw new NxrError({
        code: 'FILE_NOT_FOUND',
        message:
          'no server settings directory: set the environment variable NX_SERVER, or [setup] directory in ~/.nxserver/settings.ini',
      });
    return loc.file;
  }
  if (t.directory === undefined)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'give the experiment directory' });
  const file = findExperimentSettings(t.directory);
  if (file === undefined)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'not an experiment directory (no tasks/ folder): make it with New Experiment',
      file: t.directory,
    });
  return file;
}

function view(scope: SettingsScope, file: string, exists: boolean, raw: Settings): SettingsView {
  const instruments = beamlineNames();
  const n = normalizeSettings(raw, scope);
  const filled = new Set(n.filled.map((f) => `${f.section}.${f.key}`));
  const sections = Object.entries(n.settings).map(([name, section]) => ({
    name,
    entries: Object.entries(section).map(([key, value]) => {
      const label = SETTING_INFO[name]?.[key]?.label;
      return {
        key,
        value,
        text: formatSettingValue(value),
        origin: (filled.has(`${name}.${key}`) ? 'default' : 'file') as SettingOrigin,
        ...(label !== undefined ? { label } : {}),
      };
    }),
  }));
  return {
    scope,
    file,
    exists,
    sections,
    dropped: n.dropped,
    problems: checkSettings(n.settings, scope, { instruments }),
    instruments,
    settings: n.settings,
  };
}

/** Read a settings file (all sections, defaults filled, with origins). A missing file reads as the defaults. */
export async function readSettings(t: SettingsTarget, ctx: JobContext = {}): Promise<SettingsView> {
  throwIfAborted(ctx.signal);
  const file = settingsFileOf(t);
  const exists = existsSync(file);
  return view(t.scope, file, exists, exists ? readSettingsText(file) : {});
}

export interface EditSettingsOptions extends SettingsTarget {
  /**
   * New values by 'section.key'. Strings are parsed as settings.ini text (so '0.3' is a number,
   * 'None' null); numbers, booleans and null are taken as they are.
   */
  values: Record<string, SettingValue>;
}

export interface EditSettingsResult extends SettingsView {
  changed: Array<{ section: string; key: string; from: SettingValue | undefined; to: SettingValue }>;
}

const same = (a: SettingValue | undefined, b: SettingValue): boolean =>
  a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));

/** Set values and write the file (the whole file, normalised as NXSettings saves it). */
export async function editSettings(
  o: EditSettingsOptions,
  ctx: JobContext = {},
): Promise<EditSettingsResult> {
  throwIfAborted(ctx.signal);
  const file = settingsFileOf(o);
  const exists = existsSync(file);
  const instruments = beamlineNames();
  const settings = normalizeSettings(exists ? readSettingsText(file) : {}, o.scope).settings;
  const known = defaultsFor(o.scope);
  const changed: EditSettingsResult['changed'] = [];
  for (const [name, raw] of Object.entries(o.values)) {
    const dot = name.indexOf('.');
    const section = dot > 0 ? name.slice(0, dot) : '';
    const key = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
    const bad = (why: string): never => {
      throw new NxrError({ code: 'BAD_PARAMETER', message: `${name}: ${why}`, file });
    };
    if (section === '' || key === '') bad("give settings as 'section.key'");
    const nodes = o.scope === 'server' && section === 'nodes';
    if (!nodes) {
      if (!(section in known))
        bad(`no section [${section}] in ${o.scope} settings (${Object.keys(known).join(', ')})`);
      if (!(key in known[section]!))
        bad(`no key '${key}' in [${section}] (${Object.keys(known[section]!).join(', ')})`);
    }
    let value: SettingValue = typeof raw === 'string' ? parseSettingValue(raw) : raw;
    if (section === 'instrument' && key === 'instrument' && typeof value === 'string')
      value = canonicalInstrument(value, instruments);
    const target = (settings[section] ??= {});
    if (!same(target[key], value)) changed.push({ section, key, from: target[key], to: value });
    target[key] = value;
  }
  const problems = checkSettings(settings, o.scope, { instruments });
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `[${p.section}] ${p.key} = ${formatSettingValue(settings[p.section]![p.key]!)}: ${p.message}`,
      file,
    });
  }
  throwIfAborted(ctx.signal, file);
  if (!existsSync(dirname(file))) {
    if (o.scope !== 'server')
      throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such directory', file: dirname(file) });
    mkdirSync(dirname(file), { recursive: true });
  }
  writeSettingsFile(file, settings, { overwrite: true });
  ctx.onLog?.(
    `${o.scope === 'server' ? 'Server settings' : 'tasks/settings.ini'}: ${changed.length === 0 ? 'no value changed' : changed.map((c) => `[${c.section}] ${c.key} = ${formatSettingValue(c.to)}`).join(', ')}`,
  );
  ctx.onProgress?.(1);
  return { ...view(o.scope, file, true, settings), changed };
}
