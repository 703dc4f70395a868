/**
 * A slab of a 3-D dataset: planes start…start+count−1 along one axis, summed into one 2-D array
 * (an HKL slice one or several planes thick), read a block of planes at a time so that a slice of
 * NXRefine's default grid (1201 × 1201 × 801 float32, 4.6 GB per array) never reads the rest.
 * Blocks follow the dataset's chunks along the axis, so each chunk is read (decompressed) once.
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
/** Elements per read (a block of whole planes, at least one): 32 Mi (`blockElements` in tests). */
const BLOCK_ELEMENTS = 32 * 1024 * 1024;

/** Adds block (shape d with d[axis] = planes) into out (the two other dimensions, row-major). */
function addBlock(
  out: Float64Array,
  block: ArrayLike<number | bigint>,
  d: [number, number, number],
  axis: number,
): void {
  const [d0, d1, d2] = d;
  const big = typeof block[0] === 'bigint';
  const at = big ? (i: number): number => Number(block[i]) : (i: number): number => block[i] as number;
  if (axis === 0) {
    const plane = d1 * d2;
    for (let p = 0; p < d0; p++) {
      const o = p * plane;
      for (let j = 0; j < plane; j++) out[j]! += at(o + j);
    }
  } else if (axis === 1) {
    // out [d0, d2]
    for (let i = 0; i < d0; i++) {
      const row = i * d2;
      for (let p = 0; p < d1; p++) {
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
      for (let p = 0; p < d2; p++) s += at(o + p);
      out[j]! += s;
    }
  }
}

function dtypeName(t: NxDtype | undefined, fallback: string | undefined): string {
  return fallback ?? (t ? t.class : '?');
}

/**
 * Σ of planes start…start+count−1 along `axis` of the 3-D numeric dataset at `path`, as float64.
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
  options: { signal?: AbortSignal; blockElements?: number } = {},
): DatasetSlab {
  const { signal, blockElements = BLOCK_ELEMENTS } = options;
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
  while (p < stop) {
    if (signal?.aborted) throw new NxrError({ code: 'CANCELLED', message: 'cancelled' });
    // end this block on a chunk boundary, so the next block starts on one
    let q = Math.min(stop, p + blockPlanes);
    if (chunk > 1 && q < stop) q = Math.max(p + 1, Math.floor(q / chunk) * chunk);
    const ranges: SliceRange[] = [[], [], []];
    ranges[axis] = [p, q];
    const block = reader.readSlice(path, ranges);
    const d = [...shape] as [number, number, number];
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
