/**
 * The folder browser mode serves. Every path the page sends is relative to it; nothing outside it
 * can be listed or opened: '..' components, absolute paths, NUL bytes and symbolic links that lead
 * out of the folder are refused with BAD_PARAMETER.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

import { NxrError } from '../../shared/errors.ts';
import type { DirEntry, DirListing } from '../../shared/ipc.ts';

/** File names the browser lists: NeXus and HDF5 files. */
export const HDF5_EXTENSIONS = ['.nxs', '.nx5', '.nx', '.h5', '.hdf5', '.hdf'] as const;

export function isHdf5Name(name: string): boolean {
  const lower = name.toLowerCase();
  return HDF5_EXTENSIONS.some((e) => lower.endsWith(e));
}

function refuse(path: string, why: string): NxrError {
  return new NxrError({ code: 'BAD_PARAMETER', message: `'${path}' ${why}` });
}

function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export class ServedFolder {
  /** Absolute, symlink-free path of the folder. */
  readonly root: string;
  readonly name: string;

  constructor(dir: string) {
    const abs = resolve(dir);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such folder', file: abs });
    }
    if (!st.isDirectory()) throw new NxrError({ code: 'BAD_PARAMETER', message: 'not a folder', file: abs });
    this.root = realpathSync(abs);
    this.name = this.root.split(sep).at(-1) || this.root;
  }

  /**
   * The absolute path of `rel` ('/'-separated, relative to the folder; '' is the folder itself).
   * Throws BAD_PARAMETER when it would leave the folder, FILE_NOT_FOUND when it does not exist.
   */
  resolve(rel: string): string {
    if (rel.includes('\0')) throw refuse(rel, 'is not a valid path');
    if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\')) {
      throw refuse(rel, 'must be relative to the served folder');
    }
    const parts = rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw refuse(rel, 'leaves the served folder');
    const abs = join(this.root, ...parts);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such file or folder', file: rel });
    }
    // A symbolic link inside the folder may point anywhere: check where it really leads.
    if (!isInside(this.root, real)) throw refuse(rel, 'leads out of the served folder');
    return real;
  }

  /**
   * The absolute path of `rel`, which need not exist yet (a folder or file a job will create):
   * its nearest existing ancestor must be a folder inside the served folder. Same refusals as
   * `resolve`.
   */
  resolveForCreate(rel: string): string {
    if (rel.includes('\0')) throw refuse(rel, 'is not a valid path');
    if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\')) {
      throw refuse(rel, 'must be relative to the served folder');
    }
    const parts = rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw refuse(rel, 'leaves the served folder');
    for (let n = parts.length; n >= 0; n--) {
      const head = parts.slice(0, n).join('/');
      if (!existsSync(join(this.root, ...parts.slice(0, n)))) continue;
      const base = this.resolve(head);
      if (n < parts.length && !statSync(base).isDirectory()) throw refuse(rel, 'is below a file');
      return join(base, ...parts.slice(n));
    }
    return join(this.root, ...parts);
  }

  /** '/'-separated path of an absolute path inside the folder. */
  relativeOf(abs: string): string {
    return relative(this.root, abs).split(sep).join('/');
  }

  /**
   * Sub-folders then files of `rel` (NeXus/HDF5 files only unless `show` is 'all'), each sorted
   * by name; hidden entries skipped.
   */
  list(rel: string, show: 'hdf5' | 'all' = 'hdf5'): DirListing {
    const abs = this.resolve(rel);
    if (!statSync(abs).isDirectory()) throw refuse(rel, 'is not a folder');
    const dir = this.relativeOf(abs);
    const dirs: DirEntry[] = [];
    const files: DirEntry[] = [];
    for (const d of readdirSync(abs, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      const full = join(abs, d.name);
      let st;
      try {
        const real = realpathSync(full);
        if (!isInside(this.root, real)) continue;
        st = statSync(real);
      } catch {
        continue; // broken symlink
      }
      const path = dir === '' ? d.name : `${dir}/${d.name}`;
      if (st.isDirectory()) dirs.push({ name: d.name, path, kind: 'dir' });
      else if (st.isFile() && (show === 'all' || isHdf5Name(d.name)))
        files.push({ name: d.name, path, kind: 'file', sizeBytes: st.size });
    }
    const byName = (a: DirEntry, b: DirEntry): number =>
      a.name.localeCompare(b.name, 'en', { numeric: true });
    const parent = dir === '' ? null : dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    return { dir, parent, entries: [...dirs.sort(byName), ...files.sort(byName)] };
  }
}
