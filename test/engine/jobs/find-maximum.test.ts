/**
 * Find Maximum on simulated rotations (every dtype and compression NXRefine meets, NaN-filled
 * frames) against truth.json and against numpy (Debian python3-h5py + hdf5plugin reading the same
 * frames independently), and on a hand-built scan with a known transmission.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createNexusFile, updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { findMaximum, type FindMaximumResult } from '../../../src/engine/jobs/find-maximum.ts';
import { FramePool } from '../../../src/engine/pool/frame-pool.ts';
import { simulateExperiment, type FrameDtype } from '../../../src/engine/simulate/simulate-experiment.ts';
import { pyJson } from '../../helpers/python.ts';

interface Case {
  dtype: FrameDtype;
  compression: 'bslz4' | 'gzip' | 'none';
  seed: number;
  nanFrames?: number[];
}

const CASES: Case[] = [
  { dtype: 'int32', compression: 'bslz4', seed: 21 },
  { dtype: 'uint32', compression: 'gzip', seed: 22 },
  { dtype: 'uint16', compression: 'none', seed: 23 },
  { dtype: 'float32', compression: 'bslz4', seed: 24, nanFrames: [30, 31, 50] },
];
const FRAMES = 80;

interface Sim {
  c: Case;
  wrapper: string;
  raw: string;
  truth: {
    defects: {
      hotPixels: Array<{ x: number; y: number; value: number }>;
      deadPixels: Array<{ x: number; y: number }>;
    };
  };
  result: FindMaximumResult;
}

let root: string;
let pool: FramePool;
const sims: Sim[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-find-max-'));
  pool = new FramePool({ size: 2 });
  for (const [i, c] of CASES.entries()) {
    const s = await simulateExperiment({
      outDir: join(root, `s${i}`),
      preset: 'tiny',
      seed: c.seed,
      cell: { a: 6, b: 7, c: 9, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P m m m',
      entries: 1,
      nframes: FRAMES,
      compression: c.compression,
      dtype: c.dtype,
      sample: 'sim',
      label: 'xtal1',
      scan: '300K',
    });
    const raw = s.entries[0]!.rawFile;
    if (c.nanFrames) {
      await updateNexusFile(raw, (w) => {
        for (const z of c.nanFrames!)
          w.writeSlice('/entry/data/data', [[z, z + 1], [], []], new Float32Array(195 * 487).fill(NaN));
      });
    }
    const result = await findMaximum({ file: s.wrapperFile, entry: 'f1', pool });
    sims.push({
      c,
      wrapper: s.wrapperFile,
      raw,
      truth: JSON.parse(readFileSync(s.truthFile, 'utf8')) as Sim['truth'],
      result,
    });
  }
}, 300_000);

afterAll(async () => {
  await pool.close();
  rmSync(root, { recursive: true, force: true });
});

/** The same quantities computed by numpy from the raw file and the written mask. */
function numpyFigures(
  raw: string,
  wrapper: string,
  first: number,
  last: number,
): { maximum: number; frames: Array<number | null>; summed: number; summedAt: number[] } {
  return pyJson(
    `
import sys, json, h5py, hdf5plugin, numpy as np
raw, wrapper, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
d = h5py.File(raw, 'r')['/entry/data/data'][first:last].astype(np.float64)
mask = h5py.File(wrapper, 'r')['/f1/instrument/detector/pixel_mask'][()] != 0
good = ~mask
fin = np.isfinite(d)
frames = [None if not fin[k][good].any() else float(np.where(fin[k] & good, d[k], 0).sum()) for k in range(d.shape[0])]
s = np.where(fin & good[None], d, 0).sum(axis=0)
mx = float(np.nanmax(np.where(good[None], d, -np.inf)))
print(json.dumps({'maximum': mx, 'frames': frames, 'summed': float(s.sum()), 'summedAt': [float(s[100, 200]), float(s[50, 60]), float(s[150, 400])]}))
`,
    [raw, wrapper, String(first), String(last)],
  );
}

describe('find-maximum on simulated rotations', () => {
  it('finds exactly the simulated hot and dead pixels, for every dtype and compression', () => {
    for (const s of sims) {
      const key = (p: { x: number; y: number }): string => `${p.x},${p.y}`;
      expect(s.result.hotPixels.map(key).sort(), s.c.dtype).toEqual(
        s.truth.defects.hotPixels.map(key).sort(),
      );
      expect(s.result.deadPixels.map(key).sort(), s.c.dtype).toEqual(
        s.truth.defects.deadPixels.map(key).sort(),
      );
      // hot values as written (uint16 saturates at 65535)
      const cap = s.c.dtype === 'uint16' ? 65535 : Infinity;
      for (const h of s.truth.defects.hotPixels) {
        const found = s.result.hotPixels.find((p) => p.x === h.x && p.y === h.y)!;
        expect(found.value).toBe(Math.min(h.value, cap));
      }
    }
  });

  it('maximum, summed_data and summed_frames equal numpy on the same frames and final mask', () => {
    for (const s of sims) {
      const r = s.result;
      const np = numpyFigures(s.raw, s.wrapper, r.first, r.last);
      expect(r.maximum, s.c.dtype).toBe(np.maximum);
      const ours = Array.from(r.summedFrames.subarray(r.first, r.last), (v) => (Number.isNaN(v) ? null : v));
      expect(ours).toEqual(np.frames);
      let total = 0;
      for (const v of r.summedData) total += v;
      expect(total).toBeCloseTo(np.summed, 3);
      expect([
        r.summedData[100 * 487 + 200],
        r.summedData[50 * 487 + 60],
        r.summedData[150 * 487 + 400],
      ]).toEqual(np.summedAt);
      expect(r.missingFrames).toEqual(s.c.nanFrames ?? []);
      // frames outside [first, last) are 0, as NXRefine's zero-initialised arrays
      expect(r.summedFrames[0]).toBe(0);
      expect(r.summedFrames[FRAMES - 1]).toBe(0);
    }
  });

  it('gives the same result whatever the chunking (1-frame tasks, one worker)', async () => {
    const s = sims[0]!;
    // the file's pixel_mask now holds the hot pixels: a re-run's annulus sample leaves them out
    const ref = await findMaximum({ file: s.wrapper, entry: 'f1', pool, write: false });
    expect(Array.from(ref.summedFrames)).toEqual(Array.from(s.result.summedFrames));
    expect(ref.summedData).toEqual(s.result.summedData);
    const small = await findMaximum({ file: s.wrapper, entry: 'f1', pool, chunkFrames: 1, write: false });
    const single = new FramePool({ size: 1 });
    try {
      const one = await findMaximum({ file: s.wrapper, entry: 'f1', pool: single, write: false });
      for (const r of [small, one]) {
        expect(r.maximum).toBe(ref.maximum);
        expect(Array.from(r.summedFrames)).toEqual(Array.from(ref.summedFrames));
        expect(Array.from(r.partialFrames)).toEqual(Array.from(ref.partialFrames));
        expect(r.summedData).toEqual(ref.summedData);
      }
    } finally {
      await single.close();
    }
  });

  it('writes what NXRefine writes: data@maximum/@first/@last, pixel_mask, summed_data, summed_frames, radial_sum, transmission, nxmax', async () => {
    const s = sims[1]!;
    const r = s.result;
    const f = await openNexusFile(s.wrapper);
    try {
      const attrs = Object.fromEntries(f.entity('/f1/data').attributes.map((a) => [a.name, a.value]));
      expect(attrs['maximum']).toBe(r.maximum);
      expect(attrs['first']).toBe(r.first);
      expect(attrs['last']).toBe(r.last);
      const mask = f.readValue('/f1/instrument/detector/pixel_mask') as Int8Array;
      expect(f.entity('/f1/instrument/detector/pixel_mask').dtype).toBe('|i1');
      for (const h of s.truth.defects.hotPixels) expect(mask[h.y * 487 + h.x]).toBe(1);
      expect(f.entity('/f1/summed_data').nxClass).toBe('NXdata');
      expect(f.entity('/f1/summed_data/summed_data').shape).toEqual([195, 487]);
      expect(Array.from(f.readValue('/f1/summed_frames/summed_frames') as Float64Array)).toEqual(
        Array.from(r.summedFrames),
      );
      expect(Array.from(f.readValue('/f1/summed_frames/partial_frames') as Float64Array)).toEqual(
        Array.from(r.partialFrames),
      );
      expect(f.entity('/f1/radial_sum/radial_sum').shape).toEqual([2048]);
      expect(f.entity('/f1/radial_sum/Q').attributes.find((a) => a.name === 'units')?.value).toBe('Ang-1');
      expect(f.entity('/f1/instrument/sample/transmission/transmission').shape).toEqual([FRAMES]);
      expect(f.readValue('/f1/nxmax/program')).toBe('nxmax');
      expect(f.readValue('/f1/nxmax/note/data') as string).toContain(`Maximum: ${r.maximum}`);
      expect(f.readValue('/f1/nxmax/qmin')).toBeCloseTo(r.annulus.qmin, 12);
    } finally {
      f.close();
    }
  });

  it('the radial sum of an isotropic background follows the simulated air scatter (falls with 2θ)', () => {
    const rs = sims[0]!.result.radialSum;
    const filled = Array.from(rs.radialSum)
      .map((v, i) => [rs.polarAngle[i]!, v] as const)
      .filter(([, v]) => v > 0);
    const early = filled.slice(0, 100).reduce((a, [, v]) => a + v, 0) / 100;
    const late = filled.slice(-100).reduce((a, [, v]) => a + v, 0) / 100;
    expect(early).toBeGreaterThan(late);
  });

  it('refuses bad input with a named NxrError and leaves the file untouched when cancelled', async () => {
    const s = sims[0]!;
    await expect(findMaximum({ file: s.wrapper, entry: 'f7', pool })).rejects.toMatchObject({
      code: 'MISSING_PATH',
    });
    await expect(
      findMaximum({ file: s.wrapper, entry: 'f1', first: 70, last: 60, pool }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    await expect(findMaximum({ file: join(root, 'nope.nxs'), entry: 'f1', pool })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
    const before = readFileSync(s.wrapper);
    const ac = new AbortController();
    await expect(
      findMaximum(
        { file: s.wrapper, entry: 'f1', pool, chunkFrames: 4 },
        { signal: ac.signal, onProgress: (fr) => (fr > 0.3 ? ac.abort() : undefined) },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readFileSync(s.wrapper).equals(before)).toBe(true);
  });
});

describe('find-maximum transmission on a scan with known transmission', () => {
  it('recovers a step in transmission through a varying monitor (partial / monitor, median-filtered, ÷ median)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nxr-trans-'));
    try {
      const file = join(dir, 'scan.nxs');
      const [ny, nx] = [64, 80];
      const n = 120;
      const T = (z: number): number => (z < 70 ? 1 : 0.6);
      const M = (z: number): number => 1e5 * (1 + 0.1 * Math.sin(z / 3));
      const w = await createNexusFile(file);
      try {
        w.group('/f1', 'NXentry');
        w.group('/f1/instrument', 'NXinstrument');
        w.group('/f1/instrument/monochromator', 'NXmonochromator');
        w.field('/f1/instrument/monochromator/wavelength', 0.2);
        const d = '/f1/instrument/detector';
        w.group(d, 'NXdetector');
        w.field(`${d}/distance`, 100);
        w.field(`${d}/pixel_size`, 0.172);
        w.field(`${d}/beam_center_x`, 40);
        w.field(`${d}/beam_center_y`, 30);
        w.field(`${d}/shape`, Int32Array.from([ny, nx]));
        w.group('/f1/monitor1', 'NXmonitor', { signal: 'MCS1' });
        w.field(
          '/f1/monitor1/MCS1',
          Float64Array.from({ length: n }, (_, z) => M(z)),
        );
        w.group('/f1/data', 'NXdata', { signal: 'data' });
        w.createStack('/f1/data/data', { frameShape: [ny, nx], dtype: '<f4', compression: 'none' });
        const frames = new Float32Array(n * ny * nx);
        for (let z = 0; z < n; z++)
          for (let i = 0; i < ny * nx; i++) frames[z * ny * nx + i] = (1 + (i % 7)) * 1e-3 * T(z) * M(z);
        w.appendFrames('/f1/data/data', frames, n);
        w.close();
      } catch (e) {
        w.abort();
        throw e;
      }
      const r = await findMaximum({ file, entry: 'f1', pool, first: 5, last: 100 });
      expect(r.monitorPath).toBe('/f1/monitor1/MCS1');
      const t = r.transmission!;
      // 65 frames at T = 1 and 30 at 0.6 in [5, 100): the median is the T = 1 level
      for (let z = 0; z < n; z++) {
        const expected = z < 5 ? 1 : z >= 100 ? 0.6 : T(z);
        expect(t.transmission[z]).toBeCloseTo(expected, 5);
      }
      const f = await openNexusFile(file);
      const stored = f.readValue('/f1/instrument/sample/transmission/transmission') as Float64Array;
      const median = f
        .entity('/f1/instrument/sample/transmission')
        .attributes.find((a) => a.name === 'median')?.value;
      f.close();
      expect(Array.from(stored)).toEqual(Array.from(t.transmission));
      expect(median).toBe(t.median);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
