/** The advisory lock `<file>.lock`: exclusive, names its holder, stale rules per host. */
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { acquireLock, lockPathFor, readLock } from '../../../src/engine/io/file-lock.ts';
import { NxrError } from '../../../src/shared/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'nxr-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lockedBy(file: string): NxrError {
  try {
    acquireLock(file);
  } catch (e) {
    expect(e).toBeInstanceOf(NxrError);
    return e as NxrError;
  }
  throw new Error('lock was granted');
}

describe('acquireLock', () => {
  it('is exclusive within one process and released cleanly', () => {
    const f = join(dir, 'a.nxs');
    const l = acquireLock(f, { purpose: 'test' });
    expect(readLock(f)).toMatchObject({ pid: process.pid, host: hostname(), purpose: 'test' });
    // the same process does not get the lock twice (two writers in one app)
    const e = lockedBy(f);
    expect(e.code).toBe('FILE_LOCKED');
    expect(e.message).toContain(`process ${process.pid}`);
    l.release();
    expect(existsSync(lockPathFor(f))).toBe(false);
    acquireLock(f).release();
  });

  it('honours a recent lock from another host and takes over an old one', () => {
    const f = join(dir, 'b.nxs');
    writeFileSync(
      lockPathFor(f),
      JSON.stringify({ pid: 4242, host: 'beamline-node-7', time: new Date().toISOString() }),
    );
    const e = lockedBy(f);
    expect(e.code).toBe('FILE_LOCKED');
    expect(e.message).toContain('beamline-node-7');
    const old = new Date(Date.now() - 2 * 86_400_000).toISOString();
    writeFileSync(lockPathFor(f), JSON.stringify({ pid: 4242, host: 'beamline-node-7', time: old }));
    const l = acquireLock(f);
    expect(readLock(f)?.pid).toBe(process.pid);
    l.release();
  });

  it('takes over the lock of a dead process on this host, and an unreadable lock once it is old', () => {
    const f = join(dir, 'c.nxs');
    // pid 2^22+7 is above Linux's default pid_max: no such process
    writeFileSync(
      lockPathFor(f),
      JSON.stringify({ pid: 4194311, host: hostname(), time: new Date().toISOString() }),
    );
    acquireLock(f).release();
    writeFileSync(lockPathFor(f), '{"pid": 1');
    expect(lockedBy(f).code).toBe('FILE_LOCKED');
    const t = new Date(Date.now() - 60_000);
    utimesSync(lockPathFor(f), t, t);
    acquireLock(f).release();
  });
});
