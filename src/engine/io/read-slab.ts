/**
 * A slab of a 3-D dataset: planes start…start+count−1 along one axis, summed into one 2-D array
 * (an HKL slice one or several planes thick), read a block of planes at a time so that a slice of
 * NXRefine's default grid (1201 × 1201 × 801 float32, 4.6 GB per array) never reads the rest.
 * Blocks follow the dataset's chunks along the axis, so each chunk is read (decompressed) once;
 * a layer of whole chunks along the axis (≤ 128 MiB, e.g. 16 L planes of a 1201 × 1201 grid) is
 * kept per open file, so stepping to the next plane of a slice reads nothing from the file
 * (HDF5 reads whole chunks anyway: one plane of 16-plane chunks costs as much as sixteen).
 */
import { isNumericDtype, shapeSize } from '../../nexus/model/dtype.ts';
import type { NxDtype } from '../../nexus/model/types.ts';
import type { NexusReader, SliceRange } from '../../nexus/port.ts';
import { NxrError } from '../../shared/errors.ts';
import type { DatasetSlab } from '../../shared/ipc.ts';

/** Largest plane a slab may have (elements): 16 Mi, a 4096 × 4096 slice. */
export const MAX_SLAB_PLANE_ELEMENTS = 16 * 1024 * 1024;
/** Most elements one slab may read in all (planes × plane size): 512 Mi, 2 GiB of float32. */
export const MAX_SLAB_READ_ELEMENTS = 512 * 1024 * 1024;
/** Elements per read without the layer cache (a block of whole planes, at least one): 32 Mi. */
const BLOCK_ELEMENTS = 32 * 1024 * 1024;

/**
 * Adds planes from…to−1 of a block (shape d, d[axis] planes) into out (the two other dimensions,
 * row-major).
 */
function addBlock(
  out: Float64Array,
  block: ArrayLike<number | bigint>,
  d: [number, number, number],
  axis: number,
  from = 0,
  to = d[axis]!,
): void {
  const [d0, d1, d2] = d;
  const big = typeof block[0] === 'bigint';
  const at = big ? (i: number): number => Number(block[i]) : (i: number): number => block[i] as number;
  if (axis === 0) {
    const plane = d1 * d2;
    for (let p = from; p < to; p++) {
      const o = p * plane;
      for (let j = 0; j < plane; j++) out[j]! += at(o + j);
    }
  } else if (axis === 1) {
    // out [d0, d2]
    for (let i = 0; i < d0; i++) {
      const row = i * d2;
      for (let p = from; p < to; p++) {
        const o = (i * d1 + p) * d2;
        for (let k = 0; k < d2; k++) out[row + k]! += at(o + k);
      }
    }
  } else {
    // out [d0, d1]
    const n = d0 * d1;
    for (let j = 0; j < n; j++) {
      const o = j * d2;
      let s = 0;
      for (let p = from; p < to; p++) s += at(o + p);
      out[j]! += s;
    }
  }
}

/** A layer of whole chunks along an axis, kept for the next slabs (stepping through the planes). */
interface CachedLayer {
  path: string;
  axis: number;
  start: number;
  stop: number;
  data: ArrayLike<number | bigint>;
  bytes: number;
}

/** Largest chunk layer kept (bytes): 128 MiB, 16 planes of a 1201 × 1201 float32 grid. */
export const MAX_CACHED_LAYER_BYTES = 128 * 1024 * 1024;
/** Chunk layers kept per open file (bytes, most recent first): the signal's and the weights' current layer. */
const CACHE_BYTES_PER_FILE = 2 * MAX_CACHED_LAYER_BYTES;
const layerCaches = new WeakMap<NexusReader, CachedLayer[]>();

/** The chunk layer start…stop−1 of `path` along `axis`, from the reader's cache or read now. */
function chunkLayer(
  reader: NexusReader,
  path: string,
  axis: number,
  start: number,
  stop: number,
  bytes: number,
): ArrayLike<number | bigint> {
  let cache = layerCaches.get(reader);
  if (!cache) layerCaches.set(reader, (cache = []));
  const i = cache.findIndex(
    (c) => c.path === path && c.axis === axis && c.start === start && c.stop === stop,
  );
  if (i >= 0) {
    const [hit] = cache.splice(i, 1);
    cache.unshift(hit!);
    return hit!.data;
  }
  const ranges: SliceRange[] = [[], [], []];
  ranges[axis] = [start, stop];
  const data = reader.readSlice(path, ranges).data as ArrayLike<number | bigint>;
  cache.unshift({ path, axis, start, stop, data, bytes });
  let total = 0;
  for (let k = 0; k < cache.length; k++) {
    total += cache[k]!.bytes;
    if (total > CACHE_BYTES_PER_FILE) {
      cache.length = k;
      break;
    }
  }
  return data;
}

function dtypeName(t: NxDtype | undefined, fallback: string | undefined): string {
  return fallback ?? (t ? t.class : '?');
}

/**
 * Σ of planes start…start+count−1 along `axis` of the 3-D numeric dataset at `path`, as float64;
 * with `weights`, divided by the same sum of the weights (v/n of a transform, NaN where n = 0).
 * Errors (NxrError, naming file and path): not a dataset or a dangling link, not 3-D, not numeric,
 * axis ∉ {0, 1, 2}, count < 1 or planes beyond the dataset, a plane above
 * {@link MAX_SLAB_PLANE_ELEMENTS} or a slab above {@link MAX_SLAB_READ_ELEMENTS}.
 */
export function readSlab(
  reader: NexusReader,
  path: string,
  axis: number,
  start: number,
  count: number,
  options: SlabOptions = {},
): DatasetSlab {
  const v = sumSlab(reader, path, axis, start, count, options);
  if (options.weights === undefined) return v;
  const n = sumSlab(reader, options.weights, axis, start, count, options);
  if (n.datasetShape.join() !== v.datasetShape.join()) {
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `the weights have shape [${n.datasetShape.join(', ')}], the signal ${path} [${v.datasetShape.join(', ')}]`,
      file: reader.file,
      path: options.weights,
    });
  }
  const data = v.data;
  for (let i = 0; i < data.length; i++) {
    const w = n.data[i]!;
    data[i] = w !== 0 && Number.isFinite(w) ? data[i]! / w : NaN;
  }
  return { ...v, weights: options.weights, data };
}

export interface SlabOptions {
  /** A dataset of the same shape: the slab is Σ signal / Σ weights (NaN where Σ weights = 0). */
  weights?: string;
  signal?: AbortSignal;
  /** Elements per read without the layer cache (tests). */
  blockElements?: number;
  /** Keep chunk layers for the next slabs. @default true */
  cacheLayers?: boolean;
}

function sumSlab(
  reader: NexusReader,
  path: string,
  axis: number,
  start: number,
  count: number,
  options: SlabOptions,
): DatasetSlab {
  const { signal, blockElements = BLOCK_ELEMENTS, cacheLayers = true } = options;
  const fail = (code: 'WRONG_SHAPE' | 'WRONG_DTYPE' | 'BAD_PARAMETER' | 'DANGLING_LINK', message: string) =>
    new NxrError({ code, message, file: reader.file, path });
  const node = reader.entity(path, { attrs: false });
  if (node.dangling) {
    const l = node.link;
    const to = l?.type === 'external' ? `${l.file}:${l.target}` : (l?.target ?? '?');
    throw fail('DANGLING_LINK', `link to missing ${to}`);
  }
  if (node.kind !== 'dataset' || !node.shape)
    throw fail('WRONG_SHAPE', `expected a 3-D dataset, found ${node.kind}`);
  const shape = node.shape;
  if (shape.length !== 3) {
    throw fail('WRONG_SHAPE', `a slab needs a 3-D dataset, this one has shape [${shape.join(', ')}]`);
  }
  if (node.type && !isNumericDtype(node.type)) {
    throw fail('WRONG_DTYPE', `a slab needs numbers, the dataset holds ${dtypeName(node.type, node.dtype)}`);
  }
  if (!Number.isInteger(axis) || axis < 0 || axis > 2) {
    throw fail('BAD_PARAMETER', `slab axis ${axis} is not 0, 1 or 2`);
  }
  const planes = shape[axis]!;
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(count) ||
    start < 0 ||
    count < 1 ||
    start + count > planes
  ) {
    throw fail(
      'BAD_PARAMETER',
      `planes ${start}…${start + count - 1} along axis ${axis} are outside 0…${planes - 1}`,
    );
  }
  const rest = [0, 1, 2].filter((d) => d !== axis).map((d) => shape[d]!) as [number, number];
  const planeElements = rest[0] * rest[1];
  if (planeElements > MAX_SLAB_PLANE_ELEMENTS) {
    throw fail(
      'BAD_PARAMETER',
      `a plane of ${rest[0]} × ${rest[1]} elements is more than a slab may hold (${MAX_SLAB_PLANE_ELEMENTS})`,
    );
  }
  if (planeElements * count > MAX_SLAB_READ_ELEMENTS) {
    throw fail(
      'BAD_PARAMETER',
      `${count} planes of ${planeElements} elements are too many to sum at once (at most ${Math.floor(MAX_SLAB_READ_ELEMENTS / Math.max(1, planeElements))} planes)`,
    );
  }
  // whole chunks along the axis per read, as many as fit in a block
  const chunk = node.chunks?.[axis] ?? 1;
  const perBlock = Math.max(1, Math.floor(blockElements / Math.max(1, planeElements)));
  const blockPlanes = chunk > 1 && perBlock >= chunk ? Math.floor(perBlock / chunk) * chunk : perBlock;
  const out = new Float64Array(planeElements);
  let p = start;
  const stop = start + count;
  const d = [...shape] as [number, number, number];
  const layerBytes = chunk * planeElements * (node.type?.size ?? 8);
  if (cacheLayers && chunk > 1 && layerBytes <= MAX_CACHED_LAYER_BYTES) {
    // Whole chunk layers (HDF5 reads whole chunks anyway), kept: the next plane is in memory.
    while (p < stop) {
      if (signal?.aborted) throw new NxrError({ code: 'CANCELLED', message: 'cancelled' });
      const l0 = Math.floor(p / chunk) * chunk;
      const l1 = Math.min(planes, l0 + chunk);
      d[axis] = l1 - l0;
      const layer = chunkLayer(reader, path, axis, l0, l1, layerBytes);
      if (shapeSize(d) !== layer.length) {
        throw fail(
          'WRONG_SHAPE',
          `read ${layer.length} values for planes ${l0}…${l1 - 1}, expected ${shapeSize(d)}`,
        );
      }
      const q = Math.min(stop, l1);
      addBlock(out, layer, d, axis, p - l0, q - l0);
      p = q;
    }
  }
  while (p < stop) {
    if (signal?.aborted) throw new NxrError({ code: 'CANCELLED', message: 'cancelled' });
    // end this block on a chunk boundary, so the next block starts on one
    let q = Math.min(stop, p + blockPlanes);
    if (chunk > 1 && q < stop) q = Math.max(p + 1, Math.floor(q / chunk) * chunk);
    const ranges: SliceRange[] = [[], [], []];
    ranges[axis] = [p, q];
    const block = reader.readSlice(path, ranges);
    d[axis] = q - p;
    if (shapeSize(d) !== block.data.length) {
      throw fail(
        'WRONG_SHAPE',
        `read ${block.data.length} values for planes ${p}…${q - 1}, expected ${shapeSize(d)}`,
      );
    }
    addBlock(out, block.data as ArrayLike<number | bigint>, d, axis);
    p = q;
  }
  return {
    path,
    datasetShape: [...shape],
    axis,
    start,
    count,
    shape: rest,
    dtype: node.dtype ?? '',
    data: out,
  };
}
