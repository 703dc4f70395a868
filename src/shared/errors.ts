/**
 * Typed errors shared by the core, the engine, the CLI and the UI. Every error a user can meet
 * names the file and the path inside it, so a message never stands alone as a raw exception string.
 */
export type NxrErrorCode =
  | 'NOT_HDF5' // the file is not HDF5 (e.g. HDF4, text, image)
  | 'TRUNCATED' // HDF5 signature present but the file is cut short or corrupt
  | 'FILE_NOT_FOUND'
  | 'MISSING_FILTER' // a compression filter needed to read the data is not available
  | 'MISSING_PATH' // no object at that path inside the file
  | 'DANGLING_LINK' // an external or soft link whose target is missing
  | 'WRONG_SHAPE'
  | 'WRONG_DTYPE'
  | 'BAD_PARAMETER' // a nonsense or out-of-range parameter
  | 'FILE_LOCKED' // another process is writing the file
  | 'WRITE_FAILED'
  | 'CANCELLED'
  | 'INTERNAL';

export interface NxrErrorInfo {
  code: NxrErrorCode;
  message: string;
  /** File the error concerns, as the user gave it. */
  file?: string;
  /** Path inside the HDF5 file, e.g. /f1/instrument/detector/distance. */
  path?: string;
}

export class NxrError extends Error {
  readonly code: NxrErrorCode;
  readonly file?: string;
  readonly path?: string;
  /** The message without the "file:path: " prefix (what crosses IPC as `message`). */
  readonly detail: string;

  constructor(info: NxrErrorInfo, options?: { cause?: unknown }) {
    super(formatNxrError(info), options);
    this.name = 'NxrError';
    this.code = info.code;
    this.detail = info.message;
    if (info.file !== undefined) this.file = info.file;
    if (info.path !== undefined) this.path = info.path;
  }

  /** Serialisable form; `new NxrError(e.toJSON())` gives the same error back. */
  toJSON(): NxrErrorInfo {
    const out: NxrErrorInfo = { code: this.code, message: this.detail };
    if (this.file !== undefined) out.file = this.file;
    if (this.path !== undefined) out.path = this.path;
    return out;
  }
}

/** "file.nxs:/entry/data/data: message" — the file and path first, as h5ls and h5py do. */
export function formatNxrError(info: NxrErrorInfo): string {
  const where = [info.file, info.path].filter((s) => s !== undefined && s !== '').join(':');
  return where ? `${where}: ${info.message}` : info.message;
}

export function isNxrError(e: unknown): e is NxrError {
  return e instanceof NxrError;
}

/** Turn any thrown value into the serialisable form that crosses IPC. */
export function toErrorInfo(e: unknown): NxrErrorInfo {
  if (e instanceof NxrError) return e.toJSON();
  if (e instanceof Error && e.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' };
  const message = e instanceof Error ? e.message : String(e);
  // h5wasm can print whole minified lines; keep messages readable.
  return { code: 'INTERNAL', message: message.length > 500 ? `${message.slice(0, 500)}…` : message };
}
