// The automated workflow (nxr reduce) as the app runs it: a `reduce` job through the engine's
// message loop on a simulated scan, checked against the same steps run directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../src/engine/index.ts';
import { openNexusFile } from '../../src/engine/io/index.ts';
import { simulateExperiment } from '../../src/engine/simulate/simulate-experiment.ts';
import type { JobEnd } from '../../src/shared/jobs.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../src/shared/rpc.ts';

describe('reduce job through the engine', () => {
  let engine: Engine;
  let client: RpcClient;
  let dir: string;
  let wrapper: string;

  beforeAll(async () => {
    engine = createEngine({ poolSize: 2 });
    const [a, b] = createLocalPortPair();
    serveEngine(engine, a);
    client = createRpcClient(b);
    dir = mkdtempSync(join(tmpdir(), 'nxr-reduce-job-'));
    const s = await simulateExperiment({
      outDir: dir,
      preset: 'tiny',
      seed: 11,
      cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P m m m',
      entries: 1,
      nframes: 120,
      compression: 'bslz4',
      dtype: 'int32',
      sample: 'sim',
      label: 'xtal1',
      scan: '300K',
    });
    wrapper = s.wrapperFile;
  });

  afterAll(async () => {
    client.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (req: Record<string, unknown>): Promise<JobEnd> => {
    const ended = new Promise<JobEnd>((res) => client.on('job:end', res));
    await client.invoke('job:start', req as never);
    return ended;
  };

  it('runs max → find on an open scan file, writes the records, then skips done steps', async () => {
    const { fileId } = await client.invoke('file:open', wrapper);
    const end = await run({ kind: 'reduce', fileId, steps: ['max', 'find'] });
    if (!end.ok || end.kind !== 'reduce') throw new Error(`reduce failed: ${JSON.stringify(end)}`);
    expect(end.fileChanged).toBe(true);
    expect(end.result.files).toEqual(['sim_300K.nxs']);
    expect(end.result.failures).toBe(0);
    expect(end.result.outcomes.map((o) => [o.entry, o.step, o.status])).toEqual([
      ['f1', 'max', 'done'],
      ['f1', 'find', 'done'],
    ]);
    const f = await openNexusFile(wrapper);
    const npeaks = f.entity('/f1/peaks/x').shape![0]!;
    expect(f.has('/f1/nxmax')).toBe(true);
    expect(f.has('/f1/nxfind')).toBe(true);
    f.close();
    expect(npeaks).toBeGreaterThan(5);

    // A second run skips both steps (their NXprocess records exist) and leaves the peaks alone.
    const again = await run({ kind: 'reduce', fileId, steps: ['max', 'find'] });
    if (!again.ok || again.kind !== 'reduce') throw new Error('second reduce failed');
    expect(again.result.outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    await client.invoke('file:close', fileId);
  });

  it('refuses an unknown step before touching the file', async () => {
    const { fileId } = await client.invoke('file:open', wrapper);
    const end = await run({ kind: 'reduce', fileId, steps: ['max', 'polish'] });
    expect(end.ok).toBe(false);
    if (end.ok) throw new Error('unexpected success');
    expect(end.error).toMatchObject({ code: 'BAD_PARAMETER' });
    expect(end.error.message).toMatch(/unknown step 'polish'/);
    await client.invoke('file:close', fileId);
  });
});
