/**
 * Browser mode: the built renderer over HTTP and the engine over a WebSocket (/ws) on one port,
 * speaking the same typed contract as Electron's IPC. Paths the page sends are relative to the
 * served folder and cannot leave it. Bound to 127.0.0.1 by default; Host and Origin headers are
 * checked so that other web sites (or DNS rebinding) cannot reach the engine through the browser.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebSocketServer, type WebSocket } from 'ws';

import { NxrError } from '../../shared/errors.ts';
import { hostPathFields, isExperimentJobKind } from '../../shared/experiment-jobs.ts';
import type { AppInfo, InvokeHandlers } from '../../shared/ipc.ts';
import type { JobRequest } from '../../shared/jobs.ts';
import { serveHandlers } from '../../shared/rpc.ts';
import { createEngine, forwardEngineEvents, type Engine } from '../index.ts';
import { ServedFolder } from './served-folder.ts';
import { createStaticHandler, SECURITY_HEADERS } from './static-files.ts';
import { wsPort } from './ws-port.ts';

export interface BrowserServerOptions {
  /** Folder whose NeXus files the page may browse and open. */
  root: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** A file (relative to root) the page opens at start. */
  initialFile?: string;
  /** App version shown by the page. @default '0.0.0' */
  version?: string;
  /** Engine to use (tests); by default one is created and closed with the server. */
  engine?: Engine;
}

export interface BrowserServer {
  /** http://host:port/ */
  url: string;
  port: number;
  folder: ServedFolder;
  engine: Engine;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const folder = new ServedFolder(options.root);
  const host = options.host ?? '127.0.0.1';
  const ownEngine = options.engine === undefined;
  const engine = options.engine ?? createEngine();
  const serveStatic = createStaticHandler(options.rendererDir);
  if (options.initialFile !== undefined) folder.resolve(options.initialFile);

  let port = 0;
  /** Host header values we answer to: our own address, and localhost names when bound to loopback. */
  const allowedHosts = (): Set<string> => {
    const names = isLoopbackHost(host)
      ? ['127.0.0.1', 'localhost', '[::1]']
      : [host.includes(':') ? `[${host}]` : host];
    return new Set(names.map((n) => `${n}:${port}`));
  };
  const hostOk = (req: IncomingMessage): boolean => allowedHosts().has(req.headers.host ?? '');
  const originOk = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    // Browsers always send Origin on WebSockets; local non-browser clients may not.
    return origin === undefined || origin === `http://${req.headers.host ?? ''}`;
  };

  const server: Server = createServer((req, res) => {
    if (!hostOk(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end('unknown host');
      return;
    }
    serveStatic(req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/ws' || !hostOk(req) || !originOk(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  const appInfo: AppInfo = {
    mode: 'browser',
    version: options.version ?? '0.0.0',
    rootName: folder.name,
    ...(options.initialFile !== undefined ? { initialFile: options.initialFile } : {}),
  };

  /**
   * A job request with its file handle checked (a page may only use the files it opened) and its
   * host paths (an Experiment job's `directory` and `hostPathFields`) resolved inside the served
   * folder; they may name folders or files the job is about to create.
   */
  function jailRequest(request: JobRequest, own: (fileId: string) => string): JobRequest {
    const out: Record<string, unknown> = { ...request };
    const kind: string = request.kind;
    if ('fileId' in request || !isExperimentJobKind(kind)) out.fileId = own(String(out.fileId));
    if (isExperimentJobKind(kind)) {
      const fields = ['directory', ...(hostPathFields[kind] ?? [])];
      for (const key of fields) {
        const v = out[key];
        if (typeof v === 'string') out[key] = folder.resolveForCreate(v);
        else if (Array.isArray(v)) out[key] = v.map((p) => folder.resolveForCreate(String(p)));
      }
    }
    return out as unknown as JobRequest;
  }

  function onConnection(ws: WebSocket): void {
    const port = wsPort(ws);
    const fileIds = new Set<string>();
    const own = (fileId: string): string => {
      if (!fileIds.has(fileId)) {
        throw new NxrError({ code: 'BAD_PARAMETER', message: `no open file with id '${fileId}' (closed?)` });
      }
      return fileId;
    };
    const handlers: InvokeHandlers = {
      ...engine.api,
      'app:info': async () => appInfo,
      'fs:list': async (dir, show) => folder.list(dir, show),
      'dialog:choose-directory': async () => {
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: 'no native folder dialog in browser mode; use fs:list',
        });
      },
      'dialog:choose-file': async () => {
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: 'no native file dialog in browser mode; use fs:list',
        });
      },
      'dialog:open-file': async () => {
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: 'no native file dialog in browser mode; use fs:list',
        });
      },
      // Paths are relative to the served folder, in and out.
      'file:open': async (rel) => {
        const info = await engine.api['file:open'](folder.resolve(rel));
        fileIds.add(info.fileId);
        return { ...info, path: folder.relativeOf(info.path) };
      },
      'file:close': async (fileId) => {
        fileIds.delete(fileId);
        return engine.api['file:close'](fileId);
      },
      'file:reload': async (fileId) => {
        const info = await engine.api['file:reload'](own(fileId));
        return { ...info, path: folder.relativeOf(info.path) };
      },
      // A page may only touch the files it opened itself.
      'tree:children': async (fileId, path) => engine.api['tree:children'](own(fileId), path),
      'tree:entity': async (fileId, path) => engine.api['tree:entity'](own(fileId), path),
      'data:frame': async (fileId, path, index) => engine.api['data:frame'](own(fileId), path, index),
      'data:read': async (query) => engine.api['data:read']({ ...query, fileId: own(query.fileId) }),
      'job:start': async (request) => engine.api['job:start'](jailRequest(request, own)),
    };
    const stopServing = serveHandlers(handlers, port, { transfer: false });
    // job events go to every page; a file's changes only to the page that opened it
    const stopEvents = forwardEngineEvents(
      engine,
      port,
      (channel, payload) => channel !== 'file:changed' || fileIds.has((payload as { fileId: string }).fileId),
    );
    ws.on('close', () => {
      stopServing();
      stopEvents();
      for (const id of fileIds) void engine.api['file:close'](id);
      fileIds.clear();
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/`,
    port,
    folder,
    engine,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (ownEngine) await engine.close();
    },
  };
}
