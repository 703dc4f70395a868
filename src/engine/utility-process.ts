/**
 * Entry of the engine process. Under Electron it runs as a utilityProcess (a wasm abort or an HDF5
 * crash ends this process, never the window): the main process sends one message carrying a
 * MessagePort, and the engine is served on that port. Started with child_process.fork (plain Node,
 * used by tests on the built bundle), it serves on the fork IPC channel instead; fork it with
 * `serialization: 'advanced'` so typed arrays arrive as typed arrays.
 *
 * This file has no exports; it is its own bundle entry (out/main/engine.js).
 */
import { createEngine, serveEngine } from './index.ts';
import type { RpcPort } from '../shared/rpc.ts';

/** The parts of Electron's MessagePortMain and parentPort used here (the engine never imports electron). */
interface PortMain {
  on(event: 'message', listener: (e: { data: unknown; ports: PortMain[] }) => void): void;
  off(event: 'message', listener: (e: { data: unknown; ports: PortMain[] }) => void): void;
  postMessage(message: unknown): void;
  start(): void;
  on(event: 'close', listener: () => void): void;
}

const engine = createEngine();
const shutdown = (): void => {
  void engine.close().finally(() => process.exit(0));
};

function portMainAdapter(port: PortMain): RpcPort {
  return {
    post: (message) => port.postMessage(message),
    listen(handler) {
      const l = (e: { data: unknown }): void => handler(e.data);
      port.on('message', l);
      return () => port.off('message', l);
    },
  };
}

const parentPort = (process as unknown as { parentPort?: PortMain }).parentPort;
if (parentPort) {
  parentPort.on('message', (e) => {
    const port = e.ports[0];
    if (!port) return;
    serveEngine(engine, portMainAdapter(port), { transfer: false });
    port.on('close', shutdown);
    port.start();
  });
} else if (process.send) {
  const send = process.send.bind(process);
  serveEngine(
    engine,
    {
      post: (message) => send(message),
      listen(handler) {
        process.on('message', handler);
        return () => process.off('message', handler);
      },
    },
    { transfer: false },
  );
  process.on('disconnect', shutdown);
} else {
  process.stderr.write('engine: start me as an Electron utilityProcess or with child_process.fork\n');
  process.exitCode = 2;
}
