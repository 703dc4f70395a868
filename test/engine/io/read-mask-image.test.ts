/**
 * Mask images written by independent writers (PIL, fabio, h5py) read back pixel for pixel:
 * non-zero = masked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readDetectorMaskImage, readMaskImage } from '../../../src/engine/io/read-mask-image.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson, pyRun } from '../../helpers/python.ts';
import { realdata } from '../../helpers/realdata.ts';

let dir: string;
/** The reference mask, row-major '0'/'1' string, 37 × 53. */
let truth: string;
const NY = 37;
const NX = 53;

const WRITE = String.raw`
import sys, numpy as np, h5py, fabio
from PIL import Image
from fabio.edfimage import EdfImage
from fabio.cbfimage import CbfImage
d = sys.argv[1]
m = np.random.RandomState(3).rand(37, 53) > 0.6
u8 = m.astype(np.uint8)
# PNG: 1-bit, 8-bit grey (0/255), 16-bit grey, RGB (masked = red), palette, grey+alpha
Image.fromarray(m).save(d + '/m1.png')
Image.fromarray(u8 * 255).save(d + '/m8.png')
Image.fromarray((u8 * 40000).astype(np.uint16)).save(d + '/m16.png')
rgb = np.zeros((37, 53, 3), np.uint8); rgb[..., 0] = u8 * 200
Image.fromarray(rgb).save(d + '/rgb.png')
p = Image.fromarray(u8, mode='P'); p.putpalette([0, 0, 0, 255, 255, 0]); p.save(d + '/pal.png')
la = np.zeros((37, 53, 2), np.uint8); la[..., 0] = u8 * 3; la[..., 1] = 255
Image.fromarray(la, mode='LA').save(d + '/la.png')
# TIFF: 1-bit, 8-bit, 32-bit float, 32-bit int (PIL), big-endian 16-bit (fabio/tifffile-free: PIL I;16B)
Image.fromarray(m).save(d + '/m1.tif')
Image.fromarray(u8).save(d + '/m8.tif')
Image.fromarray(u8.astype(np.float32) * 0.5).save(d + '/f32.tif')
Image.fromarray(u8.astype(np.int32) * -7).save(d + '/i32.tif')
Image.frombytes('I;16B', (53, 37), (u8.astype('>u2') * 513).tobytes()).save(d + '/be16.tif')
# EDF (pyFAI-drawmask's format): uint8, and big-endian float32
EdfImage(data=u8).write(d + '/m.edf')
e = EdfImage(data=u8.astype('>f4') * 2.5); e.write(d + '/f.edf')
# CBF (int32 byte offset)
CbfImage(data=u8.astype(np.int32) * 3).write(d + '/m.cbf')
# HDF5: NXRefine's int8 pixel_mask, and a file with two 2-D datasets
with h5py.File(d + '/config.nxs', 'w') as f:
    f.create_group('entry').attrs['NX_class'] = 'NXentry'
    f['entry/data'] = np.zeros((4, 4))
    f.create_dataset('f1/instrument/detector/pixel_mask', data=u8.astype(np.int8), compression='gzip')
with h5py.File(d + '/two.h5', 'w') as f:
    f['a'] = u8; f['b'] = 1 - u8; f['c'] = u8[None, :, :].astype(bool)
print('')
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-maskimg-'));
  pyRun(WRITE, [dir]);
  truth = pyJson<string>(
    "import numpy as np, json; m = np.random.RandomState(3).rand(37, 53) > 0.6; print(json.dumps(''.join('1' if v else '0' for v in m.ravel())))",
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const str = (m: Uint8Array): string => Array.from(m).join('');

describe('readMaskImage', () => {
  const cases: Array<[string, string]> = [
    ['m1.png', 'png'],
    ['m8.png', 'png'],
    ['m16.png', 'png'],
    ['rgb.png', 'png'],
    ['pal.png', 'png'],
    ['la.png', 'png'],
    ['m1.tif', 'tiff'],
    ['m8.tif', 'tiff'],
    ['f32.tif', 'tiff'],
    ['i32.tif', 'tiff'],
    ['be16.tif', 'tiff'],
    ['m.edf', 'edf'],
    ['f.edf', 'edf'],
    ['m.cbf', 'cbf'],
    ['config.nxs', 'hdf5'],
  ];
  for (const [name, format] of cases) {
    it(`reads ${name} (${format}) pixel for pixel`, async () => {
      const r = await readMaskImage(join(dir, name));
      expect(r.format).toBe(format);
      expect(r.shape).toEqual([NY, NX]);
      expect(truth.includes('1') && truth.includes('0')).toBe(true);
      expect(str(r.mask)).toBe(truth);
    });
  }

  it('finds pixel_mask in a NeXus file and takes a named dataset of any 2-D shape', async () => {
    expect((await readMaskImage(join(dir, 'config.nxs'))).path).toBe('/f1/instrument/detector/pixel_mask');
    const b = await readMaskImage(join(dir, 'two.h5'), '/b');
    expect(str(b.mask)).toBe(truth.replace(/[01]/g, (c) => (c === '1' ? '0' : '1')));
    const c = await readMaskImage(join(dir, 'two.h5'), '/c'); // (1, ny, nx) booleans
    expect(str(c.mask)).toBe(truth);
  });

  it('reads the real AgBehenate Pilatus 100K frame: masked = non-zero counts', async () => {
    const file = realdata('nexus-exampledata/APS/EPICSareaDetector/hdf5/AgBehenate_228.hdf5');
    const r = await readMaskImage(file, '/entry/data/data');
    const nonzero = pyJson<number>(
      "import h5py, sys, numpy as np; print(int(np.count_nonzero(h5py.File(sys.argv[1], 'r')['entry/data/data'][()])))",
      [file],
    );
    expect(r.shape).toEqual([195, 487]);
    expect(r.mask.reduce((a, b) => a + b, 0)).toBe(nonzero);
  });

  it('gives clear errors naming the file and path', async () => {
    const errOf = async (p: Promise<unknown>): Promise<NxrError> => {
      try {
        await p;
      } catch (e) {
        return e as NxrError;
      }
      throw new Error('no error');
    };
    const two = join(dir, 'two.h5');
    let e = await errOf(readMaskImage(two));
    expect(e).toBeInstanceOf(NxrError);
    expect(e.code).toBe('MISSING_PATH');
    expect(e.message).toMatch(/3 2-D datasets \(\/a, \/b, \/c\)/);
    e = await errOf(readMaskImage(two, '/nope'));
    expect([e.code, e.path]).toEqual(['MISSING_PATH', '/nope']);
    e = await errOf(readDetectorMaskImage(join(dir, 'm8.png'), [1679, 1475]));
    expect(e.code).toBe('WRONG_SHAPE');
    expect(e.file).toBe(join(dir, 'm8.png'));
    expect(e.message).toMatch(/37 × 53 .* 1679 × 1475/);
    e = await errOf(readDetectorMaskImage(join(dir, 'config.nxs'), [10, 10]));
    expect(e.path).toBe('/f1/instrument/detector/pixel_mask');
    e = await errOf(readMaskImage(join(dir, 'missing.png')));
    expect(e.code).toBe('FILE_NOT_FOUND');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    e = await errOf(readMaskImage(join(dir, 'notes.txt')));
    expect(e.message).toMatch(/not a mask image/);
    e = await errOf(readMaskImage(join(dir, 'm8.png'), '/x'));
    expect(e.message).toMatch(/needs an HDF5 file/);
    const cut = join(dir, 'cut.png');
    writeFileSync(cut, (await import('node:fs')).readFileSync(join(dir, 'm8.png')).subarray(0, 60));
    e = await errOf(readMaskImage(cut));
    expect(e.code).toBe('TRUNCATED');
  });
});
