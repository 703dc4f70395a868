/**
 * The only place the renderer reaches outside itself. Under Electron that is `window.nxr` (the
 * preload); in browser mode a WebSocket to `nxr serve`. Both give the same typed {@link NxrBridge}.
 */
import type { NxrBridge, NxrPreloadApi } from '../../shared/ipc.ts';
import { electronBridge } from './electron-bridge.ts';
import { websocketBridge } from './websocket-bridge.ts';

declare global {
  interface Window {
    /** Set by the preload under Electron; absent in browser mode. */
    nxr?: NxrPreloadApi;
  }
}

let bridge: NxrBridge | null = null;
const closeListeners = new Set<() => void>();

export function getBridge(): NxrBridge {
  bridge ??= window.nxr
    ? electronBridge(window.nxr)
    : websocketBridge(undefined, () => closeListeners.forEach((l) => l()));
  return bridge;
}

/** Browser mode: called when the server connection drops. */
export function onBridgeClosed(listener: () => void): () => void {
  closeListeners.add(listener);
  return () => closeListeners.delete(listener);
}

export type { NxrBridge };
