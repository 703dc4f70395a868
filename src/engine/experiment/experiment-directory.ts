/**
 * An existing experiment directory (nxrefine-spec.md §2.1): what New Configuration, New Sample and
 * New Scan need before they write into it, and what the dialogs list from it (samples with their
 * labels, configurations).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { checkName, RESERVED_SAMPLE_NAMES } from '../../refine/experiment/names.ts';
import { NxrError } from '../../shared/errors.ts';

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The absolute experiment directory; BAD_PARAMETER / FILE_NOT_FOUND naming it when it does not
 * exist or is no experiment directory (it has neither tasks/ nor configurations/).
 */
export function requireExperimentDirectory(directory: string): string {
  const dir = resolve(directory);
  if (!existsSync(dir))
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such experiment directory', file: dir });
  if (!isDir(dir)) throw new NxrError({ code: 'BAD_PARAMETER', message: 'not a directory', file: dir });
  if (!isDir(join(dir, 'tasks')) && !isDir(join(dir, 'configurations')))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message:
        'not an experiment directory (no tasks/ or configurations/ folder): make it with New Experiment',
      file: dir,
    });
  return dir;
}

/** Throws BAD_PARAMETER naming the field for a bad sample, label, scan or configuration name. */
export function requireName(kind: Parameters<typeof checkName>[0], name: unknown): string {
  if (typeof name !== 'string')
    throw new NxrError({ code: 'BAD_PARAMETER', message: `${kind} name: give a ${kind} name` });
  const why = checkName(kind, name);
  if (why !== undefined)
    throw new NxrError({ code: 'BAD_PARAMETER', message: `${kind} name '${name}': ${why}` });
  return name;
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter(
        (d) =>
          (d.isDirectory() || (d.isSymbolicLink() && isDir(join(dir, d.name)))) && !d.name.startsWith('.'),
      )
      .map((d) => d.name)
      .sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

export interface SampleListing {
  sample: string;
  label: string;
  /** Scan names of the `<sample>_<scan>.nxs` files in the label directory. */
  scans: string[];
}

/** Every `<sample>/<label>` directory of the experiment, with its scans. */
export function listSamples(experimentDir: string): SampleListing[] {
  const out: SampleListing[] = [];
  for (const sample of subdirectories(experimentDir)) {
    if (RESERVED_SAMPLE_NAMES.includes(sample.toLowerCase()) || checkName('sample', sample) !== undefined)
      continue;
    for (const label of subdirectories(join(experimentDir, sample))) {
      if (checkName('label', label) !== undefined) continue;
      const labelDir = join(experimentDir, sample, label);
      let scans: string[] = [];
      try {
        scans = readdirSync(labelDir)
          .filter((n) => n.startsWith(`${sample}_`) && n.endsWith('.nxs'))
          .map((n) => n.slice(sample.length + 1, -4))
          .filter((s) => s !== 'parent' && s !== 'scans')
          .sort((a, b) => a.localeCompare(b));
      } catch {
        scans = [];
      }
      out.push({ sample, label, scans });
    }
  }
  return out;
}

/** Names (without .nxs) of the files in configurations/. */
export function listConfigurations(experimentDir: string): string[] {
  try {
    return readdirSync(join(experimentDir, 'configurations'))
      .filter((n) => n.endsWith('.nxs') && !n.startsWith('.'))
      .map((n) => n.slice(0, -4))
      .sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}
