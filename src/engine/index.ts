/**
 * The engine: every file read and long computation behind the UI, as one typed API object
 * (h5web worker-api style: the contract type is `typeof api`, checked against src/shared/ipc.ts).
 *
 * The same engine runs
 * - in-process (tests, CLI): `createEngine()` and call `engine.api[...]` directly;
 * - as an Electron utilityProcess (src/engine/utility-process.ts), so an HDF5/wasm abort never
 *   takes the UI down: `serveEngine(engine, port)` over a MessagePort;
 * - behind the browser-mode server (src/engine/server), over a WebSocket.
 *
 * Jobs run with their own AbortController; progress is sent only when the integer percent changes
 * and every job logs "'kind' started", "'kind' complete (N seconds)" or "'kind' failed: …".
 *
 * Open files are watched (src/engine/io/file-watch.ts): when someone else rewrites one, the engine
 * reopens it and sends 'file:changed'; a file our own job rewrote is reopened at the job's end
 * instead (JobEnd.fileChanged), never reported twice.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';

import { shapeSize } from '../nexus/model/dtype.ts';
import type { NumericArray, NxDataValue, NxNode, NxValue } from '../nexus/model/types.ts';
import type { NexusReader } from '../nexus/port.ts';
import { NxrError, toErrorInfo } from '../shared/errors.ts';
import {
  engineEventChannels,
  type DataQuery,
  type DataQueryResult,
  type DatasetValues,
  type EngineChannel,
  type EntityInfo,
  type EntryGeometry,
  type EntryMonitor,
  type FileChangedEvent,
  type FileInfo,
  type FrameData,
  type InvokeHandlers,
  type NxrEventMap,
} from '../shared/ipc.ts';
import { isJobKind, type JobEnd, type JobKind, type JobRequest, type JobResultMap } from '../shared/jobs.ts';
import { postEvent, serveHandlers, type RpcPort, type ServeOptions } from '../shared/rpc.ts';
import { fileSignature, watchFileChanges, type FileSignature, type FileWatch } from './io/file-watch.ts';
import { openNexusFile } from './io/nexus-file.ts';
import { readSlab } from './io/read-slab.ts';
import { readEntryGeometry, readOrientationMatrix } from './jobs/read-entry-geometry.ts';
import { readSampleLattice } from './jobs/read-sample-lattice.ts';
import { readMonitor } from './jobs/read-monitor.ts';
import { checkRefineRequest, refineJobBodies, type RefineJobContext } from './refine-jobs.ts';
import { checkExperimentRequest, experimentJobBodies } from './experiment-jobs.ts';
import { isExperimentJobKind, type ExperimentJobRequest } from '../shared/experiment-jobs.ts';
import { FramePool } from './pool/frame-pool.ts';
import { toFrameArray } from './pool/frame-source.ts';
import { mergeFrameStats } from './pool/kernels/frame-stats.ts';

/** Where the engine gets its files from (tests may pass an in-memory reader). */
export interface EngineIo {
  openNexusFile(path: string): Promise<NexusReader>;
}

export interface EngineOptions {
  /** @default the h5wasm reader of src/engine/io */
  io?: EngineIo;
  /** Worker threads for frame-parallel jobs. @default min(2, cores) */
  poolSize?: number;
  /** How often open files are checked for changes by others, ms; 0 = not watched. @default 2000 */
  watchIntervalMs?: number;
  /** A change counts once the file has been still this long, ms. @default 250 */
  watchSettleMs?: number;
}

/** Small datasets whose value the attributes panel shows. */
const PREVIEW_ELEMENTS = 64;
/** Largest dataset data:read returns whole (elements). */
const MAX_READ_ELEMENTS = 16 * 1024 * 1024;

type EngineEvent = keyof Pick<NxrEventMap, (typeof engineEventChannels)[number]>;
type Listener<C extends EngineEvent> = (payload: NxrEventMap[C]) => void;

interface OpenFile {
  fileId: string;
  /** The path as the client gave it (FileInfo.path). */
  path: string;
  /** Absolute path on disk (what pool workers open). */
  fsPath: string;
  reader: NexusReader;
  /** The file as it was when `reader` opened it. */
  opened: FileSignature;
  /** Polls the file for changes made by others (absent for in-memory readers, or when disabled). */
  watch?: FileWatch;
}

/** Stands in for a file whose new version could not be opened: every read names the reason. */
function unreadableReader(file: string, error: unknown): NexusReader {
  const fail = (): never => {
    const info = toErrorInfo(error);
    throw new NxrError({ ...info, file, message: `cannot be read now: ${info.message}` });
  };
  return {
    file,
    tree: fail,
    entity: fail,
    children: fail,
    has: fail,
    readValue: fail,
    readSlice: fail,
    readFrame: fail,
    readAttribute: fail,
    close: () => undefined,
  };
}

interface RunningJob {
  kind: JobKind;
  controller: AbortController;
}

/** Context every job body gets. */
interface JobContext extends RefineJobContext {
  /** Fraction done, 0…1; the engine turns it into throttled integer percents. */
  progress: (fraction: number) => void;
}

/** A typed-array or nested value as JSON-compatible data (bigint → number). */
function toNxValue(v: NxDataValue, limit: number): { value: NxValue; truncated: boolean } {
  if (typeof v === 'bigint') return { value: Number(v), truncated: false };
  if (ArrayBuffer.isView(v)) {
    const arr = v as NumericArray;
    const n = Math.min(arr.length, limit);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Number(arr[i]));
    return { value: out, truncated: arr.length > limit };
  }
  return { value: v as NxValue, truncated: false };
}

/** NeXus links are hard links with a `target` attribute (nexusformat writes them so). */
function withNexusLink(node: NxNode): NxNode {
  const target = node.attributes.find((a) => a.name === 'target')?.value;
  const out: NxNode = { ...node, attributes: [] };
  if (!node.link && typeof target === 'string' && target !== node.path) out.link = { type: 'hard', target };
  return out;
}

export function createEngine(options: EngineOptions = {}) {
  const io: EngineIo = options.io ?? { openNexusFile };
  const files = new Map<string, OpenFile>();
  const jobs = new Map<string, RunningJob>();
  const listeners = new Map<EngineEvent, Set<Listener<never>>>();
  let pool: FramePool | null = null;
  let nextFile = 1;
  let nextJob = 1;

  const emit = <C extends EngineEvent>(channel: C, payload: NxrEventMap[C]): void => {
    for (const l of listeners.get(channel) ?? []) (l as Listener<C>)(payload);
  };

  const fileOf = (fileId: string): OpenFile => {
    const f = files.get(fileId);
    if (!f)
      throw new NxrError({ code: 'BAD_PARAMETER', message: `no open file with id '${fileId}' (closed?)` });
    return f;
  };

  const framePool = (): FramePool =>
    (pool ??= new FramePool(options.poolSize ? { size: options.poolSize } : {}));

  /** Checks the dataset is a 3-D stack; returns its frame count. */
  const stackFrames = (f: OpenFile, path: string): number => {
    const node = f.reader.entity(path, { attrs: false });
    const shape = node.shape;
    if (node.dangling) {
      const l = node.link;
      const to = l?.type === 'external' ? `${l.file}:${l.target}` : (l?.target ?? '?');
      throw new NxrError({
        code: 'DANGLING_LINK',
        message: `link to missing ${to}`,
        file: f.reader.file,
        path,
      });
    }
    if (node.kind !== 'dataset' || !shape || shape.length !== 3) {
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `expected a 3-D frame stack, got ${node.kind}${shape ? ` of shape [${shape.join(', ')}]` : ''}`,
        file: f.reader.file,
        path,
      });
    }
    return shape[0]!;
  };

  /** After a job rewrote a file (temp copy renamed over it): every handle on it reads the new one. */
  const reopenFile = async (fsPath: string): Promise<void> => {
    const real = (p: string): string => {
      try {
        return realpathSync(p);
      } catch {
        return p;
      }
    };
    const target = real(fsPath);
    for (const f of files.values()) {
      if (real(f.fsPath) !== target) continue;
      await reopen(f);
      // our own rewrite: the watcher takes this version as known (no 'file:changed' for it)
      await f.watch?.rebase();
    }
  };

  /**
   * Opens the file's version on disk now in place of the one open. A file replaced (renamed over)
   * or deleted is a new inode: the new one is opened first, and if that fails the old one stays
   * open and readable. A file rewritten in place is the same inode, which HDF5 would hand back as
   * the file already open (stale metadata): that one is closed first; if the new version cannot be
   * opened, reads fail with the reason until it can.
   */
  async function reopen(f: OpenFile): Promise<void> {
    const now = await fileSignature(f.fsPath);
    const was = f.opened;
    const inPlace = !now.missing && !was.missing && now.ino === was.ino && now.dev === was.dev;
    if (inPlace) {
      // a request arriving while the new version opens gets a clear error, not a closed handle
      const old = f.reader;
      f.reader = unreadableReader(
        f.path,
        new NxrError({ code: 'FILE_LOCKED', message: 'the file is being opened again; try again' }),
      );
      old.close();
      try {
        f.reader = await io.openNexusFile(f.fsPath);
      } catch (e) {
        f.reader = unreadableReader(f.path, e);
        f.opened = now;
        throw e;
      }
    } else {
      const fresh = await io.openNexusFile(f.fsPath);
      const old = f.reader;
      f.reader = fresh;
      old.close();
    }
    f.opened = now;
  }

  const fileInfo = (f: OpenFile): FileInfo => {
    let sizeBytes = 0;
    try {
      sizeBytes = statSync(f.fsPath).size;
    } catch {
      // in-memory readers have no file on disk (or the file is gone)
    }
    return {
      fileId: f.fileId,
      path: f.path,
      name: basename(f.fsPath),
      sizeBytes,
      root: f.reader.entity('/', { attrs: false }),
    };
  };

  /**
   * The watcher saw `f` change on disk (someone else wrote it): reopen it and tell the clients.
   * While a job runs this waits (returns false: asked again at the next poll), since the job may be
   * writing the file and reopens it itself when it ends.
   */
  const onDiskChange = async (f: OpenFile, now: FileSignature): Promise<boolean> => {
    if (jobs.size > 0) return false;
    if (files.get(f.fileId) !== f) return true;
    const event = (e: Omit<FileChangedEvent, 'fileId' | 'time'>): void =>
      emit('file:changed', { fileId: f.fileId, time: Date.now(), ...e });
    if (now.missing) {
      event({
        status: 'missing',
        error: {
          code: 'FILE_NOT_FOUND',
          message: 'the file was deleted or moved away (the tree shows it as it was)',
          file: f.path,
        },
      });
      return true;
    }
    try {
      await reopen(f);
      if (files.get(f.fileId) !== f) {
        f.reader.close(); // closed meanwhile
        return true;
      }
      event({ status: 'reloaded' });
    } catch (e) {
      const error = toErrorInfo(e);
      event({
        status: 'unreadable',
        error: {
          ...error,
          file: f.path,
          message: `changed on disk and cannot be read now: ${error.message}`,
        },
      });
    }
    return true;
  };

  const startWatch = (f: OpenFile, initial: FileSignature): void => {
    const intervalMs = options.watchIntervalMs ?? 2000;
    if (intervalMs <= 0 || initial.missing) return;
    f.watch = watchFileChanges(
      f.fsPath,
      (now) => onDiskChange(f, now),
      { intervalMs, ...(options.watchSettleMs !== undefined ? { settleMs: options.watchSettleMs } : {}) },
      initial,
    );
  };

  const jobBodies: {
    [K in JobKind]: (req: Extract<JobRequest, { kind: K }>, ctx: JobContext) => Promise<JobResultMap[K]>;
  } = {
    ...refineJobBodies,
    ...experimentJobBodies,
    'frame-stats': async (req, ctx) => {
      const f = fileOf(req.fileId);
      const count = stackFrames(f, req.path);
      const [start, stop] = req.frames ?? [0, count];
      if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > count || start >= stop) {
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `frames [${start}, ${stop}) are outside the stack of ${count}`,
          file: f.reader.file,
          path: req.path,
        });
      }
      ctx.log(`${stop - start} frames of ${req.path} in ${framePool().size} worker(s)`);
      const parts = await framePool().runKernel(
        'frame-stats',
        {},
        {
          file: f.fsPath,
          dataset: req.path,
          frames: [start, stop],
          signal: ctx.signal,
          onProgress: (p) => ctx.progress(p.done / p.total),
        },
      );
      return { start, ...mergeFrameStats(parts, start, stop) };
    },
  };

  const runJob = async (jobId: string, req: JobRequest, controller: AbortController): Promise<void> => {
    const kind = req.kind;
    const t0 = performance.now();
    let lastPercent = -1;
    const log = (message: string, level: 'info' | 'warn' | 'error' = 'info'): void =>
      emit('job:log', { jobId, kind, level, message, time: Date.now() });
    const progress = (fraction: number): void => {
      const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
      if (percent === lastPercent || controller.signal.aborted) return;
      lastPercent = percent;
      emit('job:progress', { jobId, kind, percent });
    };
    const seconds = (): number => Math.round((performance.now() - t0) / 10) / 100;
    log(`'${kind}' started`);
    progress(0);
    const changed = new Set<string>();
    try {
      const body = jobBodies[kind] as (r: JobRequest, c: JobContext) => Promise<JobResultMap[JobKind]>;
      let result: JobResultMap[JobKind];
      try {
        result = await body(req, {
          signal: controller.signal,
          progress,
          log,
          filePath: (fileId) => fileOf(fileId).fsPath,
          pool: framePool,
          fileChanged: (fsPath) => changed.add(fsPath),
        });
      } finally {
        // Even a failed or cancelled job may have replaced the file before it stopped.
        for (const p of changed) await reopenFile(p);
      }
      if (controller.signal.aborted) throw new NxrError({ code: 'CANCELLED', message: 'cancelled' });
      progress(1);
      log(`'${kind}' complete (${seconds()} seconds)`);
      emit('job:end', {
        jobId,
        kind,
        ok: true,
        result,
        seconds: seconds(),
        ...(changed.size > 0 ? { fileChanged: true } : {}),
      } as JobEnd);
    } catch (e) {
      const error = controller.signal.aborted
        ? { code: 'CANCELLED' as const, message: 'cancelled' }
        : toErrorInfo(e);
      log(error.code === 'CANCELLED' ? `'${kind}' cancelled` : `'${kind}' failed: ${error.message}`, 'error');
      emit('job:end', { jobId, kind, ok: false, error, seconds: seconds() });
    } finally {
      jobs.delete(jobId);
    }
  };

  const api = {
    'file:open': async (path: string): Promise<FileInfo> => {
      const fsPath = resolve(path);
      // the version on disk before it is opened: a write meanwhile is then seen as a change
      const signature = await fileSignature(fsPath);
      const reader = await io.openNexusFile(fsPath);
      try {
        const f: OpenFile = { fileId: `f${nextFile++}`, path, fsPath, reader, opened: signature };
        const info = fileInfo(f);
        files.set(f.fileId, f);
        startWatch(f, signature);
        return info;
      } catch (e) {
        reader.close();
        throw e;
      }
    },

    'file:close': async (fileId: string): Promise<null> => {
      const f = files.get(fileId);
      if (f) {
        files.delete(fileId);
        f.watch?.close();
        f.reader.close();
      }
      return null;
    },

    'file:reload': async (fileId: string): Promise<FileInfo> => {
      const f = fileOf(fileId);
      // a missing or broken file throws here (FILE_NOT_FOUND, TRUNCATED, …)
      await reopen(f);
      await f.watch?.rebase();
      return fileInfo(f);
    },

    'tree:children': async (fileId: string, path: string): Promise<NxNode[]> => {
      const f = fileOf(fileId);
      return f.reader.children(path, { attrs: true }).map(withNexusLink);
    },

    'tree:entity': async (fileId: string, path: string): Promise<EntityInfo> => {
      const f = fileOf(fileId);
      const node = f.reader.entity(path, { attrs: true });
      const info: EntityInfo = withNexusLink(node);
      info.attributes = node.attributes;
      const n = node.kind === 'dataset' && node.shape ? shapeSize(node.shape) : 0;
      const small = n > 0 && (n <= PREVIEW_ELEMENTS || node.dtype?.startsWith('string') === true);
      if (small && n <= 10_000) {
        try {
          const { value, truncated } = toNxValue(f.reader.readValue(path), PREVIEW_ELEMENTS);
          info.value = value;
          if (truncated) info.valueTruncated = true;
        } catch (e) {
          info.valueError = toErrorInfo(e);
        }
      }
      return info;
    },

    'data:frame': async (fileId: string, path: string, index: number): Promise<FrameData> => {
      const f = fileOf(fileId);
      const frameCount = stackFrames(f, path);
      const frame = f.reader.readFrame(path, index);
      const [rows, cols] = frame.shape as [number, number];
      return {
        path,
        index,
        frameCount,
        shape: [rows, cols],
        dtype: frame.dtype,
        data: toFrameArray(frame.data),
      };
    },

    'data:read': async (query: DataQuery): Promise<DataQueryResult> => {
      const f = fileOf(query.fileId);
      if (query.kind === 'values') {
        const node = f.reader.entity(query.path, { attrs: false });
        if (node.kind !== 'dataset' || !node.shape) {
          throw new NxrError({
            code: 'WRONG_SHAPE',
            message: `expected a dataset, found ${node.kind}`,
            file: f.reader.file,
            path: query.path,
          });
        }
        const n = shapeSize(node.shape);
        if (n > MAX_READ_ELEMENTS) {
          throw new NxrError({
            code: 'WRONG_SHAPE',
            message: `${n} elements are too many to read whole (at most ${MAX_READ_ELEMENTS}); plot it by frames`,
            file: f.reader.file,
            path: query.path,
          });
        }
        const v = f.reader.readValue(query.path);
        const out: DatasetValues = {
          path: query.path,
          shape: node.shape,
          dtype: node.dtype ?? '',
          data: ArrayBuffer.isView(v) ? toFrameArray(v as NumericArray) : toNxValue(v, n).value,
        };
        return out;
      }
      if (query.kind === 'monitor') {
        const m = readMonitor(f.reader, query.entry, query.name, query.frames);
        const answer: EntryMonitor =
          m.values === null ? { path: null, reason: m.reason } : { path: m.path, values: m.values };
        return answer;
      }
      if (query.kind === 'slab') {
        const { path, axis, start, count, weights } = query;
        return readSlab(f.reader, path, axis, start, count, weights !== undefined ? { weights } : {});
      }
      const entry = query.entry.replace(/^\/+/, '');
      const geometry = await readEntryGeometry(f.reader, entry);
      const out: EntryGeometry = { entry, geometry };
      const u = readOrientationMatrix(f.reader, entry);
      if (u) out.orientationMatrix = u;
      try {
        const lattice = await readSampleLattice(f.reader, `/${entry}/sample`);
        if (lattice.cell) out.cell = lattice.cell;
      } catch {
        // no lattice (or an unreadable one): hkl read-out is simply not offered
      }
      return out;
    },

    'job:start': async (request: JobRequest): Promise<{ jobId: string }> => {
      if (!isJobKind(request.kind)) {
        throw new NxrError({ code: 'BAD_PARAMETER', message: `unknown job kind '${String(request.kind)}'` });
      }
      if (isExperimentJobKind(request.kind)) {
        // Directory jobs name folders; file jobs (Calibrate Powder, Create Mask) an open file too.
        const r = request as Extract<JobRequest, { kind: typeof request.kind }>;
        checkExperimentRequest(r);
        const fileId = (r as { fileId?: unknown }).fileId;
        if (fileId !== undefined) fileOf(String(fileId));
      } else {
        const r = request as Exclude<JobRequest, ExperimentJobRequest>;
        if (typeof r.fileId !== 'string') {
          throw new NxrError({ code: 'BAD_PARAMETER', message: `${r.kind} needs a fileId` });
        }
        if (r.kind === 'frame-stats' && typeof r.path !== 'string') {
          throw new NxrError({ code: 'BAD_PARAMETER', message: `${r.kind} needs a fileId and a path` });
        }
        if (r.kind !== 'frame-stats') checkRefineRequest(r);
        fileOf(r.fileId);
      }
      const jobId = `j${nextJob++}`;
      const controller = new AbortController();
      jobs.set(jobId, { kind: request.kind, controller });
      // Start after this reply is on its way, so a client knows the id before the job's first event.
      setImmediate(() => void runJob(jobId, request, controller));
      return { jobId };
    },

    'job:cancel': async (jobId: string): Promise<null> => {
      jobs.get(jobId)?.controller.abort();
      return null;
    },
  };

  return {
    api,
    /** Subscribe to job and file events; returns the unsubscribe function. */
    on<C extends EngineEvent>(channel: C, listener: Listener<C>): () => void {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener as Listener<never>);
      return () => set.delete(listener as Listener<never>);
    },
    /** Ids of the files open now. */
    openFileIds: (): string[] => [...files.keys()],
    /** Cancels running jobs, closes every file and the worker pool. */
    async close(): Promise<void> {
      for (const j of jobs.values()) j.controller.abort();
      for (const f of files.values()) {
        f.watch?.close();
        f.reader.close();
      }
      files.clear();
      await pool?.close();
      pool = null;
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;
/** The engine's API type, derived from the object itself. */
export type EngineApi = Engine['api'];

// The API object and the contract must agree both ways (compile-time check).
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const apiMatchesContract: Exact<EngineApi, InvokeHandlers<EngineChannel>> = true;
void apiMatchesContract;

/**
 * Forwards the engine's events to a port; returns the function that stops forwarding. `accept`
 * may hold some back (the browser-mode server sends a page only its own files' changes).
 */
export function forwardEngineEvents(
  engine: Engine,
  port: RpcPort,
  accept: (channel: EngineEvent, payload: NxrEventMap[EngineEvent]) => boolean = () => true,
): () => void {
  const offs = engineEventChannels.map((channel) =>
    engine.on(channel, (payload: NxrEventMap[typeof channel]) => {
      if (accept(channel, payload)) postEvent(port, channel, payload);
    }),
  );
  return () => {
    for (const off of offs) off();
  };
}

/**
 * Serves the engine on a port: answers the engine channels and forwards job events.
 * Returns the function that stops serving (the engine itself stays open).
 */
export function serveEngine(engine: Engine, port: RpcPort, options: ServeOptions = {}): () => void {
  const stop = serveHandlers(engine.api, port, options);
  const stopEvents = forwardEngineEvents(engine, port);
  return () => {
    stop();
    stopEvents();
  };
}
