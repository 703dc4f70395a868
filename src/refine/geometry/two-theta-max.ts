import { radToDeg } from '../linalg/mat3.ts';
import { computePolarAngle } from './angles.ts';
import { computeDetectorFrame } from './detector-frame.ts';
import type { Geometry } from './models.ts';

export interface TwoThetaMaxOptions {
  /**
   * 'exact': the largest true 2θ over the four detector corners (pixel edges −½ and n − ½), tilts
   * included. 'nxrefine': NXRefine `two_theta_max` (spec §4.15): asin(r_max·p/L) over corners
   * (0,0), (nx,0), (0,ny), (nx,ny) with its typo xc² + (ny − yc²) in the third term (§12.5).
   * @default 'exact'
   */
  convention?: 'exact' | 'nxrefine';
}

/** Largest polar angle 2θ (degrees) the detector records. Q_max = 4π sin(2θ_max/2)/λ (2π units). */
export function computeTwoThetaMax(g: Geometry, options: TwoThetaMaxOptions = {}): number {
  computeDetectorFrame(g); // validates g
  const [ny, nx] = g.shape;
  const xc = g.beamCenterX;
  const yc = g.beamCenterY;
  if (options.convention === 'nxrefine') {
    const r2 = Math.max(
      xc ** 2 + yc ** 2,
      (nx - xc) ** 2 + yc ** 2,
      xc ** 2 + (ny - yc ** 2),
      (nx - xc) ** 2 + (ny - yc) ** 2,
    );
    return radToDeg(Math.asin(Math.min(1, (Math.sqrt(r2) * g.pixelSize) / g.distance)));
  }
  let best = 0;
  for (const [x, y] of [
    [-0.5, -0.5],
    [nx - 0.5, -0.5],
    [-0.5, ny - 0.5],
    [nx - 0.5, ny - 0.5],
  ] as const)
    best = Math.max(best, computePolarAngle(g, x, y));
  return best;
}
