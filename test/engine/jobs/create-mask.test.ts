/**
 * Create Mask on a simulated Pilatus 300K scan (two entries, int32 frames with −1 in the module
 * gaps): the file is checked with h5py (dtype int8, shape, every value against a numpy
 * computation of the same rules), and the errors and the dry run leave the file as it was.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMask } from '../../../src/engine/jobs/create-mask.ts';
import { simulateExperiment } from '../../../src/engine/simulate/simulate-experiment.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson, pyRun } from '../../helpers/python.ts';
import { abortOnCheck, sha256 } from './simulated.ts';

let dir: string;
let pristine: string;
let n = 0;

/** A fresh copy of the simulated scan (its raw frames stay where the wrapper's links point). */
function scanCopy(): string {
  const f = join(dir, 'sim', 'xtal1', `copy${n++}.nxs`);
  copyFileSync(pristine, f);
  return f;
}

async function errorOf(p: Promise<unknown>): Promise<NxrError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof NxrError) return e;
    throw e;
  }
  throw new Error('expected an NxrError');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-create-mask-'));
  const s = await simulateExperiment({
    outDir: dir,
    preset: 'small',
    seed: 5,
    cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
    spaceGroup: 'P m m m',
    entries: 2,
    nframes: 3,
    compression: 'bslz4',
    dtype: 'int32',
    sample: 'sim',
    label: 'xtal1',
    scan: '300K',
  });
  pristine = s.wrapperFile;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** numpy: the expected mask of the shapes used below and the file's masks / negative pixels. */
const CHECK = String.raw`
import sys, json, h5py, hdf5plugin, numpy as np
f = h5py.File(sys.argv[1], 'r')
out = {}
for e in ('f1', 'f2'):
    d = f[e + '/instrument/detector/pixel_mask']
    out[e] = {'dtype': str(d.dtype), 'shape': list(d.shape), 'sum': int(d[()].astype(int).sum())}
m = f['f1/instrument/detector/pixel_mask'][()].astype(bool)
ny, nx = m.shape
y, x = np.mgrid[0:ny, 0:nx]
exp = np.zeros((ny, nx), bool)
exp[(y >= 195) & (y < 212)] = True; exp[(y >= 407) & (y < 424)] = True      # Pilatus 300K gap rows
exp |= (x >= 100) & (x < 140) & (y >= 50) & (y < 70)                        # rectangle 100,50,40,20
exp |= (x - 300) ** 2 + (y - 500) ** 2 <= 25 ** 2                              # circle 300,500,25
exp &= ~((x - 120) ** 2 + (y - 60) ** 2 <= 5 ** 2)                           # remove circle (off the gaps)
frame = f['f1/data/data'][0]
exp |= frame < 0
out['negative'] = int((frame < 0).sum())
out['equal'] = bool((m == exp).all())
out['differ'] = int((m != exp).sum())
out['same_f2'] = bool((f['f2/instrument/detector/pixel_mask'][()] == f['f1/instrument/detector/pixel_mask'][()]).all())
print(json.dumps(out))
`;

describe('createMask', () => {
  it('writes gaps ∪ shapes − removals ∪ negative pixels as int8 to every entry', async () => {
    const file = scanCopy();
    const r = await createMask({
      file,
      entry: 'f1',
      gaps: 'auto',
      shapes: [
        { type: 'rectangle', x: 100, y: 50, width: 40, height: 20 },
        { type: 'circle', x: 300, y: 500, radius: 25 },
        { type: 'circle', x: 120, y: 60, radius: 5, mode: 'remove' },
      ],
      keepExisting: false,
      allEntries: true,
    });
    const py = pyJson<{
      f1: { dtype: string; shape: number[]; sum: number };
      f2: { dtype: string; shape: number[]; sum: number };
      negative: number;
      equal: boolean;
      differ: number;
      same_f2: boolean;
    }>(CHECK, [file]);
    expect(py.f1.dtype).toBe('int8');
    expect(py.f1.shape).toEqual([619, 487]);
    expect(py.differ).toBe(0);
    expect(py.equal).toBe(true);
    expect(py.same_f2).toBe(true);
    expect(py.f2.dtype).toBe('int8');
    expect(r.entries).toEqual(['f1', 'f2']);
    expect(r.gaps).toMatchObject({ model: 'Pilatus 300k', source: 'description' });
    expect(r.reference).toBe('frame');
    expect(r.counts.gaps).toBe(2 * 17 * 487);
    expect(r.counts.negative).toBe(py.negative);
    // rectangle 800, circle 1961 centres (Gauss N(25)), removal: the r = 5 disc (81) inside the rectangle
    expect(r.counts.shapes).toEqual([800, 1961, 81]);
    expect(r.counts.after).toBe(py.f1.sum);
    expect(r.counts.before).toBe(2 * 17 * 487); // the simulator's pixel_mask: the gaps
  }, 60_000);

  it('ORs an imported TIFF into the current mask and masks the calibration image’s negative pixels', async () => {
    const file = scanCopy();
    const tif = join(dir, 'import.tif');
    pyRun(
      String.raw`
import sys, h5py, numpy as np
from PIL import Image
m = np.zeros((619, 487), np.uint8); m[10:20, 30:35] = 1
Image.fromarray(m).save(sys.argv[2])
with h5py.File(sys.argv[1], 'a') as f:
    g = f.create_group('f1/instrument/calibration'); g.attrs['NX_class'] = 'NXdata'; g.attrs['signal'] = 'image'
    c = np.ones((619, 487), np.float32); c[600, 400:410] = -2
    g['image'] = c
`,
      [file, tif],
    );
    const r = await createMask({ file, entry: 'f1', importFile: tif });
    expect(r.imported).toEqual({ file: 'import.tif', format: 'tiff' });
    expect(r.reference).toBe('calibration');
    expect(r.referencePath).toBe('/f1/instrument/calibration/image');
    expect(r.counts.imported).toBe(50);
    expect(r.counts.negative).toBe(10);
    expect(r.counts.after).toBe(2 * 17 * 487 + 50 + 10);
    expect(r.entries).toEqual(['f1']);
    const sums = pyJson<number[]>(
      "import sys, h5py, json; f = h5py.File(sys.argv[1], 'r'); print(json.dumps([int(f[e + '/instrument/detector/pixel_mask'][()].sum()) for e in ('f1', 'f2')]))",
      [file],
    );
    expect(sums).toEqual([2 * 17 * 487 + 60, 2 * 17 * 487]);
  }, 60_000);

  it('leaves the file as it was on a dry run, a bad request or an abort', async () => {
    const file = scanCopy();
    const before = sha256(file);
    const dry = await createMask({
      file,
      entry: 'f1',
      write: false,
      negatives: 'none',
      shapes: [
        {
          type: 'polygon',
          points: [
            [0, 0],
            [10, 0],
            [0, 10],
          ],
        },
      ],
      returnImage: true,
    });
    expect(dry.written).toBe(false);
    expect(dry.counts.shapes).toEqual([55]);
    expect(dry.mask.length).toBe(619 * 487);
    expect(dry.image?.length).toBe(619 * 487);
    expect(dry.beamCenter?.[0]).toBeCloseTo(240.4, 6);
    expect(sha256(file)).toBe(before);

    let e = await errorOf(createMask({ file, entry: 'f1', gaps: 'Pilatus 2M' }));
    expect(e.code).toBe('BAD_PARAMETER');
    expect(e.message).toMatch(/1679 × 1475 .* 619 × 487/);
    e = await errorOf(createMask({ file, entry: 'f1', gaps: 'Rayonix' }));
    expect(e.message).toMatch(/unknown detector model 'Rayonix'/);
    e = await errorOf(createMask({ file, entry: 'f9' }));
    expect([e.code, e.path]).toEqual(['MISSING_PATH', '/f9']);
    e = await errorOf(
      createMask({ file, entry: 'f1', shapes: [{ type: 'circle', x: 1, y: 1, radius: -3 }] }),
    );
    expect(e.message).toMatch(/shape 1: circle radius must be ≥ 0/);
    e = await errorOf(createMask({ file, entry: 'f1', negatives: 'calibration' }));
    expect(e.path).toBe('/f1/instrument/calibration');
    const small = join(dir, 'small.png');
    pyRun(
      'import sys, numpy as np; from PIL import Image; Image.fromarray(np.ones((5, 7), np.uint8)).save(sys.argv[1])',
      [small],
    );
    e = await errorOf(createMask({ file, entry: 'f1', importFile: small }));
    expect(e.code).toBe('WRONG_SHAPE');
    expect(e.file).toBe(small);
    e = await errorOf(createMask({ file, entry: 'f1', gaps: 'auto' }, { signal: abortOnCheck(1) }));
    expect(e.code).toBe('CANCELLED');
    expect(sha256(file)).toBe(before);
  }, 60_000);

  it('refuses to copy the mask to an entry with another detector shape', async () => {
    const file = scanCopy();
    pyRun(
      String.raw`
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'a') as f:
    d = f['f2/instrument/detector']
    del d['pixel_mask'], d['shape'], f['f2/data/data']
    d['pixel_mask'] = np.zeros((195, 487), np.int8)
    d['shape'] = np.array([195, 487], np.int32)
`,
      [file],
    );
    const before = sha256(file);
    let e = await errorOf(createMask({ file, entry: 'f1', allEntries: true }));
    expect(e.code).toBe('WRONG_SHAPE');
    expect(e.path).toBe('/f2');
    expect(e.message).toMatch(/entry 'f2' has a 195 × 487 detector, 'f1' 619 × 487/);
    expect(sha256(file)).toBe(before);
    // an entry disagreeing with itself is named by the path that disagrees
    pyRun(
      "import sys, h5py, numpy as np\nwith h5py.File(sys.argv[1], 'a') as f:\n    f['f2/instrument/detector/shape'][...] = [619, 487]",
      [file],
    );
    e = await errorOf(createMask({ file, entry: 'f1', allEntries: true }));
    expect(e.path).toBe('/f2/instrument/detector/shape');
    expect(e.message).toMatch(/619 × 487 but \/f2\/instrument\/detector\/pixel_mask is 195 × 487/);
  }, 60_000);
});
