/**
 * Turning h5wasm metadata and raw bytes into the NxDtype/NxValue model. Strings are decoded from
 * their bytes here (h5wasm's own decoder turns Latin-1 bytes into U+FFFD), vlen strings by following
 * the wasm-heap pointers HDF5 wrote. h5wasm always hands numbers over in little-endian order.
 */
import type { Metadata } from 'h5wasm/node';

import { dtypeString } from '../../nexus/model/dtype.ts';
import { decodeStringBytes } from '../../nexus/model/strings.ts';
import type { NumericArray, NxDtype, NxValue } from '../../nexus/model/types.ts';
import type { H5Module } from './h5wasm-loader.ts';

const H5T = {
  INTEGER: 0,
  FLOAT: 1,
  TIME: 2,
  STRING: 3,
  BITFIELD: 4,
  OPAQUE: 5,
  COMPOUND: 6,
  REFERENCE: 7,
  ENUM: 8,
  VLEN: 9,
  ARRAY: 10,
} as const;

const CLASS_NAMES: Record<number, NxDtype['class']> = {
  0: 'integer',
  1: 'float',
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'vlen',
  10: 'array',
};

export function metadataToDtype(m: Metadata): NxDtype {
  const cls = CLASS_NAMES[m.type] ?? 'unknown';
  const endian: NxDtype['endian'] = m.size <= 1 || cls === 'string' ? '|' : m.littleEndian ? '<' : '>';
  const t: NxDtype = { class: cls, size: m.size, endian };
  if (cls === 'integer' || cls === 'enum') t.signed = m.signed;
  if (cls === 'string') {
    t.vlen = m.vlen;
    t.charset = m.cset === 1 ? 'utf-8' : 'ascii';
  }
  if (cls === 'compound' && m.compound_type) {
    t.members = m.compound_type.members.map((mem) => ({
      name: mem.name,
      offset: mem.offset,
      dtype: metadataToDtype(mem),
    }));
  }
  if (cls === 'enum' && m.enum_type) {
    t.enumMembers = { ...m.enum_type.members };
    t.base = { class: 'integer', size: m.size, endian, signed: m.signed };
  }
  if (cls === 'array' && m.array_type) {
    t.base = metadataToDtype(m.array_type);
    t.arrayShape = m.array_type.shape ?? [];
  }
  if (cls === 'vlen' && m.vlen_type) t.base = metadataToDtype(m.vlen_type);
  if (cls === 'reference' && m.ref_type) t.refType = m.ref_type;
  return t;
}

export function typedArrayFor(t: NxDtype, bytes: Uint8Array): NumericArray | undefined {
  // copy so the result owns an aligned buffer of exactly these bytes
  const buf = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  const ab = buf.buffer as ArrayBuffer;
  const n = buf.byteLength / t.size;
  if (t.class === 'float') {
    if (t.size === 8) return new Float64Array(ab, 0, n);
    if (t.size === 4) return new Float32Array(ab, 0, n);
    return undefined;
  }
  if (t.class === 'integer' || t.class === 'enum' || t.class === 'bitfield') {
    const signed = t.signed === true;
    switch (t.size) {
      case 1:
        return signed ? new Int8Array(ab, 0, n) : new Uint8Array(ab, 0, n);
      case 2:
        return signed ? new Int16Array(ab, 0, n) : new Uint16Array(ab, 0, n);
      case 4:
        return signed ? new Int32Array(ab, 0, n) : new Uint32Array(ab, 0, n);
      case 8:
        return signed ? new BigInt64Array(ab, 0, n) : new BigUint64Array(ab, 0, n);
    }
  }
  return undefined;
}

export interface DecodeContext {
  /** The wasm heap, for vlen data (strings and sequences are pointers into it). */
  heap: Uint8Array;
  nonUtf8: boolean;
}

function readCString(heap: Uint8Array, ptr: number): Uint8Array {
  if (ptr === 0) return new Uint8Array(0);
  let end = ptr;
  while (end < heap.length && heap[end] !== 0) end++;
  return heap.subarray(ptr, end);
}

function u32(bytes: Uint8Array, off: number): number {
  return (bytes[off]! | (bytes[off + 1]! << 8) | (bytes[off + 2]! << 16) | (bytes[off + 3]! << 24)) >>> 0;
}

export interface DecodedStrings {
  values: string[];
  nonUtf8: boolean;
  escaped: string[];
}

/** Decode `count` string elements (fixed or vlen) from raw bytes. */
export function decodeStrings(
  t: NxDtype,
  bytes: Uint8Array,
  count: number,
  heap: Uint8Array,
): DecodedStrings {
  const values: string[] = [];
  const escaped: string[] = [];
  let nonUtf8 = false;
  for (let i = 0; i < count; i++) {
    let raw: Uint8Array;
    if (t.vlen) {
      raw = readCString(heap, u32(bytes, i * 4));
    } else {
      raw = bytes.subarray(i * t.size, (i + 1) * t.size);
      const z = raw.indexOf(0);
      if (z >= 0) raw = raw.subarray(0, z);
    }
    const d = decodeStringBytes(raw);
    values.push(d.text);
    escaped.push(d.escaped ?? d.text);
    if (d.nonUtf8) nonUtf8 = true;
  }
  return { values, nonUtf8, escaped };
}

function bigToValue(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}

/** Decode `count` elements to JSON-compatible values (attributes, small fields, compound rows). */
export function decodeValues(t: NxDtype, bytes: Uint8Array, count: number, ctx: DecodeContext): NxValue[] {
  switch (t.class) {
    case 'integer':
    case 'float':
    case 'bitfield': {
      const arr = typedArrayFor(t, bytes.subarray(0, count * t.size));
      if (!arr) return hexElements(bytes, t.size, count);
      const out: NxValue[] = [];
      for (const v of arr) out.push(typeof v === 'bigint' ? bigToValue(v) : v);
      return out;
    }
    case 'enum': {
      const base = typedArrayFor({ ...t, class: 'integer' }, bytes.subarray(0, count * t.size));
      const out: NxValue[] = [];
      const names = new Map(Object.entries(t.enumMembers ?? {}).map(([k, v]) => [v, k]));
      const isBool = dtypeString(t) === 'bool';
      if (base) {
        for (const v of base) {
          const n = typeof v === 'bigint' ? Number(v) : v;
          out.push(isBool ? n !== 0 : (names.get(n) ?? n));
        }
      }
      return out;
    }
    case 'string': {
      const d = decodeStrings(t, bytes, count, ctx.heap);
      if (d.nonUtf8) ctx.nonUtf8 = true;
      return d.values;
    }
    case 'compound': {
      const out: NxValue[] = [];
      for (let i = 0; i < count; i++) {
        const row: { [k: string]: NxValue } = {};
        const rowBytes = bytes.subarray(i * t.size, (i + 1) * t.size);
        for (const m of t.members ?? []) {
          const mb = rowBytes.subarray(m.offset, m.offset + m.dtype.size);
          row[m.name] = decodeValues(m.dtype, mb, 1, ctx)[0] ?? null;
        }
        out.push(row);
      }
      return out;
    }
    case 'array': {
      const base = t.base!;
      const shape = t.arrayShape ?? [];
      const per = shape.reduce((a, b) => a * b, 1);
      const out: NxValue[] = [];
      for (let i = 0; i < count; i++) {
        const flat = decodeValues(base, bytes.subarray(i * t.size, (i + 1) * t.size), per, ctx);
        out.push(nest(flat, shape));
      }
      return out;
    }
    case 'vlen': {
      const base = t.base!;
      const out: NxValue[] = [];
      for (let i = 0; i < count; i++) {
        const len = u32(bytes, i * 8);
        const ptr = u32(bytes, i * 8 + 4);
        out.push(decodeValues(base, ctx.heap.subarray(ptr, ptr + len * base.size), len, ctx));
      }
      return out;
    }
    case 'reference':
      // object references are file addresses: show them as such
      return hexElements(bytes, t.size, count);
    default:
      return hexElements(bytes, t.size, count);
  }
}

function hexElements(bytes: Uint8Array, size: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '0x';
    for (const b of bytes.subarray(i * size, (i + 1) * size)) s += b.toString(16).padStart(2, '0');
    out.push(s);
  }
  return out;
}

/** Reshape a flat list into nested arrays (row-major); [] → the single element. */
export function nest(flat: NxValue[], shape: readonly number[]): NxValue {
  if (shape.length === 0) return flat[0] ?? null;
  if (shape.length === 1) return flat;
  const [n, ...rest] = shape as [number, ...number[]];
  const per = rest.reduce((a, b) => a * b, 1);
  const out: NxValue[] = [];
  for (let i = 0; i < n; i++) out.push(nest(flat.slice(i * per, (i + 1) * per), rest));
  return out;
}

export { H5T };
export type { H5Module };
