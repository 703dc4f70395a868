/**
 * The classic parent file (spec §8.3): `<sample>/<label>/<sample>_parent.nxs` is a symbolic link
 * to the wrapper whose parameters the other scans copy. NXRefine's make_parent creates the link
 * and records an `nxcopy` NXprocess in the parent's `/entry` (note: "Parent: <path>").
 *
 * In addition to NXRefine's record, `/entry/nxcopy/parent` holds the parent's own file name, so a
 * file says it was made parent even when it is moved away from its link (the link stays the
 * authority: `showParent` reports files whose record disagrees with the link as stale).
 */
import { lstatSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { isHdf5File } from '../io/hdf5-signature.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { NxrError } from '../../shared/errors.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readText } from './read-fields.ts';
import { readParentLink, scanLayout, type ParentLink } from './scan-layout.ts';

export const PARENT_RECORD_PATH = '/entry/nxcopy';

export interface MakeParentOptions {
  /** The wrapper file to make the parent of its sample/label directory. */
  file: string;
}

export interface MakeParentResult {
  /** Absolute path of the new parent (real path). */
  file: string;
  /** The `<sample>_parent.nxs` link. */
  link: string;
  /** What the link pointed to before (absolute), if anything. */
  previous?: string;
  /** The NXprocess written in the file. */
  recordPath: string;
}

function realFile(file: string): string {
  try {
    return realpathSync(file);
  } catch (e) {
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such file', file }, { cause: e });
  }
}

/**
 * Make `file` the parent: record `/entry/nxcopy` in it (atomically), then point
 * `<sample>_parent.nxs` at it (a new symlink renamed over the old one, so the link is never absent).
 */
export async function makeParent(
  options: MakeParentOptions,
  ctx: JobContext = {},
): Promise<MakeParentResult> {
  const file = realFile(resolve(options.file));
  const layout = scanLayout(file);
  const link = layout.parentLink;
  if (layout.sample === '' || layout.label === '')
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'a parent must be a scan file in an <experiment>/<sample>/<label>/ directory',
      file,
    });
  if (!basename(file).startsWith(`${layout.sample}_`))
    ctx.onLog?.(
      `${basename(file)} does not follow the <sample>_<scan>.nxs naming of sample '${layout.sample}'`,
      'warn',
    );
  const before = readParentLink(link);
  if (before.exists && before.linkText === undefined) {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'exists and is not a symbolic link (remove it to designate a parent)',
      file: link,
    });
  }
  throwIfAborted(ctx.signal, file);
  await updateNexusFile(
    file,
    (w) => {
      const gp = w.record('/entry', processRecordFor(file, 'nxcopy', { parent: file }));
      w.field(`${gp}/parent`, basename(file));
    },
    { purpose: 'nxr parent' },
  );
  const tmp = join(layout.labelDir, `.${basename(link)}.${process.pid}.tmp`);
  try {
    rmSync(tmp, { force: true });
    symlinkSync(basename(file), tmp);
    renameSync(tmp, link);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new NxrError(
      { code: 'WRITE_FAILED', message: `cannot create the parent link: ${(e as Error).message}`, file: link },
      { cause: e },
    );
  }
  if (before.target !== undefined && before.target !== file)
    ctx.onLog?.(`${basename(file)} replaces ${basename(before.target)} as parent`);
  ctx.onLog?.(`${link} -> ${basename(file)}`);
  return {
    file,
    link,
    ...(before.target !== undefined ? { previous: before.target } : {}),
    recordPath: PARENT_RECORD_PATH,
  };
}

export interface ShowParentOptions {
  /** A label directory (`<experiment>/<sample>/<label>`) or a scan file in it. */
  path: string;
}

export interface ParentClaim {
  /** A scan file whose /entry/nxcopy says it was made parent. */
  file: string;
  /** Date of that record. */
  date?: string;
  /** The link points to this file. */
  current: boolean;
}

export interface ShowParentResult extends ParentLink {
  labelDir: string;
  /** Files in the directory carrying a parent record (the current parent and stale ones). */
  claims: ParentClaim[];
}

/** Which file is the parent of a label directory, and which files carry a parent record. */
export async function showParent(
  options: ShowParentOptions,
  ctx: JobContext = {},
): Promise<ShowParentResult> {
  const p = resolve(options.path);
  let isDir: boolean;
  try {
    isDir = lstatSync(p).isDirectory();
  } catch (e) {
    throw new NxrError(
      { code: 'FILE_NOT_FOUND', message: 'no such file or directory', file: p },
      { cause: e },
    );
  }
  const labelDir = isDir ? p : dirname(p);
  const sample = basename(dirname(labelDir));
  const parent = readParentLink(join(labelDir, `${sample}_parent.nxs`));
  const claims: ParentClaim[] = [];
  const names = readdirSync(labelDir)
    .filter((n) => n.endsWith('.nxs') && !n.startsWith('.') && !n.endsWith('_parent.nxs'))
    .sort();
  for (const [i, name] of names.entries()) {
    throwIfAborted(ctx.signal);
    ctx.onProgress?.(i / Math.max(1, names.length), name);
    const file = join(labelDir, name);
    try {
      if (!lstatSync(file).isFile() || !isHdf5File(file)) continue;
      const f = await openNexusFile(file);
      try {
        if (!f.has(PARENT_RECORD_PATH)) continue;
        const own = readText(f, `${PARENT_RECORD_PATH}/parent`);
        const note = readText(f, `${PARENT_RECORD_PATH}/note/data`) ?? '';
        // NXRefine's make_parent notes 'Parent: <its own path>'; children record nxcopy in fN only
        const saysParent = own === name || new RegExp(`^Parent: .*${escapeRegExp(name)}$`, 'm').test(note);
        if (!saysParent) continue;
        const date = readText(f, `${PARENT_RECORD_PATH}/date`);
        claims.push({
          file,
          ...(date !== undefined ? { date } : {}),
          current: parent.target === realpathSync(file),
        });
      } finally {
        f.close();
      }
    } catch (e) {
      ctx.onLog?.(`${name}: not read (${(e as Error).message})`, 'warn');
    }
  }
  ctx.onProgress?.(1);
  return { ...parent, labelDir, claims };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
