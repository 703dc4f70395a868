/**
 * Create Mask as the app runs it: the 'create-mask' experiment job through the engine's message
 * loop (request checks, a preview that returns the mask and the image, a save that reloads the
 * open file), checked with h5py.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, serveEngine, type Engine } from '../../../src/engine/index.ts';
import type { CreateMaskSummary } from '../../../src/shared/experiment-jobs.ts';
import type { JobEnd, JobRequest } from '../../../src/shared/jobs.ts';
import { createLocalPortPair, createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';
import { pyJson } from '../../helpers/python.ts';
import { sha256, simulateScan } from './simulated.ts';

let engine: Engine;
let client: RpcClient;
let dir: string;
let wrapper: string;

async function runJob(request: JobRequest): Promise<JobEnd> {
  const { jobId } = await client.invoke('job:start', request);
  return new Promise<JobEnd>((res) => {
    const off = client.on('job:end', (e: JobEnd) => {
      if (e.jobId === jobId) {
        off();
        res(e);
      }
    });
  });
}

beforeAll(async () => {
  engine = createEngine({ poolSize: 1 });
  const [a, b] = createLocalPortPair();
  serveEngine(engine, a);
  client = createRpcClient(b);
  dir = mkdtempSync(join(tmpdir(), 'nxr-create-mask-job-'));
  wrapper = (await simulateScan(dir, { scan: 'm', seed: 3, frames: 3 })).wrapper;
}, 120_000);

afterAll(async () => {
  client.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the 'create-mask' job", () => {
  it('previews without writing, then saves and the file is reloaded', async () => {
    const { fileId } = await client.invoke('file:open', wrapper);
    const before = sha256(wrapper);
    const shapes = [{ type: 'rectangle' as const, x: 20, y: 30, width: 10, height: 4 }];
    const preview = await runJob({
      kind: 'create-mask',
      fileId,
      entry: 'f1',
      shapes,
      write: false,
      returnImage: true,
    });
    expect(preview.ok).toBe(true);
    const p = (preview as Extract<JobEnd, { ok: true }>).result as CreateMaskSummary;
    expect(p.written).toBe(false);
    expect(p.shape).toEqual([195, 487]);
    expect(p.imageSource).toBe('frame');
    expect(p.image).toBeInstanceOf(Float32Array);
    expect(p.mask).toBeInstanceOf(Uint8Array);
    expect(p.counts.shapes).toEqual([40]);
    expect(JSON.stringify({ ...p, mask: null, image: null })).not.toContain(dir); // no absolute paths
    expect(sha256(wrapper)).toBe(before);

    expect((preview as { fileChanged?: boolean }).fileChanged).toBeUndefined();
    const saved = await runJob({ kind: 'create-mask', fileId, entry: 'f1', shapes, write: true });
    expect(saved.ok).toBe(true);
    // our own rewrite: the engine reopens the file and says so at the job's end
    expect((saved as { fileChanged?: boolean }).fileChanged).toBe(true);
    const s = (saved as Extract<JobEnd, { ok: true }>).result as CreateMaskSummary;
    expect(s.entries).toEqual(['f1']);
    const py = pyJson<{ dtype: string; sum: number; block: number }>(
      "import sys, h5py, json; m = h5py.File(sys.argv[1], 'r')['f1/instrument/detector/pixel_mask']; a = m[()]; print(json.dumps({'dtype': str(m.dtype), 'sum': int(a.astype(int).sum()), 'block': int(a[30:34, 20:30].sum())}))",
      [wrapper],
    );
    expect(py.dtype).toBe('int8');
    expect(py.block).toBe(40);
    expect(py.sum).toBe(s.counts.after);
    await client.invoke('file:close', fileId);
  }, 60_000);

  it('refuses bad requests before running', async () => {
    const { fileId } = await client.invoke('file:open', wrapper);
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ entry: 'f1' }, /'write' is required/],
      [{ entry: 'f1', write: false, shapes: 'box' }, /'shapes' must be a list/],
      [{ entry: 'f1', write: false, importFile: 'relative.tif' }, /'importFile' must be an absolute path/],
      [{ entry: 'f1', write: false, colour: 'red' }, /unknown field 'colour'/],
    ];
    for (const [fields, re] of bad) {
      let message = '';
      try {
        const end = await runJob({ kind: 'create-mask', fileId, ...fields } as unknown as JobRequest);
        message = end.ok ? 'ran' : end.error.message;
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, JSON.stringify(fields)).toMatch(re);
    }
    const end = await runJob({
      kind: 'create-mask',
      fileId,
      entry: 'f1',
      write: false,
      shapes: [{ type: 'circle', x: 1, y: 1, radius: -1 }],
    } as JobRequest);
    expect(end.ok).toBe(false);
    expect((end as Extract<JobEnd, { ok: false }>).error.message).toMatch(/shape 1: circle radius/);
    await client.invoke('file:close', fileId);
  }, 60_000);
});
