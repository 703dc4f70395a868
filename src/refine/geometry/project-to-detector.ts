import { multiplyMat3Vec3 } from '../linalg/mat3.ts';
import { computeDetectorFrame, type DetectorFrame } from './detector-frame.ts';
import { computeGoniometerMatrix } from './goniometer.ts';
import type { Geometry, Vec3 } from './models.ts';

export interface ProjectToDetectorOptions {
  /**
   * 'exact': intersect the diffracted ray with the tilted detector plane (what CCTW's `qlab2pixel`
   * does and the exact inverse of `pixelToQSample`). 'nxrefine-untilted': NXRefine `get_xyz`
   * (spec §4.8 step 3) — intersect with the untilted plane, then rotate by Dmat and drop the
   * out-of-plane component; off by up to ~0.5 px at 0.3° tilts.
   * @default 'exact'
   */
  plane?: 'exact' | 'nxrefine-untilted';
}

/**
 * Detector position (x, y) (px, pixel index = pixel centre) of the ray k_f = G(φ)·q + k_i leaving the
 * sample at φ (degrees), for a sample-frame vector q (1/d units). q is not required to satisfy the
 * Ewald condition (the direction of k_f is used). Returns undefined if the ray runs parallel to, or
 * away from, the detector plane.
 */
export function projectToDetector(
  g: Geometry,
  qSample: Vec3,
  phiDeg: number,
  options: ProjectToDetectorOptions = {},
  frame: DetectorFrame = computeDetectorFrame(g),
): { x: number; y: number } | undefined {
  const G = computeGoniometerMatrix(g, phiDeg);
  const q = multiplyMat3Vec3(G, qSample);
  const k: Vec3 = [q[0] + 1 / g.wavelength, q[1], q[2]];
  const s: Vec3 = frame.hasSampleOffset ? multiplyMat3Vec3(G, g.sampleOffset!) : [0, 0, 0];
  const n = options.plane === 'nxrefine-untilted' ? frame.normalUntilted : frame.normal;
  const kn = k[0] * n[0] + k[1] * n[1] + k[2] * n[2];
  const o = frame.origin;
  const gap = (o[0] - s[0]) * n[0] + (o[1] - s[1]) * n[1] + (o[2] - s[2]) * n[2];
  const t = gap / kn;
  if (!Number.isFinite(t) || t <= 0) return undefined;
  // Point on the plane relative to the detector origin (mm, lab), then into pixels.
  const w: Vec3 = [s[0] + t * k[0] - o[0], s[1] + t * k[1] - o[1], s[2] + t * k[2] - o[2]];
  const d = multiplyMat3Vec3(frame.labToPixel, w);
  return { x: d[0] + g.beamCenterX, y: d[1] + g.beamCenterY };
}
