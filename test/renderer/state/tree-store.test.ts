// The tree store against a real engine (in-process, over the message loop), on real files.
import { resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../../src/engine/index.ts';
import { rpcBridge } from '../../../src/renderer/bridge/rpc-bridge.ts';
import { createTreeStore, visibleRows, type TreeStore } from '../../../src/renderer/state/tree-store.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';

const realdata = resolve(import.meta.dirname, '../../../../shared/realdata');

describe('tree store', () => {
  let engine: Engine;
  let client: RpcClient;
  let store: TreeStore;

  beforeAll(() => {
    engine = createEngine();
    const [a, b] = createLocalPortPair();
    serveEngine(engine, a);
    client = createRpcClient(b);
    store = createTreeStore(rpcBridge(client));
  });

  afterAll(async () => {
    client.close();
    await engine.close();
  });

  it('opens a file with its root expanded and selected, and loads groups lazily', async () => {
    await store.getState().openFile(resolve(realdata, 'nexpy-examples/chopper.nxs'));
    const f = store.getState().file!;
    expect(f.selected).toBe('/');
    expect(f.expanded).toEqual({ '/': true });
    expect(Object.keys(f.nodes).sort()).toEqual(['/', '/entry']);
    expect(f.entity?.attributes.map((a) => a.name)).toEqual(
      expect.arrayContaining(['HDF5_Version', 'NeXus_version', 'default', 'file_name', 'file_time']),
    );
    await store.getState().expand('/entry');
    const rows = visibleRows(store.getState().file!);
    expect(rows.slice(0, 3).map((r) => [r.path, r.level, r.pos, r.setSize])).toEqual([
      ['/', 1, 1, 1],
      ['/entry', 2, 1, 1],
      ['/entry/analysis', 3, 1, 10],
    ]);
    expect(rows).toHaveLength(12);
    store.getState().collapse('/entry');
    expect(visibleRows(store.getState().file!)).toHaveLength(2);
  });

  it('keeps the attributes of the selected node only', async () => {
    await store.getState().expand('/entry');
    await store.getState().expand('/entry/sample');
    await store.getState().select('/entry/sample/temperature');
    const f = store.getState().file!;
    expect(f.entity?.path).toBe('/entry/sample/temperature');
    expect(f.entity?.value).toBe(8);
  });

  it('expands all 773 links of 4n8z.h5 (70 groups, 703 datasets)', async () => {
    await store.getState().openFile(resolve(realdata, 'nexus-exampledata/nxpdb/hdf5/4n8z.h5'));
    await store.getState().expandAll();
    const f = store.getState().file!;
    const rows = visibleRows(f);
    expect(rows).toHaveLength(774);
    expect(rows.filter((r) => f.nodes[r.path]?.node.kind === 'dataset')).toHaveLength(703);
    expect(rows.filter((r) => f.nodes[r.path]?.node.kind === 'group')).toHaveLength(71);
    // the previous file was closed by the engine
    expect(engine.openFileIds()).toEqual([f.info.fileId]);
  });

  it('reports a file that cannot be opened, keeping the open one', async () => {
    const before = store.getState().file;
    await store.getState().openFile(resolve(realdata, 'nexus-exampledata/code/hdf4/NXtest.hdf'));
    expect(store.getState().error).toMatchObject({ code: 'NOT_HDF5' });
    expect(store.getState().file).toBe(before);
    await store.getState().closeFile();
    expect(store.getState().file).toBeNull();
    expect(engine.openFileIds()).toEqual([]);
  });
});
