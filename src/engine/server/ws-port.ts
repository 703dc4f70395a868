/** An RpcPort over one `ws` WebSocket, using the binary wire codec of src/shared/wire.ts. */
import type { RawData, WebSocket } from 'ws';

import type { RpcPort } from '../../shared/rpc.ts';
import { createWireDecoder, encodeWireMessage } from '../../shared/wire.ts';

function toArrayBuffer(data: RawData): ArrayBuffer {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export function wsPort(ws: WebSocket): RpcPort {
  return {
    post(message) {
      if (ws.readyState !== ws.OPEN) return;
      const { text, binaries } = encodeWireMessage(message);
      ws.send(text);
      for (const b of binaries) ws.send(b, { binary: true });
    },
    listen(handler) {
      const decode = createWireDecoder(handler);
      const onMessage = (data: RawData, isBinary: boolean): void => {
        try {
          decode(isBinary ? toArrayBuffer(data) : data.toString());
        } catch {
          ws.close(1003, 'malformed message');
        }
      };
      ws.on('message', onMessage);
      return () => ws.off('message', onMessage);
    },
  };
}
