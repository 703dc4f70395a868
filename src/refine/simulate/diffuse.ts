/**
 * The simulator's diffuse-scattering component, an analytic function of (h, k, l) so that the
 * transform step can be checked against it on the HKL grid:
 *
 *   D(h, k, l) = amplitude · (4/3)(δh² + δk² + δl²) / (1 + |q|² / qScale²)
 *
 * where δh = h − round(h) is the distance to the nearest integer (0 at Bragg positions, ½ midway),
 * and |q| is the length of the scattering vector in Å⁻¹ (1/d units, no 2π). D is in counts per
 * pixel per frame, added to the background before Poisson noise (no solid-angle or polarization
 * factor is applied, so the transform's summed counts / summed weights equal D on average).
 */
export interface DiffuseModel {
  /** Counts per pixel per frame at a half-integer position near q = 0. @default 0 */
  amplitude: number;
  /** Å⁻¹ (1/d units); the Lorentzian fall-off scale of the envelope. */
  qScale: number;
}

/** D(h, k, l) for a point whose |q|² (Å⁻², 1/d units) is known. */
export function evaluateDiffuse(model: DiffuseModel, h: number, k: number, l: number, q2: number): number {
  const dh = h - Math.round(h);
  const dk = k - Math.round(k);
  const dl = l - Math.round(l);
  return (
    (model.amplitude * (4 / 3) * (dh * dh + dk * dk + dl * dl)) / (1 + q2 / (model.qScale * model.qScale))
  );
}
