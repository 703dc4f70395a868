// Browser mode: a page hears of changes on disk only for the files it opened itself, and
// file:reload answers with a path inside the served folder (never the server's absolute path).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { createEngine } from '../../../src/engine/index.ts';
import { createNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { startBrowserServer, type BrowserServer } from '../../../src/engine/server/index.ts';
import { wsPort } from '../../../src/engine/server/ws-port.ts';
import type { FileChangedEvent } from '../../../src/shared/ipc.ts';
import { createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';
import { pyRun } from '../../helpers/python.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('browser-mode server: file:changed and file:reload', () => {
  let dir: string;
  let server: BrowserServer;
  const sockets: WebSocket[] = [];

  const page = async (): Promise<{ client: RpcClient; events: FileChangedEvent[] }> => {
    const url = `${server.url.replace('http', 'ws')}ws`;
    const ws = await new Promise<WebSocket>((res, rej) => {
      const s = new WebSocket(url, { origin: server.url.slice(0, -1) });
      s.once('open', () => res(s));
      s.once('error', rej);
    });
    sockets.push(ws);
    const client = createRpcClient(wsPort(ws));
    const events: FileChangedEvent[] = [];
    client.on('file:changed', (e) => events.push(e));
    return { client, events };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nxr-serve-events-'));
    const root = join(dir, 'root');
    mkdirSync(join(root, 'a'), { recursive: true });
    for (const name of ['a/one.nxs', 'two.nxs']) {
      const w = await createNexusFile(join(root, name));
      w.group('/entry', 'NXentry');
      w.close();
    }
    const renderer = join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>NXRefine</title>');
    server = await startBrowserServer({
      root,
      rendererDir: renderer,
      engine: createEngine({ poolSize: 1, watchIntervalMs: 100, watchSettleMs: 50 }),
    });
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
    await server.engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a file’s change only to the page that opened it', async () => {
    const p1 = await page();
    const p2 = await page();
    const one = await p1.client.invoke('file:open', 'a/one.nxs');
    const two = await p2.client.invoke('file:open', 'two.nxs');
    pyRun("import sys, h5py\nwith h5py.File(sys.argv[1], 'a') as f: f.create_group('/entry/new')", [
      join(dir, 'root', 'a', 'one.nxs'),
    ]);
    for (let i = 0; i < 200 && p1.events.length === 0; i++) await sleep(20);
    expect(p1.events).toEqual([expect.objectContaining({ fileId: one.fileId, status: 'reloaded' })]);
    await sleep(400);
    expect(p2.events).toEqual([]);
    expect((await p1.client.invoke('tree:children', one.fileId, '/entry')).map((n) => n.name)).toEqual([
      'new',
    ]);

    // file:reload: relative path out; another page's file is refused
    const again = await p1.client.invoke('file:reload', one.fileId);
    expect(again).toMatchObject({ fileId: one.fileId, path: 'a/one.nxs', name: 'one.nxs' });
    await expect(p1.client.invoke('file:reload', two.fileId)).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
  });
});
