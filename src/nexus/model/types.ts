/**
 * The NeXus/HDF5 object model shared by the engine (which builds it with h5wasm), the CLI and the
 * renderer (which draws it). Everything here is plain data: it crosses IPC and prints as JSON.
 */

/**
 * What a node is. A link that resolves takes the kind of its target (`group`, `dataset`, …) and
 * records how it was reached in {@link NxNode.link}; only a link whose target is missing keeps the
 * kind `soft-link` or `external-link`, with `dangling: true`.
 */
export type NxNodeKind = 'group' | 'dataset' | 'datatype' | 'soft-link' | 'external-link' | 'unknown';

export type NxDtypeClass =
  | 'integer'
  | 'float'
  | 'string'
  | 'bitfield'
  | 'opaque'
  | 'compound'
  | 'reference'
  | 'enum'
  | 'vlen'
  | 'array'
  | 'time'
  | 'unknown';

/** A full HDF5 datatype description; {@link dtypeString} gives the short readable form. */
export interface NxDtype {
  class: NxDtypeClass;
  /** Bytes per element (for variable-length strings: the pointer size). */
  size: number;
  /** Byte order: '<' little, '>' big, '|' not applicable (1-byte types, strings). */
  endian: '<' | '>' | '|';
  signed?: boolean;
  /** Strings: variable length. */
  vlen?: boolean;
  /** Strings: declared character set. */
  charset?: 'ascii' | 'utf-8';
  /** Compound members, in file order. */
  members?: NxCompoundMember[];
  /** Enum, array and vlen sequences: the element type. */
  base?: NxDtype;
  /** Enum: name → value. */
  enumMembers?: Record<string, number>;
  /** Array type: shape of one element. */
  arrayShape?: number[];
  refType?: 'object' | 'region';
}

export interface NxCompoundMember {
  name: string;
  offset: number;
  dtype: NxDtype;
}

/** A JSON-compatible value: what attributes and small fields read as. */
export type NxValue = null | boolean | number | string | NxValue[] | { [key: string]: NxValue };

export interface NxAttribute {
  name: string;
  /** Readable dtype, e.g. '<f8', 'string', 'compound' (see {@link dtypeString}). */
  dtype: string;
  type: NxDtype;
  /** [] for a scalar, null for a null dataspace (empty attribute). */
  shape: number[] | null;
  value: NxValue;
  /**
   * Set when a string held bytes that are not valid UTF-8 (e.g. Latin-1 '\xB5m'): `value` is then
   * the Latin-1 reading ('µm') and `escaped` shows the bytes safely ('\\xB5m').
   */
  nonUtf8?: boolean;
  escaped?: string | string[];
}

export interface NxFilter {
  id: number;
  name: string;
  cdValues: number[];
}

/** How a node was reached, when not by a plain (first) hard link. */
export type NxLinkInfo =
  | { type: 'soft'; target: string }
  /** `file` as stored in the link; `resolvedFile` the absolute file it resolved (or would resolve) to. */
  | { type: 'external'; file: string; target: string; resolvedFile?: string }
  /** A second (or later) hard link to an object already listed at `target`. */
  | { type: 'hard'; target: string };

export interface NxVirtualSource {
  /** '.' means the same file. */
  file: string;
  dataset: string;
}

export interface NxNode {
  /** Absolute path in the file the user opened, e.g. '/f1/instrument/detector/distance'. */
  path: string;
  /** Last path component ('' for the root). */
  name: string;
  kind: NxNodeKind;
  /** The NX_class attribute, if any (groups; some files put it on datasets too). */
  nxClass?: string;
  /** Attributes in file order. Empty when the tree was built without attributes (NX_class still set). */
  attributes: NxAttribute[];
  link?: NxLinkInfo;
  /** True when a link's target (file or object) is missing. */
  dangling?: boolean;
  /** File-local object address (decimal), the same for all hard links to one object. */
  objectId?: string;
  // --- datasets
  /** [] for a scalar, null for a null dataspace. */
  shape?: number[] | null;
  /** null entries are unlimited. */
  maxshape?: (number | null)[] | null;
  dtype?: string;
  type?: NxDtype;
  chunks?: number[] | null;
  filters?: NxFilter[];
  isVirtual?: boolean;
  virtualSources?: NxVirtualSource[];
  // --- groups
  /** Child nodes; undefined when not loaded (maxDepth reached, or lazy listing). */
  children?: NxNode[];
  /** Number of links in the group (known even when children are not loaded). */
  childCount?: number;
}

/** Numeric data read from a dataset. int64/uint64 come as BigInt64Array/BigUint64Array. */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A hyperslab read: row-major data and its shape. */
export interface NxArray<T extends NumericArray = NumericArray> {
  data: T;
  shape: number[];
  dtype: string;
}

/** What `readValue` returns: numbers as typed arrays (scalars as number/bigint), strings as string(s). */
export type NxDataValue = NumericArray | number | bigint | string | boolean | NxValue;
