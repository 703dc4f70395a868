/**
 * The one typed contract between the UI and everything behind it.
 *
 * - `NxrInvokeMap`: request → response channels. The Electron main process registers one
 *   `ipcMain.handle` per entry (src/main/ipc), the preload exposes one named function per entry
 *   (`window.nxr`), and the browser-mode server answers the same channels over a WebSocket.
 * - `NxrEventMap`: one-way events pushed to the UI (job progress and logs, menu commands).
 * - Engine channels are answered by the engine (`createEngine` in src/engine); host channels by
 *   whoever hosts the UI (Electron main, or the browser-mode server).
 *
 * Everything that crosses here is plain data: the NeXus model of src/nexus/model (NxNode), JSON
 * values, and typed arrays (frames).
 */
import type { NxNode, NxValue } from '../nexus/model/types.ts';
import type { Geometry, Mat3 } from '../refine/geometry/models.ts';
import type { NxrErrorInfo } from './errors.ts';
import type { ExperimentDialogId } from './experiment-jobs.ts';
import type { CellValues, JobEnd, JobLog, JobProgress, JobRequest, RefineDialogId } from './jobs.ts';

/** The typed arrays a frame can arrive in (BigInt arrays are converted to Float64Array). */
export type FrameArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/**
 * A node with its attributes, for the attributes panel. Small datasets (scalars, strings, at most
 * 64 elements) also carry their value, as NeXpy shows it.
 */
export interface EntityInfo extends NxNode {
  value?: NxValue;
  /** True when `value` holds only the first elements. */
  valueTruncated?: boolean;
  /** Why the value could not be read (e.g. a missing compression filter). */
  valueError?: NxrErrorInfo;
}

export interface FileInfo {
  /** Handle for the other tree/data calls; valid until file:close. */
  fileId: string;
  /** The path the file was opened with (relative to the served folder in browser mode). */
  path: string;
  /** Base name, for titles and tabs. */
  name: string;
  sizeBytes: number;
  /** The root group (without attributes); its children come from tree:children(fileId, '/'). */
  root: NxNode;
}

/** One 2-D frame of a 3-D stack, as a transferable typed array. */
export interface FrameData {
  path: string;
  index: number;
  /** Number of frames in the stack (size of the first dimension). */
  frameCount: number;
  /** [rows, columns]. */
  shape: [number, number];
  /** numpy-style dtype as stored, e.g. '<u4' (int64/uint64 frames arrive as a Float64Array). */
  dtype: string;
  data: FrameArray;
}

export interface DirEntry {
  name: string;
  /** Path relative to the served folder, '/'-separated. */
  path: string;
  kind: 'dir' | 'file';
  sizeBytes?: number;
}

export interface DirListing {
  /** Folder listed, relative to the served folder ('' is the folder itself). */
  dir: string;
  /** Parent folder, or null at the top of the served folder. */
  parent: string | null;
  /** Sub-folders, then HDF5/NeXus files (.nxs .nx5 .nx .h5 .hdf5 .hdf), each sorted by name. */
  entries: DirEntry[];
}

export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
  /** Browser mode: the served folder's name (paths are relative to it). */
  rootName?: string;
  /** A file to open at start (the demo scan in `npm start`, or a path given on the command line). */
  initialFile?: string;
}

/** What the application menu asks the UI to do. */
export type MenuCommand =
  | { command: 'open-file'; path: string }
  | { command: 'close-file' }
  /** Refine ▸ <item>: open that dialog. */
  | { command: 'refine'; dialog: RefineDialogId }
  /** Experiment ▸ <item>: open that dialog. */
  | { command: 'experiment'; dialog: ExperimentDialogId };

/**
 * An open file changed on disk, not through one of our own jobs (those end with
 * `JobEnd.fileChanged`): someone rewrote it (h5py, `nxr` in a terminal, a beamline writer), deleted
 * it, or left it unreadable. The engine polls the open files' identity (inode, size, mtime) every
 * few seconds.
 */
export interface FileChangedEvent {
  fileId: string;
  /**
   * 'reloaded': the engine has reopened the new version (the tree reads it from now on);
   * 'missing': the file is gone; 'unreadable': it is there but cannot be opened (cut short, not
   * HDF5 any more). In the last two cases the version opened before stays readable, unless the
   * file was overwritten in place (then reads fail with the reason until it can be opened again).
   */
  status: 'reloaded' | 'missing' | 'unreadable';
  /** Why, for 'missing' and 'unreadable' (names the file). */
  error?: NxrErrorInfo;
  /** When the engine noticed, ms since the epoch. */
  time: number;
}

/** Reads beyond the lazy tree (data:read), one kind per request. */
export type DataQuery =
  /** The whole value of a dataset (at most 16 Mi elements), e.g. fN/peaks/x or a pixel mask. */
  | { kind: 'values'; fileId: string; path: string }
  /** The geometry of a detector entry (fN), and its orientation and lattice when defined. */
  | { kind: 'geometry'; fileId: string; entry: string }
  /**
   * The monitor per frame of an entry as the reduction finds it (the `monitor` parameter's name:
   * an NXmonitor group, or HEAD's monitor/<name>), `frames` values long (see EntryMonitor).
   */
  | { kind: 'monitor'; fileId: string; entry: string; name: string; frames: number }
  /**
   * The sum of planes start…start+count−1 along `axis` of a 3-D dataset (an HKL slice, one or
   * several planes thick), read without reading the rest; with `weights` (a dataset of the same
   * shape) divided by the sum of the same planes of it (see DatasetSlab).
   */
  | {
      kind: 'slab';
      fileId: string;
      path: string;
      axis: number;
      start: number;
      count: number;
      weights?: string;
    };

export interface DatasetValues {
  path: string;
  shape: number[];
  dtype: string;
  /** Numbers as a typed array (int64 → Float64Array); strings and other values as JSON values. */
  data: FrameArray | NxValue;
}

export interface EntryGeometry {
  entry: string;
  geometry: Geometry;
  /** instrument/detector/orientation_matrix (NXRefine convention), when present. */
  orientationMatrix?: Mat3;
  /** /entry/sample cell, when defined. */
  cell?: CellValues;
}

/** Answer to a monitor query: the values and where they were found, or why there are none. */
export type EntryMonitor = { path: string; values: Float64Array } | { path: null; reason: string };

/** Answer to a slab query: planes summed along one axis of a 3-D dataset. */
export interface DatasetSlab {
  path: string;
  /** Shape of the whole dataset. */
  datasetShape: number[];
  axis: number;
  start: number;
  count: number;
  /** [rows, columns]: the two other dimensions, in order (axis 0 of (L, K, H) → [K, H]). */
  shape: [number, number];
  /** numpy-style dtype as stored. */
  dtype: string;
  /** The weights divided by, when asked for. */
  weights?: string;
  /** Σ of the planes (÷ Σ of the weights' planes, NaN where that is 0), row-major; NaN where a summed value is NaN. */
  data: Float64Array;
}

export interface DataQueryResultMap {
  values: DatasetValues;
  geometry: EntryGeometry;
  monitor: EntryMonitor;
  slab: DatasetSlab;
}
export type DataQueryResult = DataQueryResultMap[DataQuery['kind']];

/** Request → response channels. `args` are positional, `result` is what the promise resolves to. */
export interface NxrInvokeMap {
  'app:info': { args: []; result: AppInfo };
  /** Electron: the native open dialog; resolves null when cancelled. Browser mode: not available. */
  'dialog:open-file': { args: []; result: string | null };
  /** Electron: the native folder dialog (may create a folder); null when cancelled. Browser mode: not available. */
  'dialog:choose-directory': { args: [title: string]; result: string | null };
  /** Electron: the native open dialog for any file (images, .poni); null when cancelled. Browser mode: not available. */
  'dialog:choose-file': { args: [title: string]; result: string | null };
  /**
   * Browser mode: list a folder inside the served folder. `show` 'hdf5' (the default) lists
   * NeXus/HDF5 files, 'all' every file. Electron: not available.
   */
  'fs:list': { args: [dir: string, show?: 'hdf5' | 'all']; result: DirListing };
  'file:open': { args: [path: string]; result: FileInfo };
  'file:close': { args: [fileId: string]; result: null };
  /** Opens the file again from disk (same fileId), e.g. after someone else rewrote it. */
  'file:reload': { args: [fileId: string]; result: FileInfo };
  /**
   * Lazy tree: the members of one group, one level, NX_class but no other attributes. Links are
   * listed with their target; dangling ones too (kind 'soft-link' / 'external-link').
   */
  'tree:children': { args: [fileId: string, path: string]; result: NxNode[] };
  'tree:entity': { args: [fileId: string, path: string]; result: EntityInfo };
  /** Frame `index` of a 3-D dataset. */
  'data:frame': { args: [fileId: string, path: string, index: number]; result: FrameData };
  /** Dataset values, entry geometry and slabs of 3-D datasets (see DataQuery). */
  'data:read': { args: [query: DataQuery]; result: DataQueryResult };
  'job:start': { args: [request: JobRequest]; result: { jobId: string } };
  'job:cancel': { args: [jobId: string]; result: null };
}

export type InvokeChannel = keyof NxrInvokeMap;
export type InvokeArgs<C extends InvokeChannel> = NxrInvokeMap[C]['args'];
export type InvokeResult<C extends InvokeChannel> = NxrInvokeMap[C]['result'];
export type InvokeHandlers<C extends InvokeChannel = InvokeChannel> = {
  [K in C]: (...args: InvokeArgs<K>) => Promise<InvokeResult<K>>;
};

/** Channels the engine answers; the host answers the rest. */
export const engineChannels = [
  'file:open',
  'file:close',
  'file:reload',
  'tree:children',
  'tree:entity',
  'data:frame',
  'data:read',
  'job:start',
  'job:cancel',
] as const satisfies readonly InvokeChannel[];
export type EngineChannel = (typeof engineChannels)[number];
export type HostChannel = Exclude<InvokeChannel, EngineChannel>;

/** One-way events to the UI. */
export interface NxrEventMap {
  'job:progress': JobProgress;
  'job:log': JobLog;
  'job:end': JobEnd;
  'menu:command': MenuCommand;
  'file:changed': FileChangedEvent;
}
export type EventChannel = keyof NxrEventMap;
export const engineEventChannels = [
  'job:progress',
  'job:log',
  'job:end',
  'file:changed',
] as const satisfies readonly EventChannel[];

/** The names `window.nxr` exposes, one per contract entry. */
export const bridgeInvokeNames = {
  appInfo: 'app:info',
  openFileDialog: 'dialog:open-file',
  chooseDirectory: 'dialog:choose-directory',
  chooseFile: 'dialog:choose-file',
  listDirectory: 'fs:list',
  openFile: 'file:open',
  closeFile: 'file:close',
  reloadFile: 'file:reload',
  listChildren: 'tree:children',
  getEntity: 'tree:entity',
  readFrame: 'data:frame',
  readData: 'data:read',
  startJob: 'job:start',
  cancelJob: 'job:cancel',
} as const satisfies Record<string, InvokeChannel>;

export const bridgeEventNames = {
  onJobProgress: 'job:progress',
  onJobLog: 'job:log',
  onJobEnd: 'job:end',
  onMenuCommand: 'menu:command',
  onFileChanged: 'file:changed',
} as const satisfies Record<string, EventChannel>;

type InvokeNames = typeof bridgeInvokeNames;
type EventNames = typeof bridgeEventNames;

/** The UI's view of the contract: `window.nxr` under Electron, the WebSocket client in browser mode. */
export type NxrBridge = {
  [N in keyof InvokeNames]: (...args: InvokeArgs<InvokeNames[N]>) => Promise<InvokeResult<InvokeNames[N]>>;
} & {
  /** Subscribe; returns the unsubscribe function. */
  [N in keyof EventNames]: (listener: (payload: NxrEventMap[EventNames[N]]) => void) => () => void;
};

/**
 * What the Electron preload's functions resolve to. Errors cannot cross contextBridge with their
 * code, file and path (only the message survives), so the preload returns them as data and the
 * renderer's bridge turns them back into thrown NxrErrors.
 */
export type IpcEnvelope<T> = { ok: true; result: T } | { ok: false; error: NxrErrorInfo };

/** `window.nxr` as the preload exposes it (src/preload/index.ts checks `typeof api` against it). */
export type NxrPreloadApi = {
  [N in keyof InvokeNames]: (
    ...args: InvokeArgs<InvokeNames[N]>
  ) => Promise<IpcEnvelope<InvokeResult<InvokeNames[N]>>>;
} & {
  [N in keyof EventNames]: (listener: (payload: NxrEventMap[EventNames[N]]) => void) => () => void;
};

// Every channel has a bridge name (compile-time check: adding a channel without a name fails here).
type MissingInvokeName = Exclude<InvokeChannel, InvokeNames[keyof InvokeNames]>;
type MissingEventName = Exclude<EventChannel, EventNames[keyof EventNames]>;
const everyChannelNamed: [MissingInvokeName, MissingEventName] extends [never, never] ? true : false = true;
void everyChannelNamed;

/** Runtime argument kinds per channel, checked by the hosts before anything runs (untrusted input). */
type ArgKind = 'string' | 'index' | 'job-request' | 'data-query' | 'list-filter?';
export const channelArgKinds: { [C in InvokeChannel]: readonly ArgKind[] } = {
  'app:info': [],
  'dialog:open-file': [],
  'dialog:choose-directory': ['string'],
  'dialog:choose-file': ['string'],
  'fs:list': ['string', 'list-filter?'],
  'file:open': ['string'],
  'file:close': ['string'],
  'file:reload': ['string'],
  'tree:children': ['string', 'string'],
  'tree:entity': ['string', 'string'],
  'data:frame': ['string', 'string', 'index'],
  'data:read': ['data-query'],
  'job:start': ['job-request'],
  'job:cancel': ['string'],
};

export function isInvokeChannel(c: unknown): c is InvokeChannel {
  return typeof c === 'string' && Object.hasOwn(channelArgKinds, c);
}

export function isEngineChannel(c: InvokeChannel): c is EngineChannel {
  return (engineChannels as readonly string[]).includes(c);
}

/**
 * Checks `args` against the channel's kinds; returns an error text, or null when they are fine.
 * Strings are capped at 4096 characters (paths), indices must be non-negative safe integers.
 */
export function checkInvokeArgs(channel: InvokeChannel, args: readonly unknown[]): string | null {
  const kinds = channelArgKinds[channel];
  const required = kinds.filter((k) => !k.endsWith('?')).length;
  if (args.length < required || args.length > kinds.length) {
    const n = required === kinds.length ? `${required}` : `${required} to ${kinds.length}`;
    return `${channel} takes ${n} argument(s), got ${args.length}`;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (kinds[i]) {
      case 'list-filter?':
        if (a !== undefined && a !== 'hdf5' && a !== 'all') {
          return `${channel}: argument ${i + 1} must be 'hdf5' or 'all'`;
        }
        break;
      case 'string':
        if (typeof a !== 'string' || a.length > 4096) return `${channel}: argument ${i + 1} must be a string`;
        break;
      case 'index':
        if (typeof a !== 'number' || !Number.isSafeInteger(a) || a < 0) {
          return `${channel}: argument ${i + 1} must be a non-negative integer`;
        }
        break;
      case 'job-request':
        if (typeof a !== 'object' || a === null || typeof (a as { kind?: unknown }).kind !== 'string') {
          return `${channel}: argument ${i + 1} must be a job request with a kind`;
        }
        break;
      case 'data-query': {
        const q = a as {
          kind?: unknown;
          fileId?: unknown;
          path?: unknown;
          entry?: unknown;
          axis?: unknown;
          start?: unknown;
          count?: unknown;
          weights?: unknown;
          name?: unknown;
          frames?: unknown;
        } | null;
        const str = (v: unknown): boolean => typeof v === 'string' && v.length <= 4096;
        const index = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
        const ok =
          typeof q === 'object' &&
          q !== null &&
          str(q.fileId) &&
          ((q.kind === 'values' && str(q.path)) ||
            (q.kind === 'geometry' && str(q.entry)) ||
            (q.kind === 'monitor' && str(q.entry) && str(q.name) && index(q.frames)) ||
            (q.kind === 'slab' &&
              str(q.path) &&
              index(q.axis) &&
              index(q.start) &&
              index(q.count) &&
              (q.weights === undefined || str(q.weights))));
        if (!ok) {
          return `${channel}: argument ${i + 1} must be a values, geometry, monitor or slab query with a fileId (slab: path, axis, start, count as non-negative integers; monitor: entry, name, frames)`;
        }
        break;
      }
    }
  }
  return null;
}

/** Messages of the engine protocol (in-process, utilityProcess MessagePort, WebSocket). */
export interface RequestMessage {
  type: 'request';
  id: number;
  channel: InvokeChannel;
  args: unknown[];
}
export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: NxrErrorInfo };
export interface EventMessage {
  type: 'event';
  channel: EventChannel;
  payload: unknown;
}
export type ProtocolMessage = RequestMessage | ResponseMessage | EventMessage;
