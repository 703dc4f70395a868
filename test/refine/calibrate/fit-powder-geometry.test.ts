/**
 * The powder fit on exact ring points (made with the forward model): it must return the truth
 * exactly, free the wavelength when asked, refuse what it cannot do, and drop outliers.
 */
import { describe, expect, it } from 'vitest';
import { computeCalibrantLines, twoThetaOfD } from '../../../src/refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../../src/refine/calibrate/calibrants.ts';
import { fitPowderGeometry } from '../../../src/refine/calibrate/fit-powder-geometry.ts';
import type { PowderGeometry, RingPoint } from '../../../src/refine/calibrate/models.ts';
import { createPowderFrame } from '../../../src/refine/calibrate/powder-geometry.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';
import { NxrError } from '../../../src/shared/errors.ts';

const truth: PowderGeometry = {
  wavelength: 0.6,
  distance: 300,
  beamCenterX: 735.4,
  beamCenterY: 841.9,
  yaw: 0.8,
  pitch: -1.1,
  roll: 0.4,
  pixelSize: 0.172,
  shape: [1679, 1475],
  detectorOrientation: '-y +z -x',
};
const lines = computeCalibrantLines(findCalibrant('CeO2'), { wavelength: truth.wavelength });

/** Points exactly on rings 0…n−1, every 10°, inside the detector. */
function ringPoints(g: PowderGeometry, n: number, noisePx = 0, seed = 1): RingPoint[] {
  const f = createPowderFrame(g);
  const random = createRandom(seed, 8);
  const out: RingPoint[] = [];
  for (let ring = 0; ring < n; ring++) {
    const tth = twoThetaOfD(lines[ring]!.d, g.wavelength);
    for (let k = 0; k < 36; k++) {
      const p = f.ringPoint(tth, (k * Math.PI) / 18);
      if (!p || p.x < 0 || p.y < 0 || p.x > g.shape[1] - 1 || p.y > g.shape[0] - 1) continue;
      out.push({ x: p.x + noisePx * random.normal(), y: p.y + noisePx * random.normal(), ring });
    }
  }
  return out;
}

const rough: PowderGeometry = {
  ...truth,
  distance: 306,
  beamCenterX: 739,
  beamCenterY: 838,
  yaw: 0,
  pitch: 0,
};

describe('fitPowderGeometry', () => {
  it('recovers the exact geometry from exact points (default flags: distance, centre, yaw, pitch)', () => {
    const points = ringPoints(truth, 8);
    const r = fitPowderGeometry(points, { ...rough, roll: 0 }, { lines });
    expect(r.fitted).toEqual(['distance', 'beamCenterX', 'beamCenterY', 'yaw', 'pitch']);
    expect(Math.abs(r.geometry.distance - truth.distance)).toBeLessThan(1e-7);
    expect(Math.abs(r.geometry.beamCenterX - truth.beamCenterX)).toBeLessThan(1e-7);
    expect(Math.abs(r.geometry.beamCenterY - truth.beamCenterY)).toBeLessThan(1e-7);
    expect(Math.abs(r.geometry.yaw - truth.yaw)).toBeLessThan(1e-8);
    expect(Math.abs(r.geometry.pitch - truth.pitch)).toBeLessThan(1e-8);
    expect(r.rms).toBeLessThan(1e-9);
    expect(r.geometry.roll).toBe(0); // roll does not change 2θ: any value fits
    expect(r.usedCount).toBe(points.length);
    expect(r.rings.map((s) => s.ring)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('frees the wavelength together with the distance (several rings separate them)', () => {
    const points = ringPoints(truth, 10);
    const r = fitPowderGeometry(points, { ...rough, wavelength: 0.61 }, { lines, fit: { wavelength: true } });
    expect(r.fitted).toContain('wavelength');
    expect(Math.abs(r.geometry.wavelength - truth.wavelength)).toBeLessThan(1e-9);
    expect(Math.abs(r.geometry.distance - truth.distance)).toBeLessThan(1e-6);
  });

  it('esds scale with the point scatter, and a point on the wrong ring is dropped', () => {
    const points = ringPoints(truth, 8, 0.2, 3);
    const wrong = { ...points[5]!, ring: 7 };
    const r = fitPowderGeometry([...points, wrong], rough, { lines });
    expect(r.used[points.length]).toBe(0);
    expect(r.usedCount).toBeGreaterThanOrEqual(points.length - 3);
    expect(Math.abs(r.geometry.beamCenterX - truth.beamCenterX)).toBeLessThan(5 * r.esds.beamCenterX!);
    expect(Math.abs(r.geometry.distance - truth.distance)).toBeLessThan(5 * r.esds.distance!);
    expect(r.esds.beamCenterX!).toBeGreaterThan(1e-3);
    expect(r.esds.beamCenterX!).toBeLessThan(0.05);
    // rms ≈ 0.2 px of scatter, in degrees of 2θ at 300 mm (only its radial part counts)
    expect(r.rms).toBeGreaterThan(0.2 * (0.172 / 300) * (180 / Math.PI) * 0.4);
    expect(r.rms).toBeLessThan(0.2 * (0.172 / 300) * (180 / Math.PI) * 1.5);
  });

  it('says so when roll is asked for, and keeps fixed parameters fixed', () => {
    const points = ringPoints(truth, 6);
    const r = fitPowderGeometry(
      points,
      { ...truth, distance: 301 },
      {
        lines,
        fit: { roll: true, beamCenterX: false, beamCenterY: false, yaw: false, pitch: false },
      },
    );
    expect(r.fitted).toEqual(['distance']);
    expect(r.notes.join(' ')).toMatch(/roll .* does not change 2θ/);
    expect(r.geometry.roll).toBe(truth.roll);
    expect(r.geometry.beamCenterX).toBe(truth.beamCenterX);
    expect(Math.abs(r.geometry.distance - truth.distance)).toBeLessThan(1e-7);
  });

  it('refuses bad input clearly', () => {
    const points = ringPoints(truth, 3);
    expect(() => fitPowderGeometry(points.slice(0, 3), truth, { lines })).toThrow(
      /3 points for 5 parameters/,
    );
    expect(() => fitPowderGeometry([{ x: 1, y: 1, ring: 99 }, ...points], truth, { lines })).toThrow(
      /ring 100, but the calibrant has/,
    );
    expect(() =>
      fitPowderGeometry(points, truth, {
        lines,
        fit: { distance: false, beamCenterX: false, beamCenterY: false, yaw: false, pitch: false },
      }),
    ).toThrow(NxrError);
    expect(() =>
      fitPowderGeometry([{ x: 1, y: 1, ring: 0 }, ...points], { ...truth, wavelength: 7 }, { lines }),
    ).toThrow(/cannot diffract/);
  });
});
