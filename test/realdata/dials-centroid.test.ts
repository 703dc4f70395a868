/**
 * Real data: the DIALS centroid_test_data spot list (README §C1; Pilatus 6M, λ = 0.9795 Å,
 * tetragonal P422 protein crystal). The DIALS geometry is not NXRefine's (beam along −z, rotation
 * axis x, panel origin/fast/slow): it is mapped onto an equivalent NXRefine geometry by a rotation
 * of the lab frame (dials-geometry.ts), checked against README's verified pixel → rlp formula,
 * then SPOT.XDS is indexed in q-space without a cell (FFT), reduced, given the conventional
 * tetragonal P cell of space group 89, and refined; the published cell is
 * 42.2085, 42.2085, 39.6927 Å, 90, 90, 90 (indexed.expt).
 */
import { describe, expect, it } from 'vitest';

import { refineLattice } from '../../src/refine/fit/refine-lattice.ts';
import type { Vec3 } from '../../src/refine/geometry/models.ts';
import { pixelToQSample } from '../../src/refine/geometry/pixel-to-q-sample.ts';
import { multiplyMat3Vec3 } from '../../src/refine/linalg/mat3.ts';
import { chooseConventionalCell } from '../../src/refine/orient/conventional-cell.ts';
import { cellOfUB } from '../../src/refine/orient/cell-of-basis.ts';
import { indexWithFft } from '../../src/refine/orient/index-fft.ts';
import { indexWithKnownCell } from '../../src/refine/orient/index-known-cell.ts';
import { findSpaceGroup, isSystematicallyAbsent } from '../../src/refine/symmetry/space-groups.ts';
import { realdata } from '../helpers/realdata.ts';
import {
  dialsRlp,
  mapDialsToNxRefine,
  readDialsExperiment,
  readIndexedReflCsv,
  readSpotXds,
} from './dials-geometry.ts';

const DIR = 'dials-data-files/centroid_test_data';
const PUBLISHED = { a: 42.2085, b: 42.2085, c: 39.6927, alpha: 90, beta: 90, gamma: 90 };
const expt = readDialsExperiment(realdata(`${DIR}/indexed.expt`));
const mapped = mapDialsToNxRefine(expt);
const sg = findSpaceGroup(89);

/**
 * SPOT.XDS pixel coordinates are DIALS's minus ½ (XDS counts pixel centres from 1, DIALS pixel
 * edges from 0): matched to indexed.refl the 252 spots of the first wedge differ by
 * −0.41 ± 0.29 px in x and −0.48 ± 0.32 px in y. z needs no shift (−0.31 ± 0.64 frame).
 */
const spots = readSpotXds(realdata(`${DIR}/SPOT.XDS`)).map((s) => ({ ...s, x: s.x + 0.5, y: s.y + 0.5 }));

function qOf(x: number, y: number, z: number): Vec3 {
  return pixelToQSample(mapped.geometry, x, y, z);
}

describe('DIALS centroid_test_data', () => {
  it('the NXRefine geometry mapped from indexed.expt gives the README rlp of all 654 reflections (turned by a fixed rotation)', () => {
    const rows = readIndexedReflCsv(realdata('dials-data-files/derived/centroid_indexed_refl.csv'));
    expect(rows).toHaveLength(654);
    let maxFormula = 0;
    let maxStored = 0;
    for (const r of rows) {
      const rlp = dialsRlp(expt, r.x, r.y, r.z);
      const q = qOf(r.x, r.y, r.z);
      const expected = multiplyMat3Vec3(mapped.rotation, rlp);
      maxFormula = Math.max(
        maxFormula,
        Math.hypot(q[0] - expected[0], q[1] - expected[1], q[2] - expected[2]),
      );
      maxStored = Math.max(maxStored, Math.hypot(rlp[0] - r.rlp[0], rlp[1] - r.rlp[1], rlp[2] - r.rlp[2]));
    }
    // Our geometry chain equals the README formula to rounding; the formula reproduces the stored
    // rlp (README: 9.5e-5 Å⁻¹; 1.04e-4 here).
    expect(maxFormula).toBeLessThan(1e-9);
    expect(maxStored).toBeLessThan(1.1e-4);
    // The mapping is a small change of frame: the panel is nearly untilted and the axis nearly ⊥ the beam.
    const g = mapped.geometry;
    expect(Math.abs(g.theta)).toBeLessThan(0.5);
    expect(Math.max(Math.abs(g.yaw), Math.abs(g.pitch), Math.abs(g.roll))).toBeLessThan(2);
    expect(g.distance).toBeGreaterThan(185);
    expect(g.distance).toBeLessThan(195);
  });

  it('indexes SPOT.XDS without a cell (FFT), finds the tetragonal P cell of space group 89 and refines the published cell', () => {
    expect(spots).toHaveLength(742);
    const qs = spots.map((s) => qOf(s.x, s.y, s.z));
    const fft = indexWithFft(qs, { dMin: 5, dMax: 60 });
    // With the DIALS geometry only part of the spots index at once (see below); the lattice is there.
    expect(fft.indexed).toBeGreaterThanOrEqual(0.4 * spots.length);
    const conv = chooseConventionalCell(fft.UB, sg, { qs });
    expect(conv.latticeSystem).toBe('tetragonal');
    // Before refinement, within 1% of the published cell.
    expect(Math.abs(conv.cell.a / PUBLISHED.a - 1)).toBeLessThan(0.01);
    expect(Math.abs(conv.cell.c / PUBLISHED.c - 1)).toBeLessThan(0.01);

    // The DIALS geometry was refined on the first 9 images only; the spots of the wedges at 45° and
    // 90° sit up to a quarter of a reciprocal-lattice spacing off with it (README: LSQ rms
    // 5.7e-3 Å⁻¹). So the detector-space fit refines the rotation axis (chi, theta) and the
    // detector (distance, beam centre, yaw, pitch) with the cell and the orientation.
    const peaks = spots.map((s) => ({ x: s.x, y: s.y, frame: s.z, intensity: s.intensity }));
    const res = refineLattice(
      peaks,
      { geometry: mapped.geometry, cell: conv.cell, latticeSystem: 'tetragonal', U: conv.U },
      {
        fit: ['a', 'c', 'U', 'distance', 'beamCenterX', 'beamCenterY', 'chi', 'theta', 'yaw', 'pitch'],
        hklTolerance: 0.006,
        isAbsent: (h) => isSystematicallyAbsent(sg, h),
      },
    );
    const cell = res.model.cell;
    for (const k of ['a', 'b', 'c'] as const)
      expect(Math.abs(cell[k] / PUBLISHED[k] - 1)).toBeLessThan(0.005);
    for (const k of ['alpha', 'beta', 'gamma'] as const)
      expect(Math.abs(cell[k] - PUBLISHED[k])).toBeLessThan(0.5);
    // Nearly all of the 664 spots XDS indexed are indexed here too.
    const xds = spots.map((s) => s.hkl.some((v) => v !== 0));
    const both = res.peaks.filter((p, i) => p.included && xds[i]).length;
    expect(both).toBeGreaterThanOrEqual(0.95 * xds.filter(Boolean).length);
    console.info(
      `DIALS centroid_test_data: FFT ${fft.indexed}/${spots.length} indexed, conventional ${fmt(conv.cell)}; ` +
        `refined a = ${cell.a.toFixed(4)} ± ${res.parameters[0]!.esd.toFixed(4)}, c = ${cell.c.toFixed(4)} ± ${res.parameters[2]!.esd.toFixed(4)} Å ` +
        `(published 42.2085, 39.6927), ${res.statistics.indexed} indexed, rms ${res.statistics.rmsdQ.toExponential(2)} Å⁻¹, ` +
        `RMSD ${res.statistics.rmsdPixels.toFixed(2)} px ${res.statistics.rmsdFrames.toFixed(2)} frames`,
    );
  });

  it('indexes the first wedge of SPOT.XDS with the cell of XDS.INP (42.45, 42.45, 39.80) by peak-pair matching', () => {
    // Where the DIALS geometry holds: the first wedge (frames 0–9), 269 spots.
    const wedge1 = spots.filter((s) => s.z < 20);
    expect(wedge1).toHaveLength(269);
    const r = indexWithKnownCell(
      wedge1.map((s) => qOf(s.x, s.y, s.z)),
      { a: 42.45, b: 42.45, c: 39.8, alpha: 90, beta: 90, gamma: 90 },
      sg,
      { lengthTolerance: 0.01, angleTolerance: 1 },
    );
    expect(r.indexed).toBeGreaterThanOrEqual(0.95 * wedge1.length);
    // The orientation matches DIALS's crystal model (up to a 422 symmetry operation and the fixed frame rotation).
    const cell = cellOfUB(r.UB);
    expect(Math.abs(cell.a / PUBLISHED.a - 1)).toBeLessThan(0.01);
    expect(Math.abs(cell.c / PUBLISHED.c - 1)).toBeLessThan(0.01);
  });
});

function fmt(c: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number }): string {
  return `${c.a.toFixed(3)}, ${c.b.toFixed(3)}, ${c.c.toFixed(3)} Å, ${c.alpha.toFixed(2)}, ${c.beta.toFixed(2)}, ${c.gamma.toFixed(2)}°`;
}
