/**
 * Advisory write lock `<file>.lock` holding {pid, host, time}, so two writers (two app windows, the
 * app and `nxr`, two cluster jobs) never write one file. Created with O_EXCL; a lock left by a dead
 * process on this host is stale and taken over (its temp files are removed); a lock from another
 * host is honoured until it is older than `staleMs`.
 */
import { closeSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { NxrError } from '../../shared/errors.ts';

export interface LockInfo {
  pid: number;
  host: string;
  time: string;
  /** What holds the lock, e.g. 'nxr tree' or 'update'. */
  purpose?: string;
}

export interface FileLock {
  readonly lockPath: string;
  readonly info: LockInfo;
  release(): void;
}

export interface LockOptions {
  purpose?: string;
  /** A lock from another host older than this is considered stale. @default 86_400_000 (24 h) */
  staleMs?: number;
}

export function lockPathFor(file: string): string {
  return `${file}.lock`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPathFor(file), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.host === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Temp files a writer makes next to `file` (see tempPathFor). */
export function tempPrefixFor(file: string): string {
  return `.${basename(file)}.nxr-`;
}

export function tempPathFor(file: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(file), `${tempPrefixFor(file)}${process.pid}-${rand}.tmp`);
}

/** Remove temp files left next to `file` by a writer process that died. */
export function removeOrphanTemps(file: string, deadPid: number): void {
  const prefix = `${tempPrefixFor(file)}${deadPid}-`;
  try {
    for (const n of readdirSync(dirname(file))) {
      if (n.startsWith(prefix) && n.endsWith('.tmp')) rmSync(join(dirname(file), n), { force: true });
    }
  } catch {
    // directory unreadable: nothing to clean
  }
}

function isStale(info: LockInfo | undefined, lockPath: string, staleMs: number): boolean {
  if (!info) {
    // unreadable/partial lock file: stale once it is a few seconds old (a writer fills it at once)
    try {
      return Date.now() - statSync(lockPath).mtimeMs > 5000;
    } catch {
      return true;
    }
  }
  if (info.host === hostname()) return info.pid !== process.pid && !processAlive(info.pid);
  const t = Date.parse(info.time);
  return Number.isFinite(t) && Date.now() - t > staleMs;
}

export function acquireLock(file: string, opts: LockOptions = {}): FileLock {
  const lockPath = lockPathFor(file);
  const info: LockInfo = { pid: process.pid, host: hostname(), time: new Date().toISOString() };
  if (opts.purpose !== undefined) info.purpose = opts.purpose;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new NxrError({
          code: 'WRITE_FAILED',
          message: `cannot create lock ${lockPath}: ${(e as Error).message}`,
          file,
        });
      }
      const holder = readLock(file);
      if (isStale(holder, lockPath, opts.staleMs ?? 86_400_000)) {
        rmSync(lockPath, { force: true });
        if (holder) removeOrphanTemps(file, holder.pid);
        continue;
      }
      const who = holder
        ? `process ${holder.pid} on ${holder.host} since ${holder.time}${holder.purpose ? ` (${holder.purpose})` : ''}`
        : 'another process';
      throw new NxrError({
        code: 'FILE_LOCKED',
        message: `file is being written by ${who}; lock ${lockPath}`,
        file,
      });
    }
    try {
      writeSync(fd, JSON.stringify(info));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      lockPath,
      info,
      release() {
        if (released) return;
        released = true;
        const cur = readLock(file);
        if (cur && cur.pid === info.pid && cur.host === info.host && cur.time === info.time)
          rmSync(lockPath, { force: true });
      },
    };
  }
  throw new NxrError({ code: 'FILE_LOCKED', message: `could not take lock ${lockPath}`, file });
}
