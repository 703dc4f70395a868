import type { Mat3 } from '../geometry/models.ts';
import { degToRad } from './mat3.ts';

/**
 * Active right-handed rotation about lab axis 1 (x), 2 (y) or 3 (z) by `angleDeg` degrees
 * (NXRefine `rotmat`, spec §4.1):
 * R1 = [[1,0,0],[0,c,−s],[0,s,c]], R2 = [[c,0,s],[0,1,0],[−s,0,c]], R3 = [[c,−s,0],[s,c,0],[0,0,1]].
 * An angle of exactly 0 gives the exact identity (NXRefine returns identity for None/≈0).
 */
export function rotationMatrix(axis: 1 | 2 | 3, angleDeg: number): Mat3 {
  const t = degToRad(angleDeg);
  const c = angleDeg === 0 ? 1 : Math.cos(t);
  const s = angleDeg === 0 ? 0 : Math.sin(t);
  switch (axis) {
    case 1:
      return [
        [1, 0, 0],
        [0, c, -s],
        [0, s, c],
      ];
    case 2:
      return [
        [c, 0, s],
        [0, 1, 0],
        [-s, 0, c],
      ];
    case 3:
      return [
        [c, -s, 0],
        [s, c, 0],
        [0, 0, 1],
      ];
  }
}
