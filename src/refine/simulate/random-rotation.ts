import type { Mat3 } from '../geometry/models.ts';
import type { Random } from './random.ts';

/** A rotation uniformly distributed on SO(3): a normalised Gaussian quaternion. */
export function randomRotation(random: Random): Mat3 {
  let q = [random.normal(), random.normal(), random.normal(), random.normal()];
  const n = Math.hypot(...q);
  q = q.map((v) => v / n);
  const [w, x, y, z] = q as [number, number, number, number];
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
    [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
    [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
  ];
}
