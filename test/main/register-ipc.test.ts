import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';

import { isAppUrl, registerIpcHandlers, type IpcMainLike } from '../../src/main/ipc/register-ipc.ts';
import { NxrError } from '../../src/shared/errors.ts';
import { channelArgKinds, type InvokeHandlers } from '../../src/shared/ipc.ts';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function fakeIpc(): IpcMainLike & { listeners: Map<string, Listener> } {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    handle: (channel, l) => {
      if (listeners.has(channel)) throw new Error(`second handler for ${channel}`);
      listeners.set(channel, l);
    },
    removeHandler: (channel) => listeners.delete(channel),
  };
}

const trusted = { sender: 'ours' } as unknown as IpcMainInvokeEvent;
const stranger = { sender: 'theirs' } as unknown as IpcMainInvokeEvent;

function handlers(): InvokeHandlers {
  const fail = (): Promise<never> => Promise.reject(new Error('not used'));
  return {
    'app:info': async () => ({ mode: 'electron', version: '1.2.3' }),
    'dialog:open-file': async () => null,
    'dialog:choose-directory': async () => null,
    'dialog:choose-file': async () => null,
    'fs:list': fail,
    'file:open': async (path) => {
      throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such file', file: path });
    },
    'file:close': async () => null,
    'file:reload': fail,
    'tree:children': fail,
    'tree:entity': fail,
    'data:frame': fail,
    'data:read': fail,
    'job:start': async () => ({ jobId: 'j1' }),
    'job:cancel': async () => null,
  };
}

describe('registerIpcHandlers', () => {
  it('registers exactly one handler per contract channel, and removes them', () => {
    const ipc = fakeIpc();
    const off = registerIpcHandlers(ipc, { isTrustedSender: (e) => e === trusted, handlers: handlers() });
    expect([...ipc.listeners.keys()].sort()).toEqual(Object.keys(channelArgKinds).sort());
    off();
    expect(ipc.listeners.size).toBe(0);
  });

  it('answers with envelopes that keep the error code, file and path', async () => {
    const ipc = fakeIpc();
    const errors: string[] = [];
    registerIpcHandlers(ipc, {
      isTrustedSender: (e) => e === trusted,
      handlers: handlers(),
      onError: (c, e) => errors.push(`${c}:${e.code}`),
    });
    const call = (c: string, e: IpcMainInvokeEvent, ...a: unknown[]): Promise<unknown> =>
      ipc.listeners.get(c)!(e, ...a);
    expect(await call('app:info', trusted)).toEqual({
      ok: true,
      result: { mode: 'electron', version: '1.2.3' },
    });
    expect(await call('file:open', trusted, '/x/scan.nxs')).toEqual({
      ok: false,
      error: { code: 'FILE_NOT_FOUND', message: 'no such file', file: '/x/scan.nxs' },
    });
    expect(errors).toEqual(['file:open:FILE_NOT_FOUND']);
  });

  it('refuses untrusted senders and malformed arguments before any handler runs', async () => {
    const ipc = fakeIpc();
    let ran = 0;
    const h = handlers();
    h['job:start'] = async () => {
      ran++;
      return { jobId: 'j1' };
    };
    registerIpcHandlers(ipc, { isTrustedSender: (e) => e === trusted, handlers: h });
    const call = (e: IpcMainInvokeEvent, ...a: unknown[]): Promise<unknown> =>
      ipc.listeners.get('job:start')!(e, ...a);
    expect(await call(stranger, { kind: 'frame-stats', fileId: 'f1', path: '/d' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_PARAMETER', message: expect.stringContaining('untrusted') },
    });
    expect(await call(trusted, 'frame-stats')).toMatchObject({ ok: false, error: { code: 'BAD_PARAMETER' } });
    expect(await call(trusted)).toMatchObject({ ok: false, error: { code: 'BAD_PARAMETER' } });
    expect(ran).toBe(0);
    expect(await call(trusted, { kind: 'frame-stats', fileId: 'f1', path: '/d' })).toEqual({
      ok: true,
      result: { jobId: 'j1' },
    });
    expect(ran).toBe(1);
    const frame = ipc.listeners.get('data:frame')!;
    expect(await frame(trusted, 'f1', '/d', 1.5)).toMatchObject({
      ok: false,
      error: { code: 'BAD_PARAMETER' },
    });
  });
});

describe('isAppUrl', () => {
  const app = 'file:///opt/nxr/out/renderer/index.html';
  it('accepts only our page (file) or our dev server origin', () => {
    expect(isAppUrl('file:///opt/nxr/out/renderer/index.html#/x', app)).toBe(true);
    expect(isAppUrl('file:///opt/nxr/out/renderer/other.html', app)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
    expect(isAppUrl('https://evil.example/index.html', app)).toBe(false);
    expect(isAppUrl('http://localhost:5173/page', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });
});
