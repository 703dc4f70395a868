/**
 * The Experiment jobs as the app runs them: requests through the engine's message loop, checked
 * field by field before they run, results with paths relative to the request's directory.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../../src/engine/index.ts';
import { configurationDefaults } from '../../../src/refine/experiment/configuration.ts';
import type { JobEnd } from '../../../src/shared/jobs.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';

describe('experiment jobs through the engine', () => {
  let engine: Engine;
  let client: RpcClient;
  let root: string;
  const savedServer = process.env['NX_SERVER'];

  beforeAll(() => {
    process.env['NX_SERVER'] = join(tmpdir(), 'nxr-no-such-server-dir');
    engine = createEngine({ poolSize: 1 });
    const [a, b] = createLocalPortPair();
    serveEngine(engine, a);
    client = createRpcClient(b);
    root = mkdtempSync(join(tmpdir(), 'nxr-experiment-jobs-'));
  });
  afterAll(async () => {
    if (savedServer === undefined) delete process.env['NX_SERVER'];
    else process.env['NX_SERVER'] = savedServer;
    client.close();
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  const run = async (req: Record<string, unknown>): Promise<JobEnd> => {
    const ended = new Promise<JobEnd>((res) => {
      const off = client.on('job:end', (e: JobEnd) => {
        off();
        res(e);
      });
    });
    await client.invoke('job:start', req as never);
    return ended;
  };

  it('runs New Experiment → New Configuration → New Sample → New Scan and reads the experiment back', async () => {
    const exp = join(root, 'exp1');
    const e1 = await run({ kind: 'new-experiment', directory: exp, source: 'CHESS', instrument: 'QM2' });
    if (!e1.ok || e1.kind !== 'new-experiment') throw new Error(JSON.stringify(e1));
    expect(e1.result).toEqual({
      created: ['.', 'configurations', 'tasks', 'calibrations', 'scripts', 'tasks/settings.ini'],
      existing: [],
      settingsFile: 'tasks/settings.ini',
      fromServer: false,
      instrument: {
        source: 'CHESS',
        instrument: 'QM2',
        raw_home: null,
        raw_path: null,
        analysis_path: null,
        experiment: 'exp1',
      },
    });
    const values = { ...configurationDefaults(), detector: 'Pilatus 100k', phiEnd: 1 };
    const e2 = await run({ kind: 'new-configuration', directory: exp, name: 'tiny', values });
    if (!e2.ok || e2.kind !== 'new-configuration') throw new Error(JSON.stringify(e2));
    expect(e2.result).toEqual({
      file: 'configurations/tiny.nxs',
      entries: ['entry', 'f1'],
      detector: { name: 'Pilatus 100k', shape: [195, 487], pixelSize: 0.172, maskedPixels: 0 },
      nframes: 60,
    });
    const e3 = await run({ kind: 'new-sample', directory: exp, sample: 'LaB6', label: 'xtal1' });
    expect(e3.ok && e3.kind === 'new-sample' ? e3.result : e3).toEqual({
      labelDir: 'LaB6/xtal1',
      created: true,
    });
    const e4 = await run({
      kind: 'new-scan',
      directory: exp,
      sample: 'LaB6',
      label: 'xtal1',
      configuration: 'tiny',
      values: { scan: '100K', temperature: 100 },
    });
    expect(e4.ok && e4.kind === 'new-scan' ? e4.result : e4).toEqual({
      wrapperFile: 'LaB6/xtal1/LaB6_100K.nxs',
      scanDir: 'LaB6/xtal1/100K',
      links: [{ entry: 'f1', file: '100K/f1.h5', path: '/entry/data/data', exists: false }],
      nframes: 60,
    });
    const r = await run({ kind: 'read-experiment', directory: exp, configuration: 'tiny' });
    if (!r.ok || r.kind !== 'read-experiment') throw new Error(JSON.stringify(r));
    expect(r.result.isExperiment).toBe(true);
    expect(r.result.samples).toEqual([{ sample: 'LaB6', label: 'xtal1', scans: ['100K'] }]);
    expect(r.result.configurations).toEqual(['tiny']);
    expect(r.result.instruments).toEqual(['QM2']);
    expect(r.result.serverInstrument).toBeNull();
    expect(r.result.configuration).toMatchObject({
      name: 'tiny',
      entries: ['f1'],
      shape: [195, 487],
      phiEnd: 1,
    });
    expect(r.result.settings['instrument']!['source']).toBe('CHESS');
    const s = await run({
      kind: 'edit-settings',
      scope: 'experiment',
      directory: exp,
      values: { 'nxreduce.norm': '1e5' },
    });
    if (!s.ok || s.kind !== 'edit-settings') throw new Error(JSON.stringify(s));
    expect(s.result.file).toBe('tasks/settings.ini');
    expect(s.result.changed).toEqual([{ section: 'nxreduce', key: 'norm', from: 50000, to: 100000 }]);
  });

  it('refuses malformed requests before they run', async () => {
    const refused = async (req: Record<string, unknown>): Promise<string> => {
      try {
        await client.invoke('job:start', req as never);
      } catch (e) {
        return (e as Error).message;
      }
      const end = await new Promise<JobEnd>((res) => client.on('job:end', res));
      return end.ok ? 'ran' : `job failed: ${end.error.message}`;
    };
    expect(
      await refused({ kind: 'new-sample', directory: 'relative/exp', sample: 'a', label: 'b' }),
    ).toContain("new-sample: 'directory' must be an absolute path (got 'relative/exp')");
    expect(await refused({ kind: 'new-sample', directory: root, sample: 'a' })).toContain(
      "new-sample: 'label' is required",
    );
    expect(
      await refused({ kind: 'new-configuration', directory: root, name: 'x', values: 'pilatus' }),
    ).toContain("new-configuration: 'values' must be a object");
    expect(
      await refused({
        kind: 'new-configuration',
        directory: root,
        name: 'x',
        values: { ...configurationDefaults(), detector: 7 },
      }),
    ).toBe('job failed: values.detector must be a string');
    expect(await refused({ kind: 'read-settings', scope: 'cluster' })).toBe(
      "job failed: scope must be 'experiment' or 'server', got 'cluster'",
    );
    expect(readdirSync(root)).toEqual(['exp1']);
  });
});
