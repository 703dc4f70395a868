/**
 * Ring picking on a simulated Pilatus 300K CeO2 image: NXRefine's search-box maximum, the click
 * tracer and Autogenerate Rings put their points on the right ring, all the way round.
 */
import { describe, expect, it } from 'vitest';
import { computeCalibrantLines, twoThetaOfD } from '../../../src/refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../../src/refine/calibrate/calibrants.ts';
import type { PowderGeometry } from '../../../src/refine/calibrate/models.ts';
import { createPowderFrame } from '../../../src/refine/calibrate/powder-geometry.ts';
import {
  autogenerateRings,
  estimateRingWidth,
  findLocalMaximum,
  pickRingFromClick,
  refinePeakPosition,
} from '../../../src/refine/calibrate/ring-picking.ts';
import { simulateCalibrantImage } from '../../../src/refine/simulate/calibrant-image.ts';

const truth: PowderGeometry = {
  wavelength: 0.5,
  distance: 120,
  beamCenterX: 243.6,
  beamCenterY: 300.2,
  yaw: 0.5,
  pitch: 0.3,
  roll: 0,
  pixelSize: 0.172,
  shape: [619, 487],
  detectorOrientation: '-y +z -x',
};
const lines = computeCalibrantLines(findCalibrant('CeO2'), { wavelength: truth.wavelength });
const sim = simulateCalibrantImage({ geometry: truth, lines, seed: 11 });
const image = { shape: sim.shape, data: sim.data, mask: sim.mask };
const frame = createPowderFrame(truth);
const deg = (r: number): number => (r * 180) / Math.PI;

describe('ring picking', () => {
  it("findLocalMaximum uses NXRefine's box (round(x − s/2) … + s − 1) and skips invalid pixels", () => {
    const data = new Float64Array(20 * 20);
    data[5 * 20 + 7] = 10;
    data[9 * 20 + 12] = 50; // outside the box of (7, 5) with s = 6: columns 4…9, rows 2…7
    data[6 * 20 + 8] = -1; // a gap value
    expect(findLocalMaximum({ shape: [20, 20], data }, 7, 5, 6)).toEqual({ x: 7, y: 5, value: 10 });
    expect(findLocalMaximum({ shape: [20, 20], data }, 11, 8, 6)).toEqual({ x: 12, y: 9, value: 50 });
    const mask = new Uint8Array(400);
    mask[5 * 20 + 7] = 1;
    expect(findLocalMaximum({ shape: [20, 20], data, mask }, 7, 5, 6)?.value).toBe(0);
    expect(refinePeakPosition({ shape: [20, 20], data }, 12, 9, 2)).toEqual({ x: 12, y: 9, height: 50 });
  });

  it('a click on ring 3 gives points on ring 3 only, around the whole ring', () => {
    const tth = twoThetaOfD(lines[2]!.d, truth.wavelength);
    const p = frame.ringPoint(tth, 1.0)!;
    // a rough geometry: 1.5 % off in distance, centre 3 px off
    const rough = {
      ...truth,
      distance: truth.distance * 1.015,
      beamCenterX: truth.beamCenterX + 3,
      yaw: 0,
      pitch: 0,
    };
    const points = pickRingFromClick(image, rough, p.x + 2, p.y - 1, 2, { lines });
    expect(points.length).toBeGreaterThan(60);
    expect(points.every((q) => q.ring === 2)).toBe(true);
    const errors = points.map((q) => Math.abs(deg(frame.twoTheta(q.x, q.y) - tth)));
    expect(Math.max(...errors)).toBeLessThan(0.02); // on the ring (σ of the ring 0.02°)
    const azimuths = points.map((q) => frame.azimuth(q.x, q.y)).sort((a, b) => a - b);
    expect(azimuths[azimuths.length - 1]! - azimuths[0]!).toBeGreaterThan(5); // all round (radians)
  });

  it('a click where there is no ring gives nothing', () => {
    const between = (twoThetaOfD(lines[0]!.d, 0.5) + twoThetaOfD(lines[1]!.d, 0.5)) / 2;
    const p = frame.ringPoint(between, 2.0)!;
    expect(pickRingFromClick(image, truth, p.x, p.y, 0, { lines, searchSize: 6 })).toEqual([]);
  });

  it('Autogenerate Rings labels every point with its line and finds all the visible rings', () => {
    const points = autogenerateRings(image, truth, lines, { rings: 6 });
    const rings = new Set(points.map((q) => q.ring));
    expect([...rings].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    let worst = 0;
    for (const q of points) {
      const d = Math.abs(deg(frame.twoTheta(q.x, q.y) - twoThetaOfD(lines[q.ring]!.d, 0.5)));
      worst = Math.max(worst, d);
    }
    expect(worst).toBeLessThan(0.02);
    // no point sits on a module gap or next to one (the centroid box must be clean)
    for (const q of points) expect(sim.mask[Math.round(q.y) * 487 + Math.round(q.x)]).toBe(0);
    // ring width: σ 0.02° of 2θ ≈ 0.4 px at 120 mm, integrated over 0.172 mm pixels → FWHM ≈ 1.5 px
    const fwhm = estimateRingWidth(image, truth, points);
    expect(fwhm).toBeGreaterThanOrEqual(1);
    expect(fwhm).toBeLessThanOrEqual(2.5);
  });

  it('refuses a nonsense search size', () => {
    expect(() => autogenerateRings(image, truth, lines, { searchSize: 1 })).toThrow(/search size/);
  });
});
