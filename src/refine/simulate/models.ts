import type { Geometry, Mat3, UnitCell } from '../geometry/models.ts';
import type { DiffuseModel } from './diffuse.ts';

/** One Bragg reflection as the simulator placed it (also written to truth.json). */
export interface SimulatedReflection {
  h: number;
  k: number;
  l: number;
  /** Predicted centre: detector column, row (px; pixel index = pixel centre, as NXRefine). */
  x: number;
  y: number;
  /** Fractional frame index: φ = phiStart + phiStep · frame (frame z spans φ(z) ± phiStep/2). */
  frame: number;
  /** Rotation angle of the centre, degrees. */
  phi: number;
  /** Gaussian widths of the 3-D profile (px, px, frames). */
  sigmaX: number;
  sigmaY: number;
  sigmaFrame: number;
  /** Integrated counts of the whole profile at relative monitor 1 (noise-free). */
  counts: number;
  /** Expected counts actually deposited within the scan's frames, monitor included (masks ignored). */
  depositedCounts: number;
  /** Expected counts (background + diffuse + this peak) in the voxel nearest the centre. */
  peakValue: number;
  /** The voxel nearest the centre lies on a masked pixel (module gap). */
  peakMasked: boolean;
}

/** Everything needed to render the frames of one entry (rotation). */
export interface EntryModel {
  name: string; // f1, f2, …
  geometry: Geometry;
  nframes: number;
  /** Relative incident intensity per frame (monitor / mean monitor). */
  monitor: Float64Array;
  /** Mean monitor counts (the NXmonitor signal is monitorMean · monitor[z]). */
  monitorMean: number;
  reflections: SimulatedReflection[];
  /** Expected background counts per pixel per frame at monitor 1, row-major [ny, nx]. */
  background: Float32Array;
}

export interface CrystalModel {
  cell: UnitCell;
  spaceGroup: string;
  /** Orientation matrix U (rows), and UB = U·B in Å⁻¹ (1/d units, Busing–Levy B). */
  U: Mat3;
  UB: Mat3;
}

export interface DetectorDefects {
  /** Module gaps and other pixels known bad before the experiment (1 = masked): written as pixel_mask. */
  pixelMask: Uint8Array;
  /** Hot pixels (constant high value on every frame), not in pixel_mask: find-maximum must find them. */
  hotPixels: Array<{ x: number; y: number; value: number }>;
  /** Dead pixels (always 0), not in pixel_mask. */
  deadPixels: Array<{ x: number; y: number }>;
}

export interface ScanModel {
  seed: number;
  crystal: CrystalModel;
  entries: EntryModel[];
  defects: DetectorDefects;
  diffuse: DiffuseModel;
  /** Value written in module-gap pixels (Pilatus convention: −1 for signed types, 0 otherwise). */
  gapValue: number;
}
