/**
 * New Configuration's detector list against pyFAI 0.21.3 (what NXRefine stores: description =
 * detector.name, shape = max_shape, pixel_size = pixel1 × 1000 mm, pixel_mask = detector.mask),
 * from test/refine/fixtures/pyfai-detectors.json (scripts/gen-pyfai-detectors.py).
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  CONFIGURATION_DETECTORS,
  DEFAULT_DETECTOR,
  detectorPixelMask,
  findConfigurationDetector,
} from '../../../src/refine/experiment/detectors.ts';

interface PyfaiDetector {
  name: string;
  shape: [number, number];
  pixel1_m: number;
  pixel2_m: number;
  mask: { dtype: string; sum: number; rows: number[]; cols: number[] } | null;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/pyfai-detectors.json', import.meta.url), 'utf8'),
) as { pyFAI: string; detectors: PyfaiDetector[] };

describe('configuration detectors', () => {
  it(`has every pyFAI ${fixture.pyFAI} detector of the fixture with its shape and pixel size`, () => {
    expect(fixture.detectors.length).toBe(37);
    for (const p of fixture.detectors) {
      const d = findConfigurationDetector(p.name);
      expect(d, p.name).toBeDefined();
      expect(d!.name).toBe(p.name);
      expect([...d!.shape], p.name).toEqual(p.shape);
      expect(p.pixel1_m).toBe(p.pixel2_m);
      expect(d!.pixelSize, p.name).toBeCloseTo(p.pixel1_m * 1000, 12);
    }
  });

  it("masks exactly pyFAI's module gaps (rows, columns and CdTe mid-module columns)", () => {
    for (const p of fixture.detectors) {
      const d = findConfigurationDetector(p.name)!;
      const mask = detectorPixelMask(d);
      if (p.mask === null) {
        expect(mask, p.name).toBeUndefined();
        continue;
      }
      expect(p.mask.dtype).toBe('int8');
      expect(mask, p.name).toBeInstanceOf(Int8Array);
      const [ny, nx] = p.shape;
      expect(mask!.length).toBe(ny * nx);
      let sum = 0;
      for (let i = 0; i < mask!.length; i++) sum += mask![i]!;
      expect(sum, p.name).toBe(p.mask.sum);
      const rows: number[] = [];
      for (let y = 0; y < ny; y++) {
        let all = true;
        for (let x = 0; x < nx && all; x++) all = mask![y * nx + x] === 1;
        if (all) rows.push(y);
      }
      const cols: number[] = [];
      for (let x = 0; x < nx; x++) {
        let all = true;
        for (let y = 0; y < ny && all; y++) all = mask![y * nx + x] === 1;
        if (all) cols.push(x);
      }
      expect(rows, p.name).toEqual(p.mask.rows);
      expect(cols, p.name).toEqual(p.mask.cols);
    }
  });

  it("offers NXRefine's default 'Pilatus CdTe 2M' and finds names typed loosely", () => {
    expect(findConfigurationDetector(DEFAULT_DETECTOR)?.shape).toEqual([1679, 1475]);
    expect(findConfigurationDetector('pilatus cdte 2m')?.name).toBe('Pilatus CdTe 2M');
    expect(findConfigurationDetector('Eiger2_16M')?.name).toBe('Eiger2 16M');
    expect(findConfigurationDetector('Pilatus 3M')).toBeUndefined();
    expect(new Set(CONFIGURATION_DETECTORS.map((d) => d.name)).size).toBe(CONFIGURATION_DETECTORS.length);
  });
});
