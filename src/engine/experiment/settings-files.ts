/**
 * Where NXRefine's settings files live and how they are written (nxrefine-spec.md §2.2):
 *
 * - the server file `<dir>/nxserver/settings.ini`, `<dir>` from the environment variable NX_SERVER,
 *   else from `[setup] directory` of `~/.nxserver/settings.ini` (a directory already named
 *   `nxserver` is used as it is);
 * - an experiment's `tasks/settings.ini`: for a directory named `tasks`, its settings.ini; for a
 *   directory holding `tasks/`, `tasks/settings.ini`; for one holding `nxrefine/tasks/`, that.
 *
 * Files are written whole through a temp file renamed into place under the file's lock, so a
 * reader never sees half a file and two writers never interleave.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';

import { formatSettingsIni, parseSettingsIni, type Settings } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import { acquireLock, tempPathFor } from '../io/file-lock.ts';

export interface ServerLookup {
  /** The server directory itself (like `nxsettings -d`); wins over the environment. */
  serverDirectory?: string;
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** Home directory holding .nxserver/settings.ini. @default os.homedir() */
  home?: string;
}

export interface ServerSettingsLocation {
  /** The `nxserver` directory. */
  directory: string;
  /** `<directory>/settings.ini` */
  file: string;
  /** Where the directory came from. */
  source: 'given' | 'NX_SERVER' | '~/.nxserver/settings.ini';
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The server settings file, or undefined when no server directory is defined. */
export function findServerSettings(o: ServerLookup = {}): ServerSettingsLocation | undefined {
  const env = o.env ?? process.env;
  let dir: string | undefined;
  let source: ServerSettingsLocation['source'] = 'given';
  if (o.serverDirectory !== undefined && o.serverDirectory.trim() !== '') dir = o.serverDirectory;
  else if (env['NX_SERVER'] !== undefined && env['NX_SERVER'].trim() !== '') {
    dir = env['NX_SERVER'];
    source = 'NX_SERVER';
  } else {
    const homeFile = join(o.home ?? homedir(), '.nxserver', 'settings.ini');
    if (existsSync(homeFile)) {
      const setup = readSettingsText(homeFile)['setup'];
      const d = setup?.['directory'];
      if (typeof d === 'string' && d.trim() !== '') {
        dir = d;
        source = '~/.nxserver/settings.ini';
      }
    }
  }
  if (dir === undefined) return undefined;
  const abs = resolve(dir);
  const directory = basename(abs) === 'nxserver' ? abs : join(abs, 'nxserver');
  return { directory, file: join(directory, 'settings.ini'), source };
}

/**
 * The experiment settings file of a directory by NXSettings' look-up (the file need not exist yet
 * when the directory holds `tasks/`). Undefined when the directory is no experiment directory.
 */
export function findExperimentSettings(dir: string): string | undefined {
  const abs = resolve(dir);
  if (basename(abs) === 'tasks' && isDir(abs)) return join(abs, 'settings.ini');
  if (isDir(join(abs, 'tasks'))) return join(abs, 'tasks', 'settings.ini');
  if (isDir(join(abs, 'nxrefine', 'tasks'))) return join(abs, 'nxrefine', 'tasks', 'settings.ini');
  return undefined;
}

/** Parse a settings file; errors name the file. */
export function readSettingsText(file: string): Settings {
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

/**
 * Write a text file whole: under `<file>.lock`, to a temp file in the same directory, renamed over
 * `file`. With `overwrite` false an existing file is refused (WRITE_FAILED naming it).
 */
export function writeTextFileAtomic(
  file: string,
  text: string,
  o: { overwrite: boolean; purpose: string },
): void {
  if (!o.overwrite && existsSync(file))
    throw new NxrError({ code: 'WRITE_FAILED', message: 'exists already (not overwritten)', file });
  const lock = acquireLock(file, { purpose: o.purpose });
  const tmp = tempPathFor(file);
  try {
    if (!o.overwrite && existsSync(file))
      throw new NxrError({ code: 'WRITE_FAILED', message: 'exists already (not overwritten)', file });
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    if (e instanceof NxrError) throw e;
    throw new NxrError(
      { code: 'WRITE_FAILED', message: `cannot write: ${(e as Error).message}`, file },
      { cause: e },
    );
  } finally {
    lock.release();
  }
}

/** Write settings as NXSettings saves them (see writeTextFileAtomic). */
export function writeSettingsFile(file: string, settings: Settings, o: { overwrite: boolean }): void {
  writeTextFileAtomic(file, formatSettingsIni(settings), { ...o, purpose: 'settings' });
}
