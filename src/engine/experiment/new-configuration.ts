/**
 * Experiment ▸ New Configuration (nxrefine-spec.md §3.1, §7): writes
 * `configurations/<name>.nxs` of an experiment from the dialog's values (checked first; see
 * src/refine/experiment/configuration.ts for the layout). The file is made through a temp file
 * renamed into place, and an existing configuration is replaced only with `overwrite`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

import { firstError } from '../../refine/experiment/checks.ts';
import {
  checkConfiguration,
  configurationDefaults,
  configurationPlan,
  type ConfigurationSettings,
} from '../../refine/experiment/configuration.ts';
import { findConfigurationDetector } from '../../refine/experiment/detectors.ts';
import { configurationFileName, configurationStem } from '../../refine/experiment/names.ts';
import { countFrames } from '../../refine/experiment/checks.ts';
import { normalizeSettings, type Settings } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import { createNexusFile } from '../io/nexus-writer.ts';
import type { JobContext } from '../jobs/job-context.ts';
import { throwIfAborted } from '../jobs/job-context.ts';
import { requireExperimentDirectory, requireName } from './experiment-directory.ts';
import { findExperimentSettings, readSettingsText } from './settings-files.ts';
import { writePlan } from './write-plan.ts';

/** An experiment's settings (defaults filled), and the file they came from when there is one. */
export function readExperimentSettings(experimentDir: string): { settings: Settings; file?: string } {
  const file = findExperimentSettings(experimentDir);
  if (file === undefined || !existsSync(file))
    return { settings: normalizeSettings({}, 'experiment').settings };
  return { settings: normalizeSettings(readSettingsText(file), 'experiment').settings, file };
}

/** New Configuration's initial values for an experiment (its settings.ini, else the defaults). */
export function readConfigurationDefaults(experimentDir: string): ConfigurationSettings {
  return configurationDefaults(readExperimentSettings(requireExperimentDirectory(experimentDir)).settings);
}

export interface NewConfigurationOptions {
  /** The experiment directory. */
  directory: string;
  /** Configuration Filename (with or without .nxs). */
  name: string;
  values: ConfigurationSettings;
  /** Replace an existing configuration file. @default false */
  overwrite?: boolean;
}

export interface NewConfigurationResult {
  /** Absolute path of the configuration file. */
  file: string;
  /** Name without .nxs. */
  name: string;
  /** Entries written: 'entry', 'f1', … */
  entries: string[];
  detector: { name: string; shape: [number, number]; pixelSize: number; maskedPixels: number | null };
  /** Frames of the rotation φ start → φ end. */
  nframes: number;
}

export async function newConfiguration(
  o: NewConfigurationOptions,
  ctx: JobContext = {},
): Promise<NewConfigurationResult> {
  throwIfAborted(ctx.signal);
  const dir = requireExperimentDirectory(o.directory);
  const name = configurationStem(requireName('configuration', o.name));
  const errors = checkConfiguration(o.values);
  const first = firstError(errors);
  if (first !== undefined) {
    const [key, why] = first;
    const value = key
      .split('.')
      .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o.values);
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `${key} = ${JSON.stringify(value) ?? 'missing'}: ${why}`,
    });
  }
  const detector = findConfigurationDetector(o.values.detector)!;
  const values: ConfigurationSettings = { ...o.values, detector: detector.name };
  const folder = join(dir, 'configurations');
  const file = join(folder, configurationFileName(name));
  if (existsSync(file) && o.overwrite !== true)
    throw new NxrError({
      code: 'WRITE_FAILED',
      message: 'a configuration of this name exists already (not overwritten without overwrite)',
      file,
    });
  mkdirSync(folder, { recursive: true });
  const plan = configurationPlan(values);
  const w = await createNexusFile(file, { overwrite: o.overwrite === true, purpose: 'new configuration' });
  try {
    writePlan(w, plan);
    throwIfAborted(ctx.signal, file);
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
  let masked: number | null = null;
  const mask = plan.find((n) => n.kind === 'field' && n.path === '/entry/instrument/detector/pixel_mask');
  if (mask?.kind === 'field' && mask.value instanceof Int8Array)
    masked = mask.value.reduce((s, v) => s + v, 0);
  const entries = ['entry', ...values.positions.map((_, i) => `f${i + 1}`)];
  ctx.onLog?.(`configurations/${basename(file)}: ${entries.join(', ')}; ${detector.name}`);
  ctx.onProgress?.(1);
  return {
    file,
    name,
    entries,
    detector: {
      name: detector.name,
      shape: [detector.shape[0], detector.shape[1]],
      pixelSize: detector.pixelSize,
      maskedPixels: masked,
    },
    nframes: countFrames(values.phiStart, values.phiEnd, values.phiStep),
  };
}
