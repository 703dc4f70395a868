/**
 * Find Peaks on simulated rotations (nxr simulate: Bragg peaks at predicted positions, diffuse,
 * background, Poisson noise, module gaps, hot and dead pixels) against truth.json, run as NXRefine's
 * workflow does: Find Maximum first (it masks the hot and dead pixels), then Find Peaks.
 *
 * Figures (asserted over all scans together, printed per scan):
 * - recall ≥ 99 % of the "sure" reflections: expected counts of the voxel nearest the centre
 *   (truth peakValue) above threshold + 3·√threshold (one Poisson draw of the brightest voxel then
 *   exceeds the threshold with probability > 99.8 %), nearest pixel and its 5×5 neighbourhood
 *   unmasked, at least min_pixels from the detector edge, centre frame in [first + 1, last − 2],
 *   and at least 3σz + 1 frames from a missing (NaN) frame;
 * - precision ≥ 99 %: a found peak is true if a truth reflection (any) lies within 2 px in x and y
 *   and 2 frames in z, and no other found peak took that reflection already;
 * - centroid RMS ≤ 0.15 px (x and y each) and ≤ 0.15 frame over the sure reflections whose whole
 *   measuring box (±boxHalfWidth px) is unmasked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { findMaximum } from '../../../src/engine/jobs/find-maximum.ts';
import { findPeaks, type FindPeaksResult } from '../../../src/engine/jobs/find-peaks.ts';
import {
  readReductionParameters,
  writeReductionFields,
} from '../../../src/engine/jobs/reduction-parameters.ts';
import { FramePool } from '../../../src/engine/pool/frame-pool.ts';
import { simulateExperiment, type FrameDtype } from '../../../src/engine/simulate/simulate-experiment.ts';
import type { UnitCell } from '../../../src/refine/geometry/models.ts';
import type { SimulatedReflection } from '../../../src/refine/simulate/models.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson } from '../../helpers/python.ts';

interface Scan {
  name: string;
  preset: 'tiny' | 'small';
  seed: number;
  cell: UnitCell;
  spaceGroup: string;
  frames: number;
  dtype: FrameDtype;
  compression: 'bslz4' | 'gzip' | 'none';
  /** Frames overwritten with NaN in the raw file (float32 only). */
  nanFrames?: number[];
}

const cell = (a: number, b: number, c: number, beta = 90): UnitCell => ({
  a,
  b,
  c,
  alpha: 90,
  beta,
  gamma: 90,
});
const SCANS: Scan[] = [
  {
    name: 'tiny Pmmm int32 bslz4',
    preset: 'tiny',
    seed: 11,
    cell: cell(6, 7, 9),
    spaceGroup: 'P m m m',
    frames: 300,
    dtype: 'int32',
    compression: 'bslz4',
  },
  {
    name: 'tiny I41/amd uint32 gzip',
    preset: 'tiny',
    seed: 12,
    cell: cell(7, 7, 14),
    spaceGroup: 'I 41/a m d',
    frames: 300,
    dtype: 'uint32',
    compression: 'gzip',
  },
  {
    name: 'tiny P21/c float32 none +NaN frames',
    preset: 'tiny',
    seed: 13,
    cell: cell(6, 8, 9, 100),
    spaceGroup: 'P 1 21/c 1',
    frames: 300,
    dtype: 'float32',
    compression: 'none',
    nanFrames: [120, 121, 200],
  },
  {
    name: 'small Pmmm int32 bslz4 (gaps)',
    preset: 'small',
    seed: 14,
    cell: cell(6, 7, 9),
    spaceGroup: 'P m m m',
    frames: 160,
    dtype: 'int32',
    compression: 'bslz4',
  },
  {
    name: 'small I41/amd uint16 gzip (gaps)',
    preset: 'small',
    seed: 15,
    cell: cell(7, 7, 14),
    spaceGroup: 'I 41/a m d',
    frames: 160,
    dtype: 'uint16',
    compression: 'gzip',
  },
];

const THRESHOLD = 2000;

interface Prepared {
  scan: Scan;
  wrapper: string;
  reflections: SimulatedReflection[];
  hot: Array<{ x: number; y: number }>;
  shape: [number, number];
  result: FindPeaksResult;
  /** pixel_mask after Find Maximum. */
  mask: Uint8Array;
}

let root: string;
let pool: FramePool;
const prepared: Prepared[] = [];

async function prepare(scan: Scan, i: number): Promise<Prepared> {
  const outDir = join(root, `scan${i}`);
  const summary = await simulateExperiment({
    outDir,
    preset: scan.preset,
    seed: scan.seed,
    cell: scan.cell,
    spaceGroup: scan.spaceGroup,
    entries: 1,
    nframes: scan.frames,
    compression: scan.compression,
    dtype: scan.dtype,
    sample: 'sim',
    label: 'xtal1',
    scan: '300K',
  });
  const truth = JSON.parse(readFileSync(summary.truthFile, 'utf8')) as {
    entries: Array<{ geometry: { shape: [number, number] }; reflections: SimulatedReflection[] }>;
    defects: { hotPixels: Array<{ x: number; y: number }> };
  };
  const shape = truth.entries[0]!.geometry.shape;
  if (scan.nanFrames) {
    await updateNexusFile(summary.entries[0]!.rawFile, (w) => {
      for (const z of scan.nanFrames!)
        w.writeSlice(
          '/entry/data/data',
          [[z, z + 1], [], []],
          new Float32Array(shape[0] * shape[1]).fill(NaN),
        );
    });
  }
  await findMaximum({ file: summary.wrapperFile, entry: 'f1', pool });
  const result = await findPeaks({ file: summary.wrapperFile, entry: 'f1', threshold: THRESHOLD, pool });
  const f = await openNexusFile(summary.wrapperFile);
  const mask = Uint8Array.from(f.readValue('/f1/instrument/detector/pixel_mask') as Int8Array);
  f.close();
  return {
    scan,
    wrapper: summary.wrapperFile,
    reflections: truth.entries[0]!.reflections,
    hot: truth.defects.hotPixels,
    shape,
    result,
    mask,
  };
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-find-peaks-'));
  pool = new FramePool({ size: 2 });
  for (const [i, s] of SCANS.entries()) prepared.push(await prepare(s, i));
}, 600_000);

afterAll(async () => {
  await pool.close();
  rmSync(root, { recursive: true, force: true });
});

const near = (p: { x: number; y: number; z: number }, r: SimulatedReflection): boolean =>
  Math.abs(p.x - r.x) <= 2 && Math.abs(p.y - r.y) <= 2 && Math.abs(p.z - r.frame) <= 2;

function unmaskedAround(
  mask: Uint8Array,
  shape: [number, number],
  x: number,
  y: number,
  half: number,
): boolean {
  const [ny, nx] = shape;
  const cx = Math.round(x);
  const cy = Math.round(y);
  for (let yy = cy - half; yy <= cy + half; yy++)
    for (let xx = cx - half; xx <= cx + half; xx++) {
      if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) return false;
      if (mask[yy * nx + xx]) return false;
    }
  return true;
}

interface Figures {
  /** Reflections above the bare threshold (no 3σ margin), otherwise selected alike, and found. */
  above: number;
  aboveFound: number;
  sure: number;
  found: number;
  peaks: number;
  truePeaks: number;
  dx: number[];
  dy: number[];
  dz: number[];
}

function figures(p: Prepared): Figures {
  const { result, reflections, mask, shape } = p;
  const par = result.parameters;
  const m = par.minPixels;
  const [ny, nx] = shape;
  const nan = p.scan.nanFrames ?? [];
  const selectable = (r: SimulatedReflection): boolean =>
    !r.peakMasked &&
    unmaskedAround(mask, shape, r.x, r.y, 2) &&
    r.x >= m &&
    r.x <= nx - 1 - m &&
    r.y >= m &&
    r.y <= ny - 1 - m &&
    r.frame >= result.first + 1 &&
    r.frame <= result.last - 2 &&
    nan.every((z) => Math.abs(r.frame - z) >= 3 * r.sigmaFrame + 1);
  const sure = reflections.filter((r) => r.peakValue > THRESHOLD + 3 * Math.sqrt(THRESHOLD) && selectable(r));
  const above = reflections.filter((r) => r.peakValue > THRESHOLD && selectable(r));
  const f: Figures = {
    above: above.length,
    aboveFound: above.filter((r) => result.peaks.some((pk) => near(pk, r))).length,
    sure: sure.length,
    found: 0,
    peaks: result.peaks.length,
    truePeaks: 0,
    dx: [],
    dy: [],
    dz: [],
  };
  for (const r of sure) {
    const hit = result.peaks.find((pk) => near(pk, r));
    if (!hit) continue;
    f.found++;
    if (unmaskedAround(mask, shape, r.x, r.y, par.boxHalfWidth)) {
      f.dx.push(hit.x - r.x);
      f.dy.push(hit.y - r.y);
      f.dz.push(hit.z - r.frame);
    }
  }
  const taken = new Set<SimulatedReflection>();
  for (const pk of result.peaks) {
    let best: SimulatedReflection | undefined;
    let bestD = Infinity;
    for (const r of reflections) {
      if (!near(pk, r) || taken.has(r)) continue;
      const d = (pk.x - r.x) ** 2 + (pk.y - r.y) ** 2 + (pk.z - r.frame) ** 2;
      if (d < bestD) {
        bestD = d;
        best = r;
      }
    }
    if (best) {
      taken.add(best);
      f.truePeaks++;
    }
  }
  return f;
}

const rms = (v: number[]): number => Math.sqrt(v.reduce((s, e) => s + e * e, 0) / Math.max(1, v.length));

describe('find-peaks on simulated rotations vs truth.json', () => {
  it('recall ≥ 99 %, precision ≥ 99 %, centroid RMS ≤ 0.15 px and ≤ 0.15 frame', () => {
    const all: Figures = {
      above: 0,
      aboveFound: 0,
      sure: 0,
      found: 0,
      peaks: 0,
      truePeaks: 0,
      dx: [],
      dy: [],
      dz: [],
    };
    const lines: string[] = [];
    for (const p of prepared) {
      const f = figures(p);
      lines.push(
        `${p.scan.name.padEnd(38)} sure ${String(f.sure).padStart(4)} found ${String(f.found).padStart(4)}  peaks ${String(f.peaks).padStart(4)} true ${String(f.truePeaks).padStart(4)}  ` +
          `rms x ${rms(f.dx).toFixed(3)} y ${rms(f.dy).toFixed(3)} z ${rms(f.dz).toFixed(3)} (${f.dx.length})`,
      );
      all.sure += f.sure;
      all.above += f.above;
      all.aboveFound += f.aboveFound;
      all.found += f.found;
      all.peaks += f.peaks;
      all.truePeaks += f.truePeaks;
      all.dx.push(...f.dx);
      all.dy.push(...f.dy);
      all.dz.push(...f.dz);
      // every scan contributes
      expect(f.sure).toBeGreaterThan(40);
    }
    const recall = all.found / all.sure;
    const precision = all.truePeaks / all.peaks;
    lines.push(
      `all: recall ${(100 * recall).toFixed(2)} % (${all.found}/${all.sure}), precision ${(100 * precision).toFixed(2)} % (${all.truePeaks}/${all.peaks}), ` +
        `rms x ${rms(all.dx).toFixed(3)} px, y ${rms(all.dy).toFixed(3)} px, z ${rms(all.dz).toFixed(3)} frames over ${all.dx.length}; ` +
        `recall without the 3σ margin ${((100 * all.aboveFound) / all.above).toFixed(2)} % (${all.aboveFound}/${all.above})`,
    );
    console.log(lines.join('\n'));
    expect(all.sure).toBeGreaterThan(400);
    expect(recall).toBeGreaterThanOrEqual(0.99);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(rms(all.dx)).toBeLessThanOrEqual(0.15);
    expect(rms(all.dy)).toBeLessThanOrEqual(0.15);
    expect(rms(all.dz)).toBeLessThanOrEqual(0.15);
  });

  it('never puts a peak on a masked pixel, a module gap or a hot pixel', () => {
    for (const p of prepared) {
      const [, nx] = p.shape;
      for (const pk of p.result.peaks) {
        expect(p.mask[pk.maxY * nx + pk.maxX]).toBe(0);
        for (const h of p.hot) expect(Math.abs(pk.x - h.x) < 1 && Math.abs(pk.y - h.y) < 1).toBe(false);
      }
    }
  });

  it('finds a peak split by a chunk or worker boundary exactly once (tiny chunks give the same peaks)', async () => {
    const p = prepared[0]!;
    const nan = prepared[2]!;
    for (const [q, chunkFrames] of [
      [p, 1],
      [p, 7],
      [nan, 3],
    ] as const) {
      const split = await findPeaks({
        file: q.wrapper,
        entry: 'f1',
        threshold: THRESHOLD,
        pool,
        chunkFrames,
        write: false,
      });
      expect(split.ranges).toBe(Math.ceil((q.result.last - q.result.first) / chunkFrames));
      expect(split.peaks.length).toBe(q.result.peaks.length);
      split.peaks.forEach((pk, i) => {
        const w = q.result.peaks[i]!;
        expect(Math.abs(pk.x - w.x) + Math.abs(pk.y - w.y) + Math.abs(pk.z - w.z)).toBeLessThan(1e-9);
        expect(pk.intensity).toBeCloseTo(w.intensity, 6);
      });
    }
  });

  it('hot pixels make no peaks even before Find Maximum has masked them', async () => {
    const scan = SCANS[0]!;
    const outDir = join(root, 'unmasked');
    const s = await simulateExperiment({
      outDir,
      preset: 'tiny',
      seed: scan.seed,
      cell: scan.cell,
      spaceGroup: scan.spaceGroup,
      entries: 1,
      nframes: 80,
      compression: 'none',
      dtype: 'int32',
      sample: 'sim',
      label: 'xtal1',
      scan: '300K',
    });
    const truth = JSON.parse(readFileSync(s.truthFile, 'utf8')) as {
      defects: { hotPixels: Array<{ x: number; y: number; value: number }> };
    };
    const r = await findPeaks({ file: s.wrapperFile, entry: 'f1', threshold: THRESHOLD, pool, write: false });
    expect(truth.defects.hotPixels.some((h) => h.value > THRESHOLD)).toBe(true);
    for (const pk of r.peaks)
      for (const h of truth.defects.hotPixels) expect(Math.hypot(pk.x - h.x, pk.y - h.y)).toBeGreaterThan(1);
  });

  it('writes fN/peaks as NXRefine does (float64 fields, @first @last @threshold) and the nxfind record', async () => {
    const p = prepared[1]!;
    const f = await openNexusFile(p.wrapper);
    try {
      const g = f.entity('/f1/peaks');
      expect(g.nxClass).toBe('NXreflections');
      const attr = (n: string): unknown => g.attributes.find((a) => a.name === n)?.value;
      expect(attr('first')).toBe(p.result.first);
      expect(attr('last')).toBe(p.result.last);
      expect(attr('threshold')).toBe(THRESHOLD);
      const n = p.result.peaks.length;
      for (const [field, key] of [
        ['intensity', 'intensity'],
        ['x', 'x'],
        ['y', 'y'],
        ['z', 'z'],
        ['sigx', 'sigx'],
        ['sigy', 'sigy'],
        ['sigz', 'sigz'],
        ['polar_angle', 'polarAngle'],
        ['azimuthal_angle', 'azimuthalAngle'],
      ] as const) {
        const node = f.entity(`/f1/peaks/${field}`);
        expect(node.dtype).toBe('<f8');
        expect(node.shape).toEqual([n]);
        expect(Array.from(f.readValue(`/f1/peaks/${field}`) as Float64Array)).toEqual(
          p.result.peaks.map((pk) => pk[key]),
        );
      }
      expect(f.readValue('/f1/nxfind/program')).toBe('nxfind');
      expect(f.readValue('/f1/nxfind/threshold')).toBe(THRESHOLD);
      expect(f.readValue('/f1/nxfind/min_pixels')).toBe(10);
      expect(f.readValue('/f1/nxfind/note/data') as string).toContain(`Peak number: ${n}`);
      expect(f.has('/f1/nxmax')).toBe(true);
    } finally {
      f.close();
    }
  });

  it('refuses bad parameters and files with a named NxrError; cancelling leaves the file as it was', async () => {
    const p = prepared[0]!;
    await expect(findPeaks({ file: p.wrapper, entry: 'f9', pool })).rejects.toMatchObject({
      code: 'MISSING_PATH',
      path: '/f9',
    });
    await expect(
      findPeaks({ file: p.wrapper, entry: 'f1', first: 50, last: 40, pool }),
    ).rejects.toBeInstanceOf(NxrError);
    await expect(findPeaks({ file: p.wrapper, entry: 'f1', last: 10_000, pool })).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    await expect(findPeaks({ file: p.wrapper, entry: 'f1', threshold: -1, pool })).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    const before = readFileSync(p.wrapper);
    const ac = new AbortController();
    const run = findPeaks(
      { file: p.wrapper, entry: 'f1', threshold: 500, pool },
      { signal: ac.signal, onProgress: (fr) => (fr > 0.2 ? ac.abort() : undefined) },
    );
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readFileSync(p.wrapper).equals(before)).toBe(true);
  });

  it("writes threshold, first_frame and last_frame back to /entry/nxreduce as NXRefine's nxfind, keeping its other fields", async () => {
    const dump = (file: string): Record<string, [number, string]> =>
      pyJson(
        `import sys, json, h5py
g = h5py.File(sys.argv[1], 'r')['entry/nxreduce']
assert g.attrs['NX_class'] in ('NXparameters', b'NXparameters')
print(json.dumps({k: [g[k].asstr()[()] if g[k].dtype.kind == 'O' else g[k][()].item(), str(g[k].dtype)] for k in g}))`,
        [file],
      );
    // the search of beforeAll (threshold given, frame limits from the cascade)
    const p1 = prepared[1]!;
    expect(dump(p1.wrapper)).toEqual({
      threshold: [THRESHOLD, 'float64'],
      first_frame: [p1.result.first, 'int64'],
      last_frame: [p1.result.last, 'int64'],
    });
    const c1 = await readReductionParameters(p1.wrapper);
    for (const [key, value] of [
      ['threshold', THRESHOLD],
      ['first', p1.result.first],
      ['last', p1.result.last],
    ] as const) {
      expect(c1.values[key], key).toBe(value);
      expect(c1.origins[key], key).toEqual({
        source: 'file',
        file: p1.wrapper,
        path: `/entry/nxreduce/${key === 'threshold' ? key : `${key}_frame`}`,
      });
    }
    expect(c1.origins.min_pixels.source).not.toBe('file');
    // a second search with other settings replaces the three fields and keeps the others
    const p0 = prepared[0]!;
    await updateNexusFile(p0.wrapper, (w) =>
      writeReductionFields(w, { polar_max: 7.5, monitor: 'monitor2' }),
    );
    const last = p0.scan.frames - 7;
    const r = await findPeaks({
      file: p0.wrapper,
      entry: 'f1',
      threshold: 3000,
      first: 6,
      last,
      minPixels: 8,
      pool,
    });
    expect(r.paths).toEqual([
      '/f1/peaks',
      '/entry/nxreduce/threshold',
      '/entry/nxreduce/first_frame',
      '/entry/nxreduce/last_frame',
      '/f1/nxfind',
    ]);
    const stored = dump(p0.wrapper);
    expect(stored).toMatchObject({
      threshold: [3000, 'float64'],
      first_frame: [6, 'int64'],
      last_frame: [last, 'int64'],
      polar_max: [7.5, 'float64'],
    });
    expect(Object.keys(stored).sort()).toEqual([
      'first_frame',
      'last_frame',
      'monitor',
      'polar_max',
      'threshold',
    ]);
    const c0 = await readReductionParameters(p0.wrapper);
    expect([
      c0.values.threshold,
      c0.values.first,
      c0.values.last,
      c0.values.polar_max,
      c0.values.monitor,
    ]).toEqual([3000, 6, last, 7.5, 'monitor2']);
    expect([c0.origins.threshold.source, c0.origins.first.source, c0.origins.last.source]).toEqual([
      'file',
      'file',
      'file',
    ]);
    // the next search takes them from the file (min_pixels is not stored, as in NXRefine: given again)
    expect(c0.values.min_pixels).toBe(10);
    const again = await findPeaks({ file: p0.wrapper, entry: 'f1', minPixels: 8, pool, write: false });
    expect([again.parameters.threshold, again.first, again.last]).toEqual([3000, 6, last]);
    expect(again.peaks).toEqual(r.peaks.map((pk) => ({ ...pk })));
  });
});
