import { multiplyMat3, transposeMat3 } from '../linalg/mat3.ts';
import { checkGeometry } from './check-geometry.ts';
import { computeTiltMatrix } from './compute-tilt-matrix.ts';
import type { Geometry, Mat3, Vec3 } from './models.ts';
import { parseDetectorOrientation } from './parse-detector-orientation.ts';

/**
 * Everything about the detector that does not depend on φ, precomputed once (spec §4.2–4.6).
 *
 * A pixel (x, y) sits in the lab at `origin + M·(x − xc, y − yc, 0)` with `M = p·T·O⁻¹`
 * (mm, relative to the goniometer centre), i.e. the detector plane passes through
 * `origin = (L, 0, 0)` and has unit normal `normal = T·O⁻¹·ẑ_det`.
 */
export interface DetectorFrame {
  /** Detector orientation O (det = O·lab). */
  O: Mat3;
  /** Tilt matrix T = R1(roll)·R2(pitch)·R3(yaw); NXRefine's Dmat = T⁻¹ = Tᵀ. */
  T: Mat3;
  /** Dmat = T⁻¹. */
  D: Mat3;
  /** Pixel offset → lab matrix M = p·T·O⁻¹ (mm per pixel). */
  pixelToLab: Mat3;
  /** Lab offset from the origin → detector pixels: O·T⁻¹/p (rows 0, 1 give x − xc, y − yc). */
  labToPixel: Mat3;
  /** Detector-plane point hit by the undeflected beam: (L, 0, 0) mm. */
  origin: Vec3;
  /** Unit normal of the tilted plane, T·O⁻¹·ẑ_det (points back towards the sample for '-y +z -x'). */
  normal: Vec3;
  /** Unit normal of the untilted plane, O⁻¹·ẑ_det (NXRefine's `get_xyz` plane). */
  normalUntilted: Vec3;
  /** The sample offset is present and not zero. */
  hasSampleOffset: boolean;
}

const SCALAR_KEYS = [
  'wavelength',
  'distance',
  'pixelSize',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
  'phiStart',
  'phiStep',
  'chi',
  'omega',
  'theta',
] as const;

/** A copy of the values the frame depends on, for the one-entry cache below. */
function snapshot(g: Geometry): Geometry {
  return {
    ...g,
    shape: [...g.shape],
    detectorOrientation:
      typeof g.detectorOrientation === 'string'
        ? g.detectorOrientation
        : (g.detectorOrientation.map((r) => [...r]) as Mat3),
    sampleOffset: g.sampleOffset ? [...g.sampleOffset] : undefined,
  };
}

function sameValues(a: Geometry, g: Geometry): boolean {
  for (const k of SCALAR_KEYS) if (!Object.is(a[k], g[k])) return false;
  if (a.shape[0] !== g.shape?.[0] || a.shape[1] !== g.shape?.[1]) return false;
  const s = a.sampleOffset;
  const t = g.sampleOffset;
  if (s === undefined || t === undefined ? s !== t : s[0] !== t[0] || s[1] !== t[1] || s[2] !== t[2])
    return false;
  const o = a.detectorOrientation;
  const p = g.detectorOrientation;
  if (typeof o === 'string' || typeof p === 'string') return o === p;
  return o.every((r, i) => r.every((v, j) => v === p[i]?.[j]));
}

let last: { geometry: Geometry; frame: DetectorFrame } | undefined;

/**
 * Detector frame of a geometry; validates the geometry (NxrError BAD_PARAMETER). The last result is
 * cached (by value, so mutating a geometry object is safe) and frozen: do not modify it.
 */
export function computeDetectorFrame(g: Geometry): DetectorFrame {
  if (last && sameValues(last.geometry, g)) return last.frame;
  const frame = buildDetectorFrame(g);
  last = { geometry: snapshot(g), frame };
  return frame;
}

function buildDetectorFrame(g: Geometry): DetectorFrame {
  checkGeometry(g);
  const O = parseDetectorOrientation(g.detectorOrientation);
  const Oinv = transposeMat3(O);
  const T = computeTiltMatrix(g);
  const D = transposeMat3(T);
  const p = g.pixelSize;
  const TO = multiplyMat3(T, Oinv);
  const pixelToLab = TO.map((r) => r.map((v) => v * p)) as Mat3;
  const labToPixel = multiplyMat3(O, D).map((r) => r.map((v) => v / p)) as Mat3;
  const freeze = <M extends Mat3 | Vec3>(m: M): M => {
    for (const r of m) if (Array.isArray(r)) Object.freeze(r);
    return Object.freeze(m);
  };
  return Object.freeze({
    O: freeze(O),
    T: freeze(T),
    D: freeze(D),
    pixelToLab: freeze(pixelToLab),
    labToPixel: freeze(labToPixel),
    origin: freeze<Vec3>([g.distance, 0, 0]),
    normal: freeze<Vec3>([TO[0][2], TO[1][2], TO[2][2]]),
    normalUntilted: freeze<Vec3>([Oinv[0][2], Oinv[1][2], Oinv[2][2]]),
    hasSampleOffset: !!g.sampleOffset && g.sampleOffset.some((v) => v !== 0),
  });
}
