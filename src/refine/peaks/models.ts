/**
 * Types of the peak search (Find Peaks) and of the first pass over the frames (Find Maximum).
 * Coordinates: x = column, y = row (pixels, pixel index = pixel centre, as NXRefine), z = frame
 * index (frames, 0-based in the raw stack).
 */

/** Any frame as read from a stack (int, uint or float, row-major [ny, nx]). */
export type FrameValues = ArrayLike<number>;

/** [rows, columns] = [ny, nx]. */
export type FrameShape = readonly [number, number];

/** A 2-D local maximum of one frame. */
export interface LocalMaximum {
  x: number;
  y: number;
  /** Counts of the pixel. */
  value: number;
}

/**
 * Background-subtracted moments of one frame of a 3-D peak, over a square box around the peak.
 * All sums are over the unmasked, finite, non-negative pixels of the box; `w = v − background`.
 */
export interface FrameMoments {
  /** Frame index. */
  z: number;
  /** The frame holds a detection of the peak (not only a margin frame measured around it). */
  core: boolean;
  /** Σw, Σw·x, Σw·y over the box (x, y absolute pixel indices): centroid and intensity. */
  s0: number;
  sx: number;
  sy: number;
  /**
   * Σw, Σw·dx, Σw·dy, Σw·dx², Σw·dy² over the inner box (half width ⌈box/2⌉, dx = x − box centre):
   * the widths. Second moments over the whole box would be dominated by the error of the
   * background times Σdx² of the box.
   */
  i0: number;
  ix: number;
  iy: number;
  ixx: number;
  iyy: number;
  /** Background per pixel (counts), from the box's outer ring. */
  background: number;
  /** Pixels used. */
  pixels: number;
}

/**
 * A 3-D peak as one frame range (a pool task) sees it. Pieces whose detections touch the task's
 * ends may continue in the neighbouring task and are joined by {@link stitchPeakPieces}.
 */
export interface PeakPiece {
  /** Frames of the first and last detection. */
  firstZ: number;
  lastZ: number;
  /** Positions of the first and last detection (pixels). */
  firstX: number;
  firstY: number;
  lastX: number;
  lastY: number;
  /** Counts of the first detection. */
  firstValue: number;
  /** Brightest detection: counts and position. */
  maxValue: number;
  maxX: number;
  maxY: number;
  maxZ: number;
  /** Moments of every frame measured for this piece, sorted by z, contiguous. */
  frames: FrameMoments[];
}

/** A found 3-D peak as written to `fN/peaks` (NXRefine's NXreflections fields). */
export interface Peak3d {
  /** First-moment centroid: column, row (pixels) and frame. */
  x: number;
  y: number;
  z: number;
  /** Second-moment widths (pixels, pixels, frames). */
  sigx: number;
  sigy: number;
  sigz: number;
  /** Background-subtracted integrated counts. */
  intensity: number;
  /** Brightest pixel value of the peak (counts) and where it is. */
  maxValue: number;
  maxX: number;
  maxY: number;
  maxZ: number;
  /** Frames the peak was measured on (first, last), inclusive. */
  firstFrame: number;
  lastFrame: number;
}

/** Parameters of the peak search (NXRefine's Find Peaks plus the tracking extensions). */
export interface PeakSearchParameters {
  /** A peak needs a pixel with counts strictly above this (NXRefine `threshold`). */
  threshold: number;
  /**
   * Minimum distance between peaks of one frame, border exclusion and linking distance between
   * frames (pixels; NXRefine `min_pixels`). @default 10
   */
  minPixels: number;
  /**
   * Detections this fraction of `threshold` or brighter are tracked (so a peak's faint leading and
   * trailing frames belong to it); a track becomes a peak only if it exceeds `threshold`. @default 0.1
   */
  trackFraction: number;
  /** Frames measured before the first and after the last detection of a peak (frames). @default 3 */
  marginFrames: number;
  /**
   * Frames without a detection a peak may skip and still continue (missing, NaN-filled frames never
   * count). 0 links detections on consecutive frames only, so two reflections at the same place a
   * few frames apart stay apart; a noisy tail below the tracking level only loses its last frames,
   * which the margin measures anyway. @default 0
   */
  maxGapFrames: number;
  /** Half width of the measuring box (pixels). @default max(minPixels, 5) */
  boxHalfWidth: number;
}
