/** The bridge over any RpcClient (the browser-mode WebSocket; tests use an in-process engine). */
import type { NxrBridge } from '../../shared/ipc.ts';
import type { RpcClient } from '../../shared/rpc.ts';

export function rpcBridge(client: RpcClient): NxrBridge {
  return {
    appInfo: () => client.invoke('app:info'),
    openFileDialog: () => client.invoke('dialog:open-file'),
    chooseDirectory: (title) => client.invoke('dialog:choose-directory', title),
    chooseFile: (title) => client.invoke('dialog:choose-file', title),
    listDirectory: (dir, show) =>
      show === undefined ? client.invoke('fs:list', dir) : client.invoke('fs:list', dir, show),
    openFile: (path) => client.invoke('file:open', path),
    closeFile: (fileId) => client.invoke('file:close', fileId),
    reloadFile: (fileId) => client.invoke('file:reload', fileId),
    listChildren: (fileId, path) => client.invoke('tree:children', fileId, path),
    getEntity: (fileId, path) => client.invoke('tree:entity', fileId, path),
    readFrame: (fileId, path, index) => client.invoke('data:frame', fileId, path, index),
    readData: (query) => client.invoke('data:read', query),
    startJob: (request) => client.invoke('job:start', request),
    cancelJob: (jobId) => client.invoke('job:cancel', jobId),
    onJobProgress: (l) => client.on('job:progress', l),
    onJobLog: (l) => client.on('job:log', l),
    onJobEnd: (l) => client.on('job:end', l),
    onMenuCommand: (l) => client.on('menu:command', l),
    onFileChanged: (l) => client.on('file:changed', l),
  };
}
