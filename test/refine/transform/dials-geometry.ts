/**
 * The DIALS experiment of realdata §C1 (centroid_test_data/indexed.expt) expressed as our Geometry,
 * and DIALS' own pixel → reciprocal-lattice-point formula (README §C1) as the reference.
 *
 * DIALS: lab vectors in its own frame; beam `direction` points from the sample to the source;
 * rotation about `rotation_axis` by φ = 0.2°·z; P = origin + x·p·fast + y·p·slow (mm, pixel
 * coordinates as stored, no ½); s1 = P/(|P|λ); s0 = −direction/λ; rlp = R(axis, −φ)·(s1 − s0).
 *
 * Ours (spec §4): x along the incident beam, G(φ) = R2(θ)·R3(ω)·R1(χ)·R3(φ), detector pixels at
 * (L, 0, 0) + p·T·O⁻¹·(x − xc, y − yc, 0). A rotation C takes the DIALS lab to ours with
 * C·k̂ = x̂ and C·axis = M·ẑ (M = R2(θ), θ chosen so that the axis makes the same angle with the
 * beam, 90.17°). Then Q_sample(ours) = M⁻¹·C·rlp(DIALS). The detector is any plane: with T = I,
 * O⁻¹ has columns C·fast, C·slow, C·(fast × slow) (a numeric detector_orientation, which the
 * geometry accepts), and (xc, yc, L) come from where the direct beam meets the plane. No change to
 * src/refine/geometry was needed.
 */
import { readFileSync } from 'node:fs';

import type { Geometry, Mat3, Vec3 } from '../../../src/refine/geometry/models.ts';
import { cross3, dot3, multiplyMat3, normalize3, transposeMat3 } from '../../../src/refine/linalg/mat3.ts';
import { rotationMatrix } from '../../../src/refine/linalg/rotation-matrix.ts';
import { realdata } from '../../helpers/realdata.ts';

interface Expt {
  beam: Array<{ direction: Vec3; wavelength: number }>;
  detector: Array<{
    panels: Array<{
      fast_axis: Vec3;
      slow_axis: Vec3;
      origin: Vec3;
      pixel_size: [number, number];
      image_size: [number, number];
    }>;
  }>;
  goniometer: Array<{ rotation_axis: Vec3 }>;
  scan: Array<{ oscillation: [number, number] }>;
  crystal: Array<{ real_space_a: Vec3; real_space_b: Vec3; real_space_c: Vec3 }>;
}

export interface DialsReflection {
  x: number;
  y: number;
  z: number;
  hkl: Vec3;
  rlp: Vec3;
}

export interface DialsCase {
  geometry: Geometry;
  /** DIALS lab → our lab. */
  C: Mat3;
  /** R2(θ): Q_sample(ours) = Mᵀ·C·rlp. */
  M: Mat3;
  wavelength: number;
  origin: Vec3;
  fast: Vec3;
  slow: Vec3;
  pixel: number;
  direction: Vec3;
  axis: Vec3;
  phiStep: number;
  /** DIALS A = UB (Å⁻¹, no 2π): rlp = A·hkl. */
  A: Mat3;
  reflections: DialsReflection[];
}

const col = (m: Mat3, j: 0 | 1 | 2): Vec3 => [m[0][j], m[1][j], m[2][j]];
const fromColumns = (a: Vec3, b: Vec3, c: Vec3): Mat3 => [
  [a[0], b[0], c[0]],
  [a[1], b[1], c[1]],
  [a[2], b[2], c[2]],
];
const apply = (m: Mat3, v: Vec3): Vec3 => [dot3(m[0], v), dot3(m[1], v), dot3(m[2], v)];

/** Rotation about a unit axis by `deg` (right-handed). */
export function axisRotation(axis: Vec3, deg: number): Mat3 {
  const [x, y, z] = normalize3(axis);
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const C = 1 - c;
  return [
    [c + x * x * C, x * y * C - z * s, x * z * C + y * s],
    [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
    [z * x * C - y * s, z * y * C + x * s, c + z * z * C],
  ];
}

/** DIALS' rlp of a (fractional) pixel (README §C1), computed directly from the expt vectors. */
export function dialsRlp(d: DialsCase, x: number, y: number, z: number): Vec3 {
  const P: Vec3 = [
    d.origin[0] + x * d.pixel * d.fast[0] + y * d.pixel * d.slow[0],
    d.origin[1] + x * d.pixel * d.fast[1] + y * d.pixel * d.slow[1],
    d.origin[2] + x * d.pixel * d.fast[2] + y * d.pixel * d.slow[2],
  ];
  const len = Math.hypot(...P) * d.wavelength;
  const s1: Vec3 = [P[0] / len, P[1] / len, P[2] / len];
  const s0: Vec3 = d.direction.map((v) => -v / d.wavelength) as Vec3;
  return apply(axisRotation(d.axis, -d.phiStep * z), [s1[0] - s0[0], s1[1] - s0[1], s1[2] - s0[2]]);
}

export function loadDialsCase(): DialsCase {
  const expt = JSON.parse(
    readFileSync(realdata('dials-data-files/centroid_test_data/indexed.expt'), 'utf8'),
  ) as Expt;
  const beam = expt.beam[0]!;
  const panel = expt.detector[0]!.panels[0]!;
  const axis = normalize3(expt.goniometer[0]!.rotation_axis);
  const direction = normalize3(beam.direction);
  const k: Vec3 = [-direction[0], -direction[1], -direction[2]];
  const wavelength = beam.wavelength;
  const pixel = panel.pixel_size[0];
  const phiStep = expt.scan[0]!.oscillation[1];

  // θ such that the goniometer axis M·ẑ = (sin θ, 0, cos θ) makes the DIALS axis–beam angle with x̂
  const thetaDeg = (Math.asin(dot3(axis, k)) * 180) / Math.PI;
  const M = rotationMatrix(2, thetaDeg);
  const basis = (first: Vec3, second: Vec3): Mat3 => {
    const e1 = normalize3(first);
    const e2 = normalize3(second.map((v, i) => v - dot3(second, e1) * e1[i]!) as Vec3);
    return fromColumns(e1, e2, cross3(e1, e2));
  };
  const E = basis(k, axis);
  const F = basis([1, 0, 0], col(M, 2));
  const C = multiplyMat3(F, transposeMat3(E));

  // detector: orthonormal fast/slow (DIALS' are orthogonal to 5e-7), plane normal n = fast × slow
  const fast = normalize3(panel.fast_axis);
  const slow = normalize3(panel.slow_axis.map((v, i) => v - dot3(panel.slow_axis, fast) * fast[i]!) as Vec3);
  const n = cross3(fast, slow);
  const t = dot3(n, panel.origin) / dot3(n, k); // direct beam meets the plane at t·k̂
  const P0: Vec3 = [t * k[0], t * k[1], t * k[2]];
  const rel: Vec3 = [P0[0] - panel.origin[0], P0[1] - panel.origin[1], P0[2] - panel.origin[2]];
  const Oinv = fromColumns(apply(C, fast), apply(C, slow), apply(C, n));
  const geometry: Geometry = {
    wavelength,
    distance: t,
    pixelSize: pixel,
    shape: [panel.image_size[1], panel.image_size[0]],
    beamCenterX: dot3(rel, fast) / pixel,
    beamCenterY: dot3(rel, slow) / pixel,
    yaw: 0,
    pitch: 0,
    roll: 0,
    detectorOrientation: transposeMat3(Oinv),
    phiStart: expt.scan[0]!.oscillation[0],
    phiStep,
    chi: 0,
    omega: 0,
    theta: thetaDeg,
  };

  // A = (R)⁻¹ᵀ with R = [a b c] real-space columns (README §C1)
  const cr = expt.crystal[0]!;
  const R = fromColumns(cr.real_space_a, cr.real_space_b, cr.real_space_c);
  const A = transposeMat3(invert(R));

  const lines = readFileSync(realdata('dials-data-files/derived/centroid_indexed_refl.csv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  const header = lines[0]!.split(',');
  const at = (name: string): number => header.indexOf(name);
  const reflections = lines.slice(1).map((line) => {
    const c = line.split(',').map(Number);
    return {
      x: c[at('x_px')]!,
      y: c[at('y_px')]!,
      z: c[at('z_frame')]!,
      hkl: [c[at('h')]!, c[at('k')]!, c[at('l')]!] as Vec3,
      rlp: [c[at('rlp_x')]!, c[at('rlp_y')]!, c[at('rlp_z')]!] as Vec3,
    };
  });
  return {
    geometry,
    C,
    M,
    wavelength,
    origin: panel.origin,
    fast: panel.fast_axis,
    slow: panel.slow_axis,
    pixel,
    direction,
    axis,
    phiStep,
    A,
    reflections,
  };
}

function invert(m: Mat3): Mat3 {
  const [a, b, c] = m;
  const det = dot3(a, cross3(b, c));
  const r0 = cross3(b, c);
  const r1 = cross3(c, a);
  const r2 = cross3(a, b);
  // inverse = [r0 r1 r2] columns / det (transposed cofactors)
  return fromColumns(r0, r1, r2).map((row) => row.map((v) => v / det)) as Mat3;
}
