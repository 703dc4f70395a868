/**
 * Bad input gives a typed NxrError naming the file (and path), never garbage: HDF4 and text files,
 * truncated copies, missing files and paths, missing compression filters, dangling external links
 * and virtual datasets whose sources are missing.
 */
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { expectDtype, expectNumeric, expectShape } from '../../../src/engine/io/expect.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyRun } from '../../helpers/python.ts';
import { realdata } from '../../helpers/realdata.ts';

const tmp = mkdtempSync(join(tmpdir(), 'nxr-io-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<NxrError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(NxrError);
    return e as NxrError;
  }
  throw new Error('expected an NxrError, nothing was thrown');
}

describe('opening', () => {
  it('rejects the HDF4 file with NOT_HDF5, naming it', async () => {
    const file = realdata('nexus-exampledata/code/hdf4/NXtest.hdf');
    const e = await codeOf(openNexusFile(file));
    expect(e.code).toBe('NOT_HDF5');
    expect(e.file).toBe(file);
    expect(e.message).toContain('NXtest.hdf');
  });

  it('rejects a text file and a CBF image with NOT_HDF5', async () => {
    for (const f of [realdata('README.md'), realdata('dxtbx-tests/phi_scan_001.cbf')]) {
      expect((await codeOf(openNexusFile(f))).code).toBe('NOT_HDF5');
    }
  });

  it('gives FILE_NOT_FOUND for a missing file', async () => {
    const e = await codeOf(openNexusFile(join(tmp, 'nope.nxs')));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.file).toBe(join(tmp, 'nope.nxs'));
  });

  it('gives TRUNCATED for truncated copies of a real file (cut at 50 %, 5 % and 1 KiB)', async () => {
    const src = realdata('nexus-exampledata/APS/NXsas/hdf5/nexus-example.hdf5');
    const size = statSync(src).size;
    for (const cut of [Math.floor(size / 2), Math.floor(size / 20), 1024]) {
      const t = join(tmp, `cut-${cut}.hdf5`);
      copyFileSync(src, t);
      truncateSync(t, cut);
      const e = await codeOf(openNexusFile(t));
      expect(e.code).toBe('TRUNCATED');
      expect(e.file).toBe(t);
    }
  });

  it('finds the superblock after a 32 KiB user block (SLS stack)', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/SLS/Sample_Stack_2021-03-16_128.hdf5'));
    expect(f.entity('/entry1').nxClass).toBe('NXentry');
    f.close();
  });
});

describe('paths, shapes and dtypes', () => {
  it('gives MISSING_PATH with the path for a missing object and attribute', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/hdf5/simple3D.h5'));
    try {
      const e = await codeOf(() => f.readValue('/entry/data/nothing'));
      expect(e.code).toBe('MISSING_PATH');
      expect(e.path).toBe('/entry/data/nothing');
      expect((await codeOf(() => f.entity('/nothing/deeper'))).code).toBe('MISSING_PATH');
      expect((await codeOf(() => f.readAttribute('/entry', 'no_such_attr'))).code).toBe('MISSING_PATH');
      expect(f.has('/entry/data/nothing')).toBe(false);
    } finally {
      f.close();
    }
  });

  it('checks shapes and dtypes with WRONG_SHAPE / WRONG_DTYPE', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/APS/NXsas/hdf5/nexus-example.hdf5'));
    try {
      const frames = f.entity('/entry/data/frames');
      expect(expectShape(frames, [null, 195, 487])).toEqual([10, 195, 487]);
      expect(expectDtype(frames, ['<i4', '<u4'])).toBe('<i4');
      expect(expectNumeric(frames)).toBe('<i4');
      expect((await codeOf(() => expectShape(frames, [null, null]))).code).toBe('WRONG_SHAPE');
      expect((await codeOf(() => expectDtype(frames, ['<f8']))).code).toBe('WRONG_DTYPE');
      const title = f.entity('/entry/title');
      expect((await codeOf(() => expectNumeric(title))).code).toBe('WRONG_DTYPE');
      expect((await codeOf(() => f.readSlice('/entry/title', []))).code).toBe('WRONG_DTYPE');
      expect((await codeOf(() => f.readFrame('/entry/data/sample_times', 0))).code).toBe('WRONG_SHAPE');
      expect((await codeOf(() => f.readFrame('/entry/data/frames', 10))).code).toBe('BAD_PARAMETER');
      expect((await codeOf(() => f.readSlice('/entry/data/frames', [[0, 11], [], []]))).code).toBe(
        'BAD_PARAMETER',
      );
    } finally {
      f.close();
    }
  });
});

describe('links and virtual datasets', () => {
  it('marks the dangling external links of 538039.nxs and refuses to read through them', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/DLS/i16/hdf5/538039.nxs'));
    try {
      for (const p of ['/entry1/instrument/pil100k/data', '/entry1/pil100k/data']) {
        const n = f.entity(p);
        expect(n.kind).toBe('external-link');
        expect(n.dangling).toBe(true);
        expect(n.link).toMatchObject({
          type: 'external',
          file: '538039-pilatus100k-files/538039.hdf',
          target: '/entry/instrument/detector/data',
        });
        const e = await codeOf(() => f.readFrame(p, 0));
        expect(e.code).toBe('DANGLING_LINK');
        expect(e.path).toBe(p);
      }
    } finally {
      f.close();
    }
  });

  it('shows the VDS of Therm_6_2.nxs as virtual, its ext-link source as dangling, and never reads fill values', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/DLS/i03_i04_NXmx/hdf5/Therm_6_2.nxs'));
    try {
      const vds = f.entity('/entry/data/data');
      expect(vds.kind).toBe('dataset');
      expect(vds.isVirtual).toBe(true);
      expect(vds.shape).toEqual([488, 4362, 4148]);
      expect(vds.dtype).toBe('<i8');
      expect(vds.virtualSources).toEqual([{ file: '.', dataset: '/entry/data/data_000001' }]);
      const src = f.entity('/entry/data/data_000001');
      expect(src).toMatchObject({ kind: 'external-link', dangling: true });
      expect(src.link).toMatchObject({ file: 'Therm_6_2_000001.h5', target: '/data' });
      // HDF5 itself would return zeros (the fill value) here
      const e = await codeOf(() => f.readFrame('/entry/data/data', 0));
      expect(e.code).toBe('DANGLING_LINK');
      expect(e.path).toBe('/entry/data/data');
    } finally {
      f.close();
    }
  });
});

describe('missing compression filter', () => {
  it('throws MISSING_FILTER (never garbage) for a dataset whose filter no plugin provides', async () => {
    // h5py writes an LZF dataset; the filter id in the pipeline message (v1 object header, no
    // checksum) is then changed from 32000 to 32099, a filter no plugin set provides
    const file = join(tmp, 'unknown-filter.h5');
    pyRun(
      `import h5py, numpy as np, sys
with h5py.File(sys.argv[1], 'w') as f:
    f.create_dataset('data', data=np.arange(64*64, dtype='i4').reshape(64, 64), chunks=(32, 32), compression='lzf')
    f.create_dataset('plain', data=np.arange(10, dtype='i4'))`,
      [file],
    );
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from('lzf\0', 'latin1'));
    expect(at).toBeGreaterThan(8);
    expect(bytes.readUInt16LE(at - 8)).toBe(32000);
    bytes.writeUInt16LE(32099, at - 8);
    writeFileSync(file, bytes);

    const f = await openNexusFile(file);
    try {
      const n = f.entity('/data');
      expect(n.filters?.map((x) => x.id)).toEqual([32099]);
      const e = await codeOf(() => f.readValue('/data'));
      expect(e.code).toBe('MISSING_FILTER');
      expect(e.path).toBe('/data');
      expect(e.file).toBe(file);
      expect((await codeOf(() => f.readSlice('/data', [[0, 1], []]))).code).toBe('MISSING_FILTER');
      // the rest of the file still reads
      expect(Array.from(f.readValue('/plain') as Int32Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      f.close();
    }
  });
});
