/**
 * The bridge in browser mode (`nxr serve`): the same contract over a WebSocket to the server that
 * served this page, frames as binary WebSocket messages (src/shared/wire.ts).
 */
import { NxrError } from '../../shared/errors.ts';
import type { NxrBridge } from '../../shared/ipc.ts';
import { createRpcClient, type RpcPort } from '../../shared/rpc.ts';
import { createWireDecoder, encodeWireMessage } from '../../shared/wire.ts';
import { rpcBridge } from './rpc-bridge.ts';

function websocketPort(ws: WebSocket, opened: Promise<void>): RpcPort {
  return {
    post(message) {
      const { text, binaries } = encodeWireMessage(message);
      void opened.then(() => {
        ws.send(text);
        for (const b of binaries) ws.send(b);
      });
    },
    listen(handler) {
      const decode = createWireDecoder(handler);
      const l = (e: MessageEvent<string | ArrayBuffer>): void => decode(e.data);
      ws.addEventListener('message', l);
      return () => ws.removeEventListener('message', l);
    },
  };
}

/** Connects to `url` (default: ws://<this page's host>/ws). `onClose` is told when the server goes away. */
export function websocketBridge(url = `ws://${location.host}/ws`, onClose?: () => void): NxrBridge {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('cannot connect')), { once: true });
  });
  opened.catch(() => undefined);
  const client = createRpcClient(websocketPort(ws, opened));
  ws.addEventListener('close', () => {
    client.close(
      new NxrError({
        code: 'INTERNAL',
        message: 'the connection to nxr serve was lost; restart it and reload',
      }),
    );
    onClose?.();
  });
  return rpcBridge(client);
}
