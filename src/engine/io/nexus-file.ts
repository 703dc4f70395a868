/**
 * Reading NeXus/HDF5 files with h5wasm (Node build). `openNexusFile` checks the file (exists, HDF5
 * signature, opens cleanly) and returns a {@link NexusFile} that builds {@link NxNode} trees and
 * reads values, hyperslabs and single frames. External links are followed by opening the target
 * file ourselves (relative to the linking file's directory), which also avoids HDF5's bug where
 * variable-length string attributes read through an external link come back as "".
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolveFs, basename as baseNameFs } from 'node:path';

import type { Metadata } from 'h5wasm/node';

import { dtypeString, isNumericDtype, shapeSize } from '../../nexus/model/dtype.ts';
import { baseName, joinPath, normalizePath, pathComponents } from '../../nexus/model/paths.ts';
import type {
  NumericArray,
  NxArray,
  NxAttribute,
  NxDataValue,
  NxDtype,
  NxLinkInfo,
  NxNode,
  NxValue,
} from '../../nexus/model/types.ts';
import type { NexusReader, SliceRange, TreeOptions } from '../../nexus/port.ts';
import { NxrError } from '../../shared/errors.ts';
import { decodeStrings, decodeValues, metadataToDtype, nest, typedArrayFor } from './h5-decode.ts';
import { isFilterError, summarizeHdf5Error, toNxrError } from './h5-errors.ts';
import { findHdf5Signature } from './hdf5-signature.ts';
import { loadH5wasm, type H5Module, type H5Runtime } from './h5wasm-loader.ts';

type H5File = InstanceType<H5Runtime['h5']['File']>;

/** HDF5 object types as h5wasm's get_type reports them (H5G_obj_t). */
const H5G = { UNKNOWN: -1, GROUP: 0, DATASET: 1, TYPE: 2, LINK: 3, UDLINK: 4 } as const;

/** Reads above this many bytes are refused (the wasm heap is capped at 2 GiB). */
export const MAX_READ_BYTES = 1024 * 1024 * 1024;

export interface OpenOptions {
  /** Only read access is offered by the reader; writers use createNexusFile/updateNexusFile. */
  mode?: 'r';
}

/** One open HDF5 file (the user's file or an external-link target). */
export interface H5Handle {
  /** Absolute file-system path. */
  fsPath: string;
  file: H5File;
  id: bigint;
}

/** Where a user path lives: which file and which path inside it. */
interface Location {
  h: H5Handle;
  p: string;
}

/** Check a file before h5wasm sees it: exists, is a regular file, has the HDF5 signature. */
export function checkHdf5File(file: string): void {
  if (!existsSync(file)) throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such file', file });
  const st = statSync(file);
  if (!st.isFile()) throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'not a regular file', file });
  if (findHdf5Signature(file) < 0) {
    throw new NxrError({
      code: 'NOT_HDF5',
      message: 'not an HDF5 file (no HDF5 signature; HDF4 and other formats cannot be read)',
      file,
    });
  }
}

/** Open an HDF5 file read-only with h5wasm, mapping failures to NxrErrors. */
export function openH5Handle(
  rt: H5Runtime,
  file: string,
  mode: 'r' | 'a' | 'w' = 'r',
  displayName = file,
): H5Handle {
  const fsPath = resolveFs(file);
  if (mode !== 'w') checkHdf5File(fsPath);
  try {
    const f = new rt.h5.File(fsPath, mode);
    return { fsPath, file: f, id: f.file_id };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (
      mode !== 'w' &&
      /truncated|eof|signature|superblock|bad object header|address.*overflow|corrupt/i.test(msg)
    ) {
      throw new NxrError(
        {
          code: 'TRUNCATED',
          message: `HDF5 file is truncated or corrupt (${summarizeHdf5Error(e)})`,
          file: displayName,
        },
        { cause: e },
      );
    }
    if (mode !== 'w') {
      throw new NxrError(
        { code: 'TRUNCATED', message: `cannot open HDF5 file (${summarizeHdf5Error(e)})`, file: displayName },
        { cause: e },
      );
    }
    throw new NxrError(
      { code: 'WRITE_FAILED', message: `cannot create file (${summarizeHdf5Error(e)})`, file: displayName },
      { cause: e },
    );
  }
}

/**
 * The file an external link points to: absolute names as given (then, like HDF5, the bare name in
 * the linking file's directory), relative names relative to the linking file's directory.
 */
export function resolveExternalFile(linkingFile: string, target: string): string {
  const dir = dirname(linkingFile);
  if (isAbsolute(target)) return existsSync(target) ? target : join(dir, baseNameFs(target));
  return resolveFs(dir, target);
}

function isUnlimited(n: number): boolean {
  return !Number.isSafeInteger(n) || n >= 2 ** 53;
}

/**
 * An open NeXus file. Built once, used many times; not thread-safe (h5wasm is single-threaded per
 * worker). Close it when done: external-link targets it opened are closed with it.
 */
export class NexusFile implements NexusReader {
  readonly file: string;
  /** @internal the user's file (writers swap it when they rebuild). */
  root: H5Handle;
  protected readonly rt: H5Runtime;
  protected readonly M: H5Module;
  protected readonly externals = new Map<string, H5Handle | null>();
  protected closed = false;

  /** @internal use openNexusFile */
  constructor(rt: H5Runtime, root: H5Handle, displayName: string) {
    this.rt = rt;
    this.M = rt.Module;
    this.root = root;
    this.file = displayName;
  }

  // ------------------------------------------------------------------ errors

  protected err(
    code: ConstructorParameters<typeof NxrError>[0]['code'],
    message: string,
    path?: string,
  ): NxrError {
    return new NxrError({ code, message, file: this.file, ...(path !== undefined ? { path } : {}) });
  }

  protected guard<T>(path: string, what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof NxrError) throw e;
      if (isFilterError(e)) {
        throw new NxrError(
          {
            code: 'MISSING_FILTER',
            message: `${what}: a compression filter is not available (${summarizeHdf5Error(e)})`,
            file: this.file,
            path,
          },
          { cause: e },
        );
      }
      throw toNxrError(e, { file: this.file, path }, 'INTERNAL', what);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw this.err('BAD_PARAMETER', 'file is closed');
  }

  // ------------------------------------------------------------------ externals

  /** Open (once) the target of an external link; null when missing or unreadable. */
  private external(fsPath: string): H5Handle | null {
    if (this.externals.has(fsPath)) return this.externals.get(fsPath)!;
    let h: H5Handle | null = null;
    if (fsPath === this.root.fsPath) h = this.root;
    else {
      try {
        h = openH5Handle(this.rt, fsPath, 'r');
      } catch {
        h = null;
      }
    }
    this.externals.set(fsPath, h);
    return h;
  }

  private linkKind(h: H5Handle, p: string): { soft?: string; ext?: { filename: string; obj_path: string } } {
    const ext = this.M.get_external_link(h.id, p) as { filename?: string; obj_path?: string };
    if (ext.filename !== undefined) return { ext: { filename: ext.filename, obj_path: ext.obj_path ?? '/' } };
    const soft = this.M.get_symbolic_link(h.id, p) as string | null;
    if (typeof soft === 'string') return { soft };
    return {};
  }

  /**
   * Resolve a user path to (file, path), following external links component by component.
   * Throws MISSING_PATH, or DANGLING_LINK when a link on the way has no target.
   */
  protected locate(path: string): Location {
    this.assertOpen();
    const norm = normalizePath(path);
    let cur: Location = { h: this.root, p: '/' };
    let shown = '';
    for (const comp of pathComponents(norm)) {
      shown += `/${comp}`;
      const child = joinPath(cur.p, comp);
      const type = this.M.get_type(cur.h.id, child);
      if (type === H5G.UNKNOWN) throw this.err('MISSING_PATH', 'no such object', shown);
      const lk = this.linkKind(cur.h, child);
      if (lk.ext) {
        const target = resolveExternalFile(cur.h.fsPath, lk.ext.filename);
        const h = this.external(target);
        if (!h) {
          throw this.err(
            'DANGLING_LINK',
            `external link to missing file ${lk.ext.filename} (${lk.ext.obj_path})`,
            shown,
          );
        }
        const tp = normalizePath(lk.ext.obj_path);
        if (this.M.get_type(h.id, tp) === H5G.UNKNOWN) {
          throw this.err(
            'DANGLING_LINK',
            `external link target ${lk.ext.filename}:${lk.ext.obj_path} does not exist`,
            shown,
          );
        }
        cur = { h, p: tp };
        continue;
      }
      if (type === H5G.LINK) throw this.err('DANGLING_LINK', `soft link to missing ${lk.soft ?? '?'}`, shown);
      if (type === H5G.UDLINK) throw this.err('DANGLING_LINK', 'user-defined link cannot be followed', shown);
      cur = { h: cur.h, p: child };
    }
    return cur;
  }

  has(path: string): boolean {
    try {
      this.locate(path);
      return true;
    } catch (e) {
      if (e instanceof NxrError && (e.code === 'MISSING_PATH' || e.code === 'DANGLING_LINK')) return false;
      throw e;
    }
  }

  // ------------------------------------------------------------------ attributes

  private readAttr(h: H5Handle, p: string, name: string): NxAttribute {
    const M = this.M;
    const meta = M.get_attribute_metadata(h.id, p, name);
    const type = metadataToDtype(meta);
    const attr: NxAttribute = { name, dtype: dtypeString(type), type, shape: meta.shape, value: null };
    if (!meta.shape) return attr;
    const count = shapeSize(meta.shape);
    const nbytes = meta.size * count;
    if (nbytes === 0) {
      attr.value = meta.shape.length === 0 ? null : [];
      return attr;
    }
    const ptr = M._malloc(nbytes);
    try {
      M.get_attribute_data(h.id, p, name, BigInt(ptr));
      const bytes = M.HEAPU8.slice(ptr, ptr + nbytes);
      const heap = M.HEAPU8;
      if (type.class === 'string') {
        const d = decodeStrings(type, bytes, count, heap);
        attr.value = nest(d.values, meta.shape);
        if (d.nonUtf8) {
          attr.nonUtf8 = true;
          attr.escaped = meta.shape.length === 0 ? d.escaped[0]! : d.escaped;
        }
      } else {
        const ctx = { heap, nonUtf8: false };
        attr.value = nest(decodeValues(type, bytes, count, ctx), meta.shape);
        if (ctx.nonUtf8) attr.nonUtf8 = true;
      }
    } finally {
      if (meta.vlen || meta.type === 9) M.reclaim_vlen_memory(h.id, p, name, BigInt(ptr));
      M._free(ptr);
    }
    return attr;
  }

  private readAttrs(h: H5Handle, p: string, all: boolean): { attrs: NxAttribute[]; nxClass?: string } {
    const names = this.M.get_attribute_names(h.id, p);
    const attrs: NxAttribute[] = [];
    let nxClass: string | undefined;
    for (const name of names) {
      if (!all && name !== 'NX_class') continue;
      const a = this.readAttr(h, p, name);
      if (name === 'NX_class' && typeof a.value === 'string') nxClass = a.value;
      if (all) attrs.push(a);
    }
    return nxClass !== undefined ? { attrs, nxClass } : { attrs };
  }

  readAttribute(path: string, name: string): NxValue {
    const loc = this.locate(path);
    return this.guard(path, `attribute ${name}`, () => {
      const names = this.M.get_attribute_names(loc.h.id, loc.p);
      if (!names.includes(name)) throw this.err('MISSING_PATH', `no attribute '${name}'`, path);
      return this.readAttr(loc.h, loc.p, name).value;
    });
  }

  /** All attributes of an object, in file order. */
  attributes(path: string): NxAttribute[] {
    const loc = this.locate(path);
    return this.guard(path, 'attributes', () => this.readAttrs(loc.h, loc.p, true).attrs);
  }

  // ------------------------------------------------------------------ nodes

  private objectKey(h: H5Handle, p: string): string | undefined {
    try {
      const ref = this.M.create_object_reference(h.id, p);
      let addr = 0n;
      for (let i = ref.length - 1; i >= 0; i--) addr = (addr << 8n) | BigInt(ref[i]!);
      return addr.toString();
    } catch {
      return undefined;
    }
  }

  private describe(
    h: H5Handle,
    p: string,
    shown: string,
    link: NxLinkInfo | undefined,
    opts: Required<TreeOptions>,
    depth: number,
    state: { seen: Map<string, string>; ancestors: Set<string> },
  ): NxNode {
    const M = this.M;
    const type = M.get_type(h.id, p);
    const name = baseName(shown);
    const node: NxNode = { path: shown, name, kind: 'unknown', attributes: [] };
    if (link) node.link = link;
    const oid = this.objectKey(h, p);
    const key = oid !== undefined ? `${h.fsPath}#${oid}` : undefined;
    if (oid !== undefined) node.objectId = oid;
    if (key !== undefined && !link) {
      const first = state.seen.get(key);
      if (first !== undefined && first !== shown) node.link = { type: 'hard', target: first };
      else state.seen.set(key, shown);
    } else if (key !== undefined && !state.seen.has(key)) {
      state.seen.set(key, shown);
    }
    const { attrs, nxClass } = this.readAttrs(h, p, opts.attrs);
    node.attributes = attrs;
    if (nxClass !== undefined) node.nxClass = nxClass;

    if (type === H5G.GROUP) {
      node.kind = 'group';
      const names = M.get_names(h.id, p, false);
      node.childCount = names.length;
      const cyclic = key !== undefined && state.ancestors.has(key);
      if (depth < opts.maxDepth && !cyclic) {
        if (key !== undefined) state.ancestors.add(key);
        node.children = names.map((n) =>
          this.child(h, joinPath(p, n), joinPath(shown, n), opts, depth + 1, state),
        );
        if (key !== undefined) state.ancestors.delete(key);
      }
    } else if (type === H5G.DATASET) {
      node.kind = 'dataset';
      this.describeDataset(h, p, node);
    } else if (type === H5G.TYPE) {
      node.kind = 'datatype';
      const meta = M.get_datatype_metadata(h.id, p);
      node.type = metadataToDtype(meta);
      node.dtype = dtypeString(node.type);
    }
    return node;
  }

  private describeDataset(h: H5Handle, p: string, node: NxNode): void {
    const meta: Metadata = this.M.get_dataset_metadata(h.id, p);
    node.type = metadataToDtype(meta);
    node.dtype = dtypeString(node.type);
    node.shape = meta.shape;
    node.maxshape = meta.maxshape ? meta.maxshape.map((n) => (isUnlimited(n) ? null : n)) : null;
    node.chunks = meta.chunks;
    node.filters = this.M.get_dataset_filters(h.id, p).map((f) => ({
      id: f.id,
      name: f.name,
      cdValues: [...f.cd_values],
    }));
    if (meta.virtual_sources) {
      node.isVirtual = true;
      node.virtualSources = meta.virtual_sources.map((s) => ({ file: s.file_name, dataset: s.dset_name }));
    }
  }

  /** A child link of a group: follows soft and external links, marks dangling ones. */
  private child(
    h: H5Handle,
    p: string,
    shown: string,
    opts: Required<TreeOptions>,
    depth: number,
    state: { seen: Map<string, string>; ancestors: Set<string> },
  ): NxNode {
    const lk = this.linkKind(h, p);
    if (lk.ext) {
      const resolvedFile = resolveExternalFile(h.fsPath, lk.ext.filename);
      const link: NxLinkInfo = {
        type: 'external',
        file: lk.ext.filename,
        target: lk.ext.obj_path,
        resolvedFile,
      };
      const eh = this.external(resolvedFile);
      const tp = normalizePath(lk.ext.obj_path);
      if (!eh || this.M.get_type(eh.id, tp) === H5G.UNKNOWN) {
        return {
          path: shown,
          name: baseName(shown),
          kind: 'external-link',
          attributes: [],
          link,
          dangling: true,
        };
      }
      return this.describe(eh, tp, shown, link, opts, depth, state);
    }
    if (lk.soft !== undefined) {
      const link: NxLinkInfo = { type: 'soft', target: lk.soft };
      const type = this.M.get_type(h.id, p);
      if (type === H5G.LINK || type === H5G.UNKNOWN) {
        return {
          path: shown,
          name: baseName(shown),
          kind: 'soft-link',
          attributes: [],
          link,
          dangling: true,
        };
      }
      return this.describe(h, p, shown, link, opts, depth, state);
    }
    return this.describe(h, p, shown, undefined, opts, depth, state);
  }

  private options(opts: TreeOptions | undefined, defaultDepth: number): Required<TreeOptions> {
    return { attrs: opts?.attrs ?? true, maxDepth: opts?.maxDepth ?? defaultDepth };
  }

  tree(opts?: TreeOptions): NxNode {
    this.assertOpen();
    const o = this.options(opts, Infinity);
    return this.guard('/', 'tree', () =>
      this.describe(this.root, '/', '/', undefined, o, 0, { seen: new Map(), ancestors: new Set() }),
    );
  }

  entity(path: string, opts?: TreeOptions): NxNode {
    const norm = normalizePath(path);
    const o = this.options(opts, 0);
    const state = { seen: new Map<string, string>(), ancestors: new Set<string>() };
    if (norm === '/')
      return this.guard(norm, 'entity', () => this.describe(this.root, '/', '/', undefined, o, 0, state));
    // locate the parent, then describe the last link so that link info and dangling state show
    const parent = this.locate(joinPath(norm, '..'));
    const name = baseName(norm);
    const p = joinPath(parent.p, name);
    if (this.M.get_type(parent.h.id, p) === H5G.UNKNOWN)
      throw this.err('MISSING_PATH', 'no such object', norm);
    return this.guard(norm, 'entity', () => this.child(parent.h, p, norm, o, 0, state));
  }

  children(path: string, opts?: TreeOptions): NxNode[] {
    const node = this.entity(path, { attrs: opts?.attrs ?? true, maxDepth: 1 });
    if (node.kind !== 'group')
      throw this.err('BAD_PARAMETER', `not a group (${node.kind})`, normalizePath(path));
    return node.children ?? [];
  }

  // ------------------------------------------------------------------ data

  /** The dataset at `path` with its metadata; checks virtual sources are present. */
  protected dataset(path: string): { loc: Location; meta: Metadata; type: NxDtype } {
    const loc = this.locate(path);
    const type = this.M.get_type(loc.h.id, loc.p);
    if (type !== H5G.DATASET) throw this.err('BAD_PARAMETER', 'not a dataset', normalizePath(path));
    const meta = this.guard(path, 'metadata', () => this.M.get_dataset_metadata(loc.h.id, loc.p));
    if (meta.virtual_sources) this.checkVirtualSources(loc, meta, path);
    return { loc, meta, type: metadataToDtype(meta) };
  }

  /** HDF5 silently fills missing VDS sources with the fill value; refuse instead of returning zeros. */
  private checkVirtualSources(loc: Location, meta: Metadata, path: string): void {
    for (const s of meta.virtual_sources ?? []) {
      const fsFile = s.file_name === '.' ? loc.h.fsPath : resolveExternalFile(loc.h.fsPath, s.file_name);
      const h = this.external(fsFile);
      if (!h)
        throw this.err(
          'DANGLING_LINK',
          `virtual dataset source file ${s.file_name} is missing`,
          normalizePath(path),
        );
      // the source path may itself be (or pass through) an external link
      let ok = true;
      try {
        this.locateFrom(h, s.dset_name);
      } catch {
        ok = false;
      }
      if (!ok) {
        throw this.err(
          'DANGLING_LINK',
          `virtual dataset source ${s.file_name}:${s.dset_name} is missing`,
          normalizePath(path),
        );
      }
    }
  }

  /** @internal locate inside another open handle (used for VDS source checks). */
  locateFrom(h: H5Handle, path: string): Location {
    let cur: Location = { h, p: '/' };
    for (const comp of pathComponents(path)) {
      const child = joinPath(cur.p, comp);
      const type = this.M.get_type(cur.h.id, child);
      if (type === H5G.UNKNOWN) throw this.err('MISSING_PATH', 'no such object', path);
      const lk = this.linkKind(cur.h, child);
      if (lk.ext) {
        const eh = this.external(resolveExternalFile(cur.h.fsPath, lk.ext.filename));
        if (!eh) throw this.err('DANGLING_LINK', 'missing external file', path);
        const tp = normalizePath(lk.ext.obj_path);
        if (this.M.get_type(eh.id, tp) === H5G.UNKNOWN)
          throw this.err('DANGLING_LINK', 'missing external object', path);
        cur = { h: eh, p: tp };
      } else {
        if (type === H5G.LINK || type === H5G.UDLINK) throw this.err('DANGLING_LINK', 'dangling link', path);
        cur = { h: cur.h, p: child };
      }
    }
    return cur;
  }

  /** Read raw bytes of a hyperslab (or everything) and decode them while vlen memory is alive. */
  private readRaw<T>(
    loc: Location,
    meta: Metadata,
    count: number[] | null,
    offset: number[] | null,
    decode: (bytes: Uint8Array, heap: Uint8Array, n: number) => T,
    path: string,
  ): T {
    const M = this.M;
    const n = count ? shapeSize(count) : shapeSize(meta.shape);
    const nbytes = n * meta.size;
    if (nbytes > MAX_READ_BYTES) {
      throw this.err(
        'BAD_PARAMETER',
        `read of ${(nbytes / 2 ** 20).toFixed(0)} MiB refused (read frames or slices instead)`,
        path,
      );
    }
    if (nbytes === 0) return decode(new Uint8Array(0), M.HEAPU8, 0);
    const ptr = M._malloc(nbytes);
    if (ptr === 0) throw this.err('INTERNAL', `cannot allocate ${nbytes} bytes in the wasm heap`, path);
    const isVlen = meta.vlen || meta.type === 9;
    let read = false;
    try {
      this.guard(path, 'read', () =>
        M.get_dataset_data(
          loc.h.id,
          loc.p,
          count ? count.map(BigInt) : null,
          offset ? offset.map(BigInt) : null,
          count ? count.map(() => 1n) : null,
          BigInt(ptr),
        ),
      );
      read = true;
      return decode(M.HEAPU8.slice(ptr, ptr + nbytes), M.HEAPU8, n);
    } finally {
      if (isVlen && read) {
        if (count) M.reclaim_vlen_memory_count(loc.h.id, loc.p, '', BigInt(ptr), count.map(BigInt));
        else M.reclaim_vlen_memory(loc.h.id, loc.p, '', BigInt(ptr));
      }
      M._free(ptr);
    }
  }

  readValue(path: string): NxDataValue {
    const { loc, meta, type } = this.dataset(path);
    if (!meta.shape) return null;
    const shape = meta.shape;
    return this.readRaw(
      loc,
      meta,
      null,
      null,
      (bytes, heap, n) => {
        if (isNumericDtype(type)) {
          const arr = typedArrayFor(type, bytes);
          if (!arr) throw this.err('WRONG_DTYPE', `unsupported numeric type ${dtypeString(type)}`, path);
          if (shape.length > 0) return arr;
          const v = arr[0]!;
          // int64 scalars (NXRefine writes Python ints as int64) come back as numbers when exact
          return typeof v === 'bigint' &&
            v >= BigInt(Number.MIN_SAFE_INTEGER) &&
            v <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v;
        }
        const values = decodeValues(type, bytes, n, { heap, nonUtf8: false });
        return nest(values, shape);
      },
      path,
    );
  }

  readSlice(path: string, ranges: SliceRange[]): NxArray {
    const { loc, meta, type } = this.dataset(path);
    const shape = meta.shape;
    if (!shape) throw this.err('WRONG_SHAPE', 'dataset has a null dataspace', path);
    if (!isNumericDtype(type))
      throw this.err('WRONG_DTYPE', `readSlice needs numbers, dataset is ${dtypeString(type)}`, path);
    if (ranges.length > shape.length) {
      throw this.err('WRONG_SHAPE', `${ranges.length} ranges for a ${shape.length}-D dataset`, path);
    }
    const count: number[] = [];
    const offset: number[] = [];
    shape.forEach((dim, i) => {
      const r = ranges[i] ?? [];
      const start = r.length === 2 ? r[0] : 0;
      const stop = r.length === 2 ? r[1] : dim;
      if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > dim || start > stop) {
        throw this.err(
          'BAD_PARAMETER',
          `range [${start}, ${stop}) out of bounds for dimension ${i} of size ${dim}`,
          path,
        );
      }
      offset.push(start);
      count.push(stop - start);
    });
    const data = this.readRaw(
      loc,
      meta,
      shape.length === 0 ? null : count,
      shape.length === 0 ? null : offset,
      (bytes) => {
        const arr = typedArrayFor(type, bytes);
        if (!arr) throw this.err('WRONG_DTYPE', `unsupported numeric type ${dtypeString(type)}`, path);
        return arr;
      },
      path,
    );
    return { data, shape: count, dtype: dtypeString(type) };
  }

  readFrame(path: string, index: number): NxArray {
    const node = this.dataset(path);
    const shape = node.meta.shape;
    if (!shape || shape.length !== 3) {
      throw this.err('WRONG_SHAPE', `readFrame needs a 3-D stack, shape is ${JSON.stringify(shape)}`, path);
    }
    if (!Number.isInteger(index) || index < 0 || index >= shape[0]!) {
      throw this.err('BAD_PARAMETER', `frame ${index} out of range 0…${shape[0]! - 1}`, path);
    }
    const r = this.readSlice(path, [[index, index + 1], [], []]);
    return { data: r.data, shape: [shape[1]!, shape[2]!], dtype: r.dtype };
  }

  /** Close the external-link targets opened so far (they reopen on demand). */
  protected closeExternals(): void {
    for (const h of this.externals.values()) if (h && h !== this.root) h.file.close();
    this.externals.clear();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeExternals();
    this.root.file.close();
  }
}

/** Open a NeXus/HDF5 file for reading. Errors: FILE_NOT_FOUND, NOT_HDF5, TRUNCATED. */
export async function openNexusFile(path: string, opts?: OpenOptions): Promise<NexusFile> {
  if (opts?.mode !== undefined && opts.mode !== 'r') {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `mode '${String(opts.mode)}' not supported by the reader`,
      file: path,
    });
  }
  const rt = await loadH5wasm();
  const h = openH5Handle(rt, path, 'r', path);
  return new NexusFile(rt, h, path);
}

export type { NumericArray };
