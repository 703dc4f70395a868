/**
 * DIALS experiment geometry (indexed.expt of dials/data-files centroid_test_data) read for the
 * tests, and mapped onto NXRefine's geometry.
 *
 * DIALS: beam `direction` is sample → source; a pixel (x, y) (DIALS px coordinates) sits at
 * P = origin + x·p·fast + y·p·slow (mm, lab); the crystal turns by +φ about the rotation axis m,
 * φ = φ0 + Δφ·z; rlp = R(m, −φ)·(P/(|P|λ) − s0), s0 = −direction/λ (README §C1, verified there).
 *
 * NXRefine: x along the beam, rotation about z (G(φ) = R2(θ)·R3(φ) here), detector plane through
 * (L, 0, 0) with pixel → lab p·T·O⁻¹·(x − xc, y − yc, 0). The map is a rotation of the lab frame
 * R_m (rows x̂ = −direction, ẑ = m made perpendicular to x̂, ŷ = ẑ × x̂); the axis m, slightly off
 * perpendicular to the beam, becomes R2(θ)·ẑ (θ = goniometer pitch); T is the rotation taking
 * O⁻¹x̂, O⁻¹ŷ to the panel's fast and slow axes (O = '+z -y +x', so T is a small tilt); L, xc, yc
 * put the panel origin at pixel (0, 0). Then NXRefine's Q_sample of a pixel = R2(−θ)·R_m·rlp: the
 * same reciprocal lattice turned by a fixed rotation — cells are unchanged.
 */
import { readFileSync } from 'node:fs';

import type { Geometry, Mat3, Vec3 } from '../../src/refine/geometry/models.ts';
import {
  cross3,
  dot3,
  multiplyMat3,
  multiplyMat3Vec3,
  normalize3,
  transposeMat3,
} from '../../src/refine/linalg/mat3.ts';
import { rotationMatrix } from '../../src/refine/linalg/rotation-matrix.ts';

export interface DialsExperiment {
  direction: Vec3;
  wavelength: number;
  origin: Vec3;
  fast: Vec3;
  slow: Vec3;
  pixelSize: number;
  imageSize: [number, number];
  axis: Vec3;
  oscillation: [number, number];
  /** Real-space a, b, c of the crystal model (Å, DIALS lab at φ = 0). */
  realSpace: [Vec3, Vec3, Vec3];
}

export function readDialsExperiment(file: string): DialsExperiment {
  const j = JSON.parse(readFileSync(file, 'utf8')) as {
    beam: Array<{ direction: Vec3; wavelength: number }>;
    detector: Array<{
      panels: Array<{
        origin: Vec3;
        fast_axis: Vec3;
        slow_axis: Vec3;
        pixel_size: [number, number];
        image_size: [number, number];
      }>;
    }>;
    goniometer: Array<{ rotation_axis: Vec3 }>;
    scan: Array<{ oscillation: [number, number] }>;
    crystal: Array<{ real_space_a: Vec3; real_space_b: Vec3; real_space_c: Vec3 }>;
  };
  const panel = j.detector[0]!.panels[0]!;
  const c = j.crystal[0]!;
  return {
    direction: j.beam[0]!.direction,
    wavelength: j.beam[0]!.wavelength,
    origin: panel.origin,
    fast: panel.fast_axis,
    slow: panel.slow_axis,
    pixelSize: panel.pixel_size[0],
    imageSize: panel.image_size,
    axis: j.goniometer[0]!.rotation_axis,
    oscillation: j.scan[0]!.oscillation,
    realSpace: [c.real_space_a, c.real_space_b, c.real_space_c],
  };
}

/** README §C1's verified pixel → rlp formula (DIALS lab frame, Å⁻¹ without 2π). */
export function dialsRlp(e: DialsExperiment, x: number, y: number, z: number): Vec3 {
  const p = e.pixelSize;
  const P: Vec3 = [0, 1, 2].map((i) => e.origin[i]! + x * p * e.fast[i]! + y * p * e.slow[i]!) as Vec3;
  const n = Math.hypot(...P);
  const s1 = P.map((v) => v / (n * e.wavelength)) as Vec3;
  const s0 = e.direction.map((v) => -v / e.wavelength) as Vec3;
  const d: Vec3 = [s1[0] - s0[0], s1[1] - s0[1], s1[2] - s0[2]];
  const phi = ((e.oscillation[0] + e.oscillation[1] * z) * Math.PI) / 180;
  return rotateAbout(normalize3(e.axis), -phi, d);
}

function rotateAbout(k: Vec3, angle: number, v: Vec3): Vec3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const kv = cross3(k, v);
  const kd = dot3(k, v);
  return [0, 1, 2].map((i) => v[i]! * c + kv[i]! * s + k[i]! * kd * (1 - c)) as Vec3;
}

export interface MappedGeometry {
  geometry: Geometry;
  /** NXRefine Q_sample = rotation·rlp (DIALS). */
  rotation: Mat3;
}

/** The NXRefine geometry equivalent to a DIALS experiment (see the module comment). */
export function mapDialsToNxRefine(e: DialsExperiment): MappedGeometry {
  const xn = normalize3(e.direction.map((v) => -v) as Vec3);
  const m = normalize3(e.axis);
  const zn = normalize3([0, 1, 2].map((i) => m[i]! - dot3(m, xn) * xn[i]!) as Vec3);
  const yn = cross3(zn, xn);
  const Rm: Mat3 = [xn, yn, zn];
  const theta = (Math.atan2(dot3(m, xn), dot3(m, zn)) * 180) / Math.PI;
  // Panel axes in the NXRefine lab, made exactly orthonormal.
  const f = normalize3(multiplyMat3Vec3(Rm, e.fast));
  const s0 = multiplyMat3Vec3(Rm, e.slow);
  const s = normalize3([0, 1, 2].map((i) => s0[i]! - dot3(s0, f) * f[i]!) as Vec3);
  const nrm = cross3(f, s);
  const orientation = '+z -y +x';
  // O⁻¹x̂, O⁻¹ŷ, O⁻¹ẑ are the rows of O: (0,0,1), (0,−1,0), (1,0,0).
  const Oinv: Mat3 = [
    [0, 0, 1],
    [0, -1, 0],
    [1, 0, 0],
  ].map((r, i, rows) => [rows[0]![i]!, rows[1]![i]!, rows[2]![i]!]) as Mat3;
  // T·[O⁻¹x̂ O⁻¹ŷ O⁻¹ẑ] = [f s n]  ⇒  T = [f s n]·(O⁻¹)⁻¹ = [f s n]·O.
  const F: Mat3 = [
    [f[0], s[0], nrm[0]],
    [f[1], s[1], nrm[1]],
    [f[2], s[2], nrm[2]],
  ];
  const T = multiplyMat3(F, transposeMat3(Oinv));
  // T = R1(roll)·R2(pitch)·R3(yaw).
  const pitch = (Math.asin(T[0][2]) * 180) / Math.PI;
  const yaw = (Math.atan2(-T[0][1], T[0][0]) * 180) / Math.PI;
  const roll = (Math.atan2(-T[1][2], T[2][2]) * 180) / Math.PI;
  // origin + p·xc·f + p·yc·s = (L, 0, 0).
  const o = multiplyMat3Vec3(Rm, e.origin);
  const p = e.pixelSize;
  const det = f[1] * s[2] - f[2] * s[1];
  const xc = (-o[1] * s[2] + o[2] * s[1]) / (p * det);
  const yc = (-f[1] * o[2] + f[2] * o[1]) / (p * det);
  const L = o[0] + p * xc * f[0] + p * yc * s[0];
  const geometry: Geometry = {
    wavelength: e.wavelength,
    distance: L,
    pixelSize: p,
    shape: [e.imageSize[1], e.imageSize[0]],
    beamCenterX: xc,
    beamCenterY: yc,
    yaw,
    pitch,
    roll,
    detectorOrientation: orientation,
    phiStart: e.oscillation[0],
    phiStep: e.oscillation[1],
    chi: 0,
    omega: 0,
    theta,
  };
  return { geometry, rotation: multiplyMat3(rotationMatrix(2, -theta), Rm) };
}

/** SPOT.XDS rows: x, y (XDS pixels), z (frames), intensity, and h, k, l (0 0 0 = not indexed). */
export function readSpotXds(
  file: string,
): Array<{ x: number; y: number; z: number; intensity: number; hkl: Vec3 }> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => {
      const v = l.split(/\s+/).map(Number);
      return { x: v[0]!, y: v[1]!, z: v[2]!, intensity: v[3]!, hkl: [v[4]!, v[5]!, v[6]!] as Vec3 };
    });
}

/** derived/centroid_indexed_refl.csv rows (DIALS indexed.refl as text). */
export function readIndexedReflCsv(
  file: string,
): Array<{ x: number; y: number; z: number; hkl: Vec3; rlp: Vec3 }> {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const header = lines[0]!.split(',');
  const at = (name: string): number => header.indexOf(name);
  return lines.slice(1).map((l) => {
    const v = l.split(',').map(Number);
    return {
      x: v[at('x_px')]!,
      y: v[at('y_px')]!,
      z: v[at('z_frame')]!,
      hkl: [v[at('h')]!, v[at('k')]!, v[at('l')]!] as Vec3,
      rlp: [v[at('rlp_x')]!, v[at('rlp_y')]!, v[at('rlp_z')]!] as Vec3,
    };
  });
}
