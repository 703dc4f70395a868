import { NxrError } from '../../shared/errors.ts';
import type { Mat3, Vec3 } from './models.ts';

const AXIS_INDEX: Record<string, 0 | 1 | 2> = { x: 0, y: 1, z: 2 };

/**
 * Detector orientation matrix O (NXRefine `Omat`, spec §4.2): `det = O · lab`.
 *
 * The string names, for each detector axis (x_det, y_det, z_det) in turn, the parallel lab axis with
 * an optional sign ('+' if missing); spaces are ignored. Default geometry `'-y +z -x'` gives
 * O = [[0,−1,0],[0,0,1],[−1,0,0]]. A numeric 3×3 matrix is accepted if it is orthonormal.
 *
 * @throws NxrError BAD_PARAMETER for anything else (wrong letters, repeated axis, non-orthonormal matrix).
 */
export function parseDetectorOrientation(orientation: string | Mat3): Mat3 {
  if (typeof orientation !== 'string') return checkOrientationMatrix(orientation);
  const compact = orientation.replace(/\s+/g, '').toLowerCase();
  const match = /^([+-]?)([xyz])([+-]?)([xyz])([+-]?)([xyz])$/.exec(compact);
  const bad = (why: string): NxrError =>
    new NxrError({
      code: 'BAD_PARAMETER',
      message: `detector orientation '${orientation}' ${why}; expected three signed lab axes such as '-y +z -x'`,
    });
  if (!match) throw bad('is not understood');
  const rows: Vec3[] = [];
  const used = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const sign = match[1 + 2 * i] === '-' ? -1 : 1;
    const axis = match[2 + 2 * i]!;
    if (used.has(axis)) throw bad(`names lab axis ${axis} twice`);
    used.add(axis);
    const row: Vec3 = [0, 0, 0];
    row[AXIS_INDEX[axis]!] = sign;
    rows.push(row);
  }
  return [rows[0]!, rows[1]!, rows[2]!];
}

function checkOrientationMatrix(m: Mat3): Mat3 {
  const ok =
    Array.isArray(m) &&
    m.length === 3 &&
    m.every((r) => Array.isArray(r) && r.length === 3 && r.every((v) => Number.isFinite(v)));
  if (ok) {
    let worst = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const d = m[i]![0] * m[j]![0] + m[i]![1] * m[j]![1] + m[i]![2] * m[j]![2];
        worst = Math.max(worst, Math.abs(d - (i === j ? 1 : 0)));
      }
    if (worst < 1e-6) return [[...m[0]], [...m[1]], [...m[2]]];
  }
  throw new NxrError({
    code: 'BAD_PARAMETER',
    message: `detector orientation matrix ${JSON.stringify(m)} is not an orthonormal 3×3 matrix`,
  });
}
