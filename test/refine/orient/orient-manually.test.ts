import { describe, expect, it } from 'vitest';

import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import type { Vec3 } from '../../../src/refine/geometry/models.ts';
import { computeMisorientation } from '../../../src/refine/orient/misorientation.ts';
import { orientManually } from '../../../src/refine/orient/orient-manually.ts';
import { findSpaceGroup } from '../../../src/refine/symmetry/space-groups.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { makeSyntheticScan } from '../fit/synthetic-peaks.ts';

describe('orientManually (NXRefine Orient Manually: Busing & Levy with the angle check)', () => {
  const cell = { a: 5.0, b: 6.0, c: 7.0, alpha: 90, beta: 104, gamma: 90 };
  const scan = makeSyntheticScan({
    seed: 5,
    cell,
    spaceGroup: findSpaceGroup('P 1 2/m 1'),
    junkRatio: 0,
    noisePixels: 0,
    noiseFrames: 0,
  });
  const bragg = scan.peaks.filter((p) => p.hkl);
  const q = (i: number): Vec3 => pixelToQSample(scan.geometry, bragg[i]!.x, bragg[i]!.y, bragg[i]!.frame);
  // two reflections 40–140° apart
  const j = bragg.findIndex((_, k) => {
    const [a, b] = [q(0), q(k)];
    const c = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (Math.hypot(...a) * Math.hypot(...b));
    return Math.abs(c) < 0.75;
  });
  const h1 = bragg[0]!.hkl!;
  const h2 = bragg[j]!.hkl!;

  it('gives the true U from exact peaks of a monoclinic crystal, with matching angles and 2θ', () => {
    const r = orientManually(cell, q(0), q(j), h1, h2, { wavelength: scan.geometry.wavelength });
    expect(computeMisorientation(scan.U, r.U)).toBeLessThan(1e-6);
    expect(r.measuredAngle).toBeCloseTo(r.calculatedAngle, 6);
    expect(r.peakTwoTheta[0]).toBeCloseTo(r.hklTwoTheta[0], 6);
    expect(r.peakTwoTheta[1]).toBeCloseTo(r.hklTwoTheta[1], 6);
  });

  it('refuses an hkl of another d-spacing, a pair at the wrong angle and non-reflections', () => {
    const w = { wavelength: scan.geometry.wavelength };
    const d = (): unknown => orientManually(cell, q(0), q(j), [h1[0] * 2, h1[1] * 2, h1[2] * 2], h2, w);
    expect(d).toThrow(NxrError);
    expect(d).toThrow(/primary peak has d = .* but/);
    // an equivalent of h2 (same d) at another angle to h1: the angle check refuses it
    const loose = { ...w, peakTolerance: 180 };
    const angle0 = orientManually(cell, q(0), q(j), h1, h2, w).calculatedAngle;
    const wrong = (
      [
        [-h2[0], -h2[1], -h2[2]],
        [-h2[0], h2[1], -h2[2]],
        [h2[0], -h2[1], h2[2]],
      ] as Vec3[]
    ).find((h) => Math.abs(orientManually(cell, q(0), q(j), h1, h, loose).calculatedAngle - angle0) > 5);
    expect(wrong).toBeDefined();
    expect(() => orientManually(cell, q(0), q(j), h1, wrong!, w)).toThrow(/peaks are .*° apart but/);
    expect(() => orientManually(cell, q(0), q(j), [0, 0, 0], h2, w)).toThrow(/not a reflection/);
    expect(() => orientManually(cell, q(0), q(j), [0.5, 0, 1], h2, w)).toThrow(/not a reflection/);
  });
});
