/**
 * PONI files and the PONI ↔ detector-field conversion, against pyFAI itself (fixture of six
 * geometries with tilts up to 14°, made by scripts/gen-calibration-fixtures.py): the converted
 * geometry must give pyFAI's 2θ at every sampled pixel.
 */
import { describe, expect, it } from 'vitest';
import {
  nxrefineFieldsFromPoni,
  poniToFit2d,
  poniToPowderGeometry,
  powderGeometryToPoni,
  pyfaiAxesToLab,
} from '../../../src/refine/calibrate/poni-conversion.ts';
import { formatPoni, knownDetectorPixelSize, parsePoni } from '../../../src/refine/calibrate/poni.ts';
import { createPowderFrame } from '../../../src/refine/calibrate/powder-geometry.ts';
import { computePolarAngle, computeAzimuthalAngle } from '../../../src/refine/geometry/angles.ts';
import { toGeometry } from '../../../src/refine/calibrate/powder-geometry.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyfai } from './pyfai-fixture.ts';

const deg = (r: number): number => (r * 180) / Math.PI;

describe('PONI ↔ detector fields, against pyFAI', () => {
  pyfai.geometries.forEach((fx, n) => {
    it(`geometry ${n}: our 2θ of the converted geometry equals pyFAI's at ${fx.pixels.length} pixels`, () => {
      const poni = parsePoni(fx.poni_text, `g${n}.poni`);
      expect(poni.version).toBe(2);
      expect(poni.distance).toBe(fx.poni.dist);
      expect(poni.pixel1).toBe(fx.poni.pixel1);
      expect(poni.maxShape).toEqual(fx.poni.shape);
      expect(poni.wavelength).toBe(fx.poni.wavelength);
      const g = poniToPowderGeometry(poni);
      const frame = createPowderFrame(g);
      fx.pixels.forEach(([row, col], i) => {
        expect(Math.abs(frame.twoTheta(col, row) - fx.tth[i]!)).toBeLessThan(1e-12);
        // the general geometry functions agree (degrees)
        expect(Math.abs(computePolarAngle(toGeometry(g), col, row) - deg(fx.tth[i]!))).toBeLessThan(1e-10);
      });
      // distance = pyFAI's fit2d directDist; beam centre = fit2d centre − ½ pixel; yaw = −rot1
      expect(g.distance).toBeCloseTo(fx.fit2d.directDist, 9);
      expect(g.beamCenterX).toBeCloseTo(fx.fit2d.centerX - 0.5, 8);
      expect(g.beamCenterY).toBeCloseTo(fx.fit2d.centerY - 0.5, 8);
      expect(g.yaw).toBeCloseTo(-deg(fx.poni.rot1), 10);
      expect(g.pitch).toBeCloseTo(deg(fx.poni.rot2), 10);
      expect(g.roll).toBeCloseTo(deg(fx.poni.rot3), 10);
      expect(g.wavelength).toBeCloseTo(fx.poni.wavelength * 1e10, 12);
      expect(g.pixelSize).toBeCloseTo(fx.poni.pixel1 * 1000, 12);
      // and back
      const back = powderGeometryToPoni(g);
      for (const k of ['distance', 'poni1', 'poni2', 'rot1', 'rot2', 'rot3'] as const) {
        const want = k === 'distance' ? fx.poni.dist : fx.poni[k];
        expect(Math.abs(back[k] - want)).toBeLessThan(1e-13);
      }
    });

    it(`geometry ${n}: pyFAI's getFit2D and the polarization array`, () => {
      const poni = parsePoni(fx.poni_text);
      const f2 = poniToFit2d(poni);
      expect(f2.directDist).toBeCloseTo(fx.fit2d.directDist, 9);
      expect(f2.centerX).toBeCloseTo(fx.fit2d.centerX, 8);
      expect(f2.centerY).toBeCloseTo(fx.fit2d.centerY, 8);
      expect(f2.tilt).toBeCloseTo(fx.fit2d.tilt, 8);
      expect(f2.tiltPlanRotation).toBeCloseTo(fx.fit2d.tiltPlanRotation, 6);
      const g = poniToPowderGeometry(poni);
      const frame = createPowderFrame(g);
      fx.pixels.forEach(([row, col], i) => {
        // pyFAI's χ = atan2(axis 1, axis 2) = atan2(up, −y): our azimuth (atan2(−y, up)) is π/2 − χ
        const ours = frame.azimuth(col, row);
        const diff = Math.atan2(
          Math.sin(ours - (Math.PI / 2 - fx.chi[i]!)),
          Math.cos(ours - (Math.PI / 2 - fx.chi[i]!)),
        );
        expect(Math.abs(diff)).toBeLessThan(1e-10);
        expect(computeAzimuthalAngle(toGeometry(g), col, row)).toBeCloseTo(deg(ours), 8);
      });
    });
  });

  it("NXRefine's saved fields differ from the exact ones by ½ pixel and the sign of yaw", () => {
    const poni = parsePoni(pyfai.geometries[0]!.poni_text);
    const exact = poniToPowderGeometry(poni);
    const nx = nxrefineFieldsFromPoni(poni);
    expect(nx.beamCenterX - exact.beamCenterX).toBeCloseTo(0.5, 10);
    expect(nx.beamCenterY - exact.beamCenterY).toBeCloseTo(0.5, 10);
    expect(nx.yaw).toBeCloseTo(-exact.yaw, 10);
    expect(nx.distance).toBeCloseTo(exact.distance, 10);
    // read with the app's geometry, NXRefine's fields put the rings elsewhere: measure it
    const fx = pyfai.geometries[0]!;
    const wrong = createPowderFrame({ ...exact, ...nx });
    const worst = Math.max(...fx.pixels.map(([r, c], i) => Math.abs(deg(wrong.twoTheta(c, r) - fx.tth[i]!))));
    expect(worst).toBeGreaterThan(0.05); // 1.15° of rot1 → > 0.05° of 2θ at the detector edge
  });
});

describe('PONI text', () => {
  it('reads version 1 files (PixelSize1/2) and pyFAI detector names without a config', () => {
    const v1 = parsePoni(
      [
        '# Calibration done at Tue Jan 1 2019',
        'PixelSize1: 0.000172',
        'PixelSize2: 0.000172',
        'Distance: 0.35',
        'Poni1: 0.09',
        'Poni2: 0.12',
        'Rot1: -0.035',
        'Rot2: 0.05',
        'Rot3: 0.0',
        'Wavelength: 5e-11',
      ].join('\n'),
    );
    expect(v1).toMatchObject({
      version: 1,
      pixel1: 0.000172,
      pixel2: 0.000172,
      distance: 0.35,
      wavelength: 5e-11,
    });
    const named = parsePoni(
      'poni_version: 2\nDetector: Pilatus2M\nDetector_config: {}\nDistance: 0.2\nPoni1: 0.1\nPoni2: 0.1\n',
    );
    expect(named.pixel1).toBe(172e-6);
    expect(named.rot1).toBe(0);
    expect(named.wavelength).toBeUndefined();
    expect(knownDetectorPixelSize('Eiger2 CdTe 4M')).toBe(75e-6);
    expect(knownDetectorPixelSize('Mystery')).toBeUndefined();
  });

  it('writes what it reads (version 2, generic detector with pixel sizes and shape)', () => {
    const poni = parsePoni(pyfai.geometries[2]!.poni_text);
    const text = formatPoni(poni);
    expect(text).toMatch(/^poni_version: 2$/m);
    expect(text).toMatch(
      /^Detector_config: \{"pixel1": 0.000172, "pixel2": 0.000172, "max_shape": \[1043, 981\]\}$/m,
    );
    const again = parsePoni(text);
    for (const k of [
      'distance',
      'poni1',
      'poni2',
      'rot1',
      'rot2',
      'rot3',
      'wavelength',
      'pixel1',
      'pixel2',
    ] as const)
      expect(again[k]).toBe(poni[k]);
    expect(again.maxShape).toEqual([1043, 981]);
  });

  it('refuses what is not a PONI file, naming the file and the line', () => {
    expect(() => parsePoni('hello world', 'x.poni')).toThrow(/x.poni: line 1 is not 'key: value'/);
    expect(() => parsePoni('Distance: 0.1\nPoni1: 0.1\n', 'x.poni')).toThrow(/no 'Poni2' line/);
    expect(() => parsePoni('Distance: far\nPoni1: 0\nPoni2: 0\n', 'x.poni')).toThrow(
      /line 1: Distance must be a number/,
    );
    expect(() =>
      parsePoni(
        'poni_version: 2.1\nDetector_config: {"pixel1": 1e-4, "pixel2": 1e-4, "orientation": 1}\nDistance: 0.1\nPoni1: 0\nPoni2: 0\n',
      ),
    ).toThrow(/orientation 1 is not supported/);
    expect(() => parsePoni('Detector_config: [1,2]\nDistance: 0.1\nPoni1: 0\nPoni2: 0\n')).toThrow(NxrError);
  });

  it('refuses conversions it cannot do exactly', () => {
    const poni = parsePoni(pyfai.geometries[0]!.poni_text);
    expect(() => poniToPowderGeometry({ ...poni, pixel2: 1e-4 })).toThrow(/non-square pixels/);
    const { wavelength: _w, ...noWavelength } = poni;
    expect(() => poniToPowderGeometry(noWavelength)).toThrow(/no Wavelength/);
    expect(poniToPowderGeometry(noWavelength, { wavelength: 0.7 }).wavelength).toBe(0.7);
    expect(() => pyfaiAxesToLab('+y +z -x')).toThrow(/mirrors the image/);
    expect(() => pyfaiAxesToLab('+x +z -y')).toThrow(/does not face the beam/);
    // another proper orientation: rows along −z, columns along +y
    const g = poniToPowderGeometry(poni, { detectorOrientation: '+y -z -x' });
    const frame = createPowderFrame(g);
    const fx = pyfai.geometries[0]!;
    fx.pixels.forEach(([r, c], i) => expect(Math.abs(frame.twoTheta(c, r) - fx.tth[i]!)).toBeLessThan(1e-12));
  });
});
