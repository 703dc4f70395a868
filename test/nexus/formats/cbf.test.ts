/**
 * CBF byte-offset decoding against the real Pilatus / Eiger frames in ../shared/realdata (§B of its
 * README). Expected figures: the README's (shape, min, max, negative pixels) and, for the sums and
 * the position-weighted checksum, Debian python3-fabio 0.14 run once on the same files:
 *   d = fabio.open(f).data.astype(np.int64)
 *   d.sum(), (d * np.arange(d.size).reshape(d.shape) % 1000003).sum() % 1000003
 */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { readCbfImage, readMaybeGzipped } from '../../../src/engine/io/read-image.ts';
import {
  decodeByteOffset,
  decodeCbf,
  findCbfMarker,
  parsePilatusHeader,
} from '../../../src/nexus/formats/cbf.ts';
import { isNxrError } from '../../../src/shared/errors.ts';
import { realdata } from '../../helpers/realdata.ts';

interface Expected {
  file: string;
  shape: [number, number];
  min: number;
  max: number;
  negative: number;
  sum: number;
  checksum: number;
  beamXY: [number, number];
  wavelength: number;
}

const CASES: Expected[] = [
  {
    file: 'dxtbx-tests/omega_scan.cbf',
    shape: [619, 487],
    min: -2,
    max: 1,
    negative: 16_592,
    sum: -16_611,
    checksum: 79_121,
    beamXY: [2000, 2000],
    wavelength: 0.68937,
  },
  {
    file: 'dxtbx-tests/phi_scan_001.cbf',
    shape: [619, 487],
    min: -2,
    max: 1,
    negative: 16_592,
    sum: -16_611,
    checksum: 79_121,
    beamXY: [2000, 2000],
    wavelength: 0.68937,
  },
  {
    file: 'dials-data-files/image_examples/DLS_I03_smargon_0001.cbf.gz',
    shape: [2527, 2463],
    min: -2,
    max: 336,
    negative: 527_314,
    sum: 36_200,
    checksum: 207_034,
    beamXY: [1229.3, 1200.48],
    wavelength: 0.97625,
  },
  {
    file: 'dials-data-files/image_examples/DLS_I23_P12M_thau_00001.cbf.gz',
    shape: [5071, 2463],
    min: -2,
    max: 12_446,
    negative: 1_193_058,
    sum: 814_049,
    checksum: 976_072,
    beamXY: [1080, 2595],
    wavelength: 2.7552,
  },
  {
    file: 'dials-data-files/image_examples/dlsnxs2cbf_therm_0001.cbf.gz',
    shape: [4362, 4148],
    min: -2,
    max: 404,
    negative: 1_253_320,
    sum: -1_210_773,
    checksum: 145_571,
    beamXY: [2216.06, 2300.41],
    wavelength: 0.98027,
  },
];

describe('CBF byte-offset decoder on real Pilatus and Eiger frames', () => {
  for (const c of CASES) {
    it(`${c.file}: ${c.shape.join('×')} int32, min ${c.min}, max ${c.max}, ${c.negative} negative pixels`, async () => {
      const im = await readCbfImage(realdata(c.file));
      expect(im.shape).toEqual(c.shape);
      expect(im.elementType).toBe('signed 32-bit integer');
      expect(im.data).toBeInstanceOf(Int32Array);
      let min = Infinity;
      let max = -Infinity;
      let neg = 0;
      let sum = 0;
      let check = 0;
      const M = 1_000_003;
      for (let i = 0; i < im.data.length; i++) {
        const v = im.data[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
        if (v < 0) neg++;
        sum += v;
        check += (((v * i) % M) + M) % M;
      }
      expect({ min, max, neg, sum, check: check % M }).toEqual({
        min: c.min,
        max: c.max,
        neg: c.negative,
        sum: c.sum,
        check: c.checksum,
      });
      expect(im.pilatus.beamXY).toEqual(c.beamXY);
      expect(im.pilatus.wavelength).toBe(c.wavelength);
      expect(im.pilatus.pixelSize?.[0]).toBeGreaterThan(0);
    });
  }

  it('parses the miniCBF header and the X-Binary fields', async () => {
    const im = await readCbfImage(realdata('dxtbx-tests/omega_scan.cbf'));
    expect(im.mime['x-binary-size-fastest-dimension']).toBe('487');
    expect(im.mime['x-binary-size-second-dimension']).toBe('619');
    expect(im.mime['content-type']).toMatch(/x-CBF_BYTE_OFFSET/);
    expect(im.pilatus.detector).toBe('PILATUS 300K, S/N 3-0104, Diamond');
    expect(im.pilatus.pixelSize).toEqual([172e-6, 172e-6]);
    expect(im.pilatus.detectorDistance).toBe(0.1);
    expect(im.pilatus.startAngle).toBe(9.5);
    expect(im.pilatus.angleIncrement).toBe(0.5);
    expect(im.pilatus.exposureTime).toBe(0.5);
    expect(im.pilatus.countCutoff).toBe(1_541_621);
  });

  it('decodes every delta width (1, 2, 4 and 8 bytes), signed', () => {
    const values = [0, 5, -3, 127, -128, 300, -40_000, 40_000, 2_000_000_000, -2_000_000_000, 7, 7];
    const bytes: number[] = [];
    let prev = 0;
    const le = (v: number, n: number): void => {
      for (let k = 0; k < n; k++) bytes.push(Number((BigInt(v) >> BigInt(8 * k)) & 0xffn));
    };
    for (const v of values) {
      const d = v - prev;
      prev = v;
      if (d >= -127 && d <= 127) le(d, 1);
      else if (d >= -32767 && d <= 32767) {
        bytes.push(0x80);
        le(d, 2);
      } else if (d >= -2147483647 && d <= 2147483647) {
        bytes.push(0x80, 0x00, 0x80);
        le(d, 4);
      } else {
        bytes.push(0x80, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80);
        le(d, 8);
      }
    }
    const out = new Int32Array(values.length);
    const used = decodeByteOffset(Uint8Array.from(bytes), values.length, out);
    expect(used).toBe(bytes.length);
    expect(Array.from(out)).toEqual(values);
  });

  it('gunzips transparently and refuses cut, corrupt or foreign input with a named NxrError', async () => {
    const file = realdata('dxtbx-tests/omega_scan.cbf');
    const raw = readFileSync(file);
    const gz = await readMaybeGzipped(
      realdata('dials-data-files/image_examples/dlsnxs2cbf_therm_0001.cbf.gz'),
    );
    expect(findCbfMarker(gz)).toBeGreaterThan(0);
    expect(gzipSync(raw).length).toBeLessThan(raw.length);
    const cut = new Uint8Array(raw.subarray(0, raw.length - 6000));
    const errorOf = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return null;
    };
    const e1 = errorOf(() => decodeCbf(cut, { file: 'cut.cbf' }));
    expect(isNxrError(e1) && e1.code === 'TRUNCATED' && e1.file === 'cut.cbf').toBe(true);
    const e2 = errorOf(() => decodeCbf(new TextEncoder().encode('hello world'), { file: 'x.txt' }));
    expect(isNxrError(e2) && e2.code === 'BAD_PARAMETER').toBe(true);
    const packed = new Uint8Array(raw);
    const text = new TextDecoder('latin1').decode(packed.subarray(0, findCbfMarker(packed)));
    const at = text.indexOf('x-CBF_BYTE_OFFSET');
    packed.set(new TextEncoder().encode('x-CBF_PACKED_V2__'), at);
    const e3 = errorOf(() => decodeCbf(packed, { file: 'p.cbf' }));
    expect(isNxrError(e3) && e3.code === 'WRONG_DTYPE' && /x-CBF_PACKED/.test(e3.message)).toBe(true);
    await expect(readCbfImage('/nonexistent/file.cbf')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    const fullGz = gzipSync(raw);
    const badGz = fullGz.subarray(0, fullGz.length >> 1);
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'nxr-cbf-'));
    try {
      writeFileSync(join(dir, 'bad.cbf.gz'), badGz);
      await expect(readCbfImage(join(dir, 'bad.cbf.gz'))).rejects.toMatchObject({ code: 'TRUNCATED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads Pilatus header numbers with units and odd spacing', () => {
    const h = parsePilatusHeader(
      '# Beam_xy (1080.00, 2595.00) pixels\n# Wavelength 2.75520 A\n# Detector_distance 0.01000 m\n',
    );
    expect(h.beamXY).toEqual([1080, 2595]);
    expect(h.wavelength).toBe(2.7552);
    expect(h.detectorDistance).toBe(0.01);
  });
});
