import type { Mat3, UnitCell } from '../geometry/models.ts';
import { invertMat3 } from '../linalg/mat3.ts';
import { computeMetricTensor } from './metric-tensor.ts';

/** Reciprocal metric tensor G* = G⁻¹ (Å⁻², 1/d units): 1/d² = hᵀ·G*·h. */
export function computeReciprocalMetricTensor(cell: UnitCell): Mat3 {
  return invertMat3(computeMetricTensor(cell));
}
