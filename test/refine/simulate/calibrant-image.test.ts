/**
 * The simulated calibrant image: deterministic for a seed, module gaps at −1, ring pixels bright
 * where the geometry puts the rings and background counts elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { computeCalibrantLines, twoThetaOfD } from '../../../src/refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../../src/refine/calibrate/calibrants.ts';
import type { PowderGeometry } from '../../../src/refine/calibrate/models.ts';
import { createPowderFrame } from '../../../src/refine/calibrate/powder-geometry.ts';
import { simulateCalibrantImage } from '../../../src/refine/simulate/calibrant-image.ts';

const geometry: PowderGeometry = {
  wavelength: 0.5,
  distance: 120,
  beamCenterX: 243.6,
  beamCenterY: 300.2,
  yaw: 0.5,
  pitch: 0.3,
  roll: 0.2,
  pixelSize: 0.172,
  shape: [619, 487],
  detectorOrientation: '-y +z -x',
};
const lines = computeCalibrantLines(findCalibrant('CeO2'), { wavelength: 0.5 });

describe('simulateCalibrantImage', () => {
  const a = simulateCalibrantImage({ geometry, lines, seed: 3 });

  it('is the same image for the same seed and another for another seed', () => {
    const b = simulateCalibrantImage({ geometry, lines, seed: 3 });
    const c = simulateCalibrantImage({ geometry, lines, seed: 4 });
    expect(b.data).toEqual(a.data);
    expect(c.data).not.toEqual(a.data);
  });

  it('has the Pilatus 300K module gaps at −1, masked', () => {
    const [ny, nx] = a.shape;
    expect([ny, nx]).toEqual([619, 487]);
    for (const y of [195, 200, 211, 407, 423]) {
      expect(a.mask[y * nx + 100]).toBe(1);
      expect(a.data[y * nx + 100]).toBe(-1);
    }
    const gaps = a.mask.reduce((s, v) => s + v, 0);
    expect(gaps).toBe(2 * 17 * 487);
  });

  it('puts the rings where the geometry says, on a Poisson background', () => {
    const f = createPowderFrame(geometry);
    const [, nx] = a.shape;
    const onRing: number[] = [];
    const offRing: number[] = [];
    const t0 = twoThetaOfD(lines[0]!.d, 0.5);
    const t1 = twoThetaOfD(lines[1]!.d, 0.5);
    for (let k = 0; k < 72; k++) {
      const p = f.ringPoint(t0, (k * Math.PI) / 36)!;
      const q = f.ringPoint((t0 + t1) / 2, (k * Math.PI) / 36)!;
      const i = Math.round(p.y) * nx + Math.round(p.x);
      const j = Math.round(q.y) * nx + Math.round(q.x);
      if (!a.mask[i]) onRing.push(a.data[i]!);
      if (!a.mask[j]) offRing.push(a.data[j]!);
    }
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(onRing)).toBeGreaterThan(300);
    expect(mean(offRing)).toBeGreaterThan(10);
    expect(mean(offRing)).toBeLessThan(25);
    expect(a.lineIntensities[0]).toBeGreaterThan(0);
    expect(Math.max(...a.lineIntensities)).toBeCloseTo(3000, 6);
  });

  it('refuses nonsense options', () => {
    expect(() => simulateCalibrantImage({ geometry, lines, seed: 1, ringWidth: 0 })).toThrow(/ringWidth/);
  });
});
