/**
 * One `ipcMain.handle` per contract channel (src/shared/ipc.ts), generated from the contract, with
 * sender validation and argument validation before anything runs. Handlers resolve to an
 * {@link IpcEnvelope} so the error code, file and path reach the renderer intact.
 */
import type { IpcMainInvokeEvent } from 'electron';

import { NxrError, toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import {
  channelArgKinds,
  checkInvokeArgs,
  type InvokeChannel,
  type InvokeHandlers,
  type IpcEnvelope,
} from '../../shared/ipc.ts';

/** The part of Electron's ipcMain used here (tests pass a fake). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export interface RegisterOptions {
  /** True when the request comes from our own window and page. */
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
  handlers: InvokeHandlers;
  onError?: (channel: InvokeChannel, error: NxrErrorInfo) => void;
}

/**
 * True when `url` is the app's page: the same file for file: URLs (query and hash ignored), the
 * same origin for the development server.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let a: URL;
  try {
    u = new URL(url);
    a = new URL(appUrl);
  } catch {
    return false;
  }
  if (a.protocol === 'file:') return u.protocol === 'file:' && u.pathname === a.pathname;
  return u.origin === a.origin;
}

/** Registers every channel; returns the function that removes them again. */
export function registerIpcHandlers(ipc: IpcMainLike, options: RegisterOptions): () => void {
  const channels = Object.keys(channelArgKinds) as InvokeChannel[];
  for (const channel of channels) {
    ipc.handle(channel, async (event, ...args): Promise<IpcEnvelope<unknown>> => {
      try {
        if (!options.isTrustedSender(event)) {
          throw new NxrError({
            code: 'BAD_PARAMETER',
            message: `${channel}: request from an untrusted page refused`,
          });
        }
        const problem = checkInvokeArgs(channel, args);
        if (problem) throw new NxrError({ code: 'BAD_PARAMETER', message: problem });
        const handler = options.handlers[channel] as (...a: unknown[]) => Promise<unknown>;
        return { ok: true, result: await handler(...args) };
      } catch (e) {
        const error = toErrorInfo(e);
        options.onError?.(channel, error);
        return { ok: false, error };
      }
    });
  }
  return () => {
    for (const channel of channels) ipc.removeHandler(channel);
  };
}
