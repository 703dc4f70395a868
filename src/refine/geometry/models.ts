/** A 3-vector (column vector in formulas). */
export type Vec3 = [number, number, number];

/** A 3×3 matrix stored as three rows: `m[i][j]` is row i, column j. */
export type Mat3 = [Vec3, Vec3, Vec3];

/**
 * Experimental geometry of one rotation scan, as NXRefine stores it (spec §4).
 *
 * Lab frame: x along the incident beam, z vertical up, y completing a right-handed set.
 * Pixel coordinates: pixel index = pixel centre (NXRefine; CCTW adds ½, see `createPixelMapper`).
 */
export interface Geometry {
  /** Incident wavelength λ, Å. */
  wavelength: number;
  /** Sample → detector (beam-centre point) distance along the beam, mm. */
  distance: number;
  /** Pixel size (square pixels), mm. */
  pixelSize: number;
  /** Detector shape `[ny, nx]`, pixels (rows, columns). */
  shape: [number, number];
  /** Beam centre, column (x) and row (y), pixels. */
  beamCenterX: number;
  beamCenterY: number;
  /** Detector tilts, degrees (pyFAI rot1, rot2, rot3): T = R1(roll)·R2(pitch)·R3(yaw). */
  yaw: number;
  pitch: number;
  roll: number;
  /** Detector orientation: a string such as '-y +z -x' (one signed lab axis per detector axis) or the matrix O. */
  detectorOrientation: string | Mat3;
  /** φ of frame 0, degrees, and φ increment per frame, degrees (φ(z) = phiStart + phiStep·z). */
  phiStart: number;
  phiStep: number;
  /** Goniometer angles, degrees: G(φ) = R2(theta)·R3(omega)·R1(chi)·R3(φ). */
  chi: number;
  omega: number;
  theta: number;
  /** Sample offset (xs, ys, zs) in the φ-rotating frame, mm. @default [0, 0, 0] */
  sampleOffset?: Vec3;
}

/** Unit cell: lengths in Å, angles in degrees. */
export interface UnitCell {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
}
