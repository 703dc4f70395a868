/**
 * Values read by the h5wasm adapter equal what Debian's h5py reads: frames and hyperslabs of
 * compressed 3-D stacks (gzip, gzip+shuffle, scaleoffset, szip), big-endian data, int64, strings.
 */
import { describe, expect, it } from 'vitest';

import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import type { NumericArray } from '../../../src/nexus/model/types.ts';
import { pyJson } from '../../helpers/python.ts';
import { realdata } from '../../helpers/realdata.ts';

/** h5py's reading of a selection, flattened to numbers. */
function h5pySlice(file: string, path: string, sel: string): { shape: number[]; values: number[] } {
  return pyJson(
    `import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
a = np.asarray(f[sys.argv[2]][eval('np.s_[' + sys.argv[3] + ']')])
print(json.dumps({'shape': list(a.shape), 'values': [float(x) for x in a.ravel()]}))`,
    [file, path, sel],
  );
}

function nums(a: NumericArray): number[] {
  return Array.from(a as ArrayLike<number | bigint>, (x) => Number(x));
}

const cases: [string, string, string, [number, number] | [], [number, number] | [], [number, number] | []][] =
  [
    [
      'nexus-exampledata/APS/NXsas/hdf5/nexus-example.hdf5',
      '/entry/data/frames',
      '3:5, 10:40, 100:180',
      [3, 5],
      [10, 40],
      [100, 180],
    ],
    [
      'nexus-exampledata/SLS/Sample_Stack_2021-03-16_128.hdf5',
      '/entry1/counter0/data',
      '1:3, :, 5:45',
      [1, 3],
      [],
      [5, 45],
    ],
    [
      'nexpy-examples/scan101.nxs',
      '/com_05551/scan_data/data_01',
      '0:1, 200:260, 300:420',
      [0, 1],
      [200, 260],
      [300, 420],
    ],
  ];

describe('hyperslabs agree with h5py', () => {
  it.each(cases)('%s %s [%s]', async (rel, path, sel, r0, r1, r2) => {
    const f = await openNexusFile(realdata(rel));
    try {
      const mine = f.readSlice(path, [r0, r1, r2]);
      const ref = h5pySlice(realdata(rel), path, sel);
      expect(mine.shape).toEqual(ref.shape);
      expect(nums(mine.data)).toEqual(ref.values);
    } finally {
      f.close();
    }
  });

  it('reads one frame of a 3-D stack (and only that frame) equal to h5py', async () => {
    const file = realdata('nexus-exampledata/APS/NXsas/hdf5/nexus-example.hdf5');
    const f = await openNexusFile(file);
    try {
      const fr = f.readFrame('/entry/data/frames', 7);
      expect(fr.shape).toEqual([195, 487]);
      expect(fr.dtype).toBe('<i4');
      expect(fr.data).toBeInstanceOf(Int32Array);
      expect(fr.data.length).toBe(195 * 487);
      expect(nums(fr.data)).toEqual(h5pySlice(file, '/entry/data/frames', '7').values);
    } finally {
      f.close();
    }
  });

  it('decodes gzip, gzip+shuffle, scaleoffset and szip like h5py', async () => {
    const file = realdata('h5wasm-test/compressed.h5');
    const f = await openNexusFile(file);
    try {
      for (const name of ['gzip', 'gzip_shuffle', 'scaleoffset', 'szip']) {
        const mine = f.readValue(`/${name}`) as Float64Array;
        expect(mine).toBeInstanceOf(Float64Array);
        expect(Array.from(mine)).toEqual(h5pySlice(file, `/${name}`, ':').values);
      }
    } finally {
      f.close();
    }
  });

  it('reads big-endian floats, int64 and bool as numbers in native order', async () => {
    const file = realdata('h5wasm-test/array.h5');
    const f = await openNexusFile(file);
    try {
      expect(f.entity('/bigendian').dtype).toBe('>f4');
      expect(Array.from(f.readValue('/bigendian') as Float32Array)).toEqual(
        h5pySlice(file, '/bigendian', ':').values,
      );
      expect(f.readAttribute('/bigendian', 'bigendian_attr')).toEqual([3, 2, 1]);
      expect(nums(f.readValue('/bigint') as BigInt64Array)).toEqual(h5pySlice(file, '/bigint', ':').values);
      expect(f.entity('/bool').dtype).toBe('bool');
      expect(f.readValue('/bool')).toEqual(
        pyJson<boolean[][]>(
          `import h5py, json, sys
print(json.dumps(h5py.File(sys.argv[1], 'r')['bool'][()].tolist()))`,
          [file],
        ),
      );
    } finally {
      f.close();
    }
  });

  it('reads string fields (vlen and fixed) and renders Latin-1 attribute bytes safely', async () => {
    const soleil = await openNexusFile(realdata('nexus-exampledata/Soleil/hdf5/file_2.nxs'));
    try {
      const entry = soleil.children('/')[0]!;
      expect(entry.name).toBe('theta_00062_salsa.scan 1D.Timescan.tscan_Cpt_Basler_MStat_xbpms_00001');
      const units = soleil
        .entity(`${entry.path}/scan_data/data_2`, { attrs: true })
        .attributes.find((a) => a.name === 'units')!;
      expect(units.value).toBe('µm');
      expect(units.nonUtf8).toBe(true);
      expect(units.escaped).toBe('\\xB5m');
      const deg = soleil.entity(`${entry.path}/DIFFABS/D13-1-C03__OP__MONO-MT_THETA__#1/offset`, {
        attrs: true,
      });
      expect(deg.attributes.find((a) => a.name === 'units')).toMatchObject({
        value: '°',
        nonUtf8: true,
        escaped: '\\xB0',
      });
    } finally {
      soleil.close();
    }
    const sls = await openNexusFile(realdata('nexus-exampledata/SLS/Sample_Stack_2021-03-16_128.hdf5'));
    try {
      const t = sls.tree();
      const all: { value: unknown; nonUtf8?: boolean }[] = [];
      const walk = (n: typeof t): void => {
        if (n.link !== undefined) return; // count each object once, as h5dump does
        for (const a of n.attributes) if (a.name === 'units') all.push(a);
        for (const c of n.children ?? []) walk(c);
      };
      walk(t);
      const latin = all.filter((a) => a.nonUtf8 === true);
      const utf8Micro = all.filter((a) => a.value === 'μm' && a.nonUtf8 !== true);
      // h5dump: 27 Latin-1 values (\xB5m ×20, \xB5rad ×7) and 88 UTF-8 'μm' (CE BC 6D)
      expect(latin.length).toBe(27);
      expect(new Set(latin.map((a) => a.value))).toEqual(new Set(['µm', 'µrad']));
      expect(utf8Micro.length).toBe(88);
      expect(all.every((a) => typeof a.value !== 'string' || !a.value.includes('\uFFFD'))).toBe(true);
    } finally {
      sls.close();
    }
  });

  it('reads vlen-string datasets of 538039.nxs as strings', async () => {
    const file = realdata('nexus-exampledata/DLS/i16/hdf5/538039.nxs');
    const f = await openNexusFile(file);
    try {
      const ref = pyJson<string[]>(
        `import h5py, json, sys
v = h5py.File(sys.argv[1], 'r')['entry1/instrument/pil100k/image_data'][()]
print(json.dumps([x.decode() if isinstance(x, bytes) else x for x in v]))`,
        [file],
      );
      expect(f.readValue('/entry1/instrument/pil100k/image_data')).toEqual(ref);
    } finally {
      f.close();
    }
  });
});
