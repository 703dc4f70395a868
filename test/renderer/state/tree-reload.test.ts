// Reloading the tree keeps what the user had open: the pure helpers, then the tree store against a
// real engine while h5py rewrites the open file (the engine's file:changed drives the reload).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../../src/engine/index.ts';
import { createNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { rpcBridge } from '../../../src/renderer/bridge/rpc-bridge.ts';
import {
  createTreeStore,
  expandedLevels,
  fileChangedText,
  nearestExisting,
  sameNodeState,
  visibleRows,
  type TreeStore,
} from '../../../src/renderer/state/tree-store.ts';
import type { NxrBridge } from '../../../src/shared/ipc.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';
import { pyRun } from '../../helpers/python.ts';

describe('reload state helpers', () => {
  it('orders expanded groups by level from the root', () => {
    expect(
      expandedLevels({
        '/f1/data': true,
        '/': true,
        '/f1': true,
        '/entry': true,
        '/gone': false,
        '/f1/data/x': true,
      }),
    ).toEqual([['/'], ['/entry', '/f1'], ['/f1/data'], ['/f1/data/x']]);
    expect(expandedLevels({})).toEqual([]);
    // a gap (parent collapsed, child still marked) keeps the levels apart
    expect(expandedLevels({ '/': true, '/a/b': true })).toEqual([['/'], ['/a/b']]);
  });

  it('keeps the selection, else its nearest remaining ancestor', () => {
    const has = (p: string): boolean => ['/', '/f1', '/f1/data'].includes(p);
    expect(nearestExisting('/f1/data', has)).toBe('/f1/data');
    expect(nearestExisting('/f1/data/gone/deeper', has)).toBe('/f1/data');
    expect(nearestExisting('/f1/summed_frames/summed_frames', has)).toBe('/f1');
    expect(nearestExisting('/other/x', has)).toBe('/');
    expect(nearestExisting('/', has)).toBe('/');
  });

  it('keeps a row’s state object only when nothing it shows changed', () => {
    const node = {
      name: 'x',
      path: '/x',
      kind: 'dataset' as const,
      attributes: [],
      shape: [3],
      dtype: '<f8',
    };
    const a = { node, childPaths: ['/x/a'] };
    expect(sameNodeState(a, { node: { ...node }, childPaths: ['/x/a'] })).toBe(true);
    expect(sameNodeState(a, { node: { ...node, shape: [4] }, childPaths: ['/x/a'] })).toBe(false);
    expect(sameNodeState(a, { node, childPaths: ['/x/a', '/x/b'] })).toBe(false);
    expect(sameNodeState(a, { node })).toBe(false);
    expect(sameNodeState({ node }, { node, error: { code: 'INTERNAL', message: 'x' } })).toBe(false);
  });

  it('words the file:changed notices', () => {
    const t = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(fileChangedText({ fileId: 'f1', status: 'reloaded', time: t }, 'a.nxs')).toMatchObject({
      level: 'info',
      text: expect.stringMatching(/^a\.nxs changed on disk and was reloaded \(/) as unknown as string,
    });
    const gone = fileChangedText(
      {
        fileId: 'f1',
        status: 'missing',
        time: t,
        error: { code: 'FILE_NOT_FOUND', message: 'the file was deleted or moved away', file: '/d/a.nxs' },
      },
      'a.nxs',
    );
    expect(gone.level).toBe('error');
    expect(gone.text).toMatch(
      /a\.nxs is gone from disk .*: \/d\/a\.nxs: the file was deleted or moved away$/,
    );
    expect(
      fileChangedText(
        { fileId: 'f1', status: 'unreadable', time: t, error: { code: 'TRUNCATED', message: 'cut' } },
        'a.nxs',
      ).level,
    ).toBe('warn');
  });
});

describe('tree store reload (engine + h5py)', () => {
  let engine: Engine;
  let client: RpcClient;
  let bridge: NxrBridge;
  let store: TreeStore;
  let dir: string;
  let file: string;

  const py = (body: string): void => {
    pyRun(['import sys, h5py', "f = h5py.File(sys.argv[1], 'a')", body, 'f.close()'].join('\n'), [file]);
  };
  const waitFor = async (cond: () => boolean, ms = 10_000): Promise<void> => {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const paths = (): string[] => visibleRows(store.getState().file!).map((r) => r.path);

  beforeAll(async () => {
    engine = createEngine({ poolSize: 1, watchIntervalMs: 100, watchSettleMs: 50 });
    const [a, b] = createLocalPortPair();
    serveEngine(engine, a);
    client = createRpcClient(b);
    bridge = rpcBridge(client);
    store = createTreeStore(bridge);
    bridge.onFileChanged((e) => void store.getState().fileChanged(e));
    dir = mkdtempSync(join(tmpdir(), 'nxr-tree-reload-'));
    file = join(dir, 'scan.nxs');
    const w = await createNexusFile(file);
    w.group('/entry', 'NXentry');
    w.field('/entry/title', 'scan');
    w.group('/f1', 'NXentry');
    w.group('/f1/summed_frames', 'NXdata', { signal: 'summed_frames', axes: 'frame_number' });
    w.field('/f1/summed_frames/summed_frames', Float64Array.from([1, 2, 3]));
    w.field('/f1/summed_frames/frame_number', Int32Array.from([0, 1, 2]));
    w.group('/f1/instrument', 'NXinstrument');
    w.field('/f1/instrument/name', 'sim');
    w.close();
  });

  afterAll(async () => {
    client.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a node h5py added, keeping the expanded groups and the selection', async () => {
    await store.getState().openFile(file);
    await store.getState().expand('/f1');
    await store.getState().expand('/f1/summed_frames');
    await store.getState().select('/f1/summed_frames/frame_number');
    const before = paths();
    expect(before).toEqual([
      '/',
      '/entry',
      '/f1',
      '/f1/instrument',
      '/f1/summed_frames',
      '/f1/summed_frames/frame_number',
      '/f1/summed_frames/summed_frames',
    ]);
    py("g = f.create_group('/f1/radial_sum'); g.attrs['NX_class'] = 'NXdata'");
    await waitFor(() => paths().includes('/f1/radial_sum'));
    const s = store.getState();
    expect(s.notice).toMatchObject({
      level: 'info',
      text: expect.stringContaining('changed on disk and was reloaded'),
    });
    expect(Object.keys(s.file!.expanded).sort()).toEqual(['/', '/f1', '/f1/summed_frames']);
    expect(s.file!.selected).toBe('/f1/summed_frames/frame_number');
    expect(s.file!.entity?.path).toBe('/f1/summed_frames/frame_number');
    expect(paths()).toEqual([...before.slice(0, 4), '/f1/radial_sum', ...before.slice(4)]);
  });

  it('moves the selection to the nearest remaining ancestor when its group is deleted', async () => {
    py("del f['/f1/summed_frames']");
    await waitFor(() => !paths().includes('/f1/summed_frames'));
    const s = store.getState();
    expect(s.file!.selected).toBe('/f1');
    expect(Object.keys(s.file!.expanded).sort()).toEqual(['/', '/f1']);
    expect(paths()).toEqual(['/', '/entry', '/f1', '/f1/instrument', '/f1/radial_sum']);
  });

  it('Reload (reopen) of a file that is gone reports it and keeps the tree', async () => {
    const rows = paths();
    rmSync(file);
    await waitFor(() => store.getState().notice?.level === 'error');
    expect(store.getState().notice?.text).toMatch(/scan\.nxs is gone from disk/);
    expect(await store.getState().reload({ reopen: true })).toBe(false);
    expect(store.getState().error).toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(paths()).toEqual(rows);
  });
});
