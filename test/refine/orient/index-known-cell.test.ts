import { describe, expect, it } from 'vitest';

import { refineLattice } from '../../../src/refine/fit/refine-lattice.ts';
import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { applyCellConstraints } from '../../../src/refine/lattice/apply-cell-constraints.ts';
import { indexWithKnownCell } from '../../../src/refine/orient/index-known-cell.ts';
import { findSpaceGroup, isSystematicallyAbsent } from '../../../src/refine/symmetry/space-groups.ts';
import { LATTICE_CASES } from '../fit/cases.ts';
import { compareToTruth } from '../fit/compare-to-truth.ts';
import { makeSyntheticScan } from '../fit/synthetic-peaks.ts';

const ALL_FLAGS = [
  'a',
  'b',
  'c',
  'alpha',
  'beta',
  'gamma',
  'distance',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
  'U',
] as const;

describe('indexWithKnownCell + refineLattice on simulated rotations with 35% junk', () => {
  for (const [n, c] of LATTICE_CASES.entries()) {
    it(`${c.spaceGroup} (${Object.values(c.cell).join(', ')})`, () => {
      const sg = findSpaceGroup(c.spaceGroup, { alpha: c.cell.alpha, gamma: c.cell.gamma });
      const scan = makeSyntheticScan({ seed: 3 + n, cell: c.cell, spaceGroup: sg });
      const bragg = scan.peaks.filter((p) => p.kind === 'bragg').length;
      expect((scan.peaks.length - bragg) / scan.peaks.length).toBeGreaterThanOrEqual(1 / 3);
      // Start as from a configuration file: distance 0.5% long, beam centre off by ~1 px, no tilts,
      // cell from another temperature (±0.3%).
      const g0 = {
        ...scan.geometry,
        distance: scan.geometry.distance * 1.005,
        beamCenterX: scan.geometry.beamCenterX + 1,
        beamCenterY: scan.geometry.beamCenterY - 0.7,
        yaw: 0,
        pitch: 0,
        roll: 0,
      };
      const cell0 = applyCellConstraints(
        { ...c.cell, a: c.cell.a * 1.003, b: c.cell.b * 0.998, c: c.cell.c * 1.002 },
        sg.latticeSystem,
      );
      const qs = scan.peaks.map((p) => pixelToQSample(g0, p.x, p.y, p.frame));
      const index = indexWithKnownCell(qs, cell0, sg);
      // The orientation found before refinement already indexes (nearly) every true peak.
      expect(index.indexed).toBeGreaterThanOrEqual(0.9 * bragg);

      const res = refineLattice(
        scan.peaks,
        { geometry: g0, cell: cell0, latticeSystem: sg.latticeSystem, U: index.U },
        { fit: ALL_FLAGS, isAbsent: (h) => isSystematicallyAbsent(sg, h) },
      );
      const cmp = compareToTruth({ UB: res.UB }, scan, scan.peaks, res.peaks);
      expect(cmp.nonInteger).toBeLessThan(0.01);
      expect(Math.abs(Math.round(Math.abs(det(cmp.T))))).toBe(1);
      expect(cmp.indexedFraction).toBeGreaterThanOrEqual(0.95);
      expect(cmp.junkIndexed).toBeLessThanOrEqual(0.01 * scan.peaks.length);
      expect(cmp.orientationError).toBeLessThanOrEqual(0.01);
      expect(cmp.maxLengthError).toBeLessThanOrEqual(2e-4);
      expect(cmp.maxAngleError).toBeLessThanOrEqual(0.01);
      expect(Math.abs(res.model.geometry.distance / scan.geometry.distance - 1)).toBeLessThanOrEqual(5e-4);
      expect(res.statistics.rmsdPixels).toBeLessThanOrEqual(0.3);
      // The refined cell keeps its lattice system and the esds cover the true errors (5σ).
      expect(applyCellConstraints(res.model.cell, sg.latticeSystem)).toEqual(res.model.cell);
      for (const p of res.parameters.filter(
        (q) => q.refined && ['a', 'b', 'c', 'distance'].includes(q.name),
      )) {
        const truth = p.name === 'distance' ? scan.geometry.distance : c.cell[p.name as 'a'];
        expect(Math.abs(p.value - truth)).toBeLessThan(5 * p.esd + 1e-12);
      }
    });
  }
});

function det(m: number[][]): number {
  return (
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!)
  );
}
