import type { PowderGeometry } from './models.ts';
import { createPowderFrame } from './powder-geometry.ts';

/**
 * Polarization factor of every pixel, as pyFAI's `polarization(shape, factor)` that NXRefine's
 * Calibrate Powder stores in `instrument/detector/polarization` (spec §3.2, §4.18):
 *   P = ½·(1 + cos²2θ − f·cos 2χ·sin²2θ),
 * with χ the azimuth measured from the horizontal (lab −y axis, pyFAI's axis 2) and f = (Ih − Iv)/(Ih + Iv)
 * (0.99 for a horizontally polarized synchrotron beam). cos 2χ = (v_y² − v_z²)/(v_y² + v_z²) of the
 * sample → pixel ray v, so it does not depend on how pyFAI's axes are signed.
 * @returns row-major [ny, nx] float32 values
 */
export function computePolarizationArray(g: PowderGeometry, factor = 0.99): Float32Array {
  const [ny, nx] = g.shape;
  const f = createPowderFrame(g).frame;
  const m = f.pixelToLab;
  const L = f.origin[0];
  const out = new Float32Array(ny * nx);
  for (let y = 0; y < ny; y++) {
    const dy = y - g.beamCenterY;
    for (let x = 0; x < nx; x++) {
      const dx = x - g.beamCenterX;
      const v0 = m[0][0] * dx + m[0][1] * dy + L;
      const v1 = m[1][0] * dx + m[1][1] * dy;
      const v2 = m[2][0] * dx + m[2][1] * dy;
      out[y * nx + x] = polarizationOfRay(v0, v1, v2, factor);
    }
  }
  return out;
}

/** P for one sample → pixel ray (v0 along the beam, v1 = lab y, v2 = lab z). */
export function polarizationOfRay(v0: number, v1: number, v2: number, factor: number): number {
  const perp2 = v1 * v1 + v2 * v2;
  const r2 = v0 * v0 + perp2;
  const cos2tth = (v0 * v0) / r2;
  const sin2tth = perp2 / r2;
  const cos2chi = perp2 > 0 ? (v1 * v1 - v2 * v2) / perp2 : 1;
  return 0.5 * (1 + cos2tth - factor * cos2chi * sin2tth);
}
