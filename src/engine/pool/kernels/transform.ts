/**
 * Transform Data kernel (spec §4.16): every frame of a range is mapped pixel → hkl → voxel and its
 * counts and frame weight are added per voxel in a bounded brick cache (src/refine/transform).
 * Bricks that leave the cache, and all bricks at the end of the range, are appended to spill files,
 * one per (task, slab of L planes), which the job then merges slab by slab into the output. The
 * grid therefore never has to fit in memory, and each frame is read once.
 *
 * Spill record: Int32 brick id, then BRICK_FLOATS float32 (v then n), little-endian.
 */
import { closeSync, openSync, writevSync } from 'node:fs';
import { join } from 'node:path';

import type { Geometry, Mat3 } from '../../../refine/geometry/models.ts';
import { BRICK_BYTES, BrickAccumulator } from '../../../refine/transform/brick-accumulator.ts';
import { createFrameTransformer } from '../../../refine/transform/frame-transformer.ts';
import type { HklGrid } from '../../../refine/transform/models.ts';
import { NxrError } from '../../../shared/errors.ts';
import { openNexusFile } from '../../io/nexus-file.ts';
import type { FrameKernel } from '../models.ts';

export interface TransformKernelParams {
  geometry: Geometry;
  /** UB = U·B (Å⁻¹, 1/d units). */
  UB: Mat3;
  grid: HklGrid;
  /** 0: pixel index = pixel centre (default); 0.5: CCTW's convention. */
  pixelOffset: number;
  /** 1 = pixel never used (pixel_mask OR module gaps), ny·nx; null = none. */
  pixelMask: Uint8Array | null;
  /** Weight of every frame of the stack (index = frame); frames with weight ≤ 0 or NaN are skipped. */
  weights: Float64Array;
  /** The 3-D mask (int8 stack shaped like the frames, 1 = excluded), or null. */
  mask3d: { file: string; path: string } | null;
  /** Directory for the spill files (created by the job). */
  spillDir: string;
  /** Brick layers (16 L planes each) per merge slab. */
  bricksPerSlab: number;
  /** Brick cache of this task, bytes. */
  cacheBytes: number;
  /** Frames transformed together, row block by row block (cache reuse). @default 8 */
  framesPerBatch?: number;
}

export interface TransformKernelPart {
  /** Frames read and added (weight > 0). */
  frames: number;
  /** Pixel-frames added to the grid. */
  pixels: number;
  /** Bricks written to spill files, and their bytes. */
  bricks: number;
  spillBytes: number;
  spillFiles: string[];
}

/** Appends brick records to one file per merge slab. */
export class SpillWriter {
  private readonly fds = new Map<number, number>();
  readonly files: string[] = [];
  bricks = 0;
  bytes = 0;
  private readonly header = new Int32Array(1);

  constructor(
    private readonly dir: string,
    private readonly tag: string,
    private readonly bricksPerLayer: number,
    private readonly bricksPerSlab: number,
  ) {}

  /** The merge slab of a brick. */
  slabOf(brickId: number): number {
    return Math.floor(Math.floor(brickId / this.bricksPerLayer) / this.bricksPerSlab);
  }

  write(brickId: number, data: Float32Array): void {
    const slab = this.slabOf(brickId);
    let fd = this.fds.get(slab);
    if (fd === undefined) {
      const file = join(this.dir, spillFileName(slab, this.tag));
      fd = openSync(file, 'a');
      this.fds.set(slab, fd);
      this.files.push(file);
    }
    this.header[0] = brickId;
    const head = new Uint8Array(this.header.buffer);
    const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let written = writevSync(fd, [head, body]);
    // writev may write less than asked (rare, e.g. a full pipe); finish the record.
    while (written < head.length + body.length) {
      const rest =
        written < head.length ? [head.subarray(written), body] : [body.subarray(written - head.length)];
      written += writevSync(fd, rest);
    }
    this.bricks++;
    this.bytes += head.length + body.length;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/** `s<slab>-`: the start of every spill file name of a merge slab. */
export function spillFilePrefix(slab: number): string {
  return `s${String(slab).padStart(5, '0')}-`;
}

/** `s<slab>-<tag>.spill`: the merge lists a slab's files by prefix. */
export function spillFileName(slab: number, tag: string): string {
  return `${spillFilePrefix(slab)}${tag}.spill`;
}

export const transformKernel: FrameKernel<TransformKernelParams, TransformKernelPart> = {
  async processRange(ctx) {
    const p = ctx.params;
    const [ny, nx] = ctx.frameShape;
    if (ny !== p.geometry.shape[0] || nx !== p.geometry.shape[1])
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `frames are ${ny}×${nx} but the detector shape is ${p.geometry.shape[0]}×${p.geometry.shape[1]}`,
        file: ctx.file,
        path: ctx.dataset,
      });
    const transformer = createFrameTransformer({
      geometry: p.geometry,
      UB: p.UB,
      grid: p.grid,
      pixelOffset: p.pixelOffset,
    });
    const spill = new SpillWriter(
      p.spillDir,
      `f${String(ctx.start).padStart(7, '0')}`,
      Math.ceil(p.grid.k.count / 16) * Math.ceil(p.grid.h.count / 16),
      p.bricksPerSlab,
    );
    const mask3d = p.mask3d ? await openNexusFile(p.mask3d.file) : null;
    try {
      if (mask3d && p.mask3d) {
        const shape = mask3d.entity(p.mask3d.path, { attrs: false }).shape;
        if (!shape || shape.length !== 3 || shape[0]! < ctx.stop || shape[1] !== ny || shape[2] !== nx)
          throw new NxrError({
            code: 'WRONG_SHAPE',
            message: `3-D mask of shape ${JSON.stringify(shape)} does not cover frames ${ctx.start}…${ctx.stop - 1} of ${ny}×${nx}`,
            file: p.mask3d.file,
            path: p.mask3d.path,
          });
      }
      const acc = new BrickAccumulator({
        grid: p.grid,
        maxBytes: Math.max(BRICK_BYTES, p.cacheBytes),
        onEvict: (id, data) => spill.write(id, data),
      });
      let frames = 0;
      let pixels = 0;
      const batch = Math.max(1, Math.floor(p.framesPerBatch ?? 8));
      const zs: number[] = [];
      const values: Array<ArrayLike<number>> = [];
      const masks: Array<ArrayLike<number> | null> = [];
      const ws: number[] = [];
      let pending = 0;
      const run = (): void => {
        if (zs.length > 0) pixels += transformer.transformFrames(acc, zs, values, p.pixelMask, masks, ws);
        frames += zs.length;
        zs.length = values.length = masks.length = ws.length = 0;
        for (; pending > 0; pending--) ctx.frameDone();
      };
      for (let z = ctx.start; z < ctx.stop; z++) {
        const w = p.weights[z] ?? 0;
        if (w > 0) {
          zs.push(z);
          values.push(ctx.readFrame(z).data);
          masks.push(
            mask3d && p.mask3d ? (mask3d.readFrame(p.mask3d.path, z).data as ArrayLike<number>) : null,
          );
          ws.push(w);
        }
        pending++;
        if (zs.length >= batch) run();
      }
      run();
      acc.flush();
      return {
        result: { frames, pixels, bricks: spill.bricks, spillBytes: spill.bytes, spillFiles: spill.files },
      };
    } finally {
      spill.close();
      mask3d?.close();
    }
  },
};
