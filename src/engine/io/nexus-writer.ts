/**
 * Writing NeXus files without ever leaving a user's file half-written:
 *   - an advisory lock `<file>.lock` (pid, host) keeps a second writer out;
 *   - all writes go to a temp copy in the same directory (so relative external links resolve the
 *     same way), which is closed and then renamed over the original (atomic on POSIX);
 *   - an error inside the callback, or a crash, leaves the original untouched.
 * h5wasm cannot delete links, so `remove()` rebuilds the temp file without the removed objects.
 */
import { copyFileSync, existsSync, renameSync, rmSync, statSync, chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve as resolveFs } from 'node:path';

import { dtypeString } from '../../nexus/model/dtype.ts';
import { baseName, joinPath, normalizePath, parentPath, pathComponents } from '../../nexus/model/paths.ts';
import type { NumericArray, NxAttribute, NxNode } from '../../nexus/model/types.ts';
import type {
  AttrValue,
  Compression,
  FieldOptions,
  NexusWriter,
  SliceRange,
  StackOptions,
  WriteDtype,
} from '../../nexus/port.ts';
import { processLayout, type NxProcessRecord } from '../../nexus/schema/nxprocess.ts';
import { NxrError } from '../../shared/errors.ts';
import { acquireLock, tempPathFor, type FileLock } from './file-lock.ts';
import { summarizeHdf5Error } from './h5-errors.ts';
import { loadH5wasm, type H5Runtime } from './h5wasm-loader.ts';
import { NexusFile, openH5Handle, type H5Handle } from './nexus-file.ts';

type H5File = InstanceType<H5Runtime['h5']['File']>;
type H5Group = InstanceType<H5Runtime['h5']['Group']>;
type H5Dataset = InstanceType<H5Runtime['h5']['Dataset']>;

/** HDF5 filter ids and cd_values for each compression choice. */
export const COMPRESSION_FILTERS: Record<
  Exclude<Compression, { gzip: number }>,
  { id: number; opts: number[] } | null
> = {
  none: null,
  gzip: { id: 1, opts: [4] },
  bslz4: { id: 32008, opts: [0, 2] },
  lz4: { id: 32004, opts: [0] },
  zstd: { id: 32015, opts: [3] },
  // blosc: the filter fills the first four values; clevel 5, byte shuffle, lz4 (hdf5plugin defaults)
  blosc: { id: 32001, opts: [0, 0, 0, 0, 5, 1, 1] },
};

export function compressionFilter(c: Compression): { id: number; opts: number[] } | null {
  if (typeof c === 'object') return { id: 1, opts: [c.gzip] };
  return COMPRESSION_FILTERS[c];
}

const TYPED: Record<
  Exclude<WriteDtype, 'string'>,
  (n: number | ArrayLike<number> | ArrayLike<bigint>) => NumericArray
> = {
  '<f8': (x) =>
    typeof x === 'number' ? new Float64Array(x) : Float64Array.from(x as ArrayLike<number>, Number),
  '<f4': (x) =>
    typeof x === 'number' ? new Float32Array(x) : Float32Array.from(x as ArrayLike<number>, Number),
  '<i1': (x) => (typeof x === 'number' ? new Int8Array(x) : Int8Array.from(x as ArrayLike<number>, Number)),
  '<u1': (x) => (typeof x === 'number' ? new Uint8Array(x) : Uint8Array.from(x as ArrayLike<number>, Number)),
  '<i2': (x) => (typeof x === 'number' ? new Int16Array(x) : Int16Array.from(x as ArrayLike<number>, Number)),
  '<u2': (x) =>
    typeof x === 'number' ? new Uint16Array(x) : Uint16Array.from(x as ArrayLike<number>, Number),
  '<i4': (x) => (typeof x === 'number' ? new Int32Array(x) : Int32Array.from(x as ArrayLike<number>, Number)),
  '<u4': (x) =>
    typeof x === 'number' ? new Uint32Array(x) : Uint32Array.from(x as ArrayLike<number>, Number),
  '<i8': (x) =>
    typeof x === 'number'
      ? new BigInt64Array(x)
      : BigInt64Array.from(x as ArrayLike<number>, (v) => BigInt(v)),
  '<u8': (x) =>
    typeof x === 'number'
      ? new BigUint64Array(x)
      : BigUint64Array.from(x as ArrayLike<number>, (v) => BigInt(v)),
};

/** h5wasm dtype strings for our WriteDtype names. */
const H5_DTYPE: Record<Exclude<WriteDtype, 'string'>, string> = {
  '<f8': '<d',
  '<f4': '<f',
  '<i1': '<b',
  '<u1': '<B',
  '<i2': '<h',
  '<u2': '<H',
  '<i4': '<i',
  '<u4': '<I',
  '<i8': '<q',
  '<u8': '<Q',
};

export function dtypeOfTyped(a: NumericArray): Exclude<WriteDtype, 'string'> {
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Int8Array) return '<i1';
  if (a instanceof Uint8Array) return '<u1';
  if (a instanceof Int16Array) return '<i2';
  if (a instanceof Uint16Array) return '<u2';
  if (a instanceof Int32Array) return '<i4';
  if (a instanceof Uint32Array) return '<u4';
  if (a instanceof BigInt64Array) return '<i8';
  return '<u8';
}

function isTyped(v: unknown): v is NumericArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** Data prepared for h5wasm: a typed array or string(s), shape and dtype. */
interface Prepared {
  data: NumericArray | string | string[];
  shape: number[];
  dtype: WriteDtype;
}

/** Infer dtype and shape as numpy would (JS integers → int64, other numbers → float64, bool → int8). */
export function prepareValue(value: AttrValue, dtype?: WriteDtype, shape?: number[]): Prepared {
  if (typeof value === 'string') {
    if (dtype !== undefined && dtype !== 'string') throw new Error(`a string cannot be written as ${dtype}`);
    return { data: value, shape: shape ?? [], dtype: 'string' };
  }
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    return { data: value as string[], shape: shape ?? [value.length], dtype: 'string' };
  }
  if (typeof value === 'boolean') {
    const dt = dtype && dtype !== 'string' ? dtype : '<i1';
    return { data: TYPED[dt]([value ? 1 : 0]), shape: shape ?? [], dtype: dt };
  }
  if (typeof value === 'number') {
    const dt = dtype && dtype !== 'string' ? dtype : Number.isInteger(value) ? '<i8' : '<f8';
    return { data: TYPED[dt]([value]), shape: shape ?? [], dtype: dt };
  }
  if (isTyped(value)) {
    const dt = dtype && dtype !== 'string' ? dtype : dtypeOfTyped(value);
    const data = dt === dtypeOfTyped(value) ? value : TYPED[dt](value as ArrayLike<number>);
    return { data, shape: shape ?? [value.length], dtype: dt };
  }
  const arr = value as (number | boolean)[];
  const nums = arr.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  const dt =
    dtype && dtype !== 'string' ? dtype : nums.length > 0 && nums.every(Number.isInteger) ? '<i8' : '<f8';
  return { data: TYPED[dt](nums), shape: shape ?? [nums.length], dtype: dt };
}

export interface WriterOptions {
  /** Text stored in the lock file. */
  purpose?: string;
  /** Lock staleness for locks from other hosts. @default 24 h */
  staleMs?: number;
  /** createNexusFile: replace an existing file (atomically, at close). @default false */
  overwrite?: boolean;
}

/**
 * A writable NeXus file: every reader method plus the NexusWriter methods. Writes go to a temp
 * file; `close()` commits (rename over the target), `abort()` discards.
 */
export class NexusFileWriter extends NexusFile implements NexusWriter {
  readonly target: string;
  private tmpPath: string;
  private lock: FileLock | undefined;
  private done = false;

  /** @internal use createNexusFile / updateNexusFile */
  constructor(rt: H5Runtime, root: H5Handle, target: string, tmpPath: string, lock: FileLock) {
    super(rt, root, target);
    this.target = target;
    this.tmpPath = tmpPath;
    this.lock = lock;
  }

  private get f(): H5File {
    return this.root.file;
  }

  private werr(message: string, path?: string, cause?: unknown): NxrError {
    const info = {
      code: 'WRITE_FAILED' as const,
      message,
      file: this.target,
      ...(path !== undefined ? { path } : {}),
    };
    return cause !== undefined ? new NxrError(info, { cause }) : new NxrError(info);
  }

  private w<T>(path: string, what: string, fn: () => T): T {
    if (this.done) throw this.werr('writer is closed', path);
    try {
      return fn();
    } catch (e) {
      if (e instanceof NxrError) throw e;
      throw this.werr(`${what}: ${summarizeHdf5Error(e)}`, path, e);
    }
  }

  /**
   * Writes never go through a link into another file (HDF5 would open the link target read-write
   * and change it): every existing prefix of `path` (and `path` itself when `self`) must be local.
   */
  private assertLocal(path: string, self: boolean): void {
    const comps = pathComponents(path);
    let cur = '/';
    const n = self ? comps.length : comps.length - 1;
    for (let i = 0; i < n; i++) {
      cur = joinPath(cur, comps[i]!);
      // a missing prefix will be created locally, and nothing below it exists
      if (!this.linkExists(cur)) return;
      const ext = this.M.get_external_link(this.root.id, cur) as { filename?: string };
      if (ext.filename !== undefined) {
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `${cur} is an external link to ${ext.filename}; write the target file instead`,
          file: this.target,
          path,
        });
      }
    }
  }

  /** The object type at a path in the temp file: -1 missing, 0 group, 1 dataset, 3/4 links. */
  private typeAt(path: string): number {
    return this.M.get_type(this.root.id, normalizePath(path));
  }

  private linkExists(path: string): boolean {
    const p = normalizePath(path);
    if (p === '/') return true;
    if (this.typeAt(parentPath(p)) !== 0) return false;
    return this.M.get_names(this.root.id, parentPath(p), false).includes(baseName(p));
  }

  private groupAt(path: string): H5Group {
    const g = this.f.get(normalizePath(path));
    if (!(g instanceof this.rt.h5.Group)) throw this.werr('not a group', path);
    return g as H5Group;
  }

  private ensureParents(path: string): H5Group {
    let cur = '/';
    for (const comp of pathComponents(parentPath(path))) {
      const next = joinPath(cur, comp);
      const t = this.typeAt(next);
      if (t === -1) this.M.create_group(this.root.id, next, false);
      else if (t !== 0) throw this.werr(`${next} exists and is not a group`, path);
      cur = next;
    }
    return this.groupAt(cur);
  }

  // ------------------------------------------------------------------ attributes

  private writeAttr(path: string, name: string, value: AttrValue): void {
    const obj = this.f.get(normalizePath(path));
    if (!(obj instanceof this.rt.h5.Group) && !(obj instanceof this.rt.h5.Dataset))
      throw this.werr('no object to attach attributes to', path);
    const o = obj as H5Group | H5Dataset;
    if (this.M.get_attribute_names(this.root.id, normalizePath(path)).includes(name))
      o.delete_attribute(name);
    const p = prepareValue(value);
    if (p.dtype === 'string') {
      o.create_attribute(name, p.data as string | string[], p.shape.length === 0 ? null : p.shape);
    } else {
      o.create_attribute(name, p.data as NumericArray, p.shape, H5_DTYPE[p.dtype]);
    }
  }

  setAttrs(path: string, attrs: Record<string, AttrValue>): void {
    this.w(path, 'set attributes', () => {
      this.assertLocal(normalizePath(path), true);
      for (const [k, v] of Object.entries(attrs)) this.writeAttr(path, k, v);
    });
  }

  // ------------------------------------------------------------------ groups, fields, links

  group(path: string, nxClass?: string, attrs?: Record<string, AttrValue>): void {
    const p = normalizePath(path);
    this.w(p, 'create group', () => {
      this.assertLocal(p, true);
      const t = this.typeAt(p);
      if (t === -1) {
        this.ensureParents(p);
        this.M.create_group(this.root.id, p, false);
      } else if (t !== 0) throw this.werr('exists and is not a group', p);
      if (nxClass !== undefined) this.writeAttr(p, 'NX_class', nxClass);
      for (const [k, v] of Object.entries(attrs ?? {})) this.writeAttr(p, k, v);
    });
  }

  field(path: string, value: AttrValue, opts: FieldOptions = {}): void {
    const p = normalizePath(path);
    this.w(p, 'write field', () => {
      this.assertLocal(p, false);
      const prep = prepareValue(value, opts.dtype, opts.shape);
      const count = prep.shape.reduce((a, b) => a * b, 1);
      const len = typeof prep.data === 'string' ? 1 : prep.data.length;
      if (count !== len)
        throw this.werr(`shape ${JSON.stringify(prep.shape)} does not match ${len} values`, p);
      if (this.linkExists(p)) {
        if (!this.overwriteInPlace(p, prep)) {
          this.remove(p);
          this.createField(p, prep, opts.compression);
        }
      } else {
        this.createField(p, prep, opts.compression);
      }
      if (opts.units !== undefined) this.writeAttr(p, 'units', opts.units);
      for (const [k, v] of Object.entries(opts.attrs ?? {})) this.writeAttr(p, k, v);
    });
  }

  private createField(p: string, prep: Prepared, compression?: Compression): void {
    const g = this.ensureParents(p);
    const name = baseName(p);
    if (prep.dtype === 'string') {
      g.create_dataset({ name, data: prep.data as string | string[], shape: prep.shape });
    } else {
      const args: Parameters<H5Group['create_dataset']>[0] = {
        name,
        data: prep.data as NumericArray,
        shape: prep.shape,
        dtype: H5_DTYPE[prep.dtype],
      };
      // a compressed array is one chunk (HDF5 needs chunks for filters)
      const filter = compression !== undefined ? compressionFilter(compression) : null;
      if (filter && prep.shape.length > 0 && prep.shape.every((n) => n > 0)) {
        args.chunks = prep.shape;
        args.compression = filter.id;
        args.compression_opts = filter.opts;
      }
      g.create_dataset(args);
    }
  }

  /** Same shape and numeric dtype: write the values into the existing dataset. */
  private overwriteInPlace(p: string, prep: Prepared): boolean {
    if (prep.dtype === 'string' || this.typeAt(p) !== 1) return false;
    const node = this.entity(p, { attrs: false });
    if (node.link !== undefined) return false;
    const same =
      node.dtype ===
      dtypeString({
        class: prep.dtype[1] === 'f' ? 'float' : 'integer',
        size: Number(prep.dtype.slice(2)),
        endian: '<',
        signed: prep.dtype[1] === 'i',
      });
    if (!same || JSON.stringify(node.shape) !== JSON.stringify(prep.shape) || prep.shape.length === 0)
      return false;
    const ds = this.f.get(p) as H5Dataset;
    ds.write_slice(
      prep.shape.map(() => []),
      prep.data,
    );
    return true;
  }

  softLink(path: string, target: string): void {
    const p = normalizePath(path);
    this.w(p, 'create soft link', () => {
      this.assertLocal(p, false);
      if (this.linkExists(p)) this.remove(p);
      this.ensureParents(p);
      this.M.create_soft_link(this.root.id, normalizePath(target), p);
    });
  }

  externalLink(path: string, file: string, target: string): void {
    const p = normalizePath(path);
    this.w(p, 'create external link', () => {
      this.assertLocal(p, false);
      if (this.linkExists(p)) this.remove(p);
      this.ensureParents(p);
      this.M.create_external_link(this.root.id, file, target, p);
    });
  }

  nexusLink(path: string, target: string): void {
    const p = normalizePath(path);
    const t = normalizePath(target);
    this.w(p, 'create NeXus link', () => {
      this.assertLocal(p, false);
      this.assertLocal(t, true);
      if (this.typeAt(t) !== 0 && this.typeAt(t) !== 1) throw this.werr(`link target ${t} does not exist`, p);
      if (this.linkExists(p)) this.remove(p);
      this.ensureParents(p);
      this.M.create_hard_link(this.root.id, t, p);
      if (!this.M.get_attribute_names(this.root.id, t).includes('target')) this.writeAttr(t, 'target', t);
    });
  }

  // ------------------------------------------------------------------ frame stacks

  createStack(path: string, opts: StackOptions): void {
    const p = normalizePath(path);
    this.w(p, 'create frame stack', () => {
      this.assertLocal(p, false);
      const [ny, nx] = opts.frameShape;
      if (!(ny > 0 && nx > 0))
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: 'frame shape must be positive',
          file: this.target,
          path: p,
        });
      if (this.linkExists(p)) this.remove(p);
      const g = this.ensureParents(p);
      const filter = compressionFilter(opts.compression ?? 'bslz4');
      const chunks = opts.chunks ?? [1, ny, nx];
      const args: Parameters<H5Group['create_dataset']>[0] = {
        name: baseName(p),
        data: TYPED[opts.dtype](0),
        shape: [0, ny, nx],
        dtype: H5_DTYPE[opts.dtype],
        maxshape: [opts.maxFrames ?? null, ny, nx],
        chunks,
      };
      if (filter) {
        args.compression = filter.id;
        args.compression_opts = filter.opts;
      }
      g.create_dataset(args);
      if (opts.units !== undefined) this.writeAttr(p, 'units', opts.units);
      for (const [k, v] of Object.entries(opts.attrs ?? {})) this.writeAttr(p, k, v);
    });
  }

  appendFrames(path: string, frames: NumericArray, count?: number): number {
    const p = normalizePath(path);
    return this.w(p, 'append frames', () => {
      this.assertLocal(p, true);
      const ds = this.f.get(p);
      if (!(ds instanceof this.rt.h5.Dataset)) throw this.werr('no such dataset', p);
      const d = ds as H5Dataset;
      const shape = d.shape;
      if (!shape || shape.length !== 3)
        throw new NxrError({
          code: 'WRONG_SHAPE',
          message: 'appendFrames needs a 3-D stack',
          file: this.target,
          path: p,
        });
      const frame = shape[1]! * shape[2]!;
      const n = count ?? frames.length / frame;
      if (!Number.isInteger(n) || n * frame !== frames.length) {
        throw new NxrError({
          code: 'WRONG_SHAPE',
          message: `${frames.length} values is not a whole number of ${shape[1]}×${shape[2]} frames`,
          file: this.target,
          path: p,
        });
      }
      const n0 = shape[0]!;
      const max = d.metadata.maxshape?.[0];
      if (max !== undefined && max < 2 ** 53 && n0 + n > max)
        throw this.werr(`stack is limited to ${max} frames`, p);
      d.resize([n0 + n, shape[1]!, shape[2]!]);
      d.write_slice([[n0, n0 + n], [], []], frames);
      return n0 + n;
    });
  }

  writeSlice(path: string, ranges: SliceRange[], data: NumericArray): void {
    const p = normalizePath(path);
    this.w(p, 'write slice', () => {
      this.assertLocal(p, true);
      const ds = this.f.get(p);
      if (!(ds instanceof this.rt.h5.Dataset)) throw this.werr('no such dataset', p);
      (ds as H5Dataset).write_slice(
        ranges.map((r) => (r.length === 2 ? [r[0], r[1]] : [])),
        data,
      );
    });
  }

  // ------------------------------------------------------------------ provenance

  record(entryPath: string, rec: NxProcessRecord): string {
    const entry = normalizePath(entryPath);
    if (this.typeAt(entry) !== 0)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'entry group does not exist',
        file: this.target,
        path: entry,
      });
    const layoutName = processLayout(rec, 0).group;
    const gp = joinPath(entry, layoutName);
    if (this.linkExists(gp)) this.remove(gp);
    const existing = this.children(entry, { attrs: false }).filter((c) => c.nxClass === 'NXprocess').length;
    const L = processLayout(rec, existing);
    this.group(gp, 'NXprocess');
    this.field(joinPath(gp, 'program'), L.program);
    this.field(joinPath(gp, 'sequence_index'), L.sequenceIndex);
    this.field(joinPath(gp, 'version'), L.version);
    this.field(joinPath(gp, 'date'), L.date);
    const note = joinPath(gp, 'note');
    this.group(note, 'NXnote');
    this.field(joinPath(note, 'description'), L.note.description);
    this.field(joinPath(note, 'data'), L.note.data);
    this.field(joinPath(note, 'date'), L.note.date);
    for (const [k, v] of Object.entries(L.fields)) this.field(joinPath(gp, k), v);
    return gp;
  }

  // ------------------------------------------------------------------ removal by rebuild

  /** Remove one object, or several with a single rebuild of the temp file. */
  remove(path: string | readonly string[]): void {
    const paths = (typeof path === 'string' ? [path] : [...path]).map(normalizePath);
    if (paths.length === 0) return;
    for (const q of paths) {
      if (q === '/')
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: 'cannot remove the root group',
          file: this.target,
        });
      if (!this.linkExists(q))
        throw new NxrError({
          code: 'MISSING_PATH',
          message: 'nothing to remove',
          file: this.target,
          path: q,
        });
    }
    const p = paths[0]!;
    this.w(p, 'remove', () => {
      const tree = this.describeForCopy();
      const next = tempPathFor(this.target);
      const out = new this.rt.h5.File(next, 'w', { libver: ['earliest', 'v110'] });
      try {
        copyTree(this, out, tree, new Set(paths));
      } catch (e) {
        out.close();
        rmSync(next, { force: true });
        throw e;
      }
      out.close();
      this.closeExternals();
      this.root.file.close();
      rmSync(this.tmpPath, { force: true });
      this.tmpPath = next;
      this.root = openH5Handle(this.rt, next, 'a', this.target);
    });
  }

  /** The temp file's own tree (external links not followed: they are copied as links). */
  private describeForCopy(): NxNode {
    return this.rawTree('/');
  }

  /** Tree of this file only, with link info but without descending into external targets. */
  private rawTree(p: string): NxNode {
    const node = this.entity(p, { attrs: true, maxDepth: 0 });
    if (node.kind === 'group' && (node.link === undefined || node.link.type === 'hard')) {
      const names = this.M.get_names(this.root.id, p, false);
      node.children = names.map((n) => {
        const cp = joinPath(p, n);
        const ext = this.M.get_external_link(this.root.id, cp) as { filename?: string; obj_path?: string };
        if (ext.filename !== undefined) {
          return {
            path: cp,
            name: n,
            kind: 'external-link' as const,
            attributes: [],
            link: { type: 'external' as const, file: ext.filename, target: ext.obj_path ?? '/' },
          };
        }
        const soft = this.M.get_symbolic_link(this.root.id, cp) as string | null;
        if (typeof soft === 'string') {
          return {
            path: cp,
            name: n,
            kind: 'soft-link' as const,
            attributes: [],
            link: { type: 'soft' as const, target: soft },
          };
        }
        return this.rawTree(cp);
      });
    }
    return node;
  }

  // ------------------------------------------------------------------ commit / abort

  /** Flush, close and rename the temp file over the target; release the lock. */
  override close(): void {
    if (this.done) return;
    this.done = true;
    try {
      super.close();
      try {
        if (existsSync(this.target)) chmodSync(this.tmpPath, statSync(this.target).mode & 0o7777);
      } catch {
        // keep default permissions
      }
      renameSync(this.tmpPath, this.target);
    } catch (e) {
      rmSync(this.tmpPath, { force: true });
      throw this.werr(`commit failed: ${(e as Error).message}`, undefined, e);
    } finally {
      this.lock?.release();
      this.lock = undefined;
    }
  }

  /** Discard everything written; the target stays as it was. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      super.close();
    } catch {
      // closing a broken file: nothing to keep anyway
    } finally {
      rmSync(this.tmpPath, { force: true });
      this.lock?.release();
      this.lock = undefined;
    }
  }
}

/** Copy `tree` (a node list of `src`) into `out`, skipping `exclude` paths. */
function copyTree(src: NexusFile, out: H5File, tree: NxNode, exclude: Set<string>): void {
  const firstPath = new Map<string, string>();
  const copyAttrs = (obj: H5Group | H5Dataset, attrs: NxAttribute[]): void => {
    for (const a of attrs) {
      if (a.shape === null) continue;
      if (a.type.class === 'string') {
        obj.create_attribute(a.name, a.value as string | string[], a.shape.length === 0 ? null : a.shape);
      } else if (a.type.class === 'integer' || a.type.class === 'float') {
        const dt = `<${a.type.class === 'float' ? 'f' : a.type.signed ? 'i' : 'u'}${a.type.size}` as Exclude<
          WriteDtype,
          'string'
        >;
        const flat = (Array.isArray(a.value) ? (a.value as unknown[]).flat(8) : [a.value]) as number[];
        obj.create_attribute(a.name, TYPED[dt](flat), a.shape, H5_DTYPE[dt]);
      } else if (a.type.class === 'enum') {
        const flat = (Array.isArray(a.value) ? (a.value as unknown[]).flat(8) : [a.value]).map((v) =>
          v === true ? 1 : v === false ? 0 : Number(v),
        );
        obj.create_attribute(a.name, TYPED['<i1'](flat), a.shape, H5_DTYPE['<i1']);
      }
      // other attribute types (compound, reference…) do not occur in NXRefine files; they are dropped
    }
  };
  const visit = (node: NxNode, parent: H5Group): void => {
    if (exclude.has(node.path)) return;
    const name = node.name;
    const full = node.path;
    if (node.link?.type === 'soft') {
      parent.create_soft_link(node.link.target, name);
      return;
    }
    if (node.link?.type === 'external') {
      parent.create_external_link(node.link.file, node.link.target, name);
      return;
    }
    const key = node.objectId;
    if (key !== undefined && firstPath.has(key)) {
      parent.create_hard_link(firstPath.get(key)!, name);
      return;
    }
    if (key !== undefined) firstPath.set(key, full);
    if (node.kind === 'group') {
      const g = full === '/' ? (out as H5Group) : parent.create_group(name);
      copyAttrs(g, node.attributes);
      for (const c of node.children ?? []) visit(c, g);
    } else if (node.kind === 'dataset') {
      copyDataset(src, node, parent);
      copyAttrs(parent.get(name) as H5Dataset, node.attributes);
    }
  };
  visit(tree, out as H5Group);
}

function copyDataset(src: NexusFile, node: NxNode, parent: H5Group): void {
  const name = node.name;
  const t = node.type!;
  const shape = node.shape;
  if (shape === null || shape === undefined) {
    throw new NxrError({
      code: 'WRITE_FAILED',
      message: 'cannot copy a dataset with a null dataspace',
      path: node.path,
    });
  }
  if (t.class === 'string') {
    const v = src.readValue(node.path);
    const data = (Array.isArray(v) ? (v as unknown[]).flat(8) : v) as string | string[];
    parent.create_dataset({ name, data, shape });
    return;
  }
  if (t.class !== 'integer' && t.class !== 'float') {
    throw new NxrError({
      code: 'WRITE_FAILED',
      message: `cannot copy a ${node.dtype ?? '?'} dataset`,
      path: node.path,
    });
  }
  const dt = `<${t.class === 'float' ? 'f' : t.signed ? 'i' : 'u'}${t.size}` as Exclude<WriteDtype, 'string'>;
  const rest = shape.slice(1);
  const all = (): SliceRange[] => shape.map(() => [] as SliceRange);
  if (node.chunks === null || node.chunks === undefined) {
    const data = src.readSlice(node.path, all()).data;
    parent.create_dataset({ name, data, shape, dtype: H5_DTYPE[dt] });
    return;
  }
  // chunked: keep chunks, maxshape and the first real compression filter (h5wasm writes one
  // filter per dataset; shuffle/fletcher32 are dropped); copy in blocks along axis 0 so that a
  // frame stack never goes through memory whole
  const filter = node.filters?.find((f) => f.id !== 2 && f.id !== 3) ?? null;
  const args: Parameters<H5Group['create_dataset']>[0] = {
    name,
    data: TYPED[dt](0),
    shape: [0, ...rest],
    dtype: H5_DTYPE[dt],
    maxshape: node.maxshape ?? shape,
    chunks: node.chunks,
  };
  if (filter) {
    args.compression = filter.id;
    args.compression_opts = filter.cdValues;
  }
  parent.create_dataset(args);
  const ds = parent.get(name) as H5Dataset;
  ds.resize(shape);
  const rowBytes = rest.reduce((a, b) => a * b, 1) * t.size;
  const rowsPerBlock = Math.max(1, Math.floor((64 * 2 ** 20) / Math.max(rowBytes, 1)));
  for (let r = 0; r < shape[0]!; r += rowsPerBlock) {
    const r1 = Math.min(shape[0]!, r + rowsPerBlock);
    const block = src.readSlice(node.path, [[r, r1], ...rest.map(() => [] as SliceRange)]);
    ds.write_slice([[r, r1], ...rest.map(() => [] as [])], block.data);
  }
}

/**
 * Create a new NeXus file. Everything is written to a temp file next to `path`; `close()` renames
 * it into place, `abort()` discards it. Errors: FILE_LOCKED, WRITE_FAILED (also when `path` exists
 * and `overwrite` is not set).
 */
export async function createNexusFile(path: string, opts: WriterOptions = {}): Promise<NexusFileWriter> {
  const target = resolveFs(path);
  if (existsSync(target) && opts.overwrite !== true) {
    throw new NxrError({
      code: 'WRITE_FAILED',
      message: 'file exists (use overwrite or updateNexusFile)',
      file: path,
    });
  }
  const rt = await loadH5wasm();
  const lock = acquireLock(target, {
    purpose: opts.purpose ?? 'create',
    ...(opts.staleMs !== undefined ? { staleMs: opts.staleMs } : {}),
  });
  const tmp = tempPathFor(target);
  try {
    const f = new rt.h5.File(tmp, 'w', { libver: ['earliest', 'v110'] });
    return new NexusFileWriter(rt, { fsPath: tmp, file: f, id: f.file_id }, target, tmp, lock);
  } catch (e) {
    rmSync(tmp, { force: true });
    lock.release();
    throw new NxrError(
      { code: 'WRITE_FAILED', message: `cannot create ${tmp}: ${summarizeHdf5Error(e)}`, file: path },
      { cause: e },
    );
  }
}

/**
 * Update an existing NeXus file atomically: lock it, copy it to a temp file, run `fn` on the copy,
 * then rename the copy over the original. If `fn` throws (or the process dies), the original is
 * untouched. Returns what `fn` returns.
 */
export async function updateNexusFile<T>(
  path: string,
  fn: (w: NexusFileWriter) => T | Promise<T>,
  opts: WriterOptions = {},
): Promise<T> {
  const target = resolveFs(path);
  const rt = await loadH5wasm();
  const lock = acquireLock(target, {
    purpose: opts.purpose ?? 'update',
    ...(opts.staleMs !== undefined ? { staleMs: opts.staleMs } : {}),
  });
  let writer: NexusFileWriter | undefined;
  const tmp = tempPathFor(target);
  try {
    // after the lock: the file must exist and be HDF5
    const h0 = openH5Handle(rt, target, 'r', path);
    h0.file.close();
    copyFileSync(target, tmp);
    const h = openH5Handle(rt, tmp, 'a', path);
    writer = new NexusFileWriter(rt, h, target, tmp, lock);
  } catch (e) {
    rmSync(tmp, { force: true });
    lock.release();
    throw e;
  }
  try {
    const result = await fn(writer);
    writer.close();
    return result;
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** Host name recorded in NXprocess notes and lock files. */
export function currentHost(): string {
  return hostname();
}
