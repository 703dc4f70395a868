import { createPixelMapper, type PixelMapper, type PixelVectors } from '../geometry/create-pixel-mapper.ts';
import type { Geometry, Mat3 } from '../geometry/models.ts';
import { computeGoniometerMatrix } from '../geometry/goniometer.ts';
import { invertMat3, multiplyMat3, transposeMat3 } from '../linalg/mat3.ts';
import type { BrickAccumulator } from './brick-accumulator.ts';
import type { HklGrid } from './models.ts';

export interface FrameTransformerOptions {
  geometry: Geometry;
  /** UB = U·B, Å⁻¹ in 1/d units: Q_sample = UB·hkl. */
  UB: Mat3;
  grid: HklGrid;
  /**
   * Added to pixel indices: 0 = pixel index is the pixel centre (NXRefine's peak positions and
   * refinement, our default); 0.5 = CCTW's (x + ½ − det0x). @default 0
   */
  pixelOffset?: number;
  /**
   * Detector rows mapped at a time. With several frames per call the row block is the outer loop,
   * so consecutive frames hit the voxels the previous frame just hit while they are still in cache.
   * @default 8
   */
  rowBlock?: number;
}

export interface FrameTransformer {
  /** [ny, nx] of the frames. */
  readonly shape: [number, number];
  /**
   * Maps every pixel of frame `frame` (fractional frames allowed; φ = phiStart + phiStep·frame) to
   * its voxel and adds value and `weight` there (see BrickAccumulator.addPixels for what is
   * skipped). Returns the number of pixels added.
   */
  transformFrame(
    acc: BrickAccumulator,
    frame: number,
    values: ArrayLike<number>,
    pixelMask: Uint8Array | null,
    mask3d: ArrayLike<number> | null,
    weight: number,
  ): number;
  /**
   * The same for several frames at once (row block outer, frames inner: 2–3× faster than frame by
   * frame on large grids because a voxel hit by frame z is hit again by z + 1 a voxel away).
   * Entries of `masks3d` may be null. Returns the number of pixels added.
   */
  transformFrames(
    acc: BrickAccumulator,
    frames: readonly number[],
    values: ReadonlyArray<ArrayLike<number>>,
    pixelMask: Uint8Array | null,
    masks3d: ReadonlyArray<ArrayLike<number> | null>,
    weights: readonly number[],
  ): number;
}

/**
 * Pixel → voxel for whole frames: the pixel mapper (spec §4.6: tilts, goniometer, sample offset)
 * followed by the linear map M = diag(1/Δh, 1/Δk, 1/Δl)·(UB)⁻¹, so each pixel costs one 3×3 product
 * and the voxel index is floor(M·Q + c) with c = ½ − start/step (voxel labels are centres).
 */
export function createFrameTransformer(o: FrameTransformerOptions): FrameTransformer {
  let mapper: PixelMapper | null = createPixelMapper(o.geometry, { pixelOffset: o.pixelOffset ?? 0 });
  const [ny, nx] = o.geometry.shape;
  const inv = invertMat3(o.UB);
  const { h, k, l } = o.grid;
  const M: Mat3 = [
    inv[0].map((v) => v / h.step) as Mat3[0],
    inv[1].map((v) => v / k.step) as Mat3[1],
    inv[2].map((v) => v / l.step) as Mat3[2],
  ];
  const cH = 0.5 - h.start / h.step;
  const cK = 0.5 - k.start / k.step;
  const cL = 0.5 - l.start / l.step;
  const block = Math.max(1, Math.floor(o.rowBlock ?? 8));
  const out: PixelVectors = [
    new Float64Array(block * nx),
    new Float64Array(block * nx),
    new Float64Array(block * nx),
  ];
  // Without a sample offset a pixel's lab vector Q_lab is the same on every frame: keep it and
  // fuse the map (R = M·G(φ)ᵀ) with the binning. With an offset, map row blocks, then bin.
  const fixed = !o.geometry.sampleOffset || o.geometry.sampleOffset.every((v) => v === 0);
  let qLab: PixelVectors | undefined;
  if (fixed) {
    const G0 = computeGoniometerMatrix(o.geometry, o.geometry.phiStart);
    qLab = mapper.mapLinear(G0, 0); // G0·G0ᵀ·Q_lab = Q_lab
    mapper = null; // its own per-pixel vectors are not needed any more
  }
  const Rflat = new Float64Array(9);
  const addBlock = (
    acc: BrickAccumulator,
    frame: number,
    y0: number,
    y1: number,
    values: ArrayLike<number>,
    pixelMask: Uint8Array | null,
    mask3d: ArrayLike<number> | null,
    weight: number,
  ): number => {
    if (qLab) {
      const R = multiplyMat3(
        M,
        transposeMat3(computeGoniometerMatrix(o.geometry, o.geometry.phiStart + o.geometry.phiStep * frame)),
      );
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) Rflat[3 * i + j] = R[i]![j]!;
      return acc.addMapped(
        qLab[0],
        qLab[1],
        qLab[2],
        Rflat,
        cH,
        cK,
        cL,
        (y1 - y0) * nx,
        values,
        y0 * nx,
        pixelMask,
        mask3d,
        weight,
        h.count,
        k.count,
        l.count,
      );
    }
    mapper!.mapLinear(M, frame, { rows: [y0, y1], out });
    return acc.addPixels(
      out[0],
      out[1],
      out[2],
      cH,
      cK,
      cL,
      (y1 - y0) * nx,
      values,
      y0 * nx,
      pixelMask,
      mask3d,
      weight,
      h.count,
      k.count,
      l.count,
    );
  };
  return {
    shape: [ny, nx],
    transformFrame(acc, frame, values, pixelMask, mask3d, weight) {
      let added = 0;
      for (let y0 = 0; y0 < ny; y0 += block) {
        acc.nextFrame();
        added += addBlock(acc, frame, y0, Math.min(ny, y0 + block), values, pixelMask, mask3d, weight);
      }
      return added;
    },
    transformFrames(acc, frames, values, pixelMask, masks3d, weights) {
      let added = 0;
      for (let y0 = 0; y0 < ny; y0 += block) {
        const y1 = Math.min(ny, y0 + block);
        acc.nextFrame();
        for (let i = 0; i < frames.length; i++)
          added += addBlock(acc, frames[i]!, y0, y1, values[i]!, pixelMask, masks3d[i] ?? null, weights[i]!);
      }
      return added;
    },
  };
}
