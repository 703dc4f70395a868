import { describe, expect, it } from 'vitest';

import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { multiplyMat3 } from '../../../src/refine/linalg/mat3.ts';
import { countIndexedPeaks } from '../../../src/refine/orient/count-indexed.ts';
import {
  listPeakPairCandidates,
  orientFromPeakPair,
} from '../../../src/refine/orient/peak-pair-candidates.ts';
import { findSpaceGroup } from '../../../src/refine/symmetry/space-groups.ts';
import { makeSyntheticScan } from '../fit/synthetic-peaks.ts';

describe('listPeakPairCandidates (Orient Manually)', () => {
  it('offers the true reflections of two peaks and the best pair orients the crystal', () => {
    const sg = findSpaceGroup('P 4/m m m');
    const cell = { a: 4.2, b: 4.2, c: 6.1, alpha: 90, beta: 90, gamma: 90 };
    const scan = makeSyntheticScan({ seed: 21, cell, spaceGroup: sg, junkRatio: 0 });
    const qOf = (i: number): [number, number, number] => {
      const p = scan.peaks[i]!;
      return pixelToQSample(scan.geometry, p.x, p.y, p.frame);
    };
    // Two low-angle peaks of different rings, not collinear.
    const order = scan.peaks
      .map((p, i) => ({ i, len: Math.hypot(...qOf(i)), hkl: p.hkl! }))
      .sort((a, b) => a.len - b.len);
    const first = order[0]!;
    const second = order.find(
      (o) => Math.abs(o.len - first.len) > 0.02 && Math.abs(Math.abs(cos(qOf(o.i), qOf(first.i))) - 1) > 0.05,
    )!;
    const c = listPeakPairCandidates(cell, sg, qOf(first.i), qOf(second.i), {
      wavelength: scan.geometry.wavelength,
    });
    expect(c.angle).toBeGreaterThan(0);
    expect(
      c.rings[c.ring[0]]!.classes.some((k) => k.equivalents.some((h) => h.join() === first.hkl.join())),
    ).toBe(true);
    expect(c.primaries.length).toBeGreaterThan(0);
    expect(c.primaries.every((p) => p.secondaries.every((s) => s.difference <= 5))).toBe(true);
    // Orient with the best (preselected) secondary of the first primary: it indexes every peak.
    const p0 = c.primaries.find((p) => p.secondaries.length > 0)!;
    const U = orientFromPeakPair(cell, p0.hkl, p0.secondaries[0]!.hkl, qOf(first.i), qOf(second.i));
    const UB = multiplyMat3(U, computeBMatrix(cell));
    const qs = scan.peaks.map((_, i) => qOf(i));
    expect(countIndexedPeaks(UB, qs, 0.1).count).toBeGreaterThanOrEqual(0.98 * qs.length);
    expect(() => listPeakPairCandidates(cell, sg, [0, 0, 0], qOf(0), { wavelength: 0.2 })).toThrow(/zero/);
  });
});

function cos(a: number[], b: number[]): number {
  return (a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!) / (Math.hypot(...a) * Math.hypot(...b));
}
