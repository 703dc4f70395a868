/**
 * Real data (realdata README §C1): DIALS centroid_test_data. Our pixel → Q_sample chain, with the
 * DIALS experiment expressed as our Geometry (see dials-geometry.ts), reproduces the reciprocal
 * lattice points DIALS stored for its 654 reflections to 1e-4 Å⁻¹, and the whole-frame mapper the
 * transform uses agrees with DIALS' formula pixel for pixel.
 */
import { describe, expect, it } from 'vitest';

import { createPixelMapper } from '../../../src/refine/geometry/create-pixel-mapper.ts';
import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import type { Mat3, Vec3 } from '../../../src/refine/geometry/models.ts';
import { multiplyMat3, multiplyMat3Vec3, transposeMat3 } from '../../../src/refine/linalg/mat3.ts';
import { dialsRlp, loadDialsCase } from './dials-geometry.ts';

const d = loadDialsCase();
/** Our Q_sample → DIALS' rlp frame: rlp = Cᵀ·M·Q_s. */
const toDials: Mat3 = multiplyMat3(transposeMat3(d.C), d.M);
const dist = (a: Vec3, b: Vec3): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('DIALS centroid_test_data: pixel → reciprocal vector', () => {
  it('the DIALS detector and goniometer fit our geometry model', () => {
    const g = d.geometry;
    expect(g.shape).toEqual([2527, 2463]);
    expect(g.distance).toBeGreaterThan(180);
    expect(g.distance).toBeLessThan(200);
    expect(Math.abs(g.theta)).toBeLessThan(0.2); // axis 90.17° from the beam
    expect(d.reflections).toHaveLength(654);
  });

  it('is DIALS’ pixel → rlp formula (README §C1) to 1e-12 Å⁻¹ at every reflection', () => {
    let worst = 0;
    for (const r of d.reflections) {
      const q = multiplyMat3Vec3(toDials, pixelToQSample(d.geometry, r.x, r.y, r.z));
      worst = Math.max(worst, dist(q, dialsRlp(d, r.x, r.y, r.z)));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('agrees with the rlp DIALS stored: rms 5.5e-5, 652 of 654 within 1e-4 Å⁻¹, worst 1.04e-4', () => {
    // The formula itself (also in numpy, double precision) is 1.0402e-4 from DIALS' stored rlp at
    // row 450 (22 −6 −13) and 1.0400e-4 at a second row, 8 rows above 9.5e-5: DIALS' stored s1 is
    // not quite the expt geometry's (README §C1 quotes 9.5e-5). Nothing closer is possible from
    // the expt file, so the bound is the formula's own.
    const errors = d.reflections.map((r) =>
      dist(multiplyMat3Vec3(toDials, pixelToQSample(d.geometry, r.x, r.y, r.z)), r.rlp),
    );
    const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    expect(rms).toBeLessThan(5.6e-5);
    expect(errors.filter((e) => e > 1e-4)).toHaveLength(2);
    expect(Math.max(...errors)).toBeLessThan(1.041e-4);
  });

  it('the whole-frame mapper of the transform gives the same vectors at every pixel of the reflections’ rows', () => {
    const mapper = createPixelMapper(d.geometry);
    const nx = d.geometry.shape[1];
    let worst = 0;
    let count = 0;
    for (const r of d.reflections.filter((_, i) => i % 20 === 0)) {
      const y = Math.round(r.y);
      const z = Math.round(r.z * 2) / 2;
      const [qx, qy, qz] = mapper.mapToQSample(z, { rows: [y, y + 1] });
      for (let x = 0; x < nx; x += 61) {
        const q = multiplyMat3Vec3(toDials, [qx[x]!, qy[x]!, qz[x]!]);
        worst = Math.max(worst, dist(q, dialsRlp(d, x, y, z)));
        count++;
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(worst).toBeLessThan(1e-12);
  });

  it('with UB = Mᵀ·C·A, the indexed reflections come out near their integer hkl (DIALS: max 0.19)', () => {
    const UB = multiplyMat3(transposeMat3(d.M), d.C, d.A);
    const inv = invert(UB);
    let worst = 0;
    let n = 0;
    for (const r of d.reflections) {
      if (r.hkl[0] === 0 && r.hkl[1] === 0 && r.hkl[2] === 0) continue;
      const hkl = multiplyMat3Vec3(inv, pixelToQSample(d.geometry, r.x, r.y, r.z));
      worst = Math.max(worst, ...hkl.map((v, i) => Math.abs(v - r.hkl[i]!)));
      n++;
    }
    expect(n).toBe(569);
    expect(worst).toBeLessThan(0.2);
  });
});

function invert(m: Mat3): Mat3 {
  const [[a, b, c], [dd, e, f], [g, h, i]] = m;
  const A = e * i - f * h;
  const B = -(dd * i - f * g);
  const Cc = dd * h - e * g;
  const det = a * A + b * B + c * Cc;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * dd) / det],
    [Cc / det, -(a * h - b * g) / det, (a * e - b * dd) / det],
  ];
}
