/**
 * Sum Scans on simulated scans (nxr simulate, tiny preset, different seeds): the sum equals the
 * voxel-wise sum of the scans' frames (checked with h5py/numpy), monitors and weights are summed,
 * mismatched scans are refused naming both files and the field, a cancel leaves nothing behind,
 * and Find Peaks runs on the sum.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../src/cli/main.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { findMaximum } from '../../../src/engine/jobs/find-maximum.ts';
import { findPeaks, type FoundPeak } from '../../../src/engine/jobs/find-peaks.ts';
import { sumScans } from '../../../src/engine/jobs/sum-scans.ts';
import { FramePool } from '../../../src/engine/pool/frame-pool.ts';
import { simulateExperiment } from '../../../src/engine/simulate/simulate-experiment.ts';
import { pyJson } from '../../helpers/python.ts';
import { abortOnCheck, simulateScan } from './simulated.ts';

let root: string;
let labelDir: string;
let pool: FramePool;

const FRAMES = 40;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-sum-'));
  pool = new FramePool({ size: 2 });
  for (const [scan, seed] of [
    ['a', 21],
    ['b', 22],
    ['c', 23],
  ] as const)
    labelDir = join((await simulateScan(root, { scan, seed, frames: FRAMES, entries: 2 })).wrapper, '..');
  // the first scan has been reduced: its frame results must not reach the sum
  await findMaximum({ file: join(labelDir, 'sim_a.nxs'), entry: 'f1', pool });
  await findPeaks({ file: join(labelDir, 'sim_a.nxs'), entry: 'f1', threshold: 2000, pool });
});

afterAll(async () => {
  await pool.close();
  rmSync(root, { recursive: true, force: true });
});

interface SumCheck {
  maxAbsDiff: Record<string, number>;
  dtype: string;
  inputDtype: string;
  chunks: number[];
  inputChunks: number[];
  filters: string[];
  inputFilters: string[];
  link: [string, string];
  monitorsEqual: boolean;
  monitorValues: number[];
  nxsum: { program: string; note: string };
  sampleIsLink: boolean;
  hasPeaks: boolean;
  hasNxmax: boolean;
  dataAttrs: string[];
  nanFrames: number[];
}

/** numpy's sum of the scans' frames vs the sum file, entry by entry. */
function checkSum(sumFile: string, scanFiles: string[], entries: string[]): SumCheck {
  return pyJson<SumCheck>(
    `
import sys, json, h5py, hdf5plugin, numpy as np
sumf = h5py.File(sys.argv[1], 'r')
scans = [h5py.File(p, 'r') for p in json.loads(sys.argv[2])]
entries = json.loads(sys.argv[3])
out = {'maxAbsDiff': {}}
for e in entries:
    got = sumf[e + '/data/data'][()]
    want = scans[0][e + '/data/data'][()]
    for s in scans[1:]:
        want = want + s[e + '/data/data'][()]
    both_nan = np.isnan(got.astype(np.float64)) & np.isnan(want.astype(np.float64))
    d = np.where(both_nan, 0, np.abs(got.astype(np.float64) - want.astype(np.float64)))
    out['maxAbsDiff'][e] = float(d.max())
    if e == entries[0]:
        out['nanFrames'] = [int(z) for z in range(got.shape[0]) if np.isnan(got[z].astype(np.float64)).all()]
        out['dtype'] = str(got.dtype)
        out['inputDtype'] = str(want.dtype)
g = sumf[entries[0]]
raw = sumf[entries[0] + '/data/data']
raw0 = scans[0][entries[0] + '/data/data']
out['chunks'] = list(raw.chunks)
out['inputChunks'] = list(raw0.chunks)
out['filters'] = sorted(str(k) for k in raw._filters)
out['inputFilters'] = sorted(str(k) for k in raw0._filters)
lk = g.get('data/data', getlink=True)
out['link'] = [lk.filename, lk.path]
m = [s[entries[0] + '/monitor1/MCS1'][()] for s in scans]
out['monitorValues'] = g['monitor1/MCS1'][()].tolist()
out['monitorsEqual'] = bool(np.array_equal(g['monitor1/MCS1'][()], np.sum(m, axis=0)))
out['nxsum'] = {'program': g['nxsum/program'][()].decode(), 'note': g['nxsum/note/data'][()].decode()}
out['sampleIsLink'] = g['sample'] == sumf['entry/sample']
out['hasPeaks'] = 'peaks' in g
out['hasNxmax'] = 'nxmax' in g
out['dataAttrs'] = sorted(g['data'].attrs.keys())
print(json.dumps(out))
`,
    [sumFile, JSON.stringify(scanFiles), JSON.stringify(entries)],
  );
}

const scanFile = (s: string): string => join(labelDir, `sim_${s}.nxs`);

describe('sumScans', () => {
  it('adds two scans voxel by voxel in the pool; monitors summed; first scan results left out; nxsum recorded', async () => {
    const logs: string[] = [];
    const r = await sumScans(
      { sampleDir: labelDir, scans: ['a', 'sim_b.nxs'], output: 'ab', pool },
      { onLog: (m) => logs.push(m) },
    );
    expect(r.wrapper).toBe('sim_ab.nxs');
    expect(r.scanDir).toBe('ab');
    expect(r.scans).toEqual(['a', 'b']);
    expect(r.entries.map((e) => [e.entry, e.frames, e.dtype, e.rawFile, e.summedFrames, e.monitors])).toEqual(
      [
        ['f1', FRAMES, '<i4', 'ab/f1.h5', true, ['monitor1']],
        ['f2', FRAMES, '<i4', 'ab/f2.h5', true, ['monitor1']],
      ],
    );
    expect(r.removed).toEqual(
      expect.arrayContaining(['/f1/peaks', '/f1/nxfind', '/f1/nxmax', '/f1/summed_data']),
    );
    const c = checkSum(scanFile('ab'), [scanFile('a'), scanFile('b')], ['f1', 'f2']);
    expect(c.maxAbsDiff).toEqual({ f1: 0, f2: 0 });
    expect(c.dtype).toBe('int32');
    expect(c.chunks).toEqual(c.inputChunks);
    expect(c.filters).toEqual(c.inputFilters);
    expect(c.link).toEqual(['ab/f1.h5', '/entry/data/data']);
    expect(c.monitorsEqual).toBe(true);
    expect(c.nxsum.program).toBe('nxsum');
    expect(c.nxsum.note).toContain('Scans: a,b');
    expect(c.nxsum.note).toContain(`Current directory: ${join(labelDir, 'ab')}`);
    expect(c.sampleIsLink).toBe(true);
    expect(c.hasPeaks).toBe(false);
    expect(c.hasNxmax).toBe(false);
    expect(c.dataAttrs).not.toContain('maximum');
    expect(c.dataAttrs).toEqual(expect.arrayContaining(['axes', 'signal']));
    expect(logs[0]).toBe('sum a + b → sim_ab.nxs: f1 40 frames (<i4), f2 40 frames (<i4)');
  });

  it('adds three scans in this thread (workers 0) with the same result as numpy', async () => {
    await sumScans({ sampleDir: labelDir, scans: ['a', 'b', 'c'], output: 'sim_abc.nxs', workers: 0 });
    const c = checkSum(scanFile('abc'), [scanFile('a'), scanFile('b'), scanFile('c')], ['f1', 'f2']);
    expect(c.maxAbsDiff).toEqual({ f1: 0, f2: 0 });
    expect(c.monitorsEqual).toBe(true);
  });

  it('Find Peaks runs on the sum and finds the peaks of both crystals', async () => {
    await findMaximum({ file: scanFile('ab'), entry: 'f1', pool });
    const sum = await findPeaks({ file: scanFile('ab'), entry: 'f1', threshold: 4000, pool });
    await findMaximum({ file: scanFile('b'), entry: 'f1', pool });
    const a = await findPeaks({ file: scanFile('a'), entry: 'f1', threshold: 4000, pool, write: false });
    const b = await findPeaks({ file: scanFile('b'), entry: 'f1', threshold: 4000, pool, write: false });
    expect(a.peaks.length).toBeGreaterThan(3);
    expect(b.peaks.length).toBeGreaterThan(3);
    const near = (p: FoundPeak): boolean =>
      sum.peaks.some((q) => Math.hypot(q.x - p.x, q.y - p.y) < 1.5 && Math.abs(q.z - p.z) < 1.5);
    const found = [...a.peaks, ...b.peaks].filter(near).length;
    expect(found / (a.peaks.length + b.peaks.length)).toBeGreaterThanOrEqual(0.9);
    expect(sum.written).toBe(true);
  });

  it('refuses an existing sum unless update or overwrite; update keeps the frames and redoes the monitors', async () => {
    await expect(sumScans({ sampleDir: labelDir, scans: ['a', 'b'], output: 'ab', pool })).rejects.toThrow(
      /sim_ab\.nxs: the sum exists already/,
    );
    const raw = join(labelDir, 'ab', 'f1.h5');
    const before = statSync(raw).mtimeMs;
    const u = await sumScans({ sampleDir: labelDir, scans: ['a', 'b'], output: 'ab', update: true, pool });
    expect(u.entries.map((e) => e.summedFrames)).toEqual([false, false]);
    expect(statSync(raw).mtimeMs).toBe(before);
    const c = checkSum(scanFile('ab'), [scanFile('a'), scanFile('b')], ['f1', 'f2']);
    expect(c.monitorsEqual).toBe(true);
    expect(c.maxAbsDiff).toEqual({ f1: 0, f2: 0 });
    expect(c.hasPeaks).toBe(false); // the sum's own peaks went with the rebuilt wrapper
    const o = await sumScans({ sampleDir: labelDir, scans: ['a', 'b'], output: 'ab', overwrite: true, pool });
    expect(o.entries.map((e) => e.summedFrames)).toEqual([true, true]);
    expect(checkSum(scanFile('ab'), [scanFile('a'), scanFile('b')], ['f1', 'f2']).maxAbsDiff).toEqual({
      f1: 0,
      f2: 0,
    });
  });

  it('refuses scans taken under other conditions, naming both files and the field', async () => {
    // d: a copy of b with the detector 1 mm further away; e: b with chi changed by 0.1°
    copyFileSync(scanFile('b'), scanFile('d'));
    await updateNexusFile(scanFile('d'), (w) =>
      w.field('/f2/instrument/detector/distance', 201, { units: 'mm' }),
    );
    copyFileSync(scanFile('b'), scanFile('e'));
    await updateNexusFile(scanFile('e'), (w) =>
      w.field('/f1/instrument/goniometer/chi', 0.1, { units: 'degree' }),
    );
    await expect(sumScans({ sampleDir: labelDir, scans: ['a', 'd'], output: 'x', pool })).rejects.toThrow(
      'cannot sum sim_a.nxs and sim_d.nxs: /f2/instrument/detector/distance differs (200 vs 201 mm; tolerance 0.01 mm)',
    );
    await expect(sumScans({ sampleDir: labelDir, scans: ['a', 'e'], output: 'x', pool })).rejects.toThrow(
      'cannot sum sim_a.nxs and sim_e.nxs: /f1/instrument/goniometer/chi differs (0 vs 0.1 °; tolerance 0.001°)',
    );
    // but the entries that agree can be summed alone
    const f1 = await sumScans({
      sampleDir: labelDir,
      scans: ['a', 'd'],
      output: 'ad1',
      entries: ['f1'],
      pool,
    });
    expect(f1.entries.map((e) => e.entry)).toEqual(['f1']);
    expect(f1.removed).toContain('/f2');
    // another frame count
    const other = join(root, 'other');
    mkdirSync(other);
    await simulateScan(other, { scan: 'short', seed: 24, frames: FRAMES - 4, entries: 2 });
    copyFileSync(join(other, 'sim', 'xtal1', 'sim_short.nxs'), scanFile('short'));
    mkdirSync(join(labelDir, 'short'));
    for (const f of ['f1.h5', 'f2.h5'])
      copyFileSync(join(other, 'sim', 'xtal1', 'short', f), join(labelDir, 'short', f));
    await expect(sumScans({ sampleDir: labelDir, scans: ['a', 'short'], output: 'x', pool })).rejects.toThrow(
      'cannot sum sim_a.nxs and sim_short.nxs: /f1/data/data differs (40 frames vs 36)',
    );
    await expect(sumScans({ sampleDir: labelDir, scans: ['a'], output: 'x', pool })).rejects.toThrow(
      /at least two scans/,
    );
    await expect(sumScans({ sampleDir: labelDir, scans: ['a', 'a'], output: 'x', pool })).rejects.toThrow(
      /the same scan is chosen twice/,
    );
    await expect(sumScans({ sampleDir: labelDir, scans: ['a', 'zz'], output: 'x', pool })).rejects.toThrow(
      /sim_zz\.nxs: no such scan file/,
    );
    await expect(
      sumScans({ sampleDir: labelDir, scans: ['a', 'b'], output: 'other_x.nxs', pool }),
    ).rejects.toThrow(/must start with 'sim_'/);
    await expect(sumScans({ sampleDir: labelDir, scans: ['a', 'b'], output: 'a', pool })).rejects.toThrow(
      /cannot be one of the scans/,
    );
    expect(existsSync(join(labelDir, 'x'))).toBe(false);
    expect(existsSync(scanFile('x'))).toBe(false);
  });

  it('a cancel mid-way leaves no sum file, no frame file and no sum directory', async () => {
    const before = readdirSync(labelDir).sort();
    // in this thread: cancelled at the 30th look (frame 28 of f1)
    await expect(
      sumScans(
        { sampleDir: labelDir, scans: ['a', 'b'], output: 'cancelled', workers: 0 },
        { signal: abortOnCheck(30) },
      ),
    ).rejects.toThrow(/cancelled/);
    expect(readdirSync(labelDir).sort()).toEqual(before);
    // in the pool: cancelled once half the frames are written (f2 in progress)
    const controller = new AbortController();
    let at = 0;
    await expect(
      sumScans(
        { sampleDir: labelDir, scans: ['a', 'b'], output: 'cancelled', pool, framesPerTask: 4 },
        {
          signal: controller.signal,
          onProgress: (fraction) => {
            if (fraction >= 0.5 && !controller.signal.aborted) {
              at = fraction;
              controller.abort();
            }
          },
        },
      ),
    ).rejects.toThrow(/cancelled/);
    expect(at).toBeGreaterThanOrEqual(0.5);
    expect(at).toBeLessThan(0.99);
    expect(readdirSync(labelDir).sort()).toEqual(before);
  });

  it('nxr sum-scans: the CLI sums one entry and prints the result', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['sum-scans', labelDir, 'b', 'c', '--output', 'bc', '--entries', 'f2', '--workers', '0', '--json'],
      { out: (t) => out.push(t), err: (t) => err.push(t) },
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const j = JSON.parse(out.join('\n')) as { wrapper: string; entries: Array<{ entry: string }> };
    expect(j.wrapper).toBe('sim_bc.nxs');
    expect(j.entries.map((e) => e.entry)).toEqual(['f2']);
    expect(checkSum(scanFile('bc'), [scanFile('b'), scanFile('c')], ['f2']).maxAbsDiff).toEqual({ f2: 0 });
    const bad = await main(['sum-scans', labelDir, 'b', '--output', 'q'], {
      out: () => undefined,
      err: (t) => err.push(t),
    });
    expect(bad).toBe(2);
    expect(err.at(-1)).toContain('at least two scans');
  });
});

describe('sumScans of float32 scans with missing (NaN) frames', () => {
  it('sums in float32 as numpy does; a NaN frame stays NaN', async () => {
    const dir = join(root, 'float');
    for (const [scan, seed] of [
      ['x', 31],
      ['y', 32],
    ] as const) {
      const s = await simulateExperiment({
        outDir: dir,
        preset: 'tiny',
        seed,
        cell: { a: 6, b: 7, c: 9, alpha: 90, beta: 90, gamma: 90 },
        spaceGroup: 'P m m m',
        entries: 1,
        nframes: 12,
        compression: 'gzip',
        dtype: 'float32',
        sample: 'sim',
        label: 'xtal1',
        scan,
      });
      if (scan === 'x') {
        await updateNexusFile(s.entries[0]!.rawFile, (w) =>
          w.writeSlice('/entry/data/data', [[5, 6], [], []], new Float32Array(195 * 487).fill(Number.NaN)),
        );
      }
    }
    const sampleDir = join(dir, 'sim', 'xtal1');
    const r = await sumScans({ sampleDir, scans: ['x', 'y'], output: 'xy', pool });
    expect(r.entries[0]!.dtype).toBe('<f4');
    const c = checkSum(
      join(sampleDir, 'sim_xy.nxs'),
      [join(sampleDir, 'sim_x.nxs'), join(sampleDir, 'sim_y.nxs')],
      ['f1'],
    );
    expect(c.dtype).toBe('float32');
    expect(c.inputDtype).toBe('float32');
    expect(c.maxAbsDiff).toEqual({ f1: 0 }); // bit for bit numpy's float32 a + b
    expect(c.nanFrames).toEqual([5]);
    expect(c.filters).toEqual(['gzip']); // as the scans
    const f = await openNexusFile(join(sampleDir, 'sim_xy.nxs'));
    try {
      expect(Number.isNaN((f.readFrame('/f1/data/data', 5).data as Float32Array)[0])).toBe(true);
    } finally {
      f.close();
    }
  });
});
