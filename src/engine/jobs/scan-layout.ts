/**
 * Where a scan ("wrapper") file sits in an NXRefine experiment (spec §2.1):
 *
 *   <experiment>/<sample>/<label>/<sample>_<scan>.nxs     the wrapper
 *   <experiment>/<sample>/<label>/<scan>/                  its scan directory (raw frames, masks…)
 *   <experiment>/<sample>/<label>/<sample>_parent.nxs      classic parent: a symlink to one wrapper
 *   <experiment>/tasks/settings.ini                        experiment settings
 */
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';

import { parseSettingsIni, type Settings } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';

export interface ScanLayout {
  /** Absolute path of the wrapper file. */
  wrapperFile: string;
  /** `<experiment>/<sample>/<label>` (NXReduce.base_directory). */
  labelDir: string;
  /** `<experiment>/<sample>`. */
  sampleDir: string;
  /** `<experiment>` (the directory holding tasks/). */
  experimentDir: string;
  sample: string;
  label: string;
  /** Scan name: the file stem without the `<sample>_` prefix (NXRefine). */
  scan: string;
  /** `<labelDir>/<scan>` (NXReduce.directory; 'Current directory' of NXprocess notes). */
  scanDir: string;
  /** `<labelDir>/<sample>_parent.nxs`. */
  parentLink: string;
}

/** The experiment layout implied by a wrapper file's location and name (the file need not exist). */
export function scanLayout(wrapperFile: string): ScanLayout {
  const abs = resolve(wrapperFile);
  const labelDir = dirname(abs);
  const sampleDir = dirname(labelDir);
  const experimentDir = dirname(sampleDir);
  const sample = basename(sampleDir);
  const label = basename(labelDir);
  const stem = basename(abs, extname(abs));
  const scan = stem.startsWith(`${sample}_`) ? stem.slice(sample.length + 1) : stem;
  return {
    wrapperFile: abs,
    labelDir,
    sampleDir,
    experimentDir,
    sample,
    label,
    scan,
    scanDir: join(labelDir, scan),
    parentLink: join(labelDir, `${sample}_parent.nxs`),
  };
}

/**
 * The experiment settings file for an experiment directory, by NXSettings' look-up (spec §2.2):
 * `<dir>/tasks/settings.ini`, or `<dir>/nxrefine/tasks/settings.ini`. Undefined if neither exists.
 */
export function findExperimentSettingsFile(experimentDir: string): string | undefined {
  for (const candidate of [
    join(experimentDir, 'tasks', 'settings.ini'),
    join(experimentDir, 'nxrefine', 'tasks', 'settings.ini'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Parse a settings.ini file; a syntax error is an NxrError naming the file. */
export function readSettingsFile(file: string): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NxrError(
      { code: 'FILE_NOT_FOUND', message: `cannot read settings: ${(e as Error).message}`, file },
      { cause: e },
    );
  }
  try {
    return parseSettingsIni(text);
  } catch (e) {
    throw new NxrError({ code: 'BAD_PARAMETER', message: (e as Error).message, file }, { cause: e });
  }
}

/** Same file on disk (symlinks resolved)? Missing files compare by absolute path. */
export function isSameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

export interface ParentLink {
  /** Path of the `<sample>_parent.nxs` link. */
  link: string;
  /** Something exists at `link` (a symlink, possibly dangling, or a file). */
  exists: boolean;
  /** The link's own text (relative to the label directory) when it is a symlink. */
  linkText?: string;
  /** Absolute real path of the parent wrapper when the link resolves. */
  target?: string;
  /** The link exists but its target does not. */
  dangling: boolean;
}

/** The classic parent of the scans in a label directory (spec §8.3). */
export function readParentLink(link: string): ParentLink {
  let st;
  try {
    st = lstatSync(link);
  } catch {
    return { link, exists: false, dangling: false };
  }
  const linkText = st.isSymbolicLink() ? readlinkSync(link) : undefined;
  try {
    const target = realpathSync(link);
    return { link, exists: true, ...(linkText !== undefined ? { linkText } : {}), target, dangling: false };
  } catch {
    return { link, exists: true, ...(linkText !== undefined ? { linkText } : {}), dangling: true };
  }
}
