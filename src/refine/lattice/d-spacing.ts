import type { UnitCell, Vec3 } from '../geometry/models.ts';
import { computeReciprocalMetricTensor } from './reciprocal-metric-tensor.ts';

/**
 * Interplanar spacing d(hkl), Å: 1/d² = hᵀ·G*·h (valid for every crystal system; hkl may be
 * fractional). Infinity for (0, 0, 0).
 */
export function computeDSpacing(cell: UnitCell, hkl: Vec3): number {
  const g = computeReciprocalMetricTensor(cell);
  const [h, k, l] = hkl;
  const s =
    g[0][0] * h * h +
    g[1][1] * k * k +
    g[2][2] * l * l +
    2 * (g[0][1] * h * k + g[0][2] * h * l + g[1][2] * k * l);
  return 1 / Math.sqrt(s);
}
