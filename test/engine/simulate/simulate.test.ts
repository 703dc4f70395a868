import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../src/cli/main.ts';
import { openNexusFile } from '../../../src/engine/io/index.ts';
import {
  simulateExperiment,
  type SimulateOptions,
} from '../../../src/engine/simulate/simulate-experiment.ts';
import { pixelToHkl } from '../../../src/refine/geometry/pixel-to-hkl.ts';
import type { Geometry, Mat3 } from '../../../src/refine/geometry/models.ts';
import type { SimulatedReflection } from '../../../src/refine/simulate/models.ts';
import { parseSettingsIni } from '../../../src/refine/settings/settings-ini.ts';

interface Truth {
  crystal: { UB: Mat3; spaceGroup: string };
  defects: { hotPixels: Array<{ x: number; y: number; value: number }>; gapValue: number };
  entries: Array<{ name: string; geometry: Geometry; nframes: number; reflections: SimulatedReflection[] }>;
}

const base = (outDir: string): SimulateOptions => ({
  outDir,
  preset: 'tiny',
  seed: 3,
  cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
  spaceGroup: 'P m m m',
  entries: 2,
  compression: 'bslz4',
  dtype: 'int32',
  sample: 'sim',
  label: 'xtal1',
  scan: '300K',
});

let dir: string;
let truth: Truth;
const wrapper = (d: string): string => join(d, 'sim', 'xtal1', 'sim_300K.nxs');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-sim-'));
  await simulateExperiment(base(dir));
  truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Truth;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nxr simulate (tiny preset)', () => {
  it('writes the NXRefine experiment layout with settings.ini and linked raw frames', async () => {
    const settings = parseSettingsIni(readFileSync(join(dir, 'tasks', 'settings.ini'), 'utf8'));
    expect(settings['nxrefine']!['wavelength']).toBe(0.2);
    expect(settings['nxreduce']!['last']).toBe(390);
    const f = await openNexusFile(wrapper(dir));
    try {
      for (const e of ['f1', 'f2']) {
        expect(f.entity(`/${e}`).nxClass).toBe('NXentry');
        expect(f.readValue(`/${e}/instrument/detector/distance`)).toBe(200);
        expect(f.entity(`/${e}/data/data`).shape).toEqual([400, 195, 487]);
      }
      expect(f.readValue('/f2/instrument/detector/beam_center_x')).toBeCloseTo(251.3 - 20, 9);
      expect(f.readValue('/f1/sample/name')).toBe('sim');
    } finally {
      f.close();
    }
  });

  it('opens in Debian h5py with the external links resolved and the same frame values', async () => {
    const f = await openNexusFile(wrapper(dir));
    const frame = f.readFrame('/f1/data/data', 123);
    f.close();
    let sum = 0;
    for (const v of frame.data as Int32Array) sum += v;
    const py = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys, h5py, hdf5plugin; f = h5py.File(sys.argv[1], "r"); d = f["f1/data/data"]; ' +
          'print(d.shape, d.chunks, int(d[123].astype("int64").sum()), f["f1/sample"].name)',
        wrapper(dir),
      ],
      { encoding: 'utf8' },
    );
    expect(py.trim()).toBe(`(400, 195, 487) (1, 195, 487) ${sum} /f1/sample`);
  });

  it('places every reflection at an integer hkl of the recorded geometry', () => {
    for (const e of truth.entries) {
      expect(e.reflections.length).toBeGreaterThan(50);
      for (const r of e.reflections) {
        const hkl = pixelToHkl(e.geometry, truth.crystal.UB, r.x, r.y, r.frame);
        expect(Math.hypot(hkl[0] - r.h, hkl[1] - r.k, hkl[2] - r.l)).toBeLessThan(1e-6);
      }
    }
  });

  it('puts the bright counts where truth.json says: centroids within 0.1 px / 0.1 frame', async () => {
    const e = truth.entries[0]!;
    const [ny, nx] = e.geometry.shape;
    const strong = e.reflections.filter(
      (r) =>
        r.peakValue > 20_000 &&
        !r.peakMasked &&
        r.frame > 6 &&
        r.frame < e.nframes - 7 &&
        r.x > 6 &&
        r.x < nx - 7 &&
        r.y > 6 &&
        r.y < ny - 7,
    );
    expect(strong.length).toBeGreaterThan(15);
    const f = await openNexusFile(join(dir, 'sim', 'xtal1', '300K', 'f1.h5'));
    const errors: number[][] = [];
    try {
      for (const r of strong) {
        const z0 = Math.round(r.frame) - 5;
        const x0 = Math.round(r.x) - 5;
        const y0 = Math.round(r.y) - 5;
        const box = f.readSlice('/entry/data/data', [
          [z0, z0 + 11],
          [y0, y0 + 11],
          [x0, x0 + 11],
        ]).data as Int32Array;
        // Background from the box's outer shell, then first moments.
        const sorted = Array.from(box).sort((a, b) => a - b);
        const bg = sorted[Math.floor(sorted.length / 2)]!;
        let s = 0;
        let sx = 0;
        let sy = 0;
        let sz = 0;
        for (let k = 0; k < 11; k++)
          for (let j = 0; j < 11; j++)
            for (let i = 0; i < 11; i++) {
              const v = box[(k * 11 + j) * 11 + i]! - bg;
              s += v;
              sx += v * (x0 + i);
              sy += v * (y0 + j);
              sz += v * (z0 + k);
            }
        errors.push([sx / s - r.x, sy / s - r.y, sz / s - r.frame]);
      }
    } finally {
      f.close();
    }
    const rms = (k: number): number =>
      Math.sqrt(errors.reduce((a, e2) => a + e2[k]! ** 2, 0) / errors.length);
    expect(rms(0)).toBeLessThan(0.1);
    expect(rms(1)).toBeLessThan(0.1);
    expect(rms(2)).toBeLessThan(0.1);
  });

  it('writes hot pixels at a constant value on every frame and is deterministic for a seed', async () => {
    const f = await openNexusFile(join(dir, 'sim', 'xtal1', '300K', 'f1.h5'));
    const a = f.readFrame('/entry/data/data', 7).data as Int32Array;
    const b = f.readFrame('/entry/data/data', 250).data as Int32Array;
    f.close();
    for (const p of truth.defects.hotPixels) {
      expect(a[p.y * 487 + p.x]).toBe(p.value);
      expect(b[p.y * 487 + p.x]).toBe(p.value);
    }
    const again = mkdtempSync(join(tmpdir(), 'nxr-sim-'));
    try {
      await simulateExperiment({ ...base(again), entries: 1, nframes: 12, workers: 0 });
      const g = await openNexusFile(wrapper(again));
      const c = g.readFrame('/f1/data/data', 7).data as Int32Array;
      g.close();
      expect(Array.from(c)).toEqual(Array.from(a));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

describe('nxr simulate (Pilatus 300K gaps, errors)', () => {
  it('masks module gaps and fills them with −1 (signed) as Pilatus does', async () => {
    const d = mkdtempSync(join(tmpdir(), 'nxr-sim-'));
    try {
      await simulateExperiment({ ...base(d), preset: 'small', entries: 1, nframes: 8 });
      const f = await openNexusFile(wrapper(d));
      const mask = f.readValue('/f1/instrument/detector/pixel_mask') as unknown as
        { data: Int8Array } | Int8Array;
      const m = 'data' in mask ? mask.data : mask;
      const frame = f.readFrame('/f1/data/data', 3).data as Int32Array;
      f.close();
      let gaps = 0;
      for (let i = 0; i < m.length; i++) {
        if (m[i]) {
          gaps++;
          expect(frame[i]).toBe(-1);
        }
      }
      expect(gaps).toBe(619 * 487 - 3 * 487 * 195);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('honours the space group: I-centred and glide absences never appear, a wrong cell is refused', async () => {
    const d = mkdtempSync(join(tmpdir(), 'nxr-sim-'));
    try {
      const cell = { a: 5.1, b: 5.1, c: 12.4, alpha: 90, beta: 90, gamma: 90 };
      await simulateExperiment({ ...base(d), entries: 1, nframes: 120, cell, spaceGroup: 'I 41/a m d' });
      const t = JSON.parse(readFileSync(join(d, 'truth.json'), 'utf8')) as Truth;
      expect(t.crystal.spaceGroup).toBe('I 41/a m d:1');
      const refl = t.entries[0]!.reflections;
      expect(refl.length).toBeGreaterThan(20);
      for (const r of refl) {
        expect(Math.abs(r.h + r.k + r.l) % 2).toBe(0); // I centring
        if (r.l === 0 && r.h !== 0 && r.k === 0) expect(Math.abs(r.h) % 4).toBe(0); // 41 / d-glide: h00 with h = 4n
      }
      await expect(
        simulateExperiment({ ...base(d), overwrite: true, cell: { ...cell, b: 5.3 }, spaceGroup: '141' }),
      ).rejects.toThrow(/is not tetragonal as space group 'I 41\/a m d:1' requires/);
      await expect(simulateExperiment({ ...base(d), overwrite: true, spaceGroup: 'Q 9' })).rejects.toThrow(
        /unknown space group 'Q 9'/,
      );
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('rejects nonsense parameters with a clear message and exit code 2', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t) };
    expect(await main(['simulate', '--out', dir, '--preset', 'huge'], io)).toBe(2);
    expect(await main(['simulate', '--out', dir, '--cell', '3,4,5'], io)).toBe(2);
    expect(await main(['simulate', '--out', dir, '--cell', '3,4,5,90,90,200'], io)).toBe(2);
    expect(await main(['simulate', '--out', dir], io)).toBe(2); // exists already without --overwrite
    expect(err.join('\n')).toMatch(/--preset must be tiny, small or pilatus2m/);
    expect(err.join('\n')).toMatch(/--cell needs 6 numbers/);
    expect(err.join('\n')).toMatch(/cell angles must be/);
    expect(err.join('\n')).toMatch(/sim_300K\.nxs: exists already/);
  });
});
