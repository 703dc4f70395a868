// The change poller on plain files: a rewrite in place, a file renamed over the path, a file that
// disappears and comes back; rebase() and close().
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  fileSignature,
  sameSignature,
  watchFileChanges,
  type FileSignature,
} from '../../../src/engine/io/file-watch.ts';

const dir = mkdtempSync(join(tmpdir(), 'nxr-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects the changes the poller reports. */
function collect(path: string, accept = true) {
  const seen: FileSignature[] = [];
  const w = watchFileChanges(
    path,
    (now) => {
      seen.push(now);
      return accept;
    },
    { intervalMs: 40, settleMs: 20 },
  );
  return { w, seen };
}

const waitFor = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await sleep(10);
  }
};

describe('watchFileChanges', () => {
  it('reports a rewrite in place (size/mtime) once, and nothing while the file stays still', async () => {
    const p = join(dir, 'a.bin');
    writeFileSync(p, 'one');
    const { w, seen } = collect(p);
    await w.rebase();
    await sleep(200);
    expect(seen).toHaveLength(0);
    writeFileSync(p, 'one two');
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ missing: false, size: 7 });
    await sleep(200);
    expect(seen).toHaveLength(1);
    w.close();
  });

  it('reports a file renamed over the path (new inode, same size) and a deleted file', async () => {
    const p = join(dir, 'b.bin');
    writeFileSync(p, 'abc');
    const before = await fileSignature(p);
    const { w, seen } = collect(p);
    await w.rebase();
    const tmp = join(dir, '.b.tmp');
    writeFileSync(tmp, 'xyz');
    renameSync(tmp, p);
    await waitFor(() => seen.length === 1);
    const now = seen[0]!;
    expect(now.missing).toBe(false);
    if (!now.missing && !before.missing) expect(now.ino).not.toBe(before.ino);
    rmSync(p);
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toMatchObject({ missing: true, code: 'ENOENT' });
    writeFileSync(p, 'back');
    await waitFor(() => seen.length === 3);
    expect(seen[2]).toMatchObject({ missing: false, size: 4 });
    w.close();
  });

  it('asks again while the listener declines the change, and not after rebase()', async () => {
    const p = join(dir, 'c.bin');
    writeFileSync(p, '1');
    const { w, seen } = collect(p, false);
    await w.rebase();
    writeFileSync(p, '12');
    await waitFor(() => seen.length >= 3);
    await w.rebase();
    const n = seen.length;
    await sleep(200);
    // at most one check that was already running when rebase() was called
    expect(seen.length - n).toBeLessThanOrEqual(1);
    w.close();
  });

  it('waits for a writer to finish before reporting (two stats settleMs apart agree)', async () => {
    const p = join(dir, 'd.bin');
    writeFileSync(p, '');
    const seen: FileSignature[] = [];
    const w = watchFileChanges(
      p,
      (now) => {
        seen.push(now);
        return true;
      },
      { intervalMs: 30, settleMs: 60 },
    );
    await w.rebase();
    // a slow writer: appends every 20 ms for 200 ms
    for (let i = 1; i <= 10; i++) {
      writeFileSync(p, 'x'.repeat(i));
      await sleep(20);
    }
    await waitFor(() => seen.length >= 1);
    await sleep(150);
    // one report, of the finished file (none of the 9 sizes on the way)
    expect(seen.map((s) => (s.missing ? -1 : s.size))).toEqual([10]);
    w.close();
  });

  it('stops when closed', async () => {
    const p = join(dir, 'e.bin');
    writeFileSync(p, 'e');
    const { w, seen } = collect(p);
    await w.rebase();
    w.close();
    expect(w.closed).toBe(true);
    writeFileSync(p, 'changed');
    await sleep(200);
    expect(seen).toHaveLength(0);
  });

  it('compares signatures field by field', async () => {
    const p = join(dir, 'f.bin');
    writeFileSync(p, 'f');
    const a = await fileSignature(p);
    expect(sameSignature(a, await fileSignature(p))).toBe(true);
    expect(sameSignature(a, { missing: true, code: 'ENOENT' })).toBe(false);
    expect(sameSignature({ missing: true, code: 'ENOENT' }, { missing: true, code: 'ENOENT' })).toBe(true);
    if (!a.missing) expect(sameSignature(a, { ...a, size: a.size + 1 })).toBe(false);
  });
});
