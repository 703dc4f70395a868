// Browser-mode server: the folder jail, Host/Origin checks, static files, and the engine contract
// over a real WebSocket with the binary wire codec.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { startBrowserServer, type BrowserServer } from '../../../src/engine/server/index.ts';
import { ServedFolder } from '../../../src/engine/server/served-folder.ts';
import { CONTENT_SECURITY_POLICY } from '../../../src/engine/server/static-files.ts';
import { wsPort } from '../../../src/engine/server/ws-port.ts';
import { createRpcClient, type RpcClient } from '../../../src/shared/rpc.ts';
import { writeStack, type StackSpec } from '../pool/make-stack.ts';

const realdata = resolve(import.meta.dirname, '../../../../shared/realdata');

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((res, rej) => {
    const req = request(url, { headers }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
    });
    req.on('error', rej);
    req.end();
  });
}

function connect(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((res, rej) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => res(ws));
    ws.once('error', rej);
    ws.once('unexpected-response', (_req, r) => rej(new Error(`HTTP ${r.statusCode}`)));
  });
}

describe('browser-mode server', () => {
  let dir: string;
  let outside: string;
  let server: BrowserServer;
  let ws: WebSocket;
  let client: RpcClient;
  const spec: StackSpec = { frames: 3, rows: 4, cols: 5, seed: 3 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nxr-serve-'));
    outside = mkdtempSync(join(tmpdir(), 'nxr-outside-'));
    const root = join(dir, 'root');
    mkdirSync(join(root, 'scans', 'deep'), { recursive: true });
    mkdirSync(join(root, '.hidden'));
    copyFileSync(join(realdata, 'nexpy-examples/chopper.nxs'), join(root, 'chopper.nxs'));
    await writeStack(join(root, 'scans', 'stack.nxs'), spec);
    writeFileSync(join(root, 'notes.txt'), 'not listed');
    copyFileSync(join(realdata, 'nexpy-examples/example.nxs'), join(outside, 'secret.nxs'));
    symlinkSync(join(outside, 'secret.nxs'), join(root, 'escape.nxs'));
    symlinkSync(outside, join(root, 'escape-dir'));
    const renderer = join(dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>NXRefine</title>');
    server = await startBrowserServer({
      root,
      rendererDir: renderer,
      initialFile: 'chopper.nxs',
      version: '9.9.9',
    });
    ws = await connect(`${server.url.replace('http', 'ws')}ws`, server.url.slice(0, -1));
    client = createRpcClient(wsPort(ws));
  });

  afterAll(async () => {
    client.close();
    ws.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('binds to 127.0.0.1 and serves the renderer with the CSP', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await get(server.url);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>NXRefine</title>');
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect((await get(`${server.url}..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await get(`${server.url}missing.js`)).status).toBe(404);
  });

  it('refuses foreign Host headers (DNS rebinding) and foreign WebSocket origins', async () => {
    expect((await get(server.url, { Host: 'evil.example:80' })).status).toBe(421);
    await expect(connect(`${server.url.replace('http', 'ws')}ws`, 'http://evil.example')).rejects.toThrow(
      'HTTP 403',
    );
  });

  it('answers app:info and lists folders then NeXus files, hiding dot-files and other types', async () => {
    expect(await client.invoke('app:info')).toEqual({
      mode: 'browser',
      version: '9.9.9',
      rootName: 'root',
      initialFile: 'chopper.nxs',
    });
    const top = await client.invoke('fs:list', '');
    expect(top.dir).toBe('');
    expect(top.parent).toBeNull();
    // the symlinks leading out of the folder are not listed
    expect(top.entries.map((e) => [e.name, e.kind])).toEqual([
      ['scans', 'dir'],
      ['chopper.nxs', 'file'],
    ]);
    expect(top.entries[1]?.sizeBytes).toBe(382_712);
    const scans = await client.invoke('fs:list', 'scans');
    expect(scans).toMatchObject({ dir: 'scans', parent: '' });
    expect(scans.entries.map((e) => e.path)).toEqual(['scans/deep', 'scans/stack.nxs']);
    // the Experiment dialogs' file pickers list every file ('all'), still not the escaping links
    const every = await client.invoke('fs:list', '', 'all');
    expect(every.entries.map((e) => e.name)).toEqual(['scans', 'chopper.nxs', 'notes.txt']);
    await expect(client.invoke('fs:list', '', 'txt' as 'all')).rejects.toThrow(/'hdf5' or 'all'/);
    await expect(client.invoke('dialog:choose-directory', 'x')).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
  });

  it('resolves paths a job will create inside the folder, and only there', () => {
    const folder = new ServedFolder(join(dir, 'root'));
    expect(folder.resolveForCreate('new-exp')).toBe(join(folder.root, 'new-exp'));
    expect(folder.resolveForCreate('scans/deep/a/b')).toBe(join(folder.root, 'scans', 'deep', 'a', 'b'));
    expect(folder.resolveForCreate('')).toBe(folder.root);
    expect(folder.resolveForCreate('scans/stack.nxs')).toBe(join(folder.root, 'scans', 'stack.nxs'));
    expect(() => folder.resolveForCreate('scans/stack.nxs/x')).toThrow(/is below a file/);
    expect(() => folder.resolveForCreate('escape-dir/new')).toThrow(/leads out of the served folder/);
    expect(() => folder.resolveForCreate('../new')).toThrow(/leaves the served folder/);
    expect(() => folder.resolveForCreate('/tmp/new')).toThrow(/relative to the served folder/);
    expect(() => folder.resolveForCreate('a\0b')).toThrow(/not a valid path/);
  });

  it('never lets a path leave the served folder', async () => {
    for (const bad of [
      '..',
      '../',
      'scans/../../root',
      '/etc/passwd',
      `${outside}/secret.nxs`,
      'escape.nxs',
      'escape-dir',
    ]) {
      await expect(client.invoke('fs:list', bad), bad).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
      await expect(client.invoke('file:open', bad), bad).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    }
    const folder = new ServedFolder(join(dir, 'root'));
    expect(() => folder.resolve('scans\0/x')).toThrow(/not a valid path/);
    expect(() => folder.resolve('escape-dir/secret.nxs')).toThrow(/leads out of the served folder/);
    expect(folder.resolve('scans/./stack.nxs')).toBe(join(folder.root, 'scans', 'stack.nxs'));
  });

  it('opens files by relative path and streams a frame as binary', async () => {
    const info = await client.invoke('file:open', 'scans/stack.nxs');
    expect(info.path).toBe('scans/stack.nxs');
    const frame = await client.invoke('data:frame', info.fileId, '/entry/data/data', 2);
    expect(frame.data).toBeInstanceOf(Int32Array);
    expect(frame).toMatchObject({ shape: [4, 5], frameCount: 3 });
    const all = (await import('../pool/make-stack.ts')).stackValues(spec);
    expect(Array.from(frame.data)).toEqual(Array.from(all.subarray(40, 60)));
    await client.invoke('file:close', info.fileId);
  });

  it('keeps each page to the files it opened', async () => {
    const info = await client.invoke('file:open', 'chopper.nxs');
    const other = createRpcClient(wsPort(await connect(`${server.url.replace('http', 'ws')}ws`)));
    await expect(other.invoke('tree:children', info.fileId, '/')).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    other.close();
    const kids = await client.invoke('tree:children', info.fileId, '/entry');
    expect(kids.length).toBeGreaterThan(5);
  });
});
