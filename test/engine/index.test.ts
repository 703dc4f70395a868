// The engine API through its message loop (in-process port pair), against real files and a stack
// written here. Values are checked against h5py readings of the same files (see comments).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../src/engine/index.ts';
import type { EntryMonitor } from '../../src/shared/ipc.ts';
import type { JobEnd, JobLog, JobProgress } from '../../src/shared/jobs.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../src/shared/rpc.ts';
import { directFrameMaxima, directFrameSums, writeStack, type StackSpec } from './pool/make-stack.ts';

const realdata = resolve(import.meta.dirname, '../../../shared/realdata');
const chopper = join(realdata, 'nexpy-examples/chopper.nxs');
const csv3sb5 = join(realdata, 'nxs-analysis-tools/CsV3Sb5_100.nxs');

describe('engine over its message loop', () => {
  let engine: Engine;
  let client: RpcClient;
  let dir: string;
  let stack: string;
  let values: Int32Array;
  const spec: StackSpec = { frames: 9, rows: 11, cols: 7, seed: 7 };

  beforeAll(async () => {
    engine = createEngine({ poolSize: 2 });
    const [a, b] = createLocalPortPair();
    serveEngine(engine, a);
    client = createRpcClient(b);
    dir = mkdtempSync(join(tmpdir(), 'nxr-engine-'));
    stack = join(dir, 'stack.nxs');
    values = await writeStack(stack, spec);
  });

  afterAll(async () => {
    client.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens chopper.nxs and lists its tree lazily with NX_class, shape, dtype and NeXus links', async () => {
    const info = await client.invoke('file:open', chopper);
    expect(info).toMatchObject({ name: 'chopper.nxs', sizeBytes: 382_712, path: chopper });
    expect(info.root).toMatchObject({ path: '/', kind: 'group', childCount: 1 });

    const top = await client.invoke('tree:children', info.fileId, '/');
    expect(top.map((n) => [n.name, n.kind, n.nxClass])).toEqual([['entry', 'group', 'NXentry']]);

    const entry = await client.invoke('tree:children', info.fileId, '/entry');
    const names = entry.map((n) => n.name);
    expect(names).toEqual(
      expect.arrayContaining(['data', 'instrument', 'monitor1', 'monitor2', 'sample', 'title']),
    );
    // h5py: entry/monitor1 NX_class NXmonitor; entry/title (1,) |S44
    expect(entry.find((n) => n.name === 'monitor1')).toMatchObject({ kind: 'group', nxClass: 'NXmonitor' });
    expect(entry.find((n) => n.name === 'title')).toMatchObject({ kind: 'dataset', shape: [1] });

    const data = await client.invoke('tree:children', info.fileId, '/entry/data');
    // h5py: data (148, 750) int32; polar_angle has @target /entry/instrument/detector/polar_angle
    expect(data.find((n) => n.name === 'data')).toMatchObject({ shape: [148, 750], dtype: '<i4' });
    expect(data.find((n) => n.name === 'polar_angle')).toMatchObject({
      shape: [148],
      link: { type: 'hard', target: '/entry/instrument/detector/polar_angle' },
    });
    // listings stay light: no attributes
    expect(data.every((n) => n.attributes.length === 0)).toBe(true);
    await client.invoke('file:close', info.fileId);
  });

  it('finds an entry monitor as the reduction does (data:read monitor), or says why not', async () => {
    const { fileId } = await client.invoke('file:open', chopper);
    // h5py: entry/monitor1 NXmonitor, @signal 'data', data (1000,) int32, starts 0 0 0 0 1, sum 146389
    const m = (await client.invoke('data:read', {
      kind: 'monitor',
      fileId,
      entry: 'entry',
      name: 'monitor1',
      frames: 1000,
    })) as EntryMonitor;
    expect(m.path).toBe('/entry/monitor1/data');
    const values = (m as { values: Float64Array }).values;
    expect(Array.from(values.subarray(0, 5))).toEqual([0, 0, 0, 0, 1]);
    expect(values.reduce((a, b) => a + b, 0)).toBe(146389);
    // a longer series is cut to the scan; a shorter one and a missing one are explained
    const cut = await client.invoke('data:read', {
      kind: 'monitor',
      fileId,
      entry: 'entry',
      name: 'monitor1',
      frames: 4,
    });
    expect(Array.from((cut as { values: Float64Array }).values)).toEqual([0, 0, 0, 0]);
    expect(
      await client.invoke('data:read', {
        kind: 'monitor',
        fileId,
        entry: 'entry',
        name: 'monitor1',
        frames: 1001,
      }),
    ).toEqual({ path: null, reason: '/entry/monitor1/data has 1000 values for 1001 frames' });
    expect(
      await client.invoke('data:read', { kind: 'monitor', fileId, entry: 'entry', name: 'MCS9', frames: 10 }),
    ).toEqual({ path: null, reason: "no monitor 'MCS9' in /entry" });
    await expect(
      client.invoke('data:read', { kind: 'monitor', fileId, entry: 'entry', name: 'monitor1', frames: -1 }),
    ).rejects.toThrow(/monitor: entry, name, frames/);
    await client.invoke('file:close', fileId);
  });

  it('gives an entity with its attributes and, for small fields, its value', async () => {
    const { fileId } = await client.invoke('file:open', chopper);
    const nxdata = await client.invoke('tree:entity', fileId, '/entry/data');
    const attrs = Object.fromEntries(nxdata.attributes.map((a) => [a.name, a.value]));
    // h5py: {'NX_class': 'NXdata', 'axes': ['polar_angle', 'time_of_flight'], 'signal': 'data'}
    expect(attrs).toEqual({ NX_class: 'NXdata', axes: ['polar_angle', 'time_of_flight'], signal: 'data' });

    const temp = await client.invoke('tree:entity', fileId, '/entry/sample/temperature');
    expect(temp.value).toBe(8); // h5py: 8.0 K
    expect(temp.attributes.find((a) => a.name === 'units')?.value).toBe('K');
    const run = await client.invoke('tree:entity', fileId, '/entry/run_number');
    expect(run.value).toEqual([3701]);
    // big fields carry no value
    const counts = await client.invoke('tree:entity', fileId, '/entry/data/data');
    expect(counts.value).toBeUndefined();
    expect(counts.attributes.find((a) => a.name === 'long_name')?.value).toBe('Neutron Counts');
    await client.invoke('file:close', fileId);
  });

  it('shows a dangling external link instead of hiding it', async () => {
    const { fileId } = await client.invoke('file:open', csv3sb5);
    const members = await client.invoke('tree:children', fileId, '/entry/transform');
    // h5py: entry/transform/data is ExternalLink to "/entry/data/v" in file "100/transform.nxs" (absent)
    expect(members.find((n) => n.name === 'data')).toMatchObject({
      kind: 'external-link',
      dangling: true,
      link: { type: 'external', file: '100/transform.nxs', target: '/entry/data/v' },
    });
    await expect(client.invoke('data:frame', fileId, '/entry/transform/data', 0)).rejects.toMatchObject({
      code: 'DANGLING_LINK',
      path: '/entry/transform/data',
    });
    await client.invoke('file:close', fileId);
  });

  it('reads one frame of a stack as a typed array', async () => {
    const { fileId } = await client.invoke('file:open', stack);
    const frame = await client.invoke('data:frame', fileId, '/entry/data/data', 4);
    expect(frame).toMatchObject({ index: 4, frameCount: 9, shape: [11, 7], dtype: '<i4' });
    expect(frame.data).toBeInstanceOf(Int32Array);
    const px = spec.rows * spec.cols;
    expect(Array.from(frame.data)).toEqual(Array.from(values.subarray(4 * px, 5 * px)));
    await expect(client.invoke('data:frame', fileId, '/entry/data/data', 9)).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    await client.invoke('file:close', fileId);
  });

  it('runs a frame-stats job with integer progress, log lines and the exact sums', async () => {
    const { fileId } = await client.invoke('file:open', stack);
    const progress: JobProgress[] = [];
    const logs: JobLog[] = [];
    const ended = new Promise<JobEnd>((res) => client.on('job:end', res));
    const offP = client.on('job:progress', (p) => progress.push(p));
    const offL = client.on('job:log', (l) => logs.push(l));
    const { jobId } = await client.invoke('job:start', {
      kind: 'frame-stats',
      fileId,
      path: '/entry/data/data',
    });
    const end = await ended;
    offP();
    offL();
    expect(end).toMatchObject({ jobId, kind: 'frame-stats', ok: true });
    if (!end.ok || end.kind !== 'frame-stats') throw new Error('job failed');
    expect(Array.from(end.result.sums)).toEqual(directFrameSums(values, spec));
    expect(Array.from(end.result.maxima)).toEqual(directFrameMaxima(values, spec));
    const percents = progress.map((p) => p.percent);
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBe(100);
    expect(percents.every((p, i) => Number.isInteger(p) && (i === 0 || p > percents[i - 1]!))).toBe(true);
    expect(logs[0]?.message).toBe("'frame-stats' started");
    expect(logs.at(-1)?.message).toMatch(/^'frame-stats' complete \(\d+(\.\d+)? seconds\)$/);
    await client.invoke('file:close', fileId);
  });

  it('cancels a job: it ends with CANCELLED and logs it', async () => {
    const { fileId } = await client.invoke('file:open', stack);
    const ended = new Promise<JobEnd>((res) => client.on('job:end', res));
    const { jobId } = await client.invoke('job:start', {
      kind: 'frame-stats',
      fileId,
      path: '/entry/data/data',
    });
    await client.invoke('job:cancel', jobId);
    const end = await ended;
    expect(end).toMatchObject({ jobId, ok: false, error: { code: 'CANCELLED' } });
    await client.invoke('file:close', fileId);
  });

  it('answers bad requests with typed errors naming the file', async () => {
    const missing = join(dir, 'missing.nxs');
    await expect(client.invoke('file:open', missing)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      file: missing,
    });
    const hdf4 = join(realdata, 'nexus-exampledata/code/hdf4/NXtest.hdf');
    await expect(client.invoke('file:open', hdf4)).rejects.toMatchObject({ code: 'NOT_HDF5' });
    await expect(client.invoke('tree:children', 'f999', '/')).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    // arguments are checked before anything runs
    const raw = client.invoke as unknown as (c: string, ...a: unknown[]) => Promise<unknown>;
    await expect(raw('data:frame', 'f1', '/x', -1)).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    await expect(raw('fs:rmrf', '/')).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    await expect(raw('job:start', { kind: 'format-disk', fileId: 'f1', path: '/' })).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    expect(engine.openFileIds()).toEqual([]);
  });
});
