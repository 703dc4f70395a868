// The engine as Electron runs it: the electron-vite bundle out/main/engine.js (with its bundled
// pool worker chunk), started as a separate process. No Electron binary here, so it is started with
// child_process.fork (the same entry serves the fork IPC channel when there is no parentPort).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { JobEnd } from '../../src/shared/jobs.ts';
import { createRpcClient, type RpcClient } from '../../src/shared/rpc.ts';
import { ensureBuild, engineBundle } from '../e2e/ensure-build.ts';
import { directFrameSums, writeStack, type StackSpec } from '../engine/pool/make-stack.ts';

describe('bundled engine process', () => {
  let child: ChildProcess;
  let client: RpcClient;
  let dir: string;
  const spec: StackSpec = { frames: 6, rows: 9, cols: 8, seed: 11 };

  beforeAll(async () => {
    await ensureBuild();
    dir = mkdtempSync(join(tmpdir(), 'nxr-bundle-'));
    child = fork(engineBundle, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    client = createRpcClient({
      post: (m) => child.send(m),
      listen(handler) {
        child.on('message', handler);
        return () => child.off('message', handler);
      },
    });
  });

  afterAll(async () => {
    client.close();
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.disconnect();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a file and runs a frame-parallel job in the bundled worker pool', async () => {
    const file = join(dir, 'stack.nxs');
    const values = await writeStack(file, spec);
    const { fileId } = await client.invoke('file:open', file);
    const ended = new Promise<JobEnd>((r) => client.on('job:end', r));
    await client.invoke('job:start', { kind: 'frame-stats', fileId, path: '/entry/data/data' });
    const end = await ended;
    if (!end.ok) throw new Error(end.error.message);
    if (end.kind !== 'frame-stats') throw new Error(`unexpected job ${end.kind}`);
    expect(Array.from(end.result.sums)).toEqual(directFrameSums(values, spec));
    const frame = await client.invoke('data:frame', fileId, '/entry/data/data', 5);
    expect(frame.data).toBeInstanceOf(Int32Array);
  });

  it('exits cleanly when its channel closes', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.disconnect();
    expect(await exited).toBe(0);
  });
});
