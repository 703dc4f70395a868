/**
 * Supervises the engine utilityProcess: starts it by path (out/main/engine.js), hands it one end of
 * a MessageChannelMain, and gives main a typed client over the other end. If the engine dies (an
 * HDF5/wasm abort, out of memory), pending requests fail with a clear error, the window stays up,
 * and the next request starts a fresh engine (files must then be reopened).
 */
import { MessageChannelMain, utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';

import { NxrError } from '../../shared/errors.ts';
import {
  engineEventChannels,
  type EventChannel,
  type InvokeArgs,
  type InvokeResult,
  type NxrEventMap,
  type EngineChannel,
} from '../../shared/ipc.ts';
import { createRpcClient, type RpcClient, type RpcPort } from '../../shared/rpc.ts';

function portMainAdapter(port: MessagePortMain): RpcPort {
  return {
    post: (message) => port.postMessage(message),
    listen(handler) {
      const l = (e: Electron.MessageEvent): void => handler(e.data);
      port.on('message', l);
      return () => port.off('message', l);
    },
  };
}

export interface EngineProcessOptions {
  /** out/main/engine.js */
  modulePath: string;
  /** Called with every engine event (job progress, logs, ends; files changed on disk). */
  onEvent: <C extends EventChannel>(channel: C, payload: NxrEventMap[C]) => void;
  /** Called when the engine process exits unexpectedly. */
  onCrash?: (code: number) => void;
  log?: (line: string) => void;
}

export class EngineProcess {
  private child: UtilityProcess | null = null;
  private client: RpcClient | null = null;
  private port: MessagePortMain | null = null;
  private stopping = false;

  constructor(private readonly options: EngineProcessOptions) {}

  invoke<C extends EngineChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResult<C>> {
    return this.ensure().invoke(channel, ...args);
  }

  private ensure(): RpcClient {
    if (this.client && !this.client.closed) return this.client;
    const { port1, port2 } = new MessageChannelMain();
    const child = utilityProcess.fork(this.options.modulePath, [], {
      serviceName: 'NXRefine engine',
      stdio: 'pipe',
    });
    child.stdout?.on('data', (d: Buffer) => this.options.log?.(`engine: ${d.toString().trimEnd()}`));
    child.stderr?.on('data', (d: Buffer) =>
      this.options.log?.(`engine: ${d.toString().trimEnd().slice(0, 2000)}`),
    );
    child.postMessage({ type: 'connect' }, [port2]);
    const client = createRpcClient(portMainAdapter(port1));
    for (const channel of engineEventChannels) {
      client.on(channel, (payload: NxrEventMap[typeof channel]) => this.options.onEvent(channel, payload));
    }
    port1.start();
    child.once('exit', (code) => {
      const crashed = !this.stopping;
      client.close(
        new NxrError({
          code: 'INTERNAL',
          message: `the engine process stopped (exit code ${code}); open the file again to continue`,
        }),
      );
      if (this.child === child) {
        this.child = null;
        this.client = null;
        this.port = null;
      }
      if (crashed) this.options.onCrash?.(code);
    });
    this.child = child;
    this.client = client;
    this.port = port1;
    return client;
  }

  /** Stops the engine (closing the port lets it close its files first). */
  stop(): void {
    this.stopping = true;
    this.port?.close();
    this.child?.kill();
  }
}
