/**
 * Self-consistency of the geometry for random tilted detectors, goniometers, cells of all seven
 * crystal systems and orientations: HKL → (x, y, frame) → HKL and pixel → HKL → pixel.
 */
import { describe, expect, it } from 'vitest';
import { computeAzimuthalAngle, computePolarAngle } from '../../../src/refine/geometry/angles.ts';
import { createPixelMapper } from '../../../src/refine/geometry/create-pixel-mapper.ts';
import type { Geometry, Mat3, UnitCell, Vec3 } from '../../../src/refine/geometry/models.ts';
import { parseDetectorOrientation } from '../../../src/refine/geometry/parse-detector-orientation.ts';
import { pixelToHkl } from '../../../src/refine/geometry/pixel-to-hkl.ts';
import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { predictReflection } from '../../../src/refine/geometry/predict-reflection.ts';
import { applyCellConstraints } from '../../../src/refine/lattice/apply-cell-constraints.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { computeUB } from '../../../src/refine/lattice/ub-matrix.ts';
import { multiplyMat3 } from '../../../src/refine/linalg/mat3.ts';
import { rotationMatrix } from '../../../src/refine/linalg/rotation-matrix.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { ORACLE_GEOMETRY, ORACLE_GEOMETRY_NO_TILT, ORACLE_UBMAT } from '../fixtures/nxrefine-oracle.ts';

/** Seeded uniform generator (mulberry32). */
function makeRandom(seed: number): (lo: number, hi: number) => number {
  let t = seed >>> 0;
  return (lo, hi) => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return lo + (hi - lo) * (((r ^ (r >>> 14)) >>> 0) / 4294967296);
  };
}

const SYSTEMS = [
  'triclinic',
  'monoclinic',
  'orthorhombic',
  'tetragonal',
  'rhombohedral',
  'hexagonal',
  'cubic',
] as const;

function randomCase(seed: number, system: (typeof SYSTEMS)[number]) {
  const rnd = makeRandom(seed);
  const raw: UnitCell = {
    a: rnd(3, 9),
    b: rnd(3, 9),
    c: rnd(3, 12),
    alpha: rnd(75, 105),
    beta: rnd(75, 115),
    gamma: rnd(70, 110),
  };
  const cell = applyCellConstraints(raw, system);
  const U: Mat3 = multiplyMat3(
    rotationMatrix(3, rnd(-180, 180)),
    rotationMatrix(1, rnd(-90, 90)),
    rotationMatrix(3, rnd(-180, 180)),
  );
  const g: Geometry = {
    wavelength: rnd(0.15, 0.8),
    distance: rnd(300, 900),
    pixelSize: 0.172,
    shape: [1679, 1475],
    beamCenterX: rnd(600, 850),
    beamCenterY: rnd(750, 950),
    yaw: rnd(-2, 2),
    pitch: rnd(-2, 2),
    roll: rnd(-2, 2),
    detectorOrientation: '-y +z -x',
    phiStart: rnd(-10, 10),
    phiStep: rnd(0.05, 0.2) * (seed % 2 ? -1 : 1),
    chi: rnd(-30, 30),
    omega: rnd(-10, 10),
    theta: rnd(-3, 3),
    sampleOffset: seed % 3 === 0 ? [rnd(-0.5, 0.5), rnd(-0.5, 0.5), rnd(-0.5, 0.5)] : [0, 0, 0],
  };
  return { cell, U, UB: computeUB(U, computeBMatrix(cell)), g, rnd };
}

describe('HKL → (x, y, frame) → HKL, exact plane', () => {
  for (const [i, system] of SYSTEMS.entries()) {
    for (const seed of [11 + i, 101 + i, 1001 + i]) {
      it(`${system}, seed ${seed}`, () => {
        const { UB, g } = randomCase(seed, system);
        let n = 0;
        for (let h = -3; h <= 3; h++)
          for (let k = -3; k <= 3; k++)
            for (let l = -3; l <= 3; l++) {
              for (const s of predictReflection(g, UB, [h, k, l])) {
                const back = pixelToHkl(g, UB, s.x, s.y, s.frame);
                expect(Math.abs(back[0] - h) + Math.abs(back[1] - k) + Math.abs(back[2] - l)).toBeLessThan(
                  1e-8,
                );
                expect(s.phi).toBeCloseTo(g.phiStart + g.phiStep * s.frame, 9);
                n++;
              }
            }
        expect(n).toBeGreaterThan(100);
      });
    }
  }
});

describe('pixel → HKL → pixel, exact plane', () => {
  for (const [i, system] of SYSTEMS.entries()) {
    it(`${system}: 200 random pixels and frames to 1e-6 px`, () => {
      const { UB, g, rnd } = randomCase(7 + 13 * i, system);
      const N = 360 / Math.abs(g.phiStep);
      for (let t = 0; t < 200; t++) {
        const x = rnd(0, 1475);
        const y = rnd(0, 1679);
        const frame = rnd(0, N);
        const hkl = pixelToHkl(g, UB, x, y, frame);
        const spots = predictReflection(g, UB, hkl);
        const s = spots.reduce((p, q) => (Math.abs(q.frame - frame) < Math.abs(p.frame - frame) ? q : p));
        expect(Math.abs(s.frame - frame)).toBeLessThan(1e-6);
        expect(Math.abs(s.x - x)).toBeLessThan(1e-6);
        expect(Math.abs(s.y - y)).toBeLessThan(1e-6);
      }
    });
  }
});

describe('frame unwrapping rule', () => {
  const g = ORACLE_GEOMETRY;
  it('without a window: one copy per crossing, frame in [0, 360/|Δφ|)', () => {
    for (const hkl of [
      [1, 0, 0],
      [0, -2, 2],
      [2, -1, -5],
    ] as Vec3[]) {
      const s = predictReflection(g, ORACLE_UBMAT, hkl);
      expect(s).toHaveLength(2);
      for (const p of s) {
        expect(p.frame).toBeGreaterThanOrEqual(0);
        expect(p.frame).toBeLessThan(3600);
      }
    }
  });
  it('a 720° window returns both turns, 3600 frames apart; a narrow window drops crossings outside it', () => {
    const one = predictReflection(g, ORACLE_UBMAT, [1, 0, 0]);
    const two = predictReflection(g, ORACLE_UBMAT, [1, 0, 0], { frameRange: [0, 7199] });
    expect(two).toHaveLength(4);
    expect(two[2]!.frame - two[0]!.frame).toBeCloseTo(3600, 9);
    expect(two[2]!.x).toBeCloseTo(two[0]!.x, 9);
    expect(two.slice(0, 2).map((p) => p.frame)).toEqual(one.map((p) => p.frame));
    expect(predictReflection(g, ORACLE_UBMAT, [1, 0, 0], { frameRange: [0, 1000] })).toHaveLength(1);
    // NXRefine's rule is the window [25, 3625): a crossing at frame 10 is reported at 3610.
    const early = { ...g, phiStart: one[0]!.phi - 1 }; // crossing at frame 10
    const nx = predictReflection(early, ORACLE_UBMAT, [1, 0, 0], { frameRange: [25, 3625] });
    expect(nx.map((p) => Math.round(p.frame))).toContain(3610);
    expect(() => predictReflection(g, ORACLE_UBMAT, [1, 0, 0], { frameRange: [10, 0] })).toThrow(NxrError);
  });
  it('negative φ steps: frame and φ stay consistent with the inverse', () => {
    const rev = { ...g, phiStart: 355, phiStep: -0.1 };
    for (const p of predictReflection(rev, ORACLE_UBMAT, [1, 1, 3])) {
      expect(p.frame).toBeGreaterThanOrEqual(0);
      expect(p.phi).toBeCloseTo(355 - 0.1 * p.frame, 9);
      const back = pixelToHkl(rev, ORACLE_UBMAT, p.x, p.y, p.frame);
      expect(Math.abs(back[0] - 1) + Math.abs(back[1] - 1) + Math.abs(back[2] - 3)).toBeLessThan(1e-9);
    }
  });
  it('(000), unreachable and on-axis reflections give no spots; onDetectorOnly filters', () => {
    expect(predictReflection(g, ORACLE_UBMAT, [0, 0, 0])).toEqual([]);
    expect(predictReflection(g, ORACLE_UBMAT, [40, 0, 0])).toEqual([]); // |q| > 2/λ
    const axial = { ...g, chi: 0, omega: 0, theta: 0 };
    expect(
      predictReflection(
        axial,
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 0.1],
        ],
        [0, 0, 1],
      ),
    ).toEqual([]);
    const all = predictReflection(g, ORACLE_UBMAT, [6, 0, 0]);
    const on = predictReflection(g, ORACLE_UBMAT, [6, 0, 0], { onDetectorOnly: true });
    expect(all.length).toBe(2);
    expect(on.length).toBeLessThan(all.length);
    for (const p of on) expect(p.x >= -0.5 && p.x < 1474.5 && p.y >= -0.5 && p.y < 1678.5).toBe(true);
  });
  it('the two plane modes coincide for an untilted detector', () => {
    for (const hkl of [
      [1, 1, 0],
      [-1, 2, 1],
    ] as Vec3[]) {
      const a = predictReflection(ORACLE_GEOMETRY_NO_TILT, ORACLE_UBMAT, hkl);
      const b = predictReflection(ORACLE_GEOMETRY_NO_TILT, ORACLE_UBMAT, hkl, { plane: 'nxrefine-untilted' });
      a.forEach((p, i) => {
        expect(p.x).toBeCloseTo(b[i]!.x, 9);
        expect(p.y).toBeCloseTo(b[i]!.y, 9);
      });
    }
  });
});

describe('pixel mapper', () => {
  for (const seed of [3, 4]) {
    it(`matches pixelToHkl / pixelToQSample / computePolarAngle (seed ${seed}, sample offset ${seed % 3 === 0})`, () => {
      const { UB, g, rnd } = randomCase(seed, 'monoclinic');
      const mapper = createPixelMapper(g);
      const frame = rnd(0, 3000);
      const [h, k, l] = mapper.mapToHkl(UB, frame);
      const [qx, qy, qz] = mapper.mapToQSample(frame, { rows: [100, 140] });
      const tth = mapper.mapPolarAngles(frame);
      const [ny, nx] = g.shape;
      expect(h.length).toBe(ny * nx);
      expect(qx.length).toBe(40 * nx);
      for (let t = 0; t < 300; t++) {
        const x = Math.floor(rnd(0, nx));
        const y = Math.floor(rnd(0, ny));
        const ref = pixelToHkl(g, UB, x, y, frame);
        const i = y * nx + x;
        expect(Math.abs(h[i]! - ref[0]) + Math.abs(k[i]! - ref[1]) + Math.abs(l[i]! - ref[2])).toBeLessThan(
          1e-11,
        );
        expect(Math.abs(tth[i]! - computePolarAngle(g, x, y, { frame }))).toBeLessThan(1e-9);
        if (y >= 100 && y < 140) {
          const q = pixelToQSample(g, x, y, frame);
          const j = (y - 100) * nx + x;
          expect(Math.abs(qx[j]! - q[0]) + Math.abs(qy[j]! - q[1]) + Math.abs(qz[j]! - q[2])).toBeLessThan(
            1e-13,
          );
        }
      }
    });
  }
  it('CCTW pixel offset ½, output reuse, bad arguments', () => {
    const mapper = createPixelMapper(ORACLE_GEOMETRY, { pixelOffset: 0.5 });
    const out: [Float64Array, Float64Array, Float64Array] = [
      new Float64Array(1475),
      new Float64Array(1475),
      new Float64Array(1475),
    ];
    const res = mapper.mapToHkl(ORACLE_UBMAT, 100, { rows: [900, 901], out });
    expect(res[0]).toBe(out[0]);
    const ref = pixelToHkl(ORACLE_GEOMETRY, ORACLE_UBMAT, 1000.5, 900.5, 100);
    expect(out[0][1000]).toBeCloseTo(ref[0], 12);
    expect(out[2][1000]).toBeCloseTo(ref[2], 12);
    expect(() => mapper.mapToHkl(ORACLE_UBMAT, 0, { rows: [0, 5000] })).toThrow(NxrError);
    expect(() => mapper.mapToHkl(ORACLE_UBMAT, 0, { rows: [0, 2], out })).toThrow(/at least 2950/);
  });
});

describe('angles with tilts', () => {
  it('exact and NXRefine conventions differ on a tilted detector, agree on an untilted one', () => {
    const p = [100, 100] as const;
    const exact = computePolarAngle(ORACLE_GEOMETRY, ...p);
    const nx = computePolarAngle(ORACLE_GEOMETRY, ...p, { convention: 'nxrefine' });
    expect(Math.abs(exact - nx)).toBeGreaterThan(1e-3);
    expect(computeAzimuthalAngle(ORACLE_GEOMETRY, 1000, 850.25)).toBeCloseTo(90, 0);
    expect(computeAzimuthalAngle(ORACLE_GEOMETRY_NO_TILT, 730.5, 0)).toBe(180);
  });
});

describe('detector orientation and geometry validation', () => {
  it('parses signed axis strings and orthonormal matrices', () => {
    expect(parseDetectorOrientation('-y +z -x')).toEqual([
      [0, -1, 0],
      [0, 0, 1],
      [-1, 0, 0],
    ]);
    expect(parseDetectorOrientation('-Y+Z-X')).toEqual(parseDetectorOrientation('-y +z -x'));
    expect(parseDetectorOrientation('y z x')).toEqual([
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const m: Mat3 = [
      [0, 0, 1],
      [0, 1, 0],
      [-1, 0, 0],
    ];
    expect(parseDetectorOrientation(m)).toEqual(m);
  });
  it('rejects nonsense with BAD_PARAMETER', () => {
    expect(() => parseDetectorOrientation('-y +y -x')).toThrow(/names lab axis y twice/);
    expect(() => parseDetectorOrientation('up down')).toThrow(NxrError);
    expect(() =>
      parseDetectorOrientation([
        [1, 1, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]),
    ).toThrow(/not an orthonormal/);
    expect(() => pixelToQSample({ ...ORACLE_GEOMETRY, wavelength: 0 }, 1, 1, 1)).toThrow(
      /wavelength must be a positive/,
    );
    expect(() => pixelToQSample({ ...ORACLE_GEOMETRY, phiStep: 0 }, 1, 1, 1)).toThrow(
      /phiStep must not be zero/,
    );
    expect(() => pixelToQSample({ ...ORACLE_GEOMETRY, chi: NaN }, 1, 1, 1)).toThrow(/chi must be a finite/);
    expect(() => pixelToQSample({ ...ORACLE_GEOMETRY, shape: [0, 10] }, 1, 1, 1)).toThrow(/shape/);
  });
});
