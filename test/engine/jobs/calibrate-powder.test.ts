/**
 * Calibrate Powder engine jobs on a configuration-like file and a simulated CeO2 TIFF: state,
 * ring picking, the one-call calibration, Save (checked with h5py), PONI export/import, errors.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  calibratePowder,
  exportPoni,
  fitPowder,
  importPoni,
  loadPowderImage,
  pickPowderRings,
  readPowderState,
  savePowderCalibration,
} from '../../../src/engine/jobs/calibrate-powder.ts';
import type { PowderGeometry } from '../../../src/refine/calibrate/models.ts';
import { parsePoni } from '../../../src/refine/calibrate/poni.ts';
import { computePolarizationArray } from '../../../src/refine/calibrate/polarization.ts';
import { createPowderFrame } from '../../../src/refine/calibrate/powder-geometry.ts';
import { twoThetaOfD } from '../../../src/refine/calibrate/calibrant-lines.ts';
import { calibrantLines } from '../../../src/engine/jobs/calibrate-powder.ts';
import type { CalibrantImage } from '../../../src/refine/simulate/calibrant-image.ts';
import { writeCalibrantTiff, writeConfigurationFile } from '../../helpers/calibrant-files.ts';
import { pyJson } from '../../helpers/python.ts';

const truth: PowderGeometry = {
  wavelength: 0.5,
  distance: 250,
  beamCenterX: 470.3,
  beamCenterY: 530.7,
  yaw: 0.6,
  pitch: -0.4,
  roll: 0,
  pixelSize: 0.172,
  shape: [1043, 981],
  detectorOrientation: '-y +z -x',
};
const start = { ...truth, distance: 255, beamCenterX: 474, beamCenterY: 527, yaw: 0, pitch: 0 };

let dir: string;
let file: string;
let tiff: string;
let image: CalibrantImage;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-calibrate-'));
  file = join(dir, 'config.nxs');
  tiff = join(dir, 'CeO2_0001.tif');
  image = writeCalibrantTiff(tiff, truth, { seed: 21 });
  await writeConfigurationFile(file, start);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Calibrate Powder jobs', () => {
  it('reads the entry state', async () => {
    const s = await readPowderState(file, 'f1');
    expect(s.entries).toEqual(['entry', 'f1', 'f2']);
    expect(s.detectorEntries).toEqual(['f1', 'f2']);
    expect(s.wavelength).toBeCloseTo(0.5, 6); // stored as float32
    expect(s).toMatchObject({
      distance: 255,
      beamCenterX: 474,
      beamCenterY: 527,
      pixelSize: 0.172,
      shape: [1043, 981],
    });
    expect(s.detector).toBe('Pilatus 1M');
    expect(s.calibration).toBeUndefined();
    await expect(readPowderState(file, 'f9')).rejects.toThrow(/config\.nxs:\/f9: no entry 'f9'/);
  });

  it('picks rings: Autogenerate Rings and a click', async () => {
    const auto = await pickPowderRings({
      file,
      entry: 'f1',
      image: { image: tiff },
      geometry: truth,
      calibrant: 'CeO2',
      rings: 3,
    });
    expect(new Set(auto.map((p) => p.ring))).toEqual(new Set([0, 1, 2]));
    const f = createPowderFrame(truth);
    const lines = calibrantLines('CeO2', 0.5);
    for (const p of auto)
      expect(Math.abs(f.twoTheta(p.x, p.y) - twoThetaOfD(lines[p.ring]!.d, 0.5))).toBeLessThan(3e-4);
    const q = f.ringPoint(twoThetaOfD(lines[1]!.d, 0.5), 2.5)!;
    const click = await pickPowderRings({
      file,
      entry: 'f1',
      image: { image: tiff },
      geometry: start,
      calibrant: 'CeO2',
      click: { x: q.x + 1, y: q.y, ring: 1 },
    });
    expect(click.length).toBeGreaterThan(50);
    expect(click.every((p) => p.ring === 1)).toBe(true);
    // Calibrate on these points alone
    const fit = fitPowder({ geometry: start, calibrant: 'CeO2', points: [...auto, ...click] });
    expect(Math.abs(fit.geometry.distance - truth.distance)).toBeLessThan(0.05);
  });

  it('calibrates in one call without touching the file', async () => {
    const before = statSync(file).mtimeMs;
    const r = await calibratePowder({ file, entry: 'f1', image: { image: tiff }, calibrant: 'CeO2' });
    expect(r.start.distance).toBe(255);
    const g = r.calibration.geometry;
    expect(Math.abs(g.distance / truth.distance - 1)).toBeLessThan(5e-4);
    expect(Math.abs(g.beamCenterX - truth.beamCenterX)).toBeLessThan(0.1);
    expect(Math.abs(g.beamCenterY - truth.beamCenterY)).toBeLessThan(0.1);
    expect(Math.abs(g.yaw - truth.yaw)).toBeLessThan(0.01);
    expect(Math.abs(g.pitch - truth.pitch)).toBeLessThan(0.01);
    expect(r.written).toEqual([]);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('saves the calibration (and copies it to f2), as h5py reads it', async () => {
    const r = await calibratePowder({
      file,
      entry: 'f1',
      image: { image: tiff },
      calibrant: 'CeO2',
      save: true,
      copyTo: ['f2'],
    });
    const g = r.calibration.geometry;
    const pol = computePolarizationArray(g, 0.99);
    expect(r.written).toContain('/f1/instrument/calibration');
    expect(r.written).toContain('/f2/instrument/detector/polarization');
    const h = pyJson<Record<string, Record<string, unknown>>>(
      `import sys, json, h5py, numpy as np
out = {}
s = lambda v: v.decode() if isinstance(v, bytes) else str(v)
with h5py.File(sys.argv[1], 'r') as f:
    for e in ('f1', 'f2', 'entry'):
        i = f[e]['instrument']
        o = {}
        if 'calibration' in i:
            c = i['calibration']
            o['nx_class'] = s(c.attrs['NX_class'])
            o['signal'] = s(c.attrs['signal'])
            o['shape'] = list(c['z'].shape)
            o['sum'] = float(c['z'][()].astype(np.float64).sum())
            o['z_5_7'] = float(c['z'][5, 7])
            o['calibrant'] = s(c['calibrant'][()])
            p = c['refinement/parameters']
            o['poni'] = {k: float(p[k][()]) for k in ('Distance','Poni1','Poni2','Rot1','Rot2','Rot3','Wavelength','PixelSize1','PixelSize2')}
            o['detector'] = s(p['Detector'][()])
            o['points'] = list(c['refinement/points'].shape)
        d = i['detector']
        o['fields'] = {k: float(d[k][()]) for k in ('distance','beam_center_x','beam_center_y','yaw','pitch','roll')}
        o['units'] = s(d['distance'].attrs.get('units', ''))
        if 'polarization' in d:
            pol = d['polarization'][()]
            o['pol'] = [list(pol.shape), float(pol.min()), float(pol.max()), float(pol[0, 0]), float(pol[600, 900])]
        o['wavelength'] = float(i['monochromator/wavelength'][()])
        o['energy'] = float(i['monochromator/energy'][()]) if 'energy' in i['monochromator'] else None
        out[e] = o
print(json.dumps(out))`,
      [file],
    );
    const imageSum = image.data.reduce((s, v) => s + v, 0);
    for (const e of ['f1', 'f2']) {
      const o = h[e]! as {
        nx_class: string;
        signal: string;
        shape: number[];
        sum: number;
        z_5_7: number;
        calibrant: string;
        poni: Record<string, number>;
        detector: string;
        points: number[];
        fields: Record<string, number>;
        units: string;
        pol: [number[], number, number, number, number];
        wavelength: number;
        energy: number;
      };
      expect(o.nx_class).toBe('NXdata');
      expect(o.signal).toBe('z');
      expect(o.shape).toEqual([1043, 981]);
      expect(o.sum).toBe(imageSum);
      expect(o.z_5_7).toBe(image.data[5 * 981 + 7]);
      expect(o.calibrant).toBe('CeO2');
      expect(o.detector).toBe('Pilatus 1M');
      expect(o.points[1]).toBe(3);
      expect(o.points[0]).toBeGreaterThan(1000);
      expect(o.fields.distance).toBeCloseTo(g.distance, 10);
      expect(o.fields.beam_center_x).toBeCloseTo(g.beamCenterX, 10);
      expect(o.fields.yaw).toBeCloseTo(g.yaw, 10);
      expect(o.fields.roll).toBe(0);
      expect(o.units).toBe('mm');
      expect(o.wavelength).toBe(0.5);
      expect(o.energy).toBeCloseTo(12.398419739640717 / 0.5, 10);
      expect(o.pol[0]).toEqual([1043, 981]);
      // P ≥ cos²2θ (2θ ≤ 25° on this detector) and ≤ 1; the values are the array's at the fitted geometry
      expect(o.pol[1]).toBeGreaterThan(0.82);
      expect(o.pol[2]).toBeLessThanOrEqual(1);
      expect(o.pol[3]).toBe(pol[0]);
      expect(o.pol[4]).toBe(pol[600 * 981 + 900]);
      // pyFAI PONI: dist = L·cos(tilt), rot1 = −yaw, pixel 172 µm, λ in m
      expect(o.poni.PixelSize1).toBeCloseTo(172e-6, 15);
      expect(o.poni.Wavelength).toBeCloseTo(0.5e-10, 20);
      expect(o.poni.Rot1).toBeCloseTo((-g.yaw * Math.PI) / 180, 12);
      expect(o.poni.Rot2).toBeCloseTo((g.pitch * Math.PI) / 180, 12);
      expect(o.poni.Distance).toBeLessThan(g.distance / 1000);
      expect(o.poni.Distance).toBeGreaterThan((g.distance / 1000) * Math.cos((1 * Math.PI) / 180));
    }
    expect(h.entry!.calibration).toBeUndefined();
    expect((h.entry!.fields as Record<string, number>).distance).toBe(255); // not copied there
    // the state shows it, and the stored image is the default image
    const s = await readPowderState(file, 'f2');
    expect(s.calibration?.calibrant).toBe('CeO2');
    expect(s.calibration?.points?.length).toBe((h.f2!.points as number[])[0]);
    expect(s.calibration?.poni?.rot2).toBeCloseTo((g.pitch * Math.PI) / 180, 12);
    expect(s.distance).toBeCloseTo(g.distance, 10);
    const stored = await loadPowderImage(file, 'f2');
    expect(stored.format).toBe('hdf5');
    expect(stored.path).toBe('/f2/instrument/calibration/z');
    expect(stored.data[5 * 981 + 7]).toBe(image.data[5 * 981 + 7]);
    // saving again (from the stored image) replaces the calibration
    const again = await savePowderCalibration({
      file,
      entry: 'f2',
      calibrant: 'LaB6',
      geometry: { ...g, distance: 251 },
    });
    expect(again.entries).toEqual(['f2']);
    const s2 = await readPowderState(file, 'f2');
    expect(s2.calibration?.calibrant).toBe('LaB6');
    expect(s2.calibration?.points).toBeUndefined();
    expect(s2.distance).toBe(251);
    expect((await loadPowderImage(file, 'f2')).data[5 * 981 + 7]).toBe(image.data[5 * 981 + 7]);
  });

  it('exports and imports PONI files', async () => {
    const s = await readPowderState(file, 'f1');
    const g = { ...truth, yaw: 1.5, pitch: -0.7, roll: 0.3 };
    const poniFile = exportPoni(join(dir, 'out.poni'), g);
    const text = readFileSync(poniFile, 'utf8');
    expect(text).toMatch(/^poni_version: 2$/m);
    expect(parsePoni(text).rot1).toBeCloseTo((-1.5 * Math.PI) / 180, 14);
    const back = importPoni(poniFile, s);
    for (const k of ['distance', 'beamCenterX', 'beamCenterY', 'yaw', 'pitch', 'roll', 'wavelength'] as const)
      expect(back[k]).toBeCloseTo(g[k], 9);
    expect(() => importPoni(join(dir, 'none.poni'), s)).toThrow(/none\.poni: cannot read the PONI file/);
  });

  it('refuses mismatched or missing input before writing anything', async () => {
    const before = readFileSync(file);
    const small = join(dir, 'small.tif');
    writeCalibrantTiff(small, { ...truth, shape: [195, 487], beamCenterX: 240, beamCenterY: 100 });
    await expect(
      calibratePowder({ file, entry: 'f1', image: { image: small }, calibrant: 'CeO2' }),
    ).rejects.toThrow(/the image is 195×487 pixels but the detector is 1043×981/);
    await expect(calibratePowder({ file, entry: 'entry', calibrant: 'CeO2' })).rejects.toThrow(
      /no calibration image: import powder data first/,
    );
    await expect(
      calibratePowder({ file, entry: 'f1', image: { image: tiff }, calibrant: 'Kryptonite' }),
    ).rejects.toThrow(/unknown calibrant 'Kryptonite'/);
    await expect(
      savePowderCalibration({
        file,
        entry: 'f1',
        image: { image: tiff },
        calibrant: 'CeO2',
        geometry: truth,
        copyTo: ['f7'],
      }),
    ).rejects.toThrow(/no entry 'f7' to copy the calibration to/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
