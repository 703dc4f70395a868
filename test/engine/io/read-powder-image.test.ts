/**
 * Image import for Calibrate Powder: TIFF (written here, and by PIL), EDF and CBF (written by
 * fabio), HDF5 (written by h5py), the real AgBehenate_228.hdf5, and clear errors for bad input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readPowderImage } from '../../../src/engine/io/read-powder-image.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { encodeTiff, writeTiff } from '../../helpers/calibrant-files.ts';
import { pyRun } from '../../helpers/python.ts';
import { realdata } from '../../helpers/realdata.ts';

let dir: string;
const shape: [number, number] = [37, 53];
const n = shape[0] * shape[1];
/** A pattern with negative (gap), large and fractional values. */
const pattern = Array.from({ length: n }, (_, i) => ((i * 7919) % 100003) - (i % 97 === 0 ? 100003 : 0));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-powder-image-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const numpy = `import numpy as np, sys
shape = (${shape[0]}, ${shape[1]})
i = np.arange(shape[0] * shape[1])
a = ((i * 7919) % 100003) - np.where(i % 97 == 0, 100003, 0)
a = a.reshape(shape)
`;

function expectPattern(data: Float32Array, scale = 1, offset = 0): void {
  expect(data.length).toBe(n);
  for (let i = 0; i < n; i++) expect(data[i]).toBe(Math.fround(pattern[i]! * scale + offset));
}

describe('readPowderImage', () => {
  it('TIFF written here: int32 little-endian, float32 big-endian, uint16', async () => {
    const a = join(dir, 'a.tif');
    writeTiff(a, shape, pattern, 'int32');
    const img = await readPowderImage(a);
    expect(img.format).toBe('tiff');
    expect(img.shape).toEqual(shape);
    expectPattern(img.data);
    const b = join(dir, 'b.image'); // the name does not matter
    writeTiff(
      b,
      shape,
      pattern.map((v) => v / 4),
      'float32',
      true,
    );
    expectPattern((await readPowderImage(b)).data, 0.25);
    const c = join(dir, 'c.tiff');
    writeTiff(
      c,
      shape,
      pattern.map((v) => Math.abs(v) % 65536),
      'uint16',
    );
    const r = await readPowderImage(c);
    for (let i = 0; i < n; i++) expect(r.data[i]).toBe(Math.abs(pattern[i]!) % 65536);
  });

  it('TIFF written by PIL (32-bit signed, mode I)', async () => {
    const f = join(dir, 'pil.tif');
    pyRun(`${numpy}from PIL import Image\nImage.fromarray(a.astype(np.int32), mode='I').save(sys.argv[1])`, [
      f,
    ]);
    const img = await readPowderImage(f);
    expect(img.format).toBe('tiff');
    expectPattern(img.data);
  });

  it('EDF and CBF written by fabio', async () => {
    const edf = join(dir, 'x.edf');
    const cbf = join(dir, 'x.cbf');
    pyRun(
      `${numpy}import fabio.edfimage, fabio.cbfimage
fabio.edfimage.EdfImage(data=a.astype(np.float32)).write(sys.argv[1])
fabio.cbfimage.CbfImage(data=a.astype(np.int32)).write(sys.argv[2])`,
      [edf, cbf],
    );
    const e = await readPowderImage(edf);
    expect(e.format).toBe('edf');
    expect(e.shape).toEqual(shape);
    expectPattern(e.data);
    const c = await readPowderImage(cbf);
    expect(c.format).toBe('cbf');
    expectPattern(c.data);
  });

  it('a real Pilatus CBF with its header geometry (dxtbx omega_scan.cbf)', async () => {
    const img = await readPowderImage(realdata('dxtbx-tests/omega_scan.cbf'));
    expect(img.format).toBe('cbf');
    expect(img.shape).toEqual([619, 487]);
    expect(img.metadata.wavelength).toBeCloseTo(0.68937, 5);
    expect(img.metadata.pixelSize).toBeCloseTo(0.172, 6);
    expect(img.data.reduce((m, v) => Math.min(m, v), 0)).toBe(-2);
  });

  it('HDF5: a 2-D dataset, a frame of a 3-D stack, the default NXdata', async () => {
    const f = join(dir, 'x.h5');
    pyRun(
      `${numpy}import h5py
with h5py.File(sys.argv[1], 'w') as h:
    h.attrs['default'] = 'entry'
    e = h.create_group('entry'); e.attrs['NX_class'] = 'NXentry'; e.attrs['default'] = 'plot'
    p = e.create_group('plot'); p.attrs['NX_class'] = 'NXdata'; p.attrs['signal'] = 'counts'
    p['counts'] = np.stack([a * k for k in range(3)]).astype(np.int32)
    h['image2d'] = a.astype(np.float64) / 2
    h['line'] = np.arange(10)
    i = e.create_group('instrument'); i.attrs['NX_class'] = 'NXinstrument'
    m = i.create_group('monochromator'); m.attrs['NX_class'] = 'NXmonochromator'
    m['energy'] = 20.0; m['energy'].attrs['units'] = 'keV'
    d = i.create_group('detector'); d.attrs['NX_class'] = 'NXdetector'
    d['distance'] = 0.25; d['distance'].attrs['units'] = 'm'
    d['beam_center_x'] = 12.5; d['beam_center_x'].attrs['units'] = 'pixel'`,
      [f],
    );
    const def = await readPowderImage(f);
    expect(def.path).toBe('/entry/plot/counts');
    expect(def.frames).toBe(3);
    expect(def.frame).toBe(0);
    expectPattern(def.data, 0);
    const two = await readPowderImage(f, { frame: 2 });
    expectPattern(two.data, 2);
    expect(two.metadata.wavelength).toBeCloseTo(12.398419739640717 / 20, 12);
    expect(two.metadata.distance).toBeCloseTo(250, 10);
    expect(two.metadata.beamCenterX).toBe(12.5);
    expect(two.metadata.beamCenterY).toBeUndefined();
    const flat = await readPowderImage(f, { path: '/image2d' });
    expectPattern(flat.data, 0.5);
    await expect(readPowderImage(f, { path: '/line' })).rejects.toThrow(/not an image.*shape \[10\]/);
    await expect(readPowderImage(f, { path: '/nothing' })).rejects.toThrow(
      /x\.h5:\/nothing: no such dataset/,
    );
    await expect(readPowderImage(f, { frame: 3 })).rejects.toThrow(/frame 3 is out of range 0…2/);
  });

  it('AgBehenate_228.hdf5 (APS 15-ID-D, Pilatus 100K): the image and the units it states', async () => {
    const img = await readPowderImage(
      realdata('nexus-exampledata/APS/EPICSareaDetector/hdf5/AgBehenate_228.hdf5'),
    );
    expect(img.path).toBe('/entry/data/data');
    expect(img.shape).toEqual([195, 487]);
    expect(img.data.reduce((m, v) => Math.max(m, v), 0)).toBe(1032661);
    expect(img.metadata.wavelength).toBeCloseTo(0.73362836, 8); // units 'A'
    expect(img.metadata.distance).toBe(513.8);
    expect(img.metadata.pixelSize).toBe(0.172);
    // beam_center_x/y are lengths without units there (14.77, −0.93 mm): not taken as pixels
    expect(img.metadata.beamCenterX).toBeUndefined();
    expect(img.metadata.title).toBe('Glassy carbon C6 fixed');
  });

  it('refuses what it cannot read, naming the file', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, these are not pixels\n');
    await expect(readPowderImage(text)).rejects.toThrow(/notes\.txt: not a detector image/);
    await expect(readPowderImage(join(dir, 'missing.tif'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const cut = join(dir, 'cut.tif');
    writeFileSync(cut, encodeTiff(shape, pattern, 'int32').subarray(0, 500));
    const e = await readPowderImage(cut).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NxrError);
    expect((e as NxrError).file).toBe(cut);
    const hdf4 = realdata('nexus-exampledata/code/hdf4/NXtest.hdf');
    await expect(readPowderImage(hdf4)).rejects.toThrow(/NXtest\.hdf/);
  });
});
