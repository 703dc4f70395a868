import { multiplyMat3Vec3, multiplyVec3Mat3 } from '../linalg/mat3.ts';
import { computeDetectorFrame } from './detector-frame.ts';
import { computeGoniometerMatrix } from './goniometer.ts';
import type { Geometry, Vec3 } from './models.ts';

/**
 * Scattering vector of pixel (x, y) on (fractional) frame `frame`, in the sample (φ-rotating)
 * frame, in 1/d units (|Q| = 2 sin θ / λ, Å⁻¹, no 2π) — NXRefine `Gvec` (spec §4.6):
 *
 *   φ = phiStart + phiStep·frame,   v3 = T·p·O⁻¹·(x − xc, y − yc, 0) + (L, 0, 0) − G(φ)·S,
 *   Q_s = G(φ)⁻¹·(v3/|v3|/λ − (1/λ, 0, 0)).
 *
 * Pixel index = pixel centre (NXRefine; no ½ offset). Exact for tilted detectors.
 */
export function pixelToQSample(g: Geometry, x: number, y: number, frame: number): Vec3 {
  const f = computeDetectorFrame(g);
  const phi = g.phiStart + g.phiStep * frame;
  const G = computeGoniometerMatrix(g, phi);
  const w = multiplyMat3Vec3(f.pixelToLab, [x - g.beamCenterX, y - g.beamCenterY, 0]);
  let v: Vec3 = [w[0] + f.origin[0], w[1] + f.origin[1], w[2] + f.origin[2]];
  if (f.hasSampleOffset) {
    const s = multiplyMat3Vec3(G, g.sampleOffset!);
    v = [v[0] - s[0], v[1] - s[1], v[2] - s[2]];
  }
  const k = 1 / (g.wavelength * Math.hypot(v[0], v[1], v[2]));
  const qLab: Vec3 = [v[0] * k - 1 / g.wavelength, v[1] * k, v[2] * k];
  // G is a rotation: G⁻¹·q = Gᵀ·q = qᵀ·G.
  return multiplyVec3Mat3(qLab, G);
}
