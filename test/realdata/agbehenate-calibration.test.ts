/**
 * Real data: APS 15-ID-D AgBehenate_228.hdf5 (README §A1; Pilatus 100K, 195 × 487, λ = 0.73363 Å,
 * SDD 513.8 mm, 0.172 mm pixels). Its title says glassy carbon, but the image holds silver
 * behenate rings: arcs centred just off the left edge of the detector. The beam centre the file
 * states in pixels, (x, y) = (85.86, −5.42) in `15ID-D metadata/pin_ccd_center_{x,y}_pixel`, has
 * x and y swapped with respect to the array (rows, columns): around (−5.42, 85.86) the radial
 * profile peaks at the AgBh orders d(001)/n predicted from the file's wavelength and distance;
 * around (85.86, −5.42) it does not. Calibrating from the swapped centre gives the geometry below.
 */
import { describe, expect, it } from 'vitest';

import { readPowderImage } from '../../src/engine/io/read-powder-image.ts';
import { calibratePowderImage } from '../../src/refine/calibrate/calibrate-image.ts';
import { computeCalibrantLines, twoThetaOfD } from '../../src/refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../src/refine/calibrate/calibrants.ts';
import type { PowderGeometry } from '../../src/refine/calibrate/models.ts';
import { pyJson } from '../helpers/python.ts';
import { realdata } from '../helpers/realdata.ts';

const FILE = 'nexus-exampledata/APS/EPICSareaDetector/hdf5/AgBehenate_228.hdf5';

/** Mean counts in 1-pixel radial bins around (xc, yc). */
function radialProfile(
  data: Float32Array,
  nx: number,
  ny: number,
  xc: number,
  yc: number,
  rmax: number,
): number[] {
  const sum = new Float64Array(rmax);
  const count = new Float64Array(rmax);
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      const r = Math.round(Math.hypot(x - xc, y - yc));
      if (r < rmax && data[y * nx + x]! >= 0) {
        sum[r] = sum[r]! + data[y * nx + x]!;
        count[r] = count[r]! + 1;
      }
    }
  return Array.from(sum, (s, r) => (count[r]! > 20 ? s / count[r]! : NaN));
}

/** Radii (px) of local maxima standing 20 % above the mean of the profile ±6 px around them. */
function profilePeaks(p: number[]): number[] {
  const out: number[] = [];
  for (let r = 6; r < p.length - 6; r++) {
    const v = p[r]!;
    if (!Number.isFinite(v)) continue;
    const around = [...p.slice(r - 6, r - 2), ...p.slice(r + 3, r + 7)].filter(Number.isFinite);
    if (around.length < 6) continue;
    const base = around.reduce((a, b) => a + b, 0) / around.length;
    if (v >= p[r - 1]! && v >= p[r + 1]! && v > 1.2 * base) out.push(r);
  }
  return out;
}

describe('AgBehenate_228.hdf5', async () => {
  const img = await readPowderImage(realdata(FILE));
  const [ny, nx] = img.shape;
  const stated = pyJson<{ x: number; y: number; sdd: number; lam: number }>(
    `import sys, json, h5py
with h5py.File(sys.argv[1], 'r') as f:
    m = f['entry/instrument/15ID-D metadata']
    print(json.dumps({'x': float(m['pin_ccd_center_x_pixel'][0]), 'y': float(m['pin_ccd_center_y_pixel'][0]),
                      'sdd': float(m['SDD'][0]), 'lam': float(m['wavelength'][0])}))`,
    [realdata(FILE)],
  );
  const lines = computeCalibrantLines(findCalibrant('AgBh'), { wavelength: stated.lam });
  /** AgBh ring radii (px) on an untilted detector at the stated distance. */
  const predicted = lines
    .slice(0, 12)
    .map((l) => (stated.sdd * Math.tan(twoThetaOfD(l.d, stated.lam))) / 0.172);

  it('loads through the import path with the geometry the file states', () => {
    expect(img.shape).toEqual([195, 487]);
    expect(stated.x).toBeCloseTo(85.86, 10);
    expect(stated.y).toBeCloseTo(-5.42, 10);
    expect(stated.sdd).toBeCloseTo(513.8, 10);
    expect(stated.lam).toBeCloseTo(0.73362836, 8);
    expect(img.metadata.wavelength).toBeCloseTo(stated.lam, 8);
    expect(img.metadata).toMatchObject({ distance: 513.8, pixelSize: 0.172 });
  });

  it('shows AgBh rings around the stated centre with x and y swapped, not around the stated one', () => {
    const swapped = profilePeaks(radialProfile(img.data, nx, ny, stated.y, stated.x, 500));
    const asStated = profilePeaks(radialProfile(img.data, nx, ny, stated.x, stated.y, 500));
    const matched = (peaks: number[]): number =>
      predicted.filter((r) => peaks.some((p) => Math.abs(p - r) <= 2)).length;
    // orders 1…11 lie on the detector (order 12 at 455 px is at the edge of the profile)
    expect(matched(swapped)).toBeGreaterThanOrEqual(11);
    console.log(
      `AgBh orders matched by profile peaks: ${matched(swapped)} around (y, x), ${matched(asStated)} around (x, y) as stated`,
    );
    expect(matched(asStated)).toBeLessThanOrEqual(3);
    expect(predicted[0]).toBeCloseTo(37.5, 0);
  });

  it('calibrates from the file metadata (centre swapped): distance, centre and tilts', () => {
    const start: PowderGeometry = {
      wavelength: stated.lam,
      distance: stated.sdd,
      beamCenterX: stated.y,
      beamCenterY: stated.x,
      yaw: 0,
      pitch: 0,
      roll: 0,
      pixelSize: 0.172,
      shape: [ny, nx],
      detectorOrientation: '-y +z -x',
    };
    const r = calibratePowderImage({ shape: img.shape, data: img.data }, start, lines);
    const g = r.geometry;
    console.log(
      `AgBehenate_228: distance ${g.distance.toFixed(3)} ± ${r.fit.esds.distance!.toFixed(3)} mm, centre (${g.beamCenterX.toFixed(3)}, ${g.beamCenterY.toFixed(3)}) ± ` +
        `(${r.fit.esds.beamCenterX!.toFixed(3)}, ${r.fit.esds.beamCenterY!.toFixed(3)}) px, yaw ${g.yaw.toFixed(3)} ± ${r.fit.esds.yaw!.toFixed(3)}°, ` +
        `pitch ${g.pitch.toFixed(3)} ± ${r.fit.esds.pitch!.toFixed(3)}°, rms ${r.fit.rms.toExponential(2)}°, ${r.fit.usedCount}/${r.points.length} points on ${r.fit.rings.length} rings`,
    );
    expect(r.fit.rings.length).toBeGreaterThanOrEqual(11);
    expect(r.fit.rms).toBeLessThan(0.002); // ≈ 0.1 px at 515 mm
    // within 0.5 % of the stated distance, centre within 0.5 px of the (swapped) stated centre
    expect(Math.abs(g.distance / stated.sdd - 1)).toBeLessThan(0.005);
    expect(Math.abs(g.beamCenterX - stated.y)).toBeLessThan(0.5);
    expect(Math.abs(g.beamCenterY - stated.x)).toBeLessThan(0.5);
    // arcs over a 195-pixel strip determine the tilts only to about 0.05°
    expect(r.fit.esds.yaw!).toBeLessThan(0.1);
    expect(Math.abs(g.yaw)).toBeLessThan(1);
    expect(Math.abs(g.pitch)).toBeLessThan(1);
    // with the tilts held at 0 the distance moves by less than 0.1 %
    const flat = calibratePowderImage({ shape: img.shape, data: img.data }, start, lines, {
      fit: { yaw: false, pitch: false },
    });
    expect(Math.abs(flat.geometry.distance / g.distance - 1)).toBeLessThan(0.001);
    expect(flat.fit.rms).toBeLessThan(0.002);
  });
});
