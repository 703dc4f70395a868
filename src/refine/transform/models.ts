/**
 * The reciprocal-space grid of a transform (spec §4.16). Each axis is a regular set of voxel
 * centres in reciprocal-lattice units: value[i] = start + i·step, i = 0 … count − 1.
 *
 * Voxel convention (differs from CCTW on purpose, spec §12.3): the axis values are voxel
 * **centres**, voxel i holds the points in [value[i] − step/2, value[i] + step/2). A Bragg peak at
 * an integer index whose value is on the axis therefore lands in the voxel labelled by that index.
 * CCTW bins [origin + i·step, origin + (i+1)·step) while NXRefine labels that voxel origin + i·step
 * (its lower edge), half a voxel off.
 */
export interface GridAxis {
  /** Value of the first voxel centre, r.l.u. */
  start: number;
  /** Voxel width, r.l.u. (> 0). */
  step: number;
  /** Number of voxels (≥ 1). */
  count: number;
}

/** The three axes of a transform grid. Arrays on disk are ordered (L, K, H): H varies fastest. */
export interface HklGrid {
  h: GridAxis;
  k: GridAxis;
  l: GridAxis;
}

/** The value of the last voxel centre of an axis, start + (count − 1)·step. */
export function axisStop(a: GridAxis): number {
  return a.start + (a.count - 1) * a.step;
}

/** Voxel-centre values of an axis (start + i·step). */
export function axisValues(a: GridAxis): Float64Array {
  const out = new Float64Array(a.count);
  for (let i = 0; i < a.count; i++) out[i] = a.start + i * a.step;
  return out;
}

/** Number of voxels of a grid. */
export function gridVoxelCount(g: HklGrid): number {
  return g.h.count * g.k.count * g.l.count;
}
