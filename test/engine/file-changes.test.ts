// The engine notices open files rewritten by someone else (h5py here: in place, and a new file
// renamed over the old one), reopens them and sends 'file:changed' through its message loop; a
// deleted or cut-short file is reported with a clear error while the old version stays readable;
// our own jobs' rewrites (Set as Parent) are not reported twice; closing a file stops its watcher;
// file:reload reopens on demand.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../src/engine/index.ts';
import { createNexusFile } from '../../src/engine/io/nexus-writer.ts';
import type { FileChangedEvent } from '../../src/shared/ipc.ts';
import type { JobEnd } from '../../src/shared/jobs.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../src/shared/rpc.ts';
import { pyJson, pyRun } from '../helpers/python.ts';

const INTERVAL_MS = 100;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A small wrapper-like file: /entry, /f1/summed_frames NXdata (1-D signal vs frame_number). */
async function writeScan(path: string): Promise<void> {
  const w = await createNexusFile(path, { overwrite: true });
  w.group('/entry', 'NXentry');
  w.field('/entry/title', 'before');
  w.group('/f1', 'NXentry');
  w.group('/f1/summed_frames', 'NXdata', { signal: 'summed_frames', axes: 'frame_number' });
  w.field('/f1/summed_frames/summed_frames', Float64Array.from([5, 7, 11, 13]));
  w.field('/f1/summed_frames/frame_number', Int32Array.from([0, 1, 2, 3]));
  w.close();
}

/** h5py adds /entry/<name> (a group with one field) to the file in place ('a' mode). */
const h5pyAddInPlace = (file: string, name: string): void => {
  pyRun(
    [
      'import sys, h5py',
      "with h5py.File(sys.argv[1], 'a') as f:",
      '    g = f.create_group(sys.argv[2])',
      "    g.attrs['NX_class'] = 'NXcollection'",
      "    g['value'] = 42.5",
    ].join('\n'),
    [file, `/entry/${name}`],
  );
};

/** h5py writes a copy with /entry/<name> and renames it over the file (what our writer does). */
const h5pyReplace = (file: string, name: string): void => {
  pyRun(
    [
      'import sys, os, shutil, h5py',
      "tmp = sys.argv[1] + '.tmp'",
      'shutil.copyfile(sys.argv[1], tmp)',
      "with h5py.File(tmp, 'a') as f:",
      "    f.create_group(sys.argv[2]).attrs['NX_class'] = 'NXcollection'",
      'os.replace(tmp, sys.argv[1])',
    ].join('\n'),
    [file, `/entry/${name}`],
  );
};

describe('engine: files changed on disk', () => {
  let engine: Engine;
  let client: RpcClient;
  let dir: string;
  let labelDir: string;
  let scan: string;
  const events: Array<FileChangedEvent & { at: number }> = [];
  const ends: JobEnd[] = [];

  const nextEvent = async (fileId: string, after: number, timeoutMs = 10_000) => {
    const t0 = Date.now();
    for (;;) {
      const e = events.find((x) => x.fileId === fileId && x.at >= after);
      if (e) return e;
      if (Date.now() - t0 > timeoutMs) throw new Error(`no file:changed for ${fileId} in ${timeoutMs} ms`);
      await sleep(5);
    }
  };
  const names = async (fileId: string, path: string): Promise<string[]> =>
    (await client.invoke('tree:children', fileId, path)).map((n) => n.name);

  beforeAll(async () => {
    engine = createEngine({ poolSize: 1, watchIntervalMs: INTERVAL_MS, watchSettleMs: 50 });
    const [a, b] = createLocalPortPair();
    serveEngine(engine, a);
    client = createRpcClient(b);
    client.on('file:changed', (e) => events.push({ ...e, at: performance.now() }));
    client.on('job:end', (e) => ends.push(e));
    dir = mkdtempSync(join(tmpdir(), 'nxr-file-changes-'));
    labelDir = join(dir, 'exp', 'sim', 'xtal1');
    mkdirSync(labelDir, { recursive: true });
    scan = join(labelDir, 'sim_300K.nxs');
    await writeScan(scan);
  });

  afterAll(async () => {
    client.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reloads a file h5py changed in place and one h5py replaced, and reports how fast', async () => {
    const { fileId } = await client.invoke('file:open', scan);
    expect(await names(fileId, '/entry')).toEqual(['title']);

    let t = performance.now();
    h5pyAddInPlace(scan, 'added_in_place');
    const written1 = performance.now();
    const e1 = await nextEvent(fileId, t);
    expect(e1).toMatchObject({ fileId, status: 'reloaded' });
    expect(e1.error).toBeUndefined();
    // the engine reads the new version: h5py's group and its value
    expect(await names(fileId, '/entry')).toEqual(['added_in_place', 'title']);
    expect((await client.invoke('tree:entity', fileId, '/entry/added_in_place/value')).value).toBe(42.5);

    t = performance.now();
    h5pyReplace(scan, 'added_by_rename');
    const written2 = performance.now();
    const e2 = await nextEvent(fileId, t);
    expect(e2.status).toBe('reloaded');
    expect(await names(fileId, '/entry')).toEqual(['added_by_rename', 'added_in_place', 'title']);
    console.log(
      `change detection (poll every ${INTERVAL_MS} ms, settle 50 ms): in place ${(e1.at - written1).toFixed(0)} ms, ` +
        `renamed over ${(e2.at - written2).toFixed(0)} ms after h5py exited`,
    );
    // one event per change
    await sleep(4 * INTERVAL_MS);
    expect(events.filter((e) => e.fileId === fileId)).toHaveLength(2);
    await client.invoke('file:close', fileId);
  });

  it('reports a deleted file and a cut-short one clearly, keeps the old version readable, and recovers', async () => {
    const file = join(dir, 'fragile.nxs');
    await writeScan(file);
    const { fileId } = await client.invoke('file:open', file);
    const keep = join(dir, 'fragile.keep');
    copyFileSync(file, keep);

    let t = performance.now();
    rmSync(file);
    const gone = await nextEvent(fileId, t);
    expect(gone).toMatchObject({ status: 'missing', error: { code: 'FILE_NOT_FOUND', file } });
    expect(gone.error?.message).toMatch(/deleted or moved/);
    expect(await names(fileId, '/entry')).toEqual(['title']);

    // back, cut to 40 %: not readable now
    t = performance.now();
    copyFileSync(keep, file);
    truncateSync(file, Math.floor(statSync(keep).size * 0.4));
    const cut = await nextEvent(fileId, t);
    expect(cut.status).toBe('unreadable');
    expect(cut.error).toMatchObject({ file });
    expect(cut.error?.message).toMatch(/^changed on disk and cannot be read now: /);
    expect(['TRUNCATED', 'NOT_HDF5']).toContain(cut.error?.code);
    expect(await names(fileId, '/f1/summed_frames')).toEqual(['frame_number', 'summed_frames']);

    // whole again (h5py then adds a group): reloaded
    t = performance.now();
    copyFileSync(keep, file);
    h5pyAddInPlace(file, 'restored');
    const back = await nextEvent(fileId, t);
    expect(back.status).toBe('reloaded');
    expect(await names(fileId, '/entry')).toEqual(['restored', 'title']);
    await client.invoke('file:close', fileId);
  });

  it('Set as Parent: the job rewrites the file and makes the link, with no file:changed of its own', async () => {
    const { fileId } = await client.invoke('file:open', scan);
    const before = events.length;
    const { jobId } = await client.invoke('job:start', { kind: 'set-parent', fileId });
    for (let i = 0; i < 400 && !ends.some((e) => e.jobId === jobId); i++) await sleep(25);
    const end = ends.find((e) => e.jobId === jobId);
    expect(end).toMatchObject({
      ok: true,
      kind: 'set-parent',
      fileChanged: true,
      result: { file: 'sim_300K.nxs', link: 'sim_parent.nxs' },
    });
    expect(readlinkSync(join(labelDir, 'sim_parent.nxs'))).toBe('sim_300K.nxs');
    // h5py reads the record the job wrote
    const parent = pyJson<string>(
      [
        'import sys, json, h5py',
        "with h5py.File(sys.argv[1], 'r') as f:",
        "    v = f['/entry/nxcopy/parent'][()]",
        '    print(json.dumps(v.decode() if isinstance(v, bytes) else str(v)))',
      ].join('\n'),
      [scan],
    );
    expect(parent).toBe('sim_300K.nxs');
    // the engine reopened the file at the job's end; the watcher does not report it again
    expect(await names(fileId, '/entry')).toContain('nxcopy');
    await sleep(5 * INTERVAL_MS);
    expect(events.slice(before).filter((e) => e.fileId === fileId)).toEqual([]);
    await client.invoke('file:close', fileId);
  });

  it('a closed file is not watched any more', async () => {
    const { fileId } = await client.invoke('file:open', scan);
    await client.invoke('file:close', fileId);
    const t = performance.now();
    h5pyAddInPlace(scan, 'after_close');
    await sleep(6 * INTERVAL_MS);
    expect(events.filter((e) => e.at >= t)).toEqual([]);
  });

  it('file:reload reopens on demand (watching off), and refuses a file that is gone', async () => {
    const quiet = createEngine({ poolSize: 1, watchIntervalMs: 0 });
    try {
      const file = join(dir, 'reload.nxs');
      await writeScan(file);
      const info = await quiet.api['file:open'](file);
      h5pyReplace(file, 'new_group');
      // the open version does not have it yet
      expect((await quiet.api['tree:children'](info.fileId, '/entry')).map((n) => n.name)).toEqual(['title']);
      const again = await quiet.api['file:reload'](info.fileId);
      expect(again).toMatchObject({ fileId: info.fileId, path: file, name: 'reload.nxs' });
      expect(again.sizeBytes).toBe(statSync(file).size);
      expect((await quiet.api['tree:children'](info.fileId, '/entry')).map((n) => n.name)).toEqual([
        'new_group',
        'title',
      ]);
      rmSync(file);
      await expect(quiet.api['file:reload'](info.fileId)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
      // the version opened before is still there
      expect(existsSync(file)).toBe(false);
      expect((await quiet.api['tree:children'](info.fileId, '/entry')).map((n) => n.name)).toContain(
        'new_group',
      );
    } finally {
      await quiet.close();
    }
  });
});
