import { NxrError } from '../../shared/errors.ts';
import type { Mat3, Vec3 } from '../geometry/models.ts';

const AXIS: Record<string, 0 | 1 | 2> = { x: 0, y: 1, z: 2 };

/**
 * Parse a coordinate triplet such as '-x+y,z+1/2,x/2-y/2' into x' = M·x + t (M, t with rational
 * entries as numbers). Accepts terms [±][n[/d]][*]x|y|z[/d] and constants [±]n[/d].
 * @throws NxrError BAD_PARAMETER if the text is not a triplet.
 */
export function parseTriplet(triplet: string): { matrix: Mat3; translation: Vec3 } {
  const parts = triplet.replace(/\s+/g, '').toLowerCase().split(',');
  const bad = (): NxrError =>
    new NxrError({
      code: 'BAD_PARAMETER',
      message: `'${triplet}' is not a coordinate triplet such as 'x,-y,z+1/2'`,
    });
  if (parts.length !== 3) throw bad();
  const matrix: Mat3 = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const translation: Vec3 = [0, 0, 0];
  const term = /([+-]?)(?:(\d+(?:\.\d+)?)(?:\/(\d+))?\*?)?([xyz])?(?:\/(\d+))?/y;
  parts.forEach((part, i) => {
    if (part === '') throw bad();
    term.lastIndex = 0;
    let pos = 0;
    while (pos < part.length) {
      term.lastIndex = pos;
      const m = term.exec(part);
      if (!m || m[0] === '' || (m[2] === undefined && m[4] === undefined)) throw bad();
      const sign = m[1] === '-' ? -1 : 1;
      let value = m[2] === undefined ? 1 : Number(m[2]) / (m[3] === undefined ? 1 : Number(m[3]));
      if (m[5] !== undefined) value /= Number(m[5]);
      if (m[4] !== undefined) matrix[i as 0 | 1 | 2][AXIS[m[4]]!] += sign * value;
      else if (m[5] === undefined) translation[i as 0 | 1 | 2] += sign * value;
      else throw bad();
      pos = term.lastIndex;
    }
  });
  return { matrix, translation };
}
