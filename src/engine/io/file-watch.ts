/**
 * Noticing that an open file was rewritten by someone else (h5py, another `nxr`, a beamline
 * writer): a cheap stat of the path every few seconds, compared with the last known identity
 * (inode, size, mtime, ctime). Polling rather than fs.watch: it works the same on NFS/GPFS mounts,
 * sees a temp file renamed over the path (new inode) as well as an in-place write, and costs one
 * stat per open file per interval.
 *
 * A change is reported once the file has stopped changing (two stats `settleMs` apart agree), so a
 * writer that is still writing is not caught half-way. The watcher never reads the file itself.
 */
import { stat } from 'node:fs/promises';

/** What identifies one version of a file on disk; `missing` when the path does not exist. */
export type FileSignature =
  | { missing: true; code: string }
  | { missing: false; ino: number; dev: number; size: number; mtimeMs: number; ctimeMs: number };

export async function fileSignature(path: string): Promise<FileSignature> {
  try {
    const s = await stat(path);
    return { missing: false, ino: s.ino, dev: s.dev, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
  } catch (e) {
    return { missing: true, code: (e as NodeJS.ErrnoException).code ?? 'ENOENT' };
  }
}

export function sameSignature(a: FileSignature, b: FileSignature): boolean {
  if (a.missing || b.missing) return a.missing === b.missing;
  return (
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}

export interface FileWatchOptions {
  /** Time between two stats, ms. @default 2000 */
  intervalMs?: number;
  /** A change counts once two stats this far apart agree, ms. @default 250 */
  settleMs?: number;
}

export interface FileWatch {
  /** Takes the file as it is now as the known version (after we rewrote or reopened it ourselves). */
  rebase(): Promise<void>;
  /** Stops polling; no callback runs afterwards. */
  close(): void;
  readonly closed: boolean;
}

/**
 * Polls `path`; calls `onChange(now)` when its signature differs from the known one and has
 * settled. The new signature becomes the known one when `onChange` resolves to true; when it
 * resolves to false (e.g. "not now, a job is writing"), the change is reported again next time.
 * Calls never overlap. The timer is unref'd: it never keeps a process alive.
 */
export function watchFileChanges(
  path: string,
  onChange: (now: FileSignature, before: FileSignature) => Promise<boolean> | boolean,
  options: FileWatchOptions = {},
  initial?: FileSignature,
): FileWatch {
  const intervalMs = options.intervalMs ?? 2000;
  const settleMs = options.settleMs ?? 250;
  let known: Promise<FileSignature> = initial ? Promise.resolve(initial) : fileSignature(path);
  let closed = false;
  let busy = false;
  /** Bumped by rebase(): a check that started before it does not overwrite its result. */
  let epoch = 0;

  const check = async (): Promise<void> => {
    if (busy || closed) return;
    busy = true;
    try {
      const start = epoch;
      const before = await known;
      let now = await fileSignature(path);
      if (sameSignature(now, before)) return;
      // still being written? wait until two stats agree (a few tries, then report what we have)
      for (let i = 0; i < 8 && !closed; i++) {
        await new Promise((r) => setTimeout(r, settleMs));
        const again = await fileSignature(path);
        if (sameSignature(again, now)) break;
        now = again;
      }
      if (closed || start !== epoch) return;
      const accepted = await onChange(now, before);
      if (accepted && !closed && start === epoch) known = Promise.resolve(now);
    } finally {
      busy = false;
    }
  };

  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();

  return {
    get closed() {
      return closed;
    },
    async rebase() {
      epoch++;
      known = fileSignature(path);
      await known;
    },
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
