/**
 * Copying a field as it is stored (values, dtype, shape, attributes) from one NeXus file to
 * another, or keeping a field across a rewrite of its group. Numbers keep their dtype; text is
 * written as variable-length UTF-8 (what nexusformat writes). NeXus link markers (`target`) are
 * not copied: the copy is a plain field.
 */
import type { NxDtype, NxValue } from '../../nexus/model/types.ts';
import type { AttrValue, NexusReader, NexusWriter, WriteDtype } from '../../nexus/port.ts';
import { NxrError } from '../../shared/errors.ts';
import type { NexusFileWriter } from '../io/nexus-writer.ts';

export interface FieldSnapshot {
  value: AttrValue;
  dtype: WriteDtype;
  shape: number[];
  attrs: Record<string, AttrValue>;
  /** gzip level of a gzip-compressed array (kept by the copy). */
  gzip?: number;
}

function writeDtypeOf(t: NxDtype | undefined): WriteDtype | undefined {
  if (!t) return undefined;
  if (t.class === 'string') return 'string';
  if (t.class === 'enum') return '<i1';
  if (t.class === 'float' && (t.size === 4 || t.size === 8)) return `<f${t.size}`;
  if (t.class === 'integer' && [1, 2, 4, 8].includes(t.size))
    return `<${t.signed ? 'i' : 'u'}${t.size}` as WriteDtype;
  return undefined;
}

function attrValue(v: NxValue): AttrValue | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    const flat = (v as unknown[]).flat(8);
    if (flat.length > 0 && flat.every((x) => typeof x === 'string')) return flat as string[];
    if (flat.length > 0 && flat.every((x) => typeof x === 'number')) return flat as number[];
  }
  return undefined;
}

/** Read a field for copying. Undefined when it does not exist. */
export function snapshotField(f: NexusReader, path: string): FieldSnapshot | undefined {
  if (!f.has(path)) return undefined;
  const node = f.entity(path, { attrs: true, maxDepth: 0 });
  if (node.kind !== 'dataset')
    throw new NxrError({
      code: 'WRONG_DTYPE',
      message: `expected a field, found a ${node.kind}`,
      file: f.file,
      path,
    });
  const dtype = writeDtypeOf(node.type);
  const shape = node.shape;
  if (dtype === undefined || shape === null || shape === undefined)
    throw new NxrError({
      code: 'WRONG_DTYPE',
      message: `cannot copy a field of type ${node.dtype ?? '?'}${shape === null ? ' with a null dataspace' : ''}`,
      file: f.file,
      path,
    });
  const raw = f.readValue(path);
  let value: AttrValue;
  if (dtype === 'string') {
    const flat = Array.isArray(raw) ? (raw as unknown[]).flat(8).map(String) : [String(raw)];
    value = shape.length === 0 ? flat[0]! : flat;
  } else if (typeof raw === 'bigint') value = Number(raw);
  else if (typeof raw === 'number' || typeof raw === 'boolean') value = raw;
  else if (ArrayBuffer.isView(raw)) value = raw as AttrValue;
  else if (Array.isArray(raw)) value = (raw as unknown[]).flat(8).map((x) => Number(x));
  else throw new NxrError({ code: 'WRONG_DTYPE', message: 'unreadable field value', file: f.file, path });
  const attrs: Record<string, AttrValue> = {};
  for (const a of node.attributes) {
    if (a.name === 'target') continue;
    const v = attrValue(a.value);
    if (v !== undefined) attrs[a.name] = v;
  }
  const gz = node.filters?.find((x) => x.id === 1);
  return { value, dtype, shape, attrs, ...(gz !== undefined ? { gzip: gz.cdValues[0] ?? 4 } : {}) };
}

/** Write a snapshot at `path` (replacing what is there). */
export function writeSnapshot(w: NexusWriter, path: string, s: FieldSnapshot): void {
  w.field(path, s.value, {
    dtype: s.dtype,
    shape: s.shape,
    attrs: s.attrs,
    ...(s.gzip !== undefined ? { compression: { gzip: s.gzip } } : {}),
  });
}

/** Copy one field; returns false when the source has none. */
export function copyField(from: NexusReader, w: NexusWriter, srcPath: string, dstPath = srcPath): boolean {
  const s = snapshotField(from, srcPath);
  if (!s) return false;
  writeSnapshot(w, dstPath, s);
  return true;
}

/**
 * Remove those of `paths` that exist, with one rebuild of the writer's temp file. Replacing a
 * scalar field otherwise costs a rebuild each (h5wasm cannot delete a link or rewrite a scalar in
 * place), which is seconds for a wrapper with 2-D pixel masks.
 */
export function clearPaths(w: NexusFileWriter, paths: readonly string[]): void {
  const existing = [...new Set(paths)].filter((p) => w.has(p));
  if (existing.length > 0) w.remove(existing);
}
