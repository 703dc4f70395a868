/**
 * Request/response over any message port, typed by the contract in ipc.ts. The same two halves run
 * in-process (tests, CLI), between Electron main and the engine utilityProcess (MessagePortMain), and
 * between the browser-mode page and the server (WebSocket): only the port adapter differs.
 */
import { NxrError, toErrorInfo, type NxrErrorInfo } from './errors.ts';
import {
  checkInvokeArgs,
  isInvokeChannel,
  type EventChannel,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeHandlers,
  type InvokeResult,
  type NxrEventMap,
  type ProtocolMessage,
} from './ipc.ts';

/** The smallest port both sides need. `transfer` lists buffers to move instead of copy, where the port can. */
export interface RpcPort {
  post(message: ProtocolMessage, transfer?: ArrayBuffer[]): void;
  /** Returns the unsubscribe function. */
  listen(handler: (message: unknown) => void): () => void;
}

/** Buffers of the typed arrays inside a value (frames), for postMessage transfer lists. */
export function collectTransferables(value: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (depth > 6 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    const buf = value.buffer;
    if (buf instanceof ArrayBuffer && !out.includes(buf)) out.push(buf);
    return out;
  }
  const items: unknown[] = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) collectTransferables(item, out, depth + 1);
  return out;
}

/** Rebuild a thrown NxrError from its wire form (NxrError.toJSON keeps file and path apart from the message). */
export function errorFromInfo(info: NxrErrorInfo): NxrError {
  return new NxrError(info);
}

export interface ServeOptions {
  /** Post transfer lists (worker_threads, browser MessagePorts); false for ports that only copy. @default true */
  transfer?: boolean;
  /** Called for every request that fails, e.g. to log it. */
  onError?: (channel: string, error: NxrErrorInfo) => void;
}

/**
 * Answers requests arriving on `port` with `handlers`. Unknown channels and bad arguments are
 * answered with BAD_PARAMETER errors, never thrown. Returns the function that stops listening.
 */
export function serveHandlers(
  handlers: Partial<InvokeHandlers>,
  port: RpcPort,
  options: ServeOptions = {},
): () => void {
  const transfer = options.transfer ?? true;
  const reply = (id: number, channel: string, run: () => Promise<unknown>): void => {
    run().then(
      (result) => {
        port.post(
          { type: 'response', id, ok: true, result },
          transfer ? collectTransferables(result) : undefined,
        );
      },
      (e: unknown) => {
        const error = toErrorInfo(e);
        options.onError?.(channel, error);
        port.post({ type: 'response', id, ok: false, error });
      },
    );
  };
  return port.listen((raw) => {
    const msg = raw as Partial<ProtocolMessage> | null;
    if (msg === null || typeof msg !== 'object' || msg.type !== 'request' || typeof msg.id !== 'number')
      return;
    const { id, channel, args } = msg;
    reply(id, String(channel), async () => {
      if (!isInvokeChannel(channel) || !Array.isArray(args)) {
        throw new NxrError({ code: 'BAD_PARAMETER', message: `unknown channel '${String(channel)}'` });
      }
      const problem = checkInvokeArgs(channel, args);
      if (problem) throw new NxrError({ code: 'BAD_PARAMETER', message: problem });
      const handler = handlers[channel] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!handler)
        throw new NxrError({ code: 'BAD_PARAMETER', message: `'${channel}' is not available here` });
      return handler(...args);
    });
  });
}

/** Pushes one event to the other side. */
export function postEvent<C extends EventChannel>(port: RpcPort, channel: C, payload: NxrEventMap[C]): void {
  port.post({ type: 'event', channel, payload });
}

export interface RpcClient {
  invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResult<C>>;
  /** Subscribe to an event channel; returns the unsubscribe function. */
  on<C extends EventChannel>(channel: C, listener: (payload: NxrEventMap[C]) => void): () => void;
  /** Rejects every pending request with `reason` (e.g. the engine process exited) and stops listening. */
  close(reason?: NxrError): void;
  readonly closed: boolean;
}

export function createRpcClient(port: RpcPort): RpcClient {
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const unlisten = port.listen((raw) => {
    const msg = raw as ProtocolMessage | null;
    if (msg === null || typeof msg !== 'object') return;
    if (msg.type === 'response') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(errorFromInfo(msg.error));
    } else if (msg.type === 'event') {
      for (const l of listeners.get(msg.channel) ?? []) (l as (p: unknown) => void)(msg.payload);
    }
  });
  return {
    get closed() {
      return closed;
    },
    invoke(channel, ...args) {
      if (closed) {
        return Promise.reject(new NxrError({ code: 'INTERNAL', message: 'the engine connection is closed' }));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        port.post({ type: 'request', id, channel, args: [...args] });
      });
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    close(reason) {
      if (closed) return;
      closed = true;
      unlisten();
      const err = reason ?? new NxrError({ code: 'INTERNAL', message: 'the engine connection is closed' });
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    },
  };
}

/** Two linked in-process ports (like MessageChannel), for tests and the CLI. */
export function createLocalPortPair(): [RpcPort, RpcPort] {
  const handlers: [Set<(m: unknown) => void>, Set<(m: unknown) => void>] = [new Set(), new Set()];
  const make = (mine: 0 | 1): RpcPort => ({
    post(message) {
      const target = handlers[mine === 0 ? 1 : 0];
      void Promise.resolve().then(() => {
        for (const h of target) h(message);
      });
    },
    listen(handler) {
      handlers[mine].add(handler);
      return () => handlers[mine].delete(handler);
    },
  });
  return [make(0), make(1)];
}
