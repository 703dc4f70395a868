/**
 * Ring positions and polarization with the app's detector model: ringPoint is the inverse of
 * (twoTheta, azimuth), and the polarization array is pyFAI's.
 */
import { describe, expect, it } from 'vitest';
import { poniToPowderGeometry } from '../../../src/refine/calibrate/poni-conversion.ts';
import { parsePoni } from '../../../src/refine/calibrate/poni.ts';
import { computePolarizationArray, polarizationOfRay } from '../../../src/refine/calibrate/polarization.ts';
import { checkPowderGeometry, createPowderFrame } from '../../../src/refine/calibrate/powder-geometry.ts';
import type { PowderGeometry } from '../../../src/refine/calibrate/models.ts';
import { pyfai } from './pyfai-fixture.ts';

const base: PowderGeometry = {
  wavelength: 0.5,
  distance: 300,
  beamCenterX: 700.2,
  beamCenterY: 820.6,
  yaw: 1.7,
  pitch: -2.3,
  roll: 0.8,
  pixelSize: 0.172,
  shape: [1679, 1475],
  detectorOrientation: '-y +z -x',
};

describe('powder frame', () => {
  it('ringPoint(2θ, ψ) lands on a pixel with that 2θ and azimuth (tilted detector)', () => {
    const f = createPowderFrame(base);
    let worst = 0;
    for (const tthDeg of [1, 5, 12.5, 20, 27]) {
      for (let k = 0; k < 36; k++) {
        const tth = (tthDeg * Math.PI) / 180;
        const psi = -Math.PI + (k * Math.PI) / 18 + 0.01;
        const p = f.ringPoint(tth, psi)!;
        worst = Math.max(worst, Math.abs(f.twoTheta(p.x, p.y) - tth));
        const dpsi = f.azimuth(p.x, p.y) - psi;
        worst = Math.max(worst, Math.abs(Math.atan2(Math.sin(dpsi), Math.cos(dpsi))));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('a ray parallel to the detector plane misses it', () => {
    const f = createPowderFrame({ ...base, yaw: 0, pitch: 0, roll: 0 });
    expect(f.ringPoint(Math.PI / 2, 0.3)).toBeUndefined();
    expect(f.ringPoint((100 * Math.PI) / 180, 0.3)).toBeUndefined();
  });

  it('checks its input', () => {
    expect(() => checkPowderGeometry({ ...base, distance: 0 })).toThrow(/distance must be a positive number/);
    expect(() => checkPowderGeometry({ ...base, shape: [0, 3] })).toThrow(/shape/);
    expect(() => checkPowderGeometry({ ...base, detectorOrientation: 'up' })).toThrow(/detector orientation/);
  });
});

describe('polarization, against pyFAI polarization(factor=0.99)', () => {
  pyfai.geometries.forEach((fx, n) => {
    it(`geometry ${n}`, () => {
      const g = poniToPowderGeometry(parsePoni(fx.poni_text));
      const frame = createPowderFrame(g).frame;
      fx.pixels.forEach(([row, col], i) => {
        const m = frame.pixelToLab;
        const dx = col - g.beamCenterX;
        const dy = row - g.beamCenterY;
        const v0 = m[0][0] * dx + m[0][1] * dy + g.distance;
        const v1 = m[1][0] * dx + m[1][1] * dy;
        const v2 = m[2][0] * dx + m[2][1] * dy;
        expect(Math.abs(polarizationOfRay(v0, v1, v2, 0.99) - fx.polarization[i]!)).toBeLessThan(1e-12);
      });
      if (g.shape[0] * g.shape[1] <= 2_000_000) {
        const array = computePolarizationArray(g, 0.99);
        for (const [r, c, value] of fx.polarization_array)
          expect(Math.abs(array[r * g.shape[1] + c]! - value)).toBeLessThan(1e-7); // both float32
      }
    });
  });
});

describe('predicted ring curves', () => {
  it('lie on their 2θ, break where they leave the detector, and skip rings off the detector', async () => {
    const { predictRingCurves } = await import('../../../src/refine/calibrate/ring-curves.ts');
    const lines = [4.2, 2.1, 1.0, 0.3]; // d, Å
    const g = { ...base, wavelength: 0.5 };
    const curves = predictRingCurves(g, lines, 4);
    const f = createPowderFrame(g);
    expect(curves.map((c) => c.ring)).toEqual([0, 1, 2]); // 0.3 Å: 2θ = 112°, behind the detector plane
    for (const c of curves) {
      const tth = 2 * Math.asin(0.5 / (2 * lines[c.ring]!));
      c.x.forEach((x, i) => {
        if (Number.isNaN(x)) return;
        expect(Math.abs(f.twoTheta(x, c.y[i]!) - tth)).toBeLessThan(1e-12);
        expect(x).toBeGreaterThanOrEqual(-0.5);
        expect(x).toBeLessThanOrEqual(1475 - 0.5);
      });
    }
    // ring 3 (d = 1 Å, 2θ = 28.96°, r ≈ 970 px) is cut by the detector edges: it has breaks
    expect(curves[2]!.x.some(Number.isNaN)).toBe(true);
    expect(curves[0]!.x.some(Number.isNaN)).toBe(false);
  });
});
