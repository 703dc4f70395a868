/** pyFAI's own answers (test/refine/fixtures/pyfai-calibration.json, scripts/gen-calibration-fixtures.py). */
import { readFileSync } from 'node:fs';

export interface PyfaiGeometry {
  poni: {
    dist: number;
    poni1: number;
    poni2: number;
    rot1: number;
    rot2: number;
    rot3: number;
    pixel1: number;
    pixel2: number;
    shape: [number, number];
    wavelength: number;
  };
  fit2d: { directDist: number; centerX: number; centerY: number; tilt: number; tiltPlanRotation: number };
  poni_text: string;
  /** [row, column] */
  pixels: [number, number][];
  tth: number[];
  chi: number[];
  polarization: number[];
  polarization_array: [number, number, number][];
}

export interface PyfaiFixture {
  pyfai_version: string;
  calibrants: Record<
    string,
    { header: string[]; lines: { d: number; comment: string }[]; lines_in_file: number }
  >;
  geometries: PyfaiGeometry[];
}

export const pyfai = JSON.parse(
  readFileSync(new URL('../fixtures/pyfai-calibration.json', import.meta.url), 'utf8'),
) as PyfaiFixture;
