/**
 * The preload: `window.nxr`, one named function per contract entry (src/shared/ipc.ts), and
 * nothing else — never ipcRenderer itself. Runs sandboxed (CommonJS, bundled).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

import type {
  EventChannel,
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
  IpcEnvelope,
  NxrEventMap,
  NxrPreloadApi,
} from '../shared/ipc.ts';

function invoke<C extends InvokeChannel>(
  channel: C,
  ...args: InvokeArgs<C>
): Promise<IpcEnvelope<InvokeResult<C>>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcEnvelope<InvokeResult<C>>>;
}

function subscribe<C extends EventChannel>(
  channel: C,
  listener: (payload: NxrEventMap[C]) => void,
): () => void {
  const l = (_event: IpcRendererEvent, payload: NxrEventMap[C]): void => listener(payload);
  ipcRenderer.on(channel, l);
  return () => {
    ipcRenderer.removeListener(channel, l);
  };
}

const api = {
  appInfo: () => invoke('app:info'),
  openFileDialog: () => invoke('dialog:open-file'),
  chooseDirectory: (title: string) => invoke('dialog:choose-directory', title),
  chooseFile: (title: string) => invoke('dialog:choose-file', title),
  listDirectory: (dir: string, show?: 'hdf5' | 'all') =>
    show === undefined ? invoke('fs:list', dir) : invoke('fs:list', dir, show),
  openFile: (path: string) => invoke('file:open', path),
  closeFile: (fileId: string) => invoke('file:close', fileId),
  reloadFile: (fileId: string) => invoke('file:reload', fileId),
  listChildren: (fileId: string, path: string) => invoke('tree:children', fileId, path),
  getEntity: (fileId: string, path: string) => invoke('tree:entity', fileId, path),
  readFrame: (fileId: string, path: string, index: number) => invoke('data:frame', fileId, path, index),
  readData: (query: InvokeArgs<'data:read'>[0]) => invoke('data:read', query),
  startJob: (request: InvokeArgs<'job:start'>[0]) => invoke('job:start', request),
  cancelJob: (jobId: string) => invoke('job:cancel', jobId),
  onJobProgress: (listener: (p: NxrEventMap['job:progress']) => void) => subscribe('job:progress', listener),
  onJobLog: (listener: (p: NxrEventMap['job:log']) => void) => subscribe('job:log', listener),
  onJobEnd: (listener: (p: NxrEventMap['job:end']) => void) => subscribe('job:end', listener),
  onMenuCommand: (listener: (p: NxrEventMap['menu:command']) => void) => subscribe('menu:command', listener),
  onFileChanged: (listener: (p: NxrEventMap['file:changed']) => void) => subscribe('file:changed', listener),
};

/** The type of `window.nxr`. */
export type NxrApi = typeof api;

// `api` and the contract must agree both ways (compile-time check).
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const apiMatchesContract: Exact<NxrApi, NxrPreloadApi> = true;
void apiMatchesContract;

contextBridge.exposeInMainWorld('nxr', api);
