/**
 * The 2-D detector mask of Experiment ▸ Create Mask (spec §7): NXRefine saves
 * `pixel_mask ∪ shapes ∪ (counts < 0)`; this adds module gaps, an imported mask and shapes that
 * remove pixels. Layers, in this order:
 *
 * 1. the current pixel_mask (unless `keepExisting` is false) OR the imported mask;
 * 2. the shapes, in order: 'add' masks the pixels whose centres are inside, 'remove' unmasks them
 *    (see mask-shapes.ts for the exact pixel rule);
 * 3. OR the module gaps and OR the pixels with negative counts in the reference image (calibration
 *    image or first frame) — insensitive pixels, so no shape can unmask them.
 *
 * Masks are row-major [ny, nx], one byte per pixel, 1 = masked (pixel_mask is int8, spec §3.2);
 * inputs count any non-zero value as masked.
 */
import { applyMaskShapes, type MaskShape } from './mask-shapes.ts';

export interface DetectorMaskInputs {
  ny: number;
  nx: number;
  /** The current pixel_mask, or null when the entry has none. */
  existing?: ArrayLike<number> | null;
  /** Start from the current mask (true) or from an empty one (false). @default true */
  keepExisting?: boolean;
  /** A mask read from an image file (non-zero = masked). */
  imported?: ArrayLike<number> | null;
  /** Module-gap mask (module-gaps.ts), or null for none. */
  gaps?: ArrayLike<number> | null;
  /** Image whose negative pixels are masked (calibration image or first frame), or null. */
  reference?: ArrayLike<number> | null;
  shapes?: readonly MaskShape[];
}

/** Pixel counts of the layers and of the result. */
export interface DetectorMaskCounts {
  /** Pixels of the detector (ny · nx). */
  pixels: number;
  /** Masked in the current pixel_mask (0 when there is none). */
  before: number;
  /** Masked in the imported mask (0 without one). */
  imported: number;
  /** Pixels each shape changed when it was applied ('add': newly masked, 'remove': unmasked). */
  shapes: number[];
  /** Sum of `shapes` over 'add' and over 'remove' shapes. */
  shapesAdded: number;
  shapesRemoved: number;
  /** Module-gap pixels. */
  gaps: number;
  /** Pixels with counts < 0 in the reference image. */
  negative: number;
  /** Masked in the result. */
  after: number;
}

export interface DetectorMask {
  mask: Uint8Array;
  counts: DetectorMaskCounts;
}

/** Number of non-zero values. */
export function countMasked(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/** 1 where `counts` < 0 (NaN is not negative), else 0. */
export function negativePixelMask(counts: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(counts.length);
  for (let i = 0; i < counts.length; i++) if (counts[i]! < 0) out[i] = 1;
  return out;
}

function checkLength(
  name: string,
  a: ArrayLike<number> | null | undefined,
  n: number,
  ny: number,
  nx: number,
): void {
  if (a != null && a.length !== n)
    throw new Error(`${name} has ${a.length} values, not ${ny} × ${nx} = ${n}`);
}

/** Builds the mask from its layers (see the module comment). @throws Error on a length mismatch or a bad shape. */
export function buildDetectorMask(inputs: DetectorMaskInputs): DetectorMask {
  const { ny, nx } = inputs;
  if (!Number.isInteger(ny) || !Number.isInteger(nx) || ny < 1 || nx < 1)
    throw new Error(`bad detector shape [${ny}, ${nx}]`);
  const n = ny * nx;
  checkLength('the current mask', inputs.existing, n, ny, nx);
  checkLength('the imported mask', inputs.imported, n, ny, nx);
  checkLength('the gap mask', inputs.gaps, n, ny, nx);
  checkLength('the reference image', inputs.reference, n, ny, nx);

  const mask = new Uint8Array(n);
  const existing = inputs.existing ?? null;
  const before = existing ? countMasked(existing) : 0;
  if (existing && inputs.keepExisting !== false)
    for (let i = 0; i < n; i++) if (existing[i] !== 0) mask[i] = 1;
  const imported = inputs.imported ?? null;
  if (imported) for (let i = 0; i < n; i++) if (imported[i] !== 0) mask[i] = 1;

  const shapes = inputs.shapes ?? [];
  const changed = applyMaskShapes(mask, ny, nx, shapes);
  let shapesAdded = 0;
  let shapesRemoved = 0;
  shapes.forEach((s, k) => {
    if (s.mode === 'remove') shapesRemoved += changed[k]!;
    else shapesAdded += changed[k]!;
  });

  let gaps = 0;
  const g = inputs.gaps ?? null;
  if (g)
    for (let i = 0; i < n; i++)
      if (g[i] !== 0) {
        gaps++;
        mask[i] = 1;
      }
  let negative = 0;
  const ref = inputs.reference ?? null;
  if (ref)
    for (let i = 0; i < n; i++)
      if (ref[i]! < 0) {
        negative++;
        mask[i] = 1;
      }

  return {
    mask,
    counts: {
      pixels: n,
      before,
      imported: imported ? countMasked(imported) : 0,
      shapes: changed,
      shapesAdded,
      shapesRemoved,
      gaps,
      negative,
      after: countMasked(mask),
    },
  };
}
