/**
 * The bridge under Electron: `window.nxr` from the preload, whose functions resolve to envelopes
 * ({ ok, result } | { ok: false, error }); failures are thrown here as NxrErrors again.
 */
import type {
  bridgeInvokeNames,
  InvokeResult,
  IpcEnvelope,
  NxrBridge,
  NxrPreloadApi,
} from '../../shared/ipc.ts';
import { errorFromInfo } from '../../shared/rpc.ts';

function unwrap<T>(envelope: IpcEnvelope<T>): T {
  if (envelope.ok) return envelope.result;
  throw errorFromInfo(envelope.error);
}

type InvokeNames = typeof bridgeInvokeNames;

export function electronBridge(nxr: NxrPreloadApi): NxrBridge {
  const wrap =
    <N extends keyof InvokeNames>(name: N) =>
    async (...args: Parameters<NxrPreloadApi[N]>): Promise<InvokeResult<InvokeNames[N]>> => {
      const fn = nxr[name] as (...a: unknown[]) => Promise<IpcEnvelope<InvokeResult<InvokeNames[N]>>>;
      return unwrap(await fn(...args));
    };
  return {
    appInfo: wrap('appInfo'),
    openFileDialog: wrap('openFileDialog'),
    chooseDirectory: wrap('chooseDirectory'),
    chooseFile: wrap('chooseFile'),
    listDirectory: wrap('listDirectory'),
    openFile: wrap('openFile'),
    closeFile: wrap('closeFile'),
    reloadFile: wrap('reloadFile'),
    listChildren: wrap('listChildren'),
    getEntity: wrap('getEntity'),
    readFrame: wrap('readFrame'),
    readData: wrap('readData'),
    startJob: wrap('startJob'),
    cancelJob: wrap('cancelJob'),
    onJobProgress: (l) => nxr.onJobProgress(l),
    onJobLog: (l) => nxr.onJobLog(l),
    onJobEnd: (l) => nxr.onJobEnd(l),
    onMenuCommand: (l) => nxr.onMenuCommand(l),
    onFileChanged: (l) => nxr.onFileChanged(l),
  };
}
