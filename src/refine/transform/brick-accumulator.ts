import { NxrError } from '../../shared/errors.ts';
import type { HklGrid } from './models.ts';

/** Bricks are 16 × 16 × 16 voxels (L, K, H), 4096 voxels, 32 KiB of float32 v and n. */
export const BRICK_SHIFT = 4;
export const BRICK_SIDE = 1 << BRICK_SHIFT;
export const BRICK_VOXELS = BRICK_SIDE ** 3;
/** Floats per brick record: (v, n) pairs of the 4096 voxels in Morton order (see `brickVoxelIndex`). */
export const BRICK_FLOATS = 2 * BRICK_VOXELS;
export const BRICK_BYTES = BRICK_FLOATS * 4;

/** SPREAD[x] puts the 4 bits of x at bit positions 0, 3, 6, 9. */
const SPREAD = Int32Array.from({ length: BRICK_SIDE }, (_, x) => {
  let r = 0;
  for (let b = 0; b < BRICK_SHIFT; b++) r |= ((x >> b) & 1) << (3 * b);
  return r;
});

/**
 * Position of voxel (l, k, h) (each 0…15) inside a brick: the Morton (Z-order) index, so that a
 * 64-byte cache line of (v, n) pairs holds a 2×2×2 block and neighbouring pixels, whatever the
 * direction they map to in hkl, mostly share lines. v is at 2·index, n at 2·index + 1.
 */
export function brickVoxelIndex(l: number, k: number, h: number): number {
  return (SPREAD[l]! << 2) | (SPREAD[k]! << 1) | SPREAD[h]!;
}

/** Brick counts along (L, K, H) of a grid. */
export function brickCounts(grid: HklGrid): [number, number, number] {
  const nb = (n: number): number => Math.ceil(n / BRICK_SIDE);
  return [nb(grid.l.count), nb(grid.k.count), nb(grid.h.count)];
}

/** (bL, bK, bH) of a brick id (id = (bL·nbK + bK)·nbH + bH). */
export function brickCoordinates(id: number, nbK: number, nbH: number): [number, number, number] {
  const bH = id % nbH;
  const rest = (id - bH) / nbH;
  const bK = rest % nbK;
  return [(rest - bK) / nbK, bK, bH];
}

/** Largest brick directory (one Int32 per brick of the grid): 2^27 bricks = 512 MiB of index. */
const MAX_BRICKS = 2 ** 27;

export interface BrickAccumulatorOptions {
  grid: HklGrid;
  /** Brick memory at most, bytes (at least one brick is always kept). */
  maxBytes: number;
  /**
   * Receives bricks that leave memory (least recently used first when memory is full, all of them
   * on `flush`): the brick id and a view of its BRICK_FLOATS floats ((v, n) pairs in the voxel
   * order of `brickVoxelIndex`). The view is reused afterwards: copy or write it out synchronously.
   */
  onEvict: (brickId: number, data: Float32Array) => void;
}

/**
 * Sums values and weights per voxel of a (possibly huge) HKL grid in bounded memory. The grid is
 * cut into 16³-voxel bricks that are allocated when first hit; when the memory budget is used up
 * the least recently hit quarter is handed to `onEvict` and reused. A brick may leave memory several
 * times: its partial sums add up (the caller merges them), so the result never depends on the
 * budget, only the amount of data handed out does. A rotation sweeps the Ewald sphere through the
 * grid, so a brick is hit during a few windows of consecutive frames and a budget of a few hundred
 * MiB already keeps the bricks being hit.
 */
export class BrickAccumulator {
  readonly nbL: number;
  readonly nbK: number;
  readonly nbH: number;
  /** Bricks that fit in memory. */
  readonly capacity: number;
  private readonly arena: Float32Array;
  private readonly directory: Int32Array;
  private readonly brickOf: Int32Array;
  private readonly stamp: Int32Array;
  private readonly free: Int32Array;
  private freeTop: number;
  private tick = 0;
  private readonly onEvict: BrickAccumulatorOptions['onEvict'];
  /** Bricks handed to onEvict so far. */
  evicted = 0;

  constructor(options: BrickAccumulatorOptions) {
    const [nbL, nbK, nbH] = brickCounts(options.grid);
    const total = nbL * nbK * nbH;
    if (total > MAX_BRICKS)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `transform grid of ${total} bricks (${options.grid.h.count}×${options.grid.k.count}×${options.grid.l.count} voxels) is too large`,
      });
    this.nbL = nbL;
    this.nbK = nbK;
    this.nbH = nbH;
    this.capacity = Math.max(1, Math.min(total, Math.floor(options.maxBytes / BRICK_BYTES)));
    this.arena = new Float32Array(this.capacity * BRICK_FLOATS);
    this.directory = new Int32Array(total).fill(-1);
    this.brickOf = new Int32Array(this.capacity).fill(-1);
    this.stamp = new Int32Array(this.capacity);
    this.free = new Int32Array(this.capacity);
    for (let i = 0; i < this.capacity; i++) this.free[i] = this.capacity - 1 - i;
    this.freeTop = this.capacity;
    this.onEvict = options.onEvict;
  }

  /** Bricks in memory now. */
  get resident(): number {
    return this.capacity - this.freeTop;
  }

  /** Advances the recency clock of eviction (once per frame, or per row block of a batch of frames). */
  nextFrame(): void {
    this.tick++;
  }

  /**
   * Adds `count` pixels. `fh`, `fk`, `fl` hold fractional voxel coordinates shifted by ½
   * ((h − h0)/Δh + ½ …; the voxel index is their floor); pixel j of the block is element
   * `offset + j` of `values`, `pixelMask` and `mask3d`. Skipped: pixelMask ≠ 0, mask3d ≠ 0, values
   * that are not ≥ 0 (negative gap markers, NaN), and coordinates off the grid.
   * `cH`, `cK`, `cL` are added to the coordinates first. Returns the number of pixels added.
   */
  addPixels(
    fh: Float64Array,
    fk: Float64Array,
    fl: Float64Array,
    cH: number,
    cK: number,
    cL: number,
    count: number,
    values: ArrayLike<number>,
    offset: number,
    pixelMask: Uint8Array | null,
    mask3d: ArrayLike<number> | null,
    weight: number,
    nh: number,
    nk: number,
    nl: number,
  ): number {
    const arena = this.arena;
    const dir = this.directory;
    const stamp = this.stamp;
    const nbK = this.nbK;
    const nbH = this.nbH;
    const tick = this.tick;
    const spread = SPREAD;
    const mask = BRICK_SIDE - 1;
    let added = 0;
    for (let j = 0; j < count; j++) {
      const p = offset + j;
      if (pixelMask !== null && pixelMask[p] !== 0) continue;
      if (mask3d !== null && mask3d[p] !== 0) continue;
      const val = values[p]!;
      if (!(val >= 0)) continue;
      const uh = fh[j]! + cH;
      if (!(uh >= 0 && uh < nh)) continue;
      const uk = fk[j]! + cK;
      if (!(uk >= 0 && uk < nk)) continue;
      const ul = fl[j]! + cL;
      if (!(ul >= 0 && ul < nl)) continue;
      const ih = uh | 0;
      const ik = uk | 0;
      const il = ul | 0;
      const b = ((il >> BRICK_SHIFT) * nbK + (ik >> BRICK_SHIFT)) * nbH + (ih >> BRICK_SHIFT);
      let slot = dir[b]!;
      if (slot < 0) slot = this.allocate(b);
      const off =
        slot * BRICK_FLOATS +
        (((spread[il & mask]! << 2) | (spread[ik & mask]! << 1) | spread[ih & mask]!) << 1);
      arena[off] = arena[off]! + val;
      arena[off + 1] = arena[off + 1]! + weight;
      stamp[slot] = tick;
      added++;
    }
    return added;
  }

  /**
   * `addPixels` fused with the linear map: pixel p (= offset + j) has the lab vector
   * (qx[p], qy[p], qz[p]) and its shifted fractional voxel coordinates are R·q + (cH, cK, cL),
   * R row-major in `R` (9 numbers). Saves writing and reading three coordinate arrays per pixel.
   */
  addMapped(
    qx: Float64Array,
    qy: Float64Array,
    qz: Float64Array,
    R: ArrayLike<number>,
    cH: number,
    cK: number,
    cL: number,
    count: number,
    values: ArrayLike<number>,
    offset: number,
    pixelMask: Uint8Array | null,
    mask3d: ArrayLike<number> | null,
    weight: number,
    nh: number,
    nk: number,
    nl: number,
  ): number {
    const arena = this.arena;
    const dir = this.directory;
    const stamp = this.stamp;
    const nbK = this.nbK;
    const nbH = this.nbH;
    const tick = this.tick;
    const spread = SPREAD;
    const mask = BRICK_SIDE - 1;
    const r00 = R[0]!;
    const r01 = R[1]!;
    const r02 = R[2]!;
    const r10 = R[3]!;
    const r11 = R[4]!;
    const r12 = R[5]!;
    const r20 = R[6]!;
    const r21 = R[7]!;
    const r22 = R[8]!;
    let added = 0;
    for (let j = 0; j < count; j++) {
      const p = offset + j;
      if (pixelMask !== null && pixelMask[p] !== 0) continue;
      if (mask3d !== null && mask3d[p] !== 0) continue;
      const val = values[p]!;
      if (!(val >= 0)) continue;
      const a = qx[p]!;
      const b = qy[p]!;
      const c = qz[p]!;
      const uh = r00 * a + r01 * b + r02 * c + cH;
      if (!(uh >= 0 && uh < nh)) continue;
      const uk = r10 * a + r11 * b + r12 * c + cK;
      if (!(uk >= 0 && uk < nk)) continue;
      const ul = r20 * a + r21 * b + r22 * c + cL;
      if (!(ul >= 0 && ul < nl)) continue;
      const ih = uh | 0;
      const ik = uk | 0;
      const il = ul | 0;
      const brick = ((il >> BRICK_SHIFT) * nbK + (ik >> BRICK_SHIFT)) * nbH + (ih >> BRICK_SHIFT);
      let slot = dir[brick]!;
      if (slot < 0) slot = this.allocate(brick);
      const off =
        slot * BRICK_FLOATS +
        (((spread[il & mask]! << 2) | (spread[ik & mask]! << 1) | spread[ih & mask]!) << 1);
      arena[off] = arena[off]! + val;
      arena[off + 1] = arena[off + 1]! + weight;
      stamp[slot] = tick;
      added++;
    }
    return added;
  }

  /** Hands every brick in memory to onEvict and empties the accumulator. */
  flush(): void {
    for (let slot = 0; slot < this.capacity; slot++) if (this.brickOf[slot]! >= 0) this.release(slot);
  }

  private allocate(brick: number): number {
    if (this.freeTop === 0) this.evictOldest();
    const slot = this.free[--this.freeTop]!;
    this.directory[brick] = slot;
    this.brickOf[slot] = brick;
    return slot;
  }

  /** Evicts the least recently hit quarter of the bricks (at least one). */
  private evictOldest(): void {
    const sorted = Int32Array.from(this.stamp).sort();
    const want = Math.max(1, this.capacity >> 2);
    const threshold = sorted[want - 1]!;
    let n = 0;
    for (let slot = 0; slot < this.capacity && n < want; slot++) {
      if (this.brickOf[slot]! >= 0 && this.stamp[slot]! <= threshold) {
        this.release(slot);
        n++;
      }
    }
  }

  private release(slot: number): void {
    const start = slot * BRICK_FLOATS;
    const view = this.arena.subarray(start, start + BRICK_FLOATS);
    const brick = this.brickOf[slot]!;
    this.onEvict(brick, view);
    this.evicted++;
    view.fill(0);
    this.directory[brick] = -1;
    this.brickOf[slot] = -1;
    this.free[this.freeTop++] = slot;
  }
}

/**
 * Adds one brick record (BRICK_FLOATS floats, see `brickVoxelIndex`) into a slab of whole L planes held in
 * memory: planes [l0, l0 + planes) of a (L, K, H) array, H fastest. Voxels of the brick outside
 * the grid or the slab are ignored. Returns the sums of the values and weights added.
 */
export function addBrickToSlab(
  grid: HklGrid,
  slabV: Float32Array,
  slabN: Float32Array,
  l0: number,
  planes: number,
  brickId: number,
  data: Float32Array,
  dataOffset = 0,
): [number, number] {
  const [, nbK, nbH] = brickCounts(grid);
  let sumV = 0;
  let sumN = 0;
  const [bL, bK, bH] = brickCoordinates(brickId, nbK, nbH);
  const nh = grid.h.count;
  const nk = grid.k.count;
  const hStart = bH * BRICK_SIDE;
  const hEnd = Math.min(nh, hStart + BRICK_SIDE);
  const kStart = bK * BRICK_SIDE;
  const kEnd = Math.min(nk, kStart + BRICK_SIDE);
  const lStart = Math.max(bL * BRICK_SIDE, l0);
  const lEnd = Math.min(grid.l.count, bL * BRICK_SIDE + BRICK_SIDE, l0 + planes);
  for (let l = lStart; l < lEnd; l++) {
    const sl = SPREAD[l - bL * BRICK_SIDE]! << 2;
    for (let k = kStart; k < kEnd; k++) {
      const slk = sl | (SPREAD[k - kStart]! << 1);
      const dst = ((l - l0) * nk + k) * nh + hStart;
      for (let h = 0; h < hEnd - hStart; h++) {
        const src = dataOffset + ((slk | SPREAD[h]!) << 1);
        const v = data[src]!;
        const n = data[src + 1]!;
        slabV[dst + h] = slabV[dst + h]! + v;
        slabN[dst + h] = slabN[dst + h]! + n;
        sumV += v;
        sumN += n;
      }
    }
  }
  return [sumV, sumN];
}
