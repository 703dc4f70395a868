import type { Mat3 } from '../geometry/models.ts';

/**
 * The detector geometry a powder calibration determines, in the app's conventions (spec §3.2, §4;
 * docs/design/geometry.md): the fields NXRefine stores in `instrument/detector` and
 * `instrument/monochromator`. Pixel index = pixel centre, as everywhere in the app.
 */
export interface PowderGeometry {
  /** Wavelength λ, Å. */
  wavelength: number;
  /** Sample → beam-centre point on the detector, along the beam, mm (fit2d `directDist`). */
  distance: number;
  /** Where the direct beam meets the detector: column (x) and row (y), pixels. */
  beamCenterX: number;
  beamCenterY: number;
  /** Detector tilts, degrees: T = R1(roll)·R2(pitch)·R3(yaw) (spec §4.3). */
  yaw: number;
  pitch: number;
  roll: number;
  /** Pixel size (square pixels), mm. */
  pixelSize: number;
  /** Detector shape [ny, nx], pixels. */
  shape: [number, number];
  /** Detector orientation string ('-y +z -x') or matrix O (det = O·lab). */
  detectorOrientation: string | Mat3;
}

/** The parameters a powder fit may free (the Calibrate Powder dialog's checkboxes). */
export type PowderParameterName =
  'wavelength' | 'distance' | 'beamCenterX' | 'beamCenterY' | 'yaw' | 'pitch' | 'roll';

export const POWDER_PARAMETER_NAMES: readonly PowderParameterName[] = [
  'wavelength',
  'distance',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
];

/** A detector image: row-major values, shape [ny, nx]. */
export interface PowderImage {
  shape: [number, number];
  data: ArrayLike<number>;
  /**
   * Pixels to ignore (1 = masked), row-major [ny, nx]. Negative and non-finite values are ignored
   * as well (Pilatus writes −1 in module gaps and −2 for bad pixels).
   */
  mask?: ArrayLike<number> | null;
}

/** A point picked on a ring: position in pixels (sub-pixel) and the 0-based calibrant line index. */
export interface RingPoint {
  x: number;
  y: number;
  ring: number;
}
