/**
 * Transform Data on a simulated rotation (tiny preset: Pilatus 100K at 200 mm, frames 10…390 of
 * 400 at 0.1°, λ = 0.2 Å; cell 3.82 × 3.89 × 11.68 Å). Grids: for Bragg peaks H, K in steps of
 * 0.02 and L in steps of 0.05 r.l.u. (about one pixel each: a pixel is 0.016 r.l.u. in H and 0.05
 * in L here); for the diffuse component 0.1 r.l.u. voxels whose boundaries lie on the half-integers,
 * where the simulated D has its cusp, so that D at a voxel centre is the voxel's average up to 1 %.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { transformData, type TransformDataResult } from '../../../src/engine/jobs/transform.ts';
import { createPixelMapper } from '../../../src/refine/geometry/create-pixel-mapper.ts';
import { evaluateDiffuse } from '../../../src/refine/simulate/diffuse.ts';
import { formatCctwSettings } from '../../../src/refine/transform/cctw-settings.ts';
import { axisValues } from '../../../src/refine/transform/models.ts';
import { parseDetectorOrientation } from '../../../src/refine/geometry/parse-detector-orientation.ts';
import { pyJson } from '../../helpers/python.ts';
import {
  fromNxRefineOrientationMatrix,
  toNxRefineOrientationMatrix,
} from '../../../src/refine/orient/orientation-matrix-convention.ts';
import {
  backgroundAt,
  qOf,
  readTransform,
  simulateOrientedScan,
  strongReflections,
  voxelOf,
  type OrientedScan,
} from './transform-fixture.ts';

let root: string;
let scan: OrientedScan;
const BRAGG_GRID = { h: [-4, 0.02, 4], k: [-4, 0.02, 4], l: [-12, 0.05, 12] } as const;
let bragg: TransformDataResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-transform-'));
  scan = await simulateOrientedScan(root, 5);
  bragg = await transformData({ file: scan.wrapper, entry: 'f1', grid: BRAGG_GRID });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Transform Data on a simulated rotation', () => {
  it('puts every strong reflection at its integer hkl: the largest v/n within ±3 voxels is its voxel', async () => {
    const { v, n } = await readTransform(bragg.outputFile);
    const g = bragg.grid;
    const strong = strongReflections(scan.truth);
    expect(strong.length).toBeGreaterThan(50);
    const misplaced: string[] = [];
    for (const r of strong) {
      const centre = voxelOf(g, r.h, r.k, r.l);
      expect(centre).toBeGreaterThanOrEqual(0);
      let best = -1;
      let at = -1;
      for (let a = -3; a <= 3; a++)
        for (let b = -3; b <= 3; b++)
          for (let c = -3; c <= 3; c++) {
            const j = centre + (a * g.k.count + b) * g.h.count + c;
            if (n[j]! > 0 && v[j]! / n[j]! > best) {
              best = v[j]! / n[j]!;
              at = j;
            }
          }
      if (at !== centre) misplaced.push(`${r.h} ${r.k} ${r.l}`);
      // and it is a peak: far above the background and diffuse level (≤ 16 counts)
      expect(best).toBeGreaterThan(1000);
    }
    expect(misplaced).toEqual([]);
  });

  it('writes the NXRefine layout: v, n (L, K, H), axes with scaling factors, NXdata links, .pars, record', async () => {
    const g = bragg.grid;
    expect(bragg.outputFile).toBe(join(scan.scanDir, 'f1_transform.nxs'));
    expect([g.h.count, g.k.count, g.l.count]).toEqual([401, 401, 481]);
    expect(bragg.weights).toBe('monitor');
    expect([bragg.first, bragg.last]).toEqual([10, 390]); // settings.ini of the simulation
    // read back through the wrapper's external links by an independent reader (h5py)
    const info = pyJson<{
      shape: number[];
      nshape: number[];
      attrs: Record<string, unknown>;
      qh: { len: number; first: number; step: number; sf: number; long_name: string };
      ql_sf: number;
      default: string;
      command: string;
      links: string[];
      record: Record<string, unknown>;
      mw: number[];
      mwAxes: string;
    }>(
      `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
t = f['f1/transform']
s = lambda v: v.decode() if isinstance(v, bytes) else (v.item() if hasattr(v, 'item') else v)
print(json.dumps({
  'shape': list(t['data'].shape), 'nshape': list(t['weights'].shape),
  'attrs': {k: (list(map(s, v)) if hasattr(v, '__len__') and not isinstance(v, (str, bytes)) else s(v)) for k, v in t.attrs.items() if k != 'angles'} | {'angles': [float(a) for a in t.attrs['angles']]},
  'qh': {'len': len(t['Qh']), 'first': float(t['Qh'][0]), 'step': float(t['Qh'][1] - t['Qh'][0]), 'sf': float(t['Qh'].attrs['scaling_factor']), 'long_name': s(t['Qh'].attrs['long_name'])},
  'ql_sf': float(t['Ql'].attrs['scaling_factor']),
  'default': s(f['f1'].attrs['default']),
  'command': s(t['command'][()]),
  'links': [t.get(n, getlink=True).filename + ':' + t.get(n, getlink=True).path for n in ('data', 'weights')],
  'record': {k: s(f['f1/nxtransform'][k][()]) for k in ('program', 'monitor', 'norm', 'first', 'last')},
  'mw': f['f1/data/monitor_weight'][()].tolist(),
  'mwAxes': s(f['f1/data/monitor_weight'].attrs['axes']),
}))
`,
      [scan.wrapper],
    );
    expect(info.shape).toEqual([481, 401, 401]);
    expect(info.nshape).toEqual([481, 401, 401]);
    expect(info.attrs.signal).toBe('data');
    expect(info.attrs.axes).toEqual(['Ql', 'Qk', 'Qh']);
    expect(info.attrs.angles).toEqual([90, 90, 90]);
    expect(info.qh).toMatchObject({ len: 401, first: -4, long_name: 'H (r.l.u.)' });
    expect(info.qh.step).toBeCloseTo(0.02, 12);
    expect(info.qh.sf).toBeCloseTo((2 * Math.PI) / 3.82, 12);
    expect(info.ql_sf).toBeCloseTo((2 * Math.PI) / 11.68, 12);
    expect(info.default).toBe('transform');
    expect(info.links).toEqual([
      '300K/f1_transform.nxs:/entry/data/v',
      '300K/f1_transform.nxs:/entry/data/n',
    ]);
    expect(info.command).toMatch(
      /^cctw transform --script .*f1_transform\.pars --mask .*pixel_mask --weights .*monitor_weight .*f1\.h5\\#\/\/entry\/data\/data --output .*f1_transform\.nxs\\#\/entry\/data --normalization 0$/,
    );
    expect(info.record).toMatchObject({
      program: 'nxtransform',
      monitor: 'monitor1',
      norm: 50000,
      first: 10,
      last: 390,
    });
    // monitor_weight: NXRefine's (spec §5.4), recomputed independently from the file with numpy
    // alone (a least-squares quadratic per 101-frame window, np.polyfit for the ends: what scipy's
    // savgol_filter(m, 101, 2) computes), so that it runs where scipy is not installed
    const expected = pyJson<number[]>(
      `
import h5py, json, sys
import numpy as np
f = h5py.File(sys.argv[1], 'r')
m = np.array(f['f1/monitor1/MCS1'][()], dtype=float)
n = m.size
m[0] = m[1]; m[-1] = m[-2]; m = m / 50000.0
w = 501 if n > 1000 else 101 if n > 200 else n
h = w // 2
t = np.arange(w) - h
y = np.empty(n)
for i in range(h, n - h):
    y[i] = np.polyval(np.polyfit(t, m[i - h:i + h + 1], 2), 0.0)
y[:h] = np.polyval(np.polyfit(np.arange(w), m[:w], 2), np.arange(h))
y[n - h:] = np.polyval(np.polyfit(np.arange(w), m[n - w:], 2), np.arange(w - h, w))
for p in ('instrument/attenuator/attenuator_transmission', 'instrument/filter/transmission/transmission',
          'instrument/sample/transmission/transmission'):
    if 'f1/' + p in f: y = y * f['f1/' + p][()][:n]
y[:10] = 0.0; y[391:] = 0.0
print(json.dumps(y.tolist()))
`,
      [scan.wrapper],
    );
    expect(info.mw).toHaveLength(400);
    expect(info.mwAxes).toBe('frame_number');
    for (let z = 0; z < 400; z++) {
      if (z < 10 || z > 390) expect(info.mw[z]).toBe(0);
      else expect(Math.abs(info.mw[z]! - expected[z]!) / expected[z]!).toBeLessThan(1e-10);
    }
    // smoothed: not the measured monitor/norm of any noisy frame
    const f = await openNexusFile(scan.wrapper);
    const mcs = f.readValue('/f1/monitor1/MCS1') as Float64Array;
    f.close();
    expect(info.mw.some((w, z) => z >= 10 && z <= 390 && Math.abs(w - mcs[z]! / 50000) > 1e-6)).toBe(true);
    // the .pars file is the CCTW settings of this very transform (consistent convention)
    const e = scan.truth.entries[0]!.geometry;
    expect(readFileSync(bragg.parsFile, 'utf8')).toBe(
      formatCctwSettings({
        ...e,
        cell: scan.truth.crystal.cell,
        // UB as the file stores it (orientation_matrix·Bimat⁻¹): the truth UB to the last digit.
        UB: fromNxRefineOrientationMatrix(
          toNxRefineOrientationMatrix(scan.truth.crystal.U, scan.truth.crystal.cell),
          scan.truth.crystal.cell,
        ).UB,
        O: parseDetectorOrientation(e.detectorOrientation),
        grid: g,
        rawChunks: [1, 195, 487],
        convention: 'consistent',
      }),
    );
    // the axes in the transform file itself
    const t = await openNexusFile(bragg.outputFile);
    expect(Array.from(t.readValue('/entry/data/Qk') as Float64Array)).toEqual(Array.from(axisValues(g.k)));
    t.close();
  });

  it('with unit weights, Σn is the number of unmasked pixel-frames on the grid (counted independently)', async () => {
    const r = await transformData({
      file: scan.wrapper,
      entry: 'f1',
      grid: BRAGG_GRID,
      normalize: false,
      first: 100,
      last: 179,
    });
    expect(r.weights).toBe('none');
    expect(r.framesUsed).toBe(80);
    const { n } = await readTransform(r.outputFile);
    let sumN = 0;
    for (let i = 0; i < n.length; i++) sumN += n[i]!;
    // independent count: pixel → hkl for whole frames, nearest centre on the grid, same skip rules
    const e = scan.truth.entries[0]!;
    const [ny, nx] = e.geometry.shape;
    const f = await openNexusFile(scan.wrapper);
    const mask = f.readValue('/f1/instrument/detector/pixel_mask') as Int8Array;
    const mapper = createPixelMapper(e.geometry);
    let count = 0;
    for (let z = 100; z <= 179; z++) {
      const frame = f.readFrame('/f1/data/data', z).data;
      const [h, k, l] = mapper.mapToHkl(scan.truth.crystal.UB, z);
      for (let i = 0; i < ny * nx; i++) {
        if (mask[i] || !(Number(frame[i]) >= 0)) continue;
        if (voxelOf(r.grid, h[i]!, k[i]!, l[i]!) >= 0) count++;
      }
    }
    f.close();
    expect(count).toBeGreaterThan(5_000_000);
    expect(r.pixels).toBe(count);
    expect(sumN).toBe(count);
  });

  it('reproduces the simulated diffuse component D(h, k, l): correlation ≥ 0.99, slope 1', async () => {
    const r = await transformData({
      file: scan.wrapper,
      entry: 'f1',
      grid: { h: [-3.95, 0.1, 3.95], k: [-3.95, 0.1, 3.95], l: [-11.95, 0.1, 11.95] },
    });
    const { v, n } = await readTransform(r.outputFile);
    const g = r.grid;
    const { UB } = scan.truth.crystal;
    const lambda = scan.truth.entries[0]!.geometry.wavelength;
    const measured: number[] = [];
    const model: number[] = [];
    for (let il = 0; il < g.l.count; il++)
      for (let ik = 0; ik < g.k.count; ik++)
        for (let ih = 0; ih < g.h.count; ih++) {
          const j = (il * g.k.count + ik) * g.h.count + ih;
          if (!(n[j]! >= 400)) continue; // voxels with ≥ 400 pixel-frames (weights ≈ 1)
          const h = g.h.start + ih * g.h.step;
          const k = g.k.start + ik * g.k.step;
          const l = g.l.start + il * g.l.step;
          // away from Bragg peaks: more than 0.03 Å⁻¹ (≈ 7 pixels) from any integer hkl
          const d = qOf(UB, h - Math.round(h), k - Math.round(k), l - Math.round(l));
          if (Math.hypot(...d) < 0.03) continue;
          const q = Math.hypot(...qOf(UB, h, k, l));
          measured.push(v[j]! / n[j]! - backgroundAt(scan.truth, q, lambda));
          model.push(evaluateDiffuse(scan.truth.diffuse, h, k, l, q * q));
        }
    expect(measured.length).toBeGreaterThan(10_000);
    const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
    const mx = mean(measured);
    const my = mean(model);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < measured.length; i++) {
      sxy += (measured[i]! - mx) * (model[i]! - my);
      sxx += (measured[i]! - mx) ** 2;
      syy += (model[i]! - my) ** 2;
    }
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThanOrEqual(0.99);
    expect(sxy / syy).toBeGreaterThan(0.98);
    expect(sxy / syy).toBeLessThan(1.02);
    expect(Math.abs(mx - my)).toBeLessThan(0.05);
  });

  it('gives the same grid when memory forces bricks out of the cache (spill and merge)', async () => {
    const opts = {
      file: scan.wrapper,
      entry: 'f1',
      grid: BRAGG_GRID,
      normalize: false,
      first: 10,
      last: 390,
    } as const;
    const a = await transformData(opts);
    const A = await readTransform(a.outputFile);
    // one worker with 32 MiB of bricks (1024 of the grid's 21 000): bricks must leave before the end
    const b = await transformData({
      ...opts,
      workers: 1,
      memoryLimitBytes: 400 * 2 ** 20 + (300 * 2 ** 20 + 64 * 195 * 487) + 32 * 2 ** 20,
    });
    expect(b.cacheBytesPerWorker).toBe(32 * 2 ** 20);
    expect(b.spillBytes).toBeGreaterThan(1.5 * b.cacheBytesPerWorker); // only eviction spills more than fits
    const B = await readTransform(b.outputFile);
    let wrong = 0;
    for (let i = 0; i < A.v.length; i++) if (A.v[i] !== B.v[i] || A.n[i] !== B.n[i]) wrong++;
    expect(wrong).toBe(0);
    expect(b.pixels).toBe(a.pixels);
  });

  it('fails clearly, and leaves nothing behind when cancelled', async () => {
    await expect(transformData({ file: scan.wrapper, entry: 'f9' })).rejects.toMatchObject({
      code: 'MISSING_PATH',
    });
    await expect(
      transformData({ file: scan.wrapper, entry: 'f1', grid: { h: [1, -0.1, 2] } }),
    ).rejects.toThrow(/H grid 1,-0.1,2.*step must be positive/);
    await expect(transformData({ file: scan.wrapper, entry: 'f1', masked: true })).rejects.toMatchObject({
      code: 'MISSING_PATH',
      path: '/f1/data/data_mask',
    });
    await expect(
      transformData({ file: scan.wrapper, entry: 'f1', first: 300, last: 500 }),
    ).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    const before = readFileSync(bragg.outputFile);
    const ac = new AbortController();
    await expect(
      transformData(
        { file: scan.wrapper, entry: 'f1', grid: BRAGG_GRID },
        { signal: ac.signal, onProgress: (fr) => fr > 0.2 && ac.abort() },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readFileSync(bragg.outputFile).equals(before)).toBe(true);
    expect(readdirSync(scan.scanDir).filter((n) => n.includes('.spill-'))).toEqual([]);
    expect(existsSync(join(scan.scanDir, 'f1_transform.nxs'))).toBe(true);
  });

  it('multiplies the attenuator and filter transmissions into monitor_weight; refuses a short one', async () => {
    const read = async (): Promise<Float64Array> => {
      const f = await openNexusFile(scan.wrapper);
      try {
        return Float64Array.from(f.readValue('/f1/data/monitor_weight') as ArrayLike<number>);
      } finally {
        f.close();
      }
    };
    const before = await read();
    const att = Float64Array.from({ length: 400 }, (_, z) => (z < 200 ? 1 : 0.25));
    const fil = Float64Array.from({ length: 400 }, (_, z) => 1 - 0.001 * (z % 7));
    await updateNexusFile(scan.wrapper, (w) => {
      w.group('/f1/instrument/attenuator', 'NXattenuator');
      w.field('/f1/instrument/attenuator/attenuator_transmission', att);
      w.group('/f1/instrument/filter', 'NXfilter');
      w.group('/f1/instrument/filter/transmission', 'NXdata', {
        signal: 'transmission',
        axes: 'frame_number',
      });
      w.field('/f1/instrument/filter/transmission/transmission', fil);
      w.field(
        '/f1/instrument/filter/transmission/frame_number',
        Float64Array.from({ length: 400 }, (_, z) => z),
      );
    });
    const small = { h: [-1, 0.5, 1], k: [-1, 0.5, 1], l: [-1, 0.5, 1] } as const;
    const r = await transformData({ file: scan.wrapper, entry: 'f1', grid: small });
    expect(r.weights).toBe('monitor');
    const after = await read();
    for (let z = 0; z < 400; z++) {
      const want = before[z]! * att[z]! * fil[z]!;
      expect(Math.abs(after[z]! - want)).toBeLessThanOrEqual(1e-15 * Math.abs(want));
    }
    expect(after[250]! / before[250]!).toBeCloseTo(0.25 * (1 - 0.001 * (250 % 7)), 14);
    // a sample transmission with fewer values than frames: a clear error naming it
    await updateNexusFile(scan.wrapper, (w) => {
      w.group('/f1/instrument/sample', 'NXsample');
      w.group('/f1/instrument/sample/transmission', 'NXdata', { signal: 'transmission' });
      w.field('/f1/instrument/sample/transmission/transmission', new Float64Array(100).fill(0.9));
    });
    await expect(transformData({ file: scan.wrapper, entry: 'f1', grid: small })).rejects.toMatchObject({
      code: 'WRONG_SHAPE',
      path: '/f1/instrument/sample/transmission/transmission',
    });
  });

  it('a scan without an orientation is refused (Refine Lattice first)', async () => {
    const other = mkdtempSync(join(tmpdir(), 'nxr-transform-bare-'));
    try {
      const { simulateExperiment } = await import('../../../src/engine/simulate/simulate-experiment.ts');
      const s = await simulateExperiment({
        outDir: other,
        preset: 'tiny',
        seed: 1,
        nframes: 20,
        cell: { a: 4, b: 4, c: 4, alpha: 90, beta: 90, gamma: 90 },
        spaceGroup: 'P m -3 m',
        entries: 1,
        compression: 'none',
        dtype: 'int32',
        sample: 'sim',
        label: 'xtal1',
        scan: '300K',
      });
      await expect(transformData({ file: s.wrapperFile, entry: 'f1' })).rejects.toMatchObject({
        code: 'MISSING_PATH',
        path: '/f1/instrument/detector/orientation_matrix',
      });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
