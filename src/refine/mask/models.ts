/**
 * Parameters of NXRefine's 3-D Bragg-peak mask (spec §5.3, `nxutils.mask_volume`; HEAD settings
 * mask_t1, mask_h1, mask_t2, mask_h2).
 */
export interface BraggMaskParameters {
  /** Threshold 1: |box mean of the frame difference| (counts) at or above which a pixel is flagged. @default 2 */
  t1: number;
  /** Horizontal size 1: side of the first box (pixels, odd). @default 11 */
  h1: number;
  /** Threshold 2: fraction of flagged pixels in the second box above which a pixel is masked. @default 0.8 */
  t2: number;
  /** Horizontal size 2: side of the second box (pixels, odd). @default 51 */
  h2: number;
}

export const DEFAULT_BRAGG_MASK_PARAMETERS: Readonly<BraggMaskParameters> = Object.freeze({
  t1: 2,
  h1: 11,
  t2: 0.8,
  h2: 51,
});

/** Runs of detector lines (rows or columns) that are masked from end to end: [first, last] inclusive. */
export interface DetectorGaps {
  rows: Array<[number, number]>;
  columns: Array<[number, number]>;
}
