/**
 * The ports between NeXus knowledge and file I/O. The engine implements them with h5wasm
 * (src/engine/io); tests and the renderer can implement them in memory. All methods are
 * synchronous because HDF5 (h5wasm) is; callers across IPC wrap them in promises.
 */
import type { NumericArray, NxArray, NxDataValue, NxNode, NxValue } from './model/types.ts';
import type { NxProcessRecord } from './schema/nxprocess.ts';

export interface TreeOptions {
  /** Read every attribute (true) or only NX_class (false). @default true */
  attrs?: boolean;
  /** Levels of children below the starting node; 0 = the node only. @default Infinity */
  maxDepth?: number;
}

/** One range per dimension: [start, stop) in elements, or [] for the whole dimension. */
export type SliceRange = [number, number] | [];

export interface NexusReader {
  /** The file as the user gave it. */
  readonly file: string;
  /** The whole tree (or to maxDepth) from the root. */
  tree(opts?: TreeOptions): NxNode;
  /** The node at `path`, with children to `maxDepth` (default 0: children not loaded). */
  entity(path: string, opts?: TreeOptions): NxNode;
  /** The children of a group (one level), for lazy tree views. */
  children(path: string, opts?: TreeOptions): NxNode[];
  /** True when an object (not a dangling link) exists at `path`. */
  has(path: string): boolean;
  /** A whole dataset: numbers as typed arrays (scalars as number/bigint), strings as string(s). */
  readValue(path: string): NxDataValue;
  /** A numeric hyperslab. */
  readSlice(path: string, ranges: SliceRange[]): NxArray;
  /** Frame `index` of a 3-D stack (frames, ny, nx): shape [ny, nx]. */
  readFrame(path: string, index: number): NxArray;
  /** One attribute value (JSON-compatible). */
  readAttribute(path: string, name: string): NxValue;
  close(): void;
}

/** Attribute values the writer accepts. Integers become int64, other numbers float64. */
export type AttrValue = string | number | boolean | string[] | number[] | NumericArray;

/** Element types the writer creates ('string' = variable-length UTF-8). */
export type WriteDtype =
  '<f8' | '<f4' | '<i1' | '<u1' | '<i2' | '<u2' | '<i4' | '<u4' | '<i8' | '<u8' | 'string';

export interface FieldOptions {
  units?: string;
  attrs?: Record<string, AttrValue>;
  /** @default inferred: Float64Array → '<f8', Int32Array → '<i4', JS integer → '<i8', JS number → '<f8' */
  dtype?: WriteDtype;
  /** Shape of a multi-dimensional array (row-major data). @default [data.length] or [] for scalars */
  shape?: number[];
  /** Compress a numeric array (stored as one chunk), e.g. a 2-D pixel mask. @default none */
  compression?: Compression;
}

/** Frame-stack compression. bslz4 = bitshuffle+LZ4 (filter 32008, cd [0, 2]) as Dectris/NXRefine use. */
export type Compression = 'none' | 'gzip' | { gzip: number } | 'bslz4' | 'lz4' | 'zstd' | 'blosc';

export interface StackOptions {
  /** Frame shape [ny, nx]. */
  frameShape: [number, number];
  dtype: Exclude<WriteDtype, 'string'>;
  /** @default 'bslz4' */
  compression?: Compression;
  /** Chunk shape. @default [1, ny, nx] (one chunk per frame) */
  chunks?: [number, number, number];
  /** Maximum number of frames; null = unlimited. @default null */
  maxFrames?: number | null;
  units?: string;
  attrs?: Record<string, AttrValue>;
}

export interface NexusWriter extends NexusReader {
  /** Create a group (and missing parents) or reuse it; sets NX_class when given. */
  group(path: string, nxClass?: string, attrs?: Record<string, AttrValue>): void;
  /** Create a field, or overwrite one of the same shape and dtype in place. */
  field(path: string, value: AttrValue, opts?: FieldOptions): void;
  /** Set (create or replace) attributes. */
  setAttrs(path: string, attrs: Record<string, AttrValue>): void;
  softLink(path: string, target: string): void;
  /** External link; `file` is stored as given (NeXus convention: relative to the linking file). */
  externalLink(path: string, file: string, target: string): void;
  /** NeXus link: an HDF5 hard link plus @target on the target object (as nexusformat writes). */
  nexusLink(path: string, target: string): void;
  /** An empty chunked, resizable, compressed 3-D stack (frames, ny, nx). */
  createStack(path: string, opts: StackOptions): void;
  /** Append frames (row-major, n × ny × nx values) to a stack; returns the new frame count. */
  appendFrames(path: string, frames: NumericArray, count?: number): number;
  /** Write a hyperslab of an existing dataset (resizing is not done here). */
  writeSlice(path: string, ranges: SliceRange[], data: NumericArray): void;
  /** Add an NXprocess record as NXRefine's NXReduce.record does (spec §3.4); returns its path. */
  record(entryPath: string, rec: NxProcessRecord): string;
  /** Remove an object (the file is rebuilt without it when the writer commits). */
  remove(path: string): void;
}
