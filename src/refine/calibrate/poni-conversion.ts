/**
 * PONI (pyFAI) ↔ the app's detector fields (spec §3.2, §4.3; docs/design/calibration.md).
 *
 * pyFAI places pixel (row i, column j) at (p1, p2, 0) = ((i + ½)·pixel1 − poni1, (j + ½)·pixel2 − poni2)
 * in the detector frame and the sample at distance `dist` from the PONI along the detector normal;
 * the lab position is M·(p1, p2, dist) with M = rot3·rot2·rot1 (pyFAI's `rotation_matrix`, rot1 and
 * rot2 left-handed, rot3 right-handed) in pyFAI's axes (1 = row direction, 2 = column direction,
 * 3 = beam). The app places the pixel at (L, 0, 0) + T·O⁻¹·p·(j − xc, i − yc, 0) with
 * T = R1(roll)·R2(pitch)·R3(yaw) in the lab (x = beam). Identifying pyFAI's axes with the lab
 * through the detector orientation, P = [row direction, column direction, beam] = [O⁻¹ŷ, O⁻¹x̂, x̂]
 * (a rotation for '-y +z -x': axis 1 = +z, axis 2 = −y, axis 3 = +x), the two describe the same
 * detector when
 *   T = P·M·Pᵀ,  dist = L·T₀₀,  poni1 = pixel1·(yc + ½) − L·(PᵀT[0])₁,  poni2 = pixel2·(xc + ½) − L·(PᵀT[0])₂
 * (T[0] = first row of T). For the default orientation this gives yaw = −rot1, pitch = rot2,
 * roll = rot3, distance = pyFAI's fit2d directDist and beam centre = fit2d centre − ½ pixel.
 * NXRefine's Calibrate Powder stores yaw = +rot1 and the fit2d centre unchanged
 * (`nxrefineFieldsFromPoni`); see the design note for what that costs.
 */
import { NxrError } from '../../shared/errors.ts';
import { parseDetectorOrientation } from '../geometry/parse-detector-orientation.ts';
import type { Mat3, Vec3 } from '../geometry/models.ts';
import { determinantMat3, multiplyMat3, radToDeg, transposeMat3 } from '../linalg/mat3.ts';
import { computeTiltMatrix } from '../geometry/compute-tilt-matrix.ts';
import type { PowderGeometry } from './models.ts';
import type { PoniParameters } from './poni.ts';

/** pyFAI's rotation_matrix(rot1, rot2, rot3) = rot3·rot2·rot1 (pyFAI axes 1, 2, 3). */
export function pyfaiRotationMatrix(rot1: number, rot2: number, rot3: number): Mat3 {
  const [c1, s1] = [Math.cos(rot1), Math.sin(rot1)];
  const [c2, s2] = [Math.cos(rot2), Math.sin(rot2)];
  const [c3, s3] = [Math.cos(rot3), Math.sin(rot3)];
  const r1: Mat3 = [
    [1, 0, 0],
    [0, c1, s1],
    [0, -s1, c1],
  ];
  const r2: Mat3 = [
    [c2, 0, -s2],
    [0, 1, 0],
    [s2, 0, c2],
  ];
  const r3: Mat3 = [
    [c3, -s3, 0],
    [s3, c3, 0],
    [0, 0, 1],
  ];
  return multiplyMat3(r3, r2, r1);
}

/**
 * P: pyFAI axes → lab (columns: row direction, column direction, beam) for a detector orientation.
 * @throws NxrError BAD_PARAMETER if the detector does not face the beam or its pixel axes are
 *   mirrored with respect to pyFAI's (no PONI describes such a detector).
 */
export function pyfaiAxesToLab(detectorOrientation: string | Mat3): Mat3 {
  const O = parseDetectorOrientation(detectorOrientation);
  const col: Vec3 = [O[0][0], O[0][1], O[0][2]]; // lab direction of +x_det (increasing column)
  const row: Vec3 = [O[1][0], O[1][1], O[1][2]]; // lab direction of +y_det (increasing row)
  const P: Mat3 = [
    [row[0], col[0], 1],
    [row[1], col[1], 0],
    [row[2], col[2], 0],
  ];
  const label = typeof detectorOrientation === 'string' ? `'${detectorOrientation}'` : 'matrix';
  if (Math.abs(row[0]) > 1e-9 || Math.abs(col[0]) > 1e-9)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `detector orientation ${label}: the detector does not face the beam, a PONI cannot describe it`,
    });
  if (determinantMat3(P) < 0)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `detector orientation ${label} mirrors the image with respect to pyFAI's axes; PONI conversion is not supported for it`,
    });
  return P;
}

/** Angles a, b, c (radians) with T = R1(a)·R2(b)·R3(c) (right-handed, spec §4.1). */
function decomposeTilt(T: Mat3): { roll: number; pitch: number; yaw: number } {
  return {
    pitch: Math.asin(Math.max(-1, Math.min(1, T[0][2]))),
    yaw: Math.atan2(-T[0][1], T[0][0]),
    roll: Math.atan2(-T[1][2], T[2][2]),
  };
}

/** pyFAI rot1, rot2, rot3 (radians) with M = rot3·rot2·rot1 (pyFAI's matrices). */
function decomposePyfai(M: Mat3): { rot1: number; rot2: number; rot3: number } {
  return {
    rot2: Math.asin(Math.max(-1, Math.min(1, M[2][0]))),
    rot1: Math.atan2(-M[2][1], M[2][2]),
    rot3: Math.atan2(M[1][0], M[0][0]),
  };
}

export interface PoniToGeometryOptions {
  /** @default '-y +z -x' */
  detectorOrientation?: string | Mat3;
  /** Pixel size, mm, when the PONI file does not give one (a named detector we do not know). */
  pixelSize?: number;
  /** Detector shape [ny, nx] when the PONI file does not give max_shape. */
  shape?: [number, number];
  /** Wavelength, Å, when the PONI file has none. */
  wavelength?: number;
}

/**
 * The app's geometry of a PONI calibration (exact; see the module comment).
 * @throws NxrError BAD_PARAMETER for non-square pixels, a missing pixel size, shape or wavelength,
 *   or an orientation a PONI cannot describe.
 */
export function poniToPowderGeometry(
  poni: PoniParameters,
  options: PoniToGeometryOptions = {},
): PowderGeometry {
  const orientation = options.detectorOrientation ?? '-y +z -x';
  const P = pyfaiAxesToLab(orientation);
  const pixelM = poni.pixel1 ?? (options.pixelSize !== undefined ? options.pixelSize / 1000 : undefined);
  const pixel2M = poni.pixel2 ?? pixelM;
  if (pixelM === undefined || pixel2M === undefined)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `the PONI file names detector '${poni.detector}' without its pixel size, and none was given`,
    });
  if (Math.abs(pixelM - pixel2M) > 1e-6 * pixelM)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `non-square pixels (${pixelM} × ${pixel2M} m) are not supported: NXRefine stores one pixel_size`,
    });
  const shape = poni.maxShape ?? options.shape;
  if (!shape)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'the detector shape is unknown (no max_shape)' });
  const wavelength = poni.wavelength !== undefined ? poni.wavelength * 1e10 : options.wavelength;
  if (wavelength === undefined)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'the PONI file has no Wavelength and none was given',
    });
  const M = pyfaiRotationMatrix(poni.rot1, poni.rot2, poni.rot3);
  const T = multiplyMat3(P, M, transposeMat3(P));
  const L = poni.distance / T[0][0]; // m
  const Pt = transposeMat3(P);
  const t0: Vec3 = T[0];
  const a1 = Pt[0][0] * t0[0] + Pt[0][1] * t0[1] + Pt[0][2] * t0[2];
  const a2 = Pt[1][0] * t0[0] + Pt[1][1] * t0[1] + Pt[1][2] * t0[2];
  const { roll, pitch, yaw } = decomposeTilt(T);
  return {
    wavelength,
    distance: L * 1000,
    beamCenterX: (poni.poni2 + L * a2) / pixel2M - 0.5,
    beamCenterY: (poni.poni1 + L * a1) / pixelM - 0.5,
    yaw: radToDeg(yaw),
    pitch: radToDeg(pitch),
    roll: radToDeg(roll),
    pixelSize: pixelM * 1000,
    shape: [shape[0], shape[1]],
    detectorOrientation: orientation,
  };
}

/** The PONI of a geometry (exact inverse of `poniToPowderGeometry`). */
export function powderGeometryToPoni(g: PowderGeometry): PoniParameters {
  const P = pyfaiAxesToLab(g.detectorOrientation);
  const T = computeTiltMatrix(g);
  const M = multiplyMat3(transposeMat3(P), T, P);
  const { rot1, rot2, rot3 } = decomposePyfai(M);
  const L = g.distance / 1000;
  // pixel size in m, rounded off the float noise of mm → m (0.172e-3, not 0.00017199999999999998)
  const p = Number((g.pixelSize / 1000).toPrecision(12));
  const Pt = transposeMat3(P);
  const t0: Vec3 = T[0];
  const a1 = Pt[0][0] * t0[0] + Pt[0][1] * t0[1] + Pt[0][2] * t0[2];
  const a2 = Pt[1][0] * t0[0] + Pt[1][1] * t0[1] + Pt[1][2] * t0[2];
  return {
    version: 2,
    detector: 'Detector',
    detectorConfig: { pixel1: p, pixel2: p, max_shape: [g.shape[0], g.shape[1]] },
    pixel1: p,
    pixel2: p,
    maxShape: [g.shape[0], g.shape[1]],
    distance: L * T[0][0],
    poni1: p * (g.beamCenterY + 0.5) - L * a1,
    poni2: p * (g.beamCenterX + 0.5) - L * a2,
    rot1,
    rot2,
    rot3,
    wavelength: g.wavelength * 1e-10,
  };
}

/** pyFAI's `getFit2D()` of a PONI (mm, pixels from the detector corner, degrees). */
export interface Fit2dParameters {
  directDist: number;
  centerX: number;
  centerY: number;
  tilt: number;
  tiltPlanRotation: number;
}

/** pyFAI's getFit2D formulas (rot3 does not enter). */
export function poniToFit2d(poni: PoniParameters): Fit2dParameters {
  const p1 = poni.pixel1;
  const p2 = poni.pixel2;
  if (p1 === undefined || p2 === undefined)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'fit2d parameters need the pixel size' });
  let cosTilt = Math.cos(poni.rot1) * Math.cos(poni.rot2);
  let sinTilt = Math.sqrt(Math.max(0, 1 - cosTilt * cosTilt));
  let cosTpr: number;
  let sinTpr: number;
  if (sinTilt === 0) {
    cosTilt = 1;
    sinTilt = 0;
    cosTpr = 1;
    sinTpr = 0;
  } else {
    cosTpr = Math.max(-1, Math.min(1, (-Math.cos(poni.rot2) * Math.sin(poni.rot1)) / sinTilt));
    sinTpr = Math.sin(poni.rot2) / sinTilt;
  }
  const tanTilt = sinTilt / cosTilt;
  const tilt = radToDeg(Math.acos(cosTilt));
  const tpr = (sinTpr < 0 ? -1 : 1) * radToDeg(Math.acos(cosTpr));
  return {
    directDist: (1000 * poni.distance) / cosTilt,
    centerX: (poni.poni2 + poni.distance * tanTilt * cosTpr) / p2,
    centerY: Math.abs(tilt) < 1e-5 ? poni.poni1 / p1 : (poni.poni1 + poni.distance * tanTilt * sinTpr) / p1,
    tilt,
    tiltPlanRotation: tpr,
  };
}

/**
 * The detector fields NXRefine's Calibrate Powder saves for a PONI: distance = directDist,
 * beam_center_x/y = fit2d centerX/centerY (pixel corner origin), yaw/pitch/roll = degrees of
 * rot1/rot2/rot3. For comparison only: read with the app's geometry these put the beam centre ½
 * pixel off and tilt the detector the wrong way about the vertical axis (see the design note).
 */
export function nxrefineFieldsFromPoni(poni: PoniParameters): {
  distance: number;
  beamCenterX: number;
  beamCenterY: number;
  yaw: number;
  pitch: number;
  roll: number;
} {
  const f = poniToFit2d(poni);
  return {
    distance: f.directDist,
    beamCenterX: f.centerX,
    beamCenterY: f.centerY,
    yaw: radToDeg(poni.rot1),
    pitch: radToDeg(poni.rot2),
    roll: radToDeg(poni.rot3),
  };
}
