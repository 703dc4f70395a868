/**
 * NXRefine's own numbers (spec §11) reproduced by the geometry core.
 */
import { describe, expect, it } from 'vitest';
import { computeAzimuthalAngle, computePolarAngle } from '../../../src/refine/geometry/angles.ts';
import { computeTiltMatrix } from '../../../src/refine/geometry/compute-tilt-matrix.ts';
import { computeDetectorFrame } from '../../../src/refine/geometry/detector-frame.ts';
import { computeGoniometerMatrix } from '../../../src/refine/geometry/goniometer.ts';
import type { Mat3, Vec3 } from '../../../src/refine/geometry/models.ts';
import { pixelToHkl } from '../../../src/refine/geometry/pixel-to-hkl.ts';
import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { predictReflection } from '../../../src/refine/geometry/predict-reflection.ts';
import { projectToDetector } from '../../../src/refine/geometry/project-to-detector.ts';
import { computeTwoThetaMax } from '../../../src/refine/geometry/two-theta-max.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { computeUB } from '../../../src/refine/lattice/ub-matrix.ts';
import { maxAbsDiffMat3, multiplyMat3, multiplyMat3Vec3 } from '../../../src/refine/linalg/mat3.ts';
import { rotationMatrix } from '../../../src/refine/linalg/rotation-matrix.ts';
import {
  ORACLE_ANGLES,
  ORACLE_BMAT_DIAG,
  ORACLE_CELL,
  ORACLE_DMAT,
  ORACLE_EXACT_SPOTS,
  ORACLE_GEOMETRY,
  ORACLE_GEOMETRY_NO_TILT,
  ORACLE_GMAT_0,
  ORACLE_GMAT_37_5,
  ORACLE_SPOTS,
  ORACLE_QMAX,
  ORACLE_T,
  ORACLE_TWO_THETA_MAX,
  ORACLE_UBMAT,
  ORACLE_UMAT,
  ORACLE_VOXELS,
} from '../fixtures/nxrefine-oracle.ts';

const U: Mat3 = multiplyMat3(rotationMatrix(1, 12), rotationMatrix(2, -25), rotationMatrix(3, 40));
const B = computeBMatrix(ORACLE_CELL);
const UB = computeUB(U, B);

/** Spots of the oracle table grouped by hkl, in table order (ascending φ = ascending frame). */
function oracleSolutions(hkl: Vec3): typeof ORACLE_SPOTS {
  return ORACLE_SPOTS.filter((s) => s.hkl.join() === hkl.join());
}
const HKLS: Vec3[] = [...new Set(ORACLE_SPOTS.map((s) => s.hkl.join()))].map(
  (k) => k.split(',').map(Number) as Vec3,
);

describe('§11.2 matrices', () => {
  it('T and Dmat = T⁻¹', () => {
    const T = computeTiltMatrix(ORACLE_GEOMETRY);
    expect(maxAbsDiffMat3(T, ORACLE_T)).toBeLessThan(1e-9);
    expect(maxAbsDiffMat3(computeDetectorFrame(ORACLE_GEOMETRY).D, ORACLE_DMAT)).toBeLessThan(1e-9);
  });
  it('G(0) and G(37.5)', () => {
    expect(maxAbsDiffMat3(computeGoniometerMatrix(ORACLE_GEOMETRY, 0), ORACLE_GMAT_0)).toBeLessThan(1e-9);
    expect(maxAbsDiffMat3(computeGoniometerMatrix(ORACLE_GEOMETRY, 37.5), ORACLE_GMAT_37_5)).toBeLessThan(
      1e-9,
    );
  });
  it('B (both conventions agree for an orthorhombic cell), U and UB', () => {
    const diag: Mat3 = [
      [ORACLE_BMAT_DIAG[0], 0, 0],
      [0, ORACLE_BMAT_DIAG[1], 0],
      [0, 0, ORACLE_BMAT_DIAG[2]],
    ];
    expect(maxAbsDiffMat3(B, diag)).toBeLessThan(1e-9);
    expect(maxAbsDiffMat3(computeBMatrix(ORACLE_CELL, { convention: 'nxrefine' }), diag)).toBeLessThan(1e-9);
    expect(maxAbsDiffMat3(U, ORACLE_UMAT)).toBeLessThan(1e-9);
    expect(maxAbsDiffMat3(UB, ORACLE_UBMAT)).toBeLessThan(1e-9);
  });
});

describe('§11.3 predicted spots, NXRefine untilted-plane mode', () => {
  for (const hkl of HKLS) {
    it(`(${hkl.join(',')}) tilted and no-tilt`, () => {
      const expected = oracleSolutions(hkl);
      const tilted = predictReflection(ORACLE_GEOMETRY, UB, hkl, { plane: 'nxrefine-untilted' });
      const flat = predictReflection(ORACLE_GEOMETRY_NO_TILT, UB, hkl, { plane: 'nxrefine-untilted' });
      expect(tilted).toHaveLength(2);
      expect(flat).toHaveLength(2);
      expected.forEach((e, i) => {
        const t = tilted[i]!;
        const f = flat[i]!;
        expect(Math.abs(t.x - e.xTilted)).toBeLessThan(1e-3);
        expect(Math.abs(t.y - e.yTilted)).toBeLessThan(1e-3);
        expect(Math.abs(t.frame - e.frame)).toBeLessThan(1e-3);
        // NXRefine rounds φ to 1e-4°.
        expect(Math.abs(t.phi - e.phi)).toBeLessThan(0.6e-4);
        expect(Math.abs(f.x - e.xNoTilt)).toBeLessThan(1e-3);
        expect(Math.abs(f.y - e.yNoTilt)).toBeLessThan(1e-3);
        expect(Math.abs(f.frame - e.frame)).toBeLessThan(1e-3);
        expect(Math.hypot(...multiplyMat3Vec3(B, hkl))).toBeCloseTo(e.invD, 6);
        // At NXRefine's own (rounded) φ the projection agrees to 1e-4 px.
        const atPhi = projectToDetector(ORACLE_GEOMETRY, multiplyMat3Vec3(UB, hkl), e.phi, {
          plane: 'nxrefine-untilted',
        })!;
        expect(Math.abs(atPhi.x - e.xTilted)).toBeLessThan(1e-4);
        expect(Math.abs(atPhi.y - e.yTilted)).toBeLessThan(1e-4);
      });
    });
  }

  it('the untilted-plane prediction is not the inverse of Gvec on a tilted detector (column "back")', () => {
    for (const e of ORACLE_SPOTS) {
      const back = pixelToHkl(ORACLE_GEOMETRY, UB, e.xTilted, e.yTilted, e.frame);
      for (let i = 0; i < 3; i++) expect(Math.abs(back[i]! - e.hklBack[i]!)).toBeLessThan(2e-5);
    }
  });
});

describe('§11.5 exact tilted-plane prediction (default)', () => {
  it('matches the CCTW-style intersections to 1e-3 px and 1e-3 frame', () => {
    for (const e of ORACLE_EXACT_SPOTS) {
      const spots = predictReflection(ORACLE_GEOMETRY, UB, e.hkl);
      expect(spots).toHaveLength(2);
      const s = spots.find((p) => Math.abs(p.frame - e.frame) < 0.01);
      expect(s).toBeDefined();
      expect(Math.abs(s!.x - e.x)).toBeLessThan(1e-3);
      expect(Math.abs(s!.y - e.y)).toBeLessThan(1e-3);
      expect(Math.abs(s!.frame - e.frame)).toBeLessThan(1e-3);
    }
  });
  it('is the exact inverse of pixelToHkl', () => {
    for (const hkl of HKLS) {
      for (const s of predictReflection(ORACLE_GEOMETRY, UB, hkl)) {
        const back = pixelToHkl(ORACLE_GEOMETRY, UB, s.x, s.y, s.frame);
        for (let i = 0; i < 3; i++) expect(Math.abs(back[i]! - hkl[i]!)).toBeLessThan(1e-9);
      }
    }
  });
});

describe('§11.4 polar and azimuthal angles', () => {
  for (const a of ORACLE_ANGLES) {
    it(`pixel (${a.x}, ${a.y})`, () => {
      for (const g of [ORACLE_GEOMETRY, ORACLE_GEOMETRY_NO_TILT]) {
        const opts = { convention: 'nxrefine' } as const;
        expect(Math.abs(computePolarAngle(g, a.x, a.y, opts) - a.polar)).toBeLessThan(1e-4);
        expect(Math.abs(computeAzimuthalAngle(g, a.x, a.y, opts) - a.azimuthal)).toBeLessThan(1e-4);
      }
      // The exact angles coincide with NXRefine's when the detector is not tilted.
      expect(Math.abs(computePolarAngle(ORACLE_GEOMETRY_NO_TILT, a.x, a.y) - a.polar)).toBeLessThan(1e-4);
      if (a.polar > 0)
        expect(Math.abs(computeAzimuthalAngle(ORACLE_GEOMETRY_NO_TILT, a.x, a.y) - a.azimuthal)).toBeLessThan(
          1e-4,
        );
    });
  }
  it('the exact polar angle on the tilted detector is 2θ = 2·asin(λ|Q|/2)', () => {
    for (const a of ORACLE_ANGLES) {
      const q = pixelToQSample(ORACLE_GEOMETRY, a.x, a.y, 0);
      const twoTheta = (2 * Math.asin((ORACLE_GEOMETRY.wavelength * Math.hypot(...q)) / 2) * 180) / Math.PI;
      expect(Math.abs(computePolarAngle(ORACLE_GEOMETRY, a.x, a.y) - twoTheta)).toBeLessThan(1e-10);
    }
  });
});

describe('§11.5 Q_sample and hkl of voxels', () => {
  for (const v of ORACLE_VOXELS) {
    it(`voxel (${v.x}, ${v.y}, ${v.z})`, () => {
      const q = pixelToQSample(ORACLE_GEOMETRY, v.x, v.y, v.z);
      const h = pixelToHkl(ORACLE_GEOMETRY, UB, v.x, v.y, v.z);
      const h0 = pixelToHkl(ORACLE_GEOMETRY_NO_TILT, UB, v.x, v.y, v.z);
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(q[i]! - v.qTilted[i]!)).toBeLessThan(1e-6);
        expect(Math.abs(h[i]! - v.hklTilted[i]!)).toBeLessThan(1e-6);
        expect(Math.abs(h0[i]! - v.hklNoTilt[i]!)).toBeLessThan(1e-6);
      }
    });
  }
});

describe('§11.4 two_theta_max and Qmax', () => {
  it('NXRefine convention reproduces its numbers; exact is the true corner 2θ', () => {
    const nx = computeTwoThetaMax(ORACLE_GEOMETRY, { convention: 'nxrefine' });
    expect(Math.abs(nx - ORACLE_TWO_THETA_MAX)).toBeLessThan(1e-12);
    const qmax = (4 * Math.PI * Math.sin(((nx / 2) * Math.PI) / 180)) / ORACLE_GEOMETRY.wavelength;
    expect(Math.abs(qmax - ORACLE_QMAX)).toBeLessThan(1e-12);
    // Exact (atan, pixel edges, tilts) is a little smaller than NXRefine's asin.
    const exact = computeTwoThetaMax(ORACLE_GEOMETRY_NO_TILT);
    const r = Math.hypot(1474.5 - 730.5, 850.25 + 0.5) * 0.172; // farthest corner (nx − ½, −½)
    expect(Math.abs(exact - (Math.atan(r / 650) * 180) / Math.PI)).toBeLessThan(1e-10);
    expect(exact).toBeLessThan(nx);
  });
});
