import { invertMat3, multiplyMat3Vec3 } from '../linalg/mat3.ts';
import type { Geometry, Mat3, Vec3 } from './models.ts';
import { pixelToQSample } from './pixel-to-q-sample.ts';

/**
 * Fractional (h, k, l) of pixel (x, y) on frame `frame`: (UB)⁻¹·Q_sample (spec §4.6, `get_hkl`).
 * UB in 1/d units (Å⁻¹, no 2π), hkl as a column vector: Q_sample = UB·hkl.
 */
export function pixelToHkl(g: Geometry, UB: Mat3, x: number, y: number, frame: number): Vec3 {
  return multiplyMat3Vec3(invertMat3(UB), pixelToQSample(g, x, y, frame));
}
