import type { Geometry, Mat3, UnitCell, Vec3 } from '../geometry/models.ts';
import type { LatticeSystem } from '../symmetry/models.ts';

/** A peak as Find Peaks reports it (`fN/peaks`): centroid in detector pixels and (fractional) frames. */
export interface ObservedPeak {
  /** Column and row, px (pixel index = pixel centre). */
  x: number;
  y: number;
  /** Fractional frame index (φ = phiStart + phiStep·frame). */
  frame: number;
  /** Integrated or peak intensity (weights NXRefine's score). @default 1 */
  intensity?: number;
}

/**
 * Everything a lattice refinement varies: the experiment geometry, the unit cell (obeying the
 * constraints of `latticeSystem`) and the orientation U, a rotation, for the Busing–Levy B
 * (UB = U·B, Q_sample = UB·hkl in 1/d units).
 */
export interface LatticeModel {
  geometry: Geometry;
  cell: UnitCell;
  latticeSystem: LatticeSystem;
  /** Unique axis of a monoclinic cell (the angle between the other two is free). @default 'b' */
  uniqueAxis?: 'a' | 'b' | 'c';
  U: Mat3;
}

/**
 * Names of refinable quantities. Cell parameters vary only where the lattice system leaves them
 * free (`listFreeCellParameters`); 'U' is the orientation (three rotation angles, U stays a
 * rotation); the others are Geometry fields; xs, ys, zs are the sample offset.
 */
export type RefinableName =
  | 'a'
  | 'b'
  | 'c'
  | 'alpha'
  | 'beta'
  | 'gamma'
  | 'wavelength'
  | 'distance'
  | 'beamCenterX'
  | 'beamCenterY'
  | 'yaw'
  | 'pitch'
  | 'roll'
  | 'phiStart'
  | 'chi'
  | 'omega'
  | 'theta'
  | 'xs'
  | 'ys'
  | 'zs'
  | 'U';

export const REFINABLE_NAMES: readonly RefinableName[] = [
  'a',
  'b',
  'c',
  'alpha',
  'beta',
  'gamma',
  'wavelength',
  'distance',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
  'phiStart',
  'chi',
  'omega',
  'theta',
  'xs',
  'ys',
  'zs',
  'U',
];

/** One refined (or fixed) scalar of the fit. */
export interface FitParameterResult {
  /** 'a' … 'gamma', Geometry field names, 'xs'/'ys'/'zs', or 'U.x', 'U.y', 'U.z' (rotation angles about the sample-frame axes). */
  name: string;
  value: number;
  initial: number;
  /** Standard deviation from the covariance (0 when fixed; NaN when the data do not determine it). */
  esd: number;
  units: string;
  /** Varied in the fit. */
  refined: boolean;
  /** Set by a constraint of the lattice system: the name of the parameter it follows (b = a …). */
  constrainedTo?: string;
}

/** What happened to one observed peak. */
export interface RefinedPeak {
  /** Assigned integer hkl (NaN when the peak is not indexed). */
  h: number;
  k: number;
  l: number;
  /** Fractional hkl = (UB)⁻¹·Q of the centroid with the final parameters. */
  hklFractional: Vec3;
  /** Used in the final fit. */
  included: boolean;
  /** Why a peak was left out ('user': excluded by the caller, e.g. unticked in the peak list). */
  excludedBy?: 'polar' | 'tolerance' | 'absent' | 'outlier' | 'origin' | 'user';
  /** Polar angle 2θ of the centroid, degrees. */
  polarAngle: number;
  /** NXRefine `diff`: |B·(hkl − rint(hkl))|, Å⁻¹ (1/d units). */
  qResidual: number;
  /** Predicted − observed: x, y (px), frame; NaN when not indexed. */
  dx: number;
  dy: number;
  dframe: number;
}

export interface RefinementStatistics {
  peaks: number;
  /** Peaks with polar angle ≤ polarMax. */
  inPolarRange: number;
  /** Peaks used in the final fit. */
  indexed: number;
  /** Peaks within hkl tolerance but rejected as outliers. */
  outliers: number;
  /** Root-mean-square deviations of the included peaks: x, y, √(x²+y²) in px; frame; |Q_obs − UB·h| in Å⁻¹ (1/d). */
  rmsdX: number;
  rmsdY: number;
  rmsdPixels: number;
  rmsdFrames: number;
  rmsdQ: number;
  /** NXRefine score: intensity-weighted mean of qResidual over the included peaks (Å⁻¹). */
  score: number;
  chiSquare: number;
  reducedChiSquare: number;
  /** Least-squares iterations and residual evaluations, summed over the rounds. */
  iterations: number;
  evaluations: number;
  /** Outlier-rejection rounds. */
  rounds: number;
  converged: boolean;
  message: string;
  /** Parameters the data do not determine (singular normal matrix). */
  undetermined: string[];
}
