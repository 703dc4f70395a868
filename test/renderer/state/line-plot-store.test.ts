// The line plot store against a real engine: what Plot means for real files in both NXdata
// conventions (nexus-exampledata writer_1_3*.h5), and the values, axis and titles it draws
// (compared with h5py's reading of the same files).
import { resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../../src/engine/index.ts';
import { rpcBridge } from '../../../src/renderer/bridge/rpc-bridge.ts';
import {
  createLinePlotStore,
  parentPath,
  resolveNodePlot,
} from '../../../src/renderer/state/line-plot-store.ts';
import type { NxrBridge } from '../../../src/shared/ipc.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';
import { pyJson } from '../../helpers/python.ts';

const realdata = resolve(import.meta.dirname, '../../../../shared/realdata');
const oldStyle = resolve(realdata, 'nexus-exampledata/hdf5/writer_1_3.h5');
const newStyle = resolve(realdata, 'nexus-exampledata/hdf5/writer_1_3__niac2014.h5');
const chopper = resolve(realdata, 'nexpy-examples/chopper.nxs');

const h5 = (file: string, path: string): number[] =>
  pyJson<number[]>(
    "import sys, json, h5py\nf = h5py.File(sys.argv[1], 'r')\nprint(json.dumps(f[sys.argv[2]][()].tolist()))",
    [file, path],
  );

describe('line plots of real files', () => {
  let engine: Engine;
  let client: RpcClient;
  let bridge: NxrBridge;

  beforeAll(() => {
    engine = createEngine({ poolSize: 1, watchIntervalMs: 0 });
    const [a, b] = createLocalPortPair();
    serveEngine(engine, a);
    client = createRpcClient(b);
    bridge = rpcBridge(client);
  });

  afterAll(async () => {
    client.close();
    await engine.close();
  });

  it('knows the group of a path', () => {
    expect(parentPath('/Scan/data/counts')).toBe('/Scan/data');
    expect(parentPath('/Scan')).toBe('/');
    expect(parentPath('/')).toBeNull();
  });

  for (const [style, file] of [
    ['old style (@signal=1, @axes on the field)', oldStyle],
    ['NIAC2014 style (@signal, @axes on the group)', newStyle],
  ] as const) {
    it(`${style}: the NXdata group and its signal plot counts vs two_theta`, async () => {
      const { fileId } = await bridge.openFile(file);
      const want = { kind: 'line', signal: '/Scan/data/counts', axis: '/Scan/data/two_theta' };
      expect(await resolveNodePlot(bridge, fileId, '/Scan/data')).toEqual(want);
      expect(await resolveNodePlot(bridge, fileId, '/Scan/data/counts')).toEqual(want);
      // the axis itself plots against its index
      expect(await resolveNodePlot(bridge, fileId, '/Scan/data/two_theta')).toEqual({
        kind: 'line',
        signal: '/Scan/data/two_theta',
        axis: null,
      });
      const store = createLinePlotStore(bridge);
      await store.getState().plot({ fileId, node: '/Scan/data', signal: want.signal, axis: want.axis });
      const s = store.getState();
      expect(s.error).toBeNull();
      expect(Array.from(s.data!.y)).toEqual(h5(file, '/Scan/data/counts'));
      expect(Array.from(s.data!.x)).toEqual(h5(file, '/Scan/data/two_theta'));
      expect(s.data!.y).toHaveLength(31);
      // h5py: counts @units 'counts'; two_theta @units 'degrees'
      expect(s.data!.yTitle).toBe('counts');
      expect(s.data!.xTitle).toBe('two_theta (degrees)');
      expect(s.data!.xIsIndex).toBe(false);
      // h5py: two_theta runs down, 17.92608 → 17.92108 (the read-out bisects it backwards)
      expect(s.data!.direction).toBe(-1);
      await bridge.closeFile(fileId);
    });
  }

  it('chopper.nxs: a 2-D NXdata is an image, a title string cannot be plotted, a 1-D axis can', async () => {
    const { fileId } = await bridge.openFile(chopper);
    expect(await resolveNodePlot(bridge, fileId, '/entry/data')).toEqual({
      kind: 'image',
      signal: '/entry/data/data',
    });
    expect(await resolveNodePlot(bridge, fileId, '/entry/title')).toMatchObject({ kind: 'none' });
    // h5py: entry/data/polar_angle (148,) — an axis of the 2-D signal: plotted against its index
    const pa = await resolveNodePlot(bridge, fileId, '/entry/data/polar_angle');
    expect(pa).toEqual({ kind: 'line', signal: '/entry/data/polar_angle', axis: null });
    const store = createLinePlotStore(bridge);
    await store.getState().plot({
      fileId,
      node: pa.kind === 'line' ? pa.signal : '',
      signal: '/entry/data/polar_angle',
      axis: null,
    });
    expect(Array.from(store.getState().data!.y)).toEqual(h5(chopper, '/entry/data/polar_angle'));
    // h5py: long_name 'Polar Angle [degrees]'
    expect(store.getState().data!.yTitle).toBe('Polar Angle [degrees]');
    expect(store.getState().data!.xTitle).toBe('index');
    await bridge.closeFile(fileId);
  });
});
