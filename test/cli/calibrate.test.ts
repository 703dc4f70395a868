/** `nxr calibrate`: the fit report, --json, --fix/--free, --export, --save and argument errors. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import type { PowderGeometry } from '../../src/refine/calibrate/models.ts';
import { parsePoni } from '../../src/refine/calibrate/poni.ts';
import { writeCalibrantTiff, writeConfigurationFile } from '../helpers/calibrant-files.ts';
import { pyJson } from '../helpers/python.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const truth: PowderGeometry = {
  wavelength: 0.4133,
  distance: 180,
  beamCenterX: 250.8,
  beamCenterY: 300.1,
  yaw: -0.8,
  pitch: 0.5,
  roll: 0,
  pixelSize: 0.172,
  shape: [619, 487],
  detectorOrientation: '-y +z -x',
};

let dir: string;
let file: string;
let tiff: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-cli-calibrate-'));
  file = join(dir, 'config.nxs');
  tiff = join(dir, 'LaB6.tif');
  writeCalibrantTiff(tiff, truth, { calibrant: 'LaB6', seed: 5 });
  await writeConfigurationFile(file, {
    ...truth,
    distance: 183.6,
    beamCenterX: 247,
    beamCenterY: 303,
    yaw: 0,
    pitch: 0,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nxr calibrate', () => {
  it('prints start, fitted values, esds and the rms; --export writes a PONI file', async () => {
    const poni = join(dir, 'fit.poni');
    const r = await run([
      'calibrate',
      `${file}:/f1`,
      '--image',
      tiff,
      '--calibrant',
      'LaB6',
      '--export',
      poni,
    ]);
    expect(r.code).toBe(0);
    const row = (label: string): number[] => {
      const line = r.out.split('\n').find((l) => l.trimStart().startsWith(label))!;
      return line
        .slice(label.length + 2)
        .trim()
        .split(/\s+/)
        .slice(0, 3)
        .map(Number);
    };
    const [d0, d1, dEsd] = row('distance');
    expect(d0).toBe(183.6);
    expect(Math.abs(d1! - 180)).toBeLessThan(0.09);
    expect(dEsd).toBeGreaterThan(0);
    expect(Math.abs(row('beam centre x')[1]! - 250.8)).toBeLessThan(0.1);
    expect(Math.abs(row('yaw')[1]! + 0.8)).toBeLessThan(0.01);
    expect(r.out).toMatch(/wavelength\s+0\.413300\s+0\.413300\s+fixed Å/);
    expect(r.out).toMatch(/rms 2θ residual \d\.\d+e-\d+° over \d+ of \d+ points on \d+ rings/);
    expect(r.out).toContain('(not saved: add --save');
    const p = parsePoni(readFileSync(poni, 'utf8'), poni);
    expect(p.rot1).toBeCloseTo((0.8 * Math.PI) / 180, 3);
  });

  it('--json, --fix, --free and --save with --copy-to all', async () => {
    const r = await run([
      'calibrate',
      file,
      '--image',
      tiff,
      '--calibrant',
      'LaB6',
      '--fix',
      'yaw,pitch',
      '--free',
      'wavelength',
      '--save',
      '--copy-to',
      'all',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      entry: string;
      fitted: string[];
      geometry: PowderGeometry;
      written: string[];
      rms: number;
    };
    expect(j.entry).toBe('f1');
    expect(j.fitted).toEqual(['distance', 'beamCenterX', 'beamCenterY', 'wavelength']);
    expect(j.geometry.yaw).toBe(0);
    expect(j.written).toContain('/f2/instrument/calibration');
    const h = pyJson<{ f1: number; f2: number; calibrant: string }>(
      `import sys, json, h5py
with h5py.File(sys.argv[1], 'r') as f:
    print(json.dumps({'f1': float(f['f1/instrument/detector/distance'][()]), 'f2': float(f['f2/instrument/detector/distance'][()]),
                      'calibrant': f['f2/instrument/calibration/calibrant'][()].decode()}))`,
      [file],
    );
    expect(h.f1).toBeCloseTo(j.geometry.distance, 10);
    expect(h.f2).toBeCloseTo(j.geometry.distance, 10);
    expect(h.calibrant).toBe('LaB6');
    // the stored image is used when --image is not given
    const again = await run(['calibrate', `${file}:/f2`, '--calibrant', 'LaB6', '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.out) as { image: { path: string } }).image.path).toBe(
      '/f2/instrument/calibration/z',
    );
  });

  it('argument errors', async () => {
    expect((await run(['calibrate', file, '--image', tiff])).err).toMatch(/--calibrant is required/);
    expect((await run(['calibrate', file, '--calibrant', 'LaB6', '--fix', 'tilt'])).err).toMatch(
      /--fix: unknown parameter 'tilt'/,
    );
    expect((await run(['calibrate', file, '--calibrant', 'LaB6', '--copy-to', 'f2'])).err).toMatch(
      /--copy-to needs --save/,
    );
    const missing = await run([
      'calibrate',
      `${file}:/f1`,
      '--image',
      join(dir, 'none.tif'),
      '--calibrant',
      'LaB6',
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/none\.tif: no such file/);
  });
});
