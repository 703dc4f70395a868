/**
 * Import Scans and Sum Scans as the app runs them: experiment jobs through the engine's message
 * loop (request checks, progress, summaries with relative paths only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../../src/engine/index.ts';
import type { JobEnd, JobProgress, JobRequest } from '../../../src/shared/jobs.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';
import { qm2Spec, writeQm2Tree, type QmTree } from '../beamlines/qm2-fixture.ts';
import { simulateScan } from './simulated.ts';

let engine: Engine;
let client: RpcClient;
let root: string;
let tree: QmTree;
let labelDir: string;

async function runJob(request: JobRequest): Promise<{ end: JobEnd; progress: number[] }> {
  const progress: number[] = [];
  const { jobId } = await client.invoke('job:start', request);
  const off = client.on('job:progress', (p: JobProgress) => {
    if (p.jobId === jobId) progress.push(p.percent);
  });
  const end = await new Promise<JobEnd>((res) => {
    const offEnd = client.on('job:end', (e: JobEnd) => {
      if (e.jobId === jobId) {
        offEnd();
        res(e);
      }
    });
  });
  off();
  return { end, progress };
}

beforeAll(async () => {
  engine = createEngine({ poolSize: 2 });
  const [a, b] = createLocalPortPair();
  serveEngine(engine, a);
  client = createRpcClient(b);
  root = mkdtempSync(join(tmpdir(), 'nxr-scan-jobs-'));
  tree = await writeQm2Tree({
    root,
    experiment: 'qm2-run',
    sample: 'Si',
    label: 'x1',
    scans: { '20K': [{ nnn: 3, indices: [0, 1, 2, 3] }], '40K': [{ nnn: 4, indices: [0, 1, 2, 3] }] },
    spec: qm2Spec('Si', [
      { number: 3, frames: 4, chi: 90, th: 0, phi0: 0, step: 0.5, temp: 20 },
      { number: 4, frames: 4, chi: 90, th: 0, phi0: 0, step: 0.5, temp: 40 },
    ]),
  });
  const sim = join(root, 'sim');
  for (const [scan, seed] of [
    ['p', 41],
    ['q', 42],
  ] as const)
    labelDir = join((await simulateScan(sim, { scan, seed, frames: 12 })).wrapper, '..');
});

afterAll(async () => {
  client.close();
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

describe('Import Scans and Sum Scans as engine jobs', () => {
  it('list-raw-scans, then import-scans of one chosen scan', async () => {
    const list = await runJob({
      kind: 'list-raw-scans',
      directory: tree.experimentDir,
      sample: 'Si',
      label: 'x1',
    });
    expect(list.end.ok).toBe(true);
    if (!list.end.ok || list.end.kind !== 'list-raw-scans') throw new Error('failed');
    expect(list.end.result).toMatchObject({
      beamline: 'QM2',
      beamlines: ['QM2'],
      rawDirectoryFrom: 'settings',
      samples: ['Si/x1'],
      configurations: ['default.nxs'],
    });
    expect(list.end.result.scans.map((s) => [s.scan, s.wrapper, s.exists])).toEqual([
      ['20K', 'Si/x1/Si_20K.nxs', false],
      ['40K', 'Si/x1/Si_40K.nxs', false],
    ]);
    const imp = await runJob({
      kind: 'import-scans',
      directory: tree.experimentDir,
      sample: 'Si',
      label: 'x1',
      configuration: 'default',
      scans: ['40K'],
    });
    if (!imp.end.ok || imp.end.kind !== 'import-scans') throw new Error(JSON.stringify(imp.end));
    expect(imp.end.result.imported.map((s) => [s.scan, s.wrapper, s.entries[0]!.rawFile])).toEqual([
      ['40K', 'Si/x1/Si_40K.nxs', 'Si/x1/40K/f1.h5'],
    ]);
    expect(JSON.stringify(imp.end.result)).not.toContain(root); // no absolute paths
    expect(imp.progress.at(-1)).toBe(100);
  });

  it('refuses a relative raw directory and unknown fields', async () => {
    await expect(
      client.invoke('job:start', {
        kind: 'list-raw-scans',
        directory: tree.experimentDir,
        rawDirectory: 'raw',
      }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    await expect(
      client.invoke('job:start', {
        kind: 'sum-scans',
        directory: labelDir,
        scans: ['p', 'q'],
        output: 's',
        x: 1,
      } as never),
    ).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
  });

  it('list-scan-files, then sum-scans in the engine pool', async () => {
    const list = await runJob({ kind: 'list-scan-files', directory: labelDir });
    if (!list.end.ok || list.end.kind !== 'list-scan-files') throw new Error('failed');
    expect(list.end.result).toEqual({
      sample: 'sim',
      label: 'xtal1',
      files: [
        { file: 'sim_p.nxs', scan: 'p', hasScanDirectory: true },
        { file: 'sim_q.nxs', scan: 'q', hasScanDirectory: true },
      ],
    });
    const sum = await runJob({ kind: 'sum-scans', directory: labelDir, scans: ['p', 'q'], output: 'pq' });
    if (!sum.end.ok || sum.end.kind !== 'sum-scans') throw new Error(JSON.stringify(sum.end));
    expect(sum.end.result).toMatchObject({ wrapper: 'sim_pq.nxs', scanDir: 'pq', scans: ['p', 'q'] });
    expect(sum.end.result.entries[0]).toMatchObject({ entry: 'f1', frames: 12, rawFile: 'pq/f1.h5' });
    expect(sum.progress.at(-1)).toBe(100);
    const again = await runJob({ kind: 'list-scan-files', directory: labelDir });
    if (!again.end.ok || again.end.kind !== 'list-scan-files') throw new Error('failed');
    expect(again.end.result.files.map((f) => f.scan)).toEqual(['p', 'pq', 'q']);
  });
});
