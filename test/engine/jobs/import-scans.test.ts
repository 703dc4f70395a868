/**
 * Import Scans with the QM2 adapter: a synthetic raw tree (CBF and TIFF images written by fabio,
 * a QM2-style SPEC file) and the real SPEC file of ../shared/realdata (33bm_spec.dat), checked
 * with h5py; the raw tree is read-only and must not change.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../src/cli/main.ts';
import { findBeamline, getBeamline } from '../../../src/engine/beamlines/registry.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { findRawScans, importScans } from '../../../src/engine/jobs/import-scans.ts';
import { pyJson } from '../../helpers/python.ts';
import { realdata } from '../../helpers/realdata.ts';
import {
  imageValue,
  NX,
  NY,
  qm2Spec,
  snapshotTree,
  writeQm2Tree,
  type QmTree,
} from '../beamlines/qm2-fixture.ts';
import { abortOnCheck } from './simulated.ts';

let root: string;
let tree: QmTree;
let rawBefore: Record<string, string>;

const SPEC_SCANS = [
  { number: 5, frames: 6, chi: 90.5, th: 1.25, phi0: -5, step: 0.1, temp: 299.5 },
  { number: 6, frames: 6, chi: 89.0, th: 1.25, phi0: -5, step: 0.1, temp: 300.5 },
  { number: 12, frames: 4, chi: 90.0, th: 0.75, phi0: 10, step: 0.2, temp: 100 },
];

function chmodTree(dir: string, mode: 'ro' | 'rw'): void {
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else chmodSync(p, mode === 'ro' ? 0o444 : 0o644);
    }
    chmodSync(d, mode === 'ro' ? 0o555 : 0o755);
  };
  walk(dir);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-import-'));
  tree = await writeQm2Tree({
    root,
    experiment: 'qm2-2023-3',
    sample: 'LaB6',
    label: 'xtal1',
    scans: {
      '300K': [
        { nnn: 5, indices: [1, 2, 3, 5, 6, 7] }, // index 4 missing → frame 3 is NaN; 7 frames
        { nnn: 6, indices: [0, 1, 2, 3, 4, 5], format: 'tif' },
      ],
      '100K': [{ nnn: 12, indices: [1, 2, 3, 4] }],
    },
    spec: qm2Spec('LaB6', SPEC_SCANS),
  });
  chmodTree(join(root, 'raw'), 'ro');
  rawBefore = snapshotTree(join(root, 'raw'));
});

afterAll(() => {
  chmodTree(join(root, 'raw'), 'rw');
  rmSync(root, { recursive: true, force: true });
});

interface H5Scan {
  name: string;
  label: string;
  temperature: number;
  entries: Record<
    string,
    {
      scan_number: number;
      shape: number[];
      dtype: string;
      nanFrames: number[];
      maxAbsDiff: number;
      link: [string, string];
      sampleIsLink: boolean;
      phi: [number, number, number];
      chi: number;
      omega: number;
      theta: number;
      translation_x: number;
      monitors: Record<string, { signal: string; values: number[] }>;
      start_time: string;
      logs_phi: number[];
      source: string;
      raw: { maxshape: number[]; chunks: number[]; compression: number[]; frame_number_dtype: string };
    }
  >;
}

/** Every fact checked, read by h5py (an independent reader). */
function readScanWithH5py(file: string, expected: Record<string, number>): H5Scan {
  return pyJson<H5Scan>(
    `
import sys, json, h5py, hdf5plugin, numpy as np
f = h5py.File(sys.argv[1], 'r')
exp = json.loads(sys.argv[2])
s = f['entry/sample']
out = {'name': s['name'][()].decode(), 'label': s['label'][()].decode(),
       'temperature': float(s['temperature'][()]), 'entries': {}}
ny, nx = ${NY}, ${NX}
y, x = np.mgrid[0:ny, 0:nx]
for e in sorted(k for k in f if k.startswith('f')):
    g = f[e]
    d = g['data/data'][()]
    nnn = exp[e]
    nan_frames = [int(z) for z in range(d.shape[0]) if np.isnan(d[z]).all()]
    diff = 0.0
    for z in range(d.shape[0]):
        if z in nan_frames: continue
        want = (nnn * 10000 + z * 100 + ((y * nx + x) % 97)).astype(np.float64)
        want[3, 4] = -1; want[7, 1] = -2
        diff = max(diff, float(np.abs(d[z] - want).max()))
    lk = g.get('data/data', getlink=True)
    gon = g['instrument/goniometer']
    mons = {}
    for m in [k for k in g if k.startswith('monitor')]:
        sig = g[m].attrs['signal']
        sig = sig.decode() if isinstance(sig, bytes) else sig
        mons[m] = {'signal': sig, 'values': g[m][sig][()].tolist()}
    raw = h5py.File(f.filename.rsplit('/', 1)[0] + '/' + lk.filename, 'r')['entry/data']
    out['entries'][e] = {
        'scan_number': int(g['scan_number'][()]), 'shape': list(d.shape), 'dtype': str(d.dtype),
        'nanFrames': nan_frames, 'maxAbsDiff': diff, 'link': [lk.filename, lk.path],
        'sampleIsLink': g['sample'] == f['entry/sample'],
        'phi': [float(gon['phi'][()]), float(gon['phi'].attrs['step']), float(gon['phi'].attrs['end'])],
        'chi': float(gon['chi'][()]), 'omega': float(gon['omega'][()]), 'theta': float(gon['theta'][()]),
        'translation_x': float(g['instrument/detector/translation_x'][()]),
        'monitors': mons, 'start_time': g['start_time'][()].decode(),
        'logs_phi': g['logs/data/phi'][()].tolist() if 'logs/data/phi' in g else [],
        'source': g['instrument/source/name'][()].decode(),
        'raw': {'maxshape': list(raw['data'].maxshape), 'chunks': list(raw['data'].chunks),
                'compression': list(raw['data']._filters.keys()) and [int(k) for k in raw['data']._filters.keys()],
                'frame_number_dtype': str(raw['frame_number'].dtype)},
    }
print(json.dumps(out))
`,
    [file, JSON.stringify(expected)],
  );
}

describe('QM2 adapter', () => {
  it('is registered under its name and aliases; unknown names are refused with the list', () => {
    expect(findBeamline('qm2')?.name).toBe('QM2');
    expect(findBeamline('CHESS-QM2')?.name).toBe('QM2');
    expect(() => getBeamline('6-ID-D')).toThrow(/no importer for beamline '6-ID-D' \(known: QM2\)/);
  });

  it('lists samples and finds the scans, entries, frame counts and missing images', async () => {
    const qm2 = getBeamline('QM2');
    expect(await qm2.listSamples(tree.rawDir)).toEqual(['LaB6/xtal1']);
    const r = await findRawScans({ experimentDir: tree.experimentDir, sample: 'LaB6', label: 'xtal1' });
    expect(r.source.rawDir).toBe(tree.rawDir);
    expect(r.scans.map((s) => s.scan)).toEqual(['100K', '300K']);
    const s300 = r.scans[1]!;
    expect(s300.wrapper).toBe('LaB6/xtal1/LaB6_300K.nxs');
    expect(s300.exists).toBe(false);
    expect(s300.entries).toEqual([
      { entry: 'f1', scanNumber: 5, frames: 7, missingFrames: 1 },
      { entry: 'f2', scanNumber: 6, frames: 6, missingFrames: 0 },
    ]);
  });
});

describe('importScans (QM2, synthetic raw tree)', () => {
  it('writes wrappers and float32 frame files as NXRefine does, from SPEC columns and positions', async () => {
    const logs: string[] = [];
    const r = await importScans(
      { experimentDir: tree.experimentDir, sample: 'LaB6', label: 'xtal1', configuration: 'default' },
      { onLog: (m) => logs.push(m) },
    );
    expect(r.beamline).toBe('QM2');
    expect(r.imported.map((s) => s.scan)).toEqual(['100K', '300K']);
    expect(r.skipped).toEqual([]);
    const s300 = r.imported[1]!;
    expect(s300.entries.map((e) => [e.entry, e.frames, e.missingFrames, e.rawFile, e.monitors])).toEqual([
      ['f1', 7, 1, 'LaB6/xtal1/300K/f1.h5', ['monitor1', 'monitor2']],
      ['f2', 6, 0, 'LaB6/xtal1/300K/f2.h5', ['monitor1', 'monitor2']],
    ]);
    // SPEC scan 5 has 6 rows for 7 frames: the last monitor value is repeated, with a warning
    expect(s300.warnings.some((w) => /f1: column 'flyc1' has 6 values for 7 frames/.test(w))).toBe(true);

    const h = readScanWithH5py(join(tree.experimentDir, 'LaB6/xtal1/LaB6_300K.nxs'), { f1: 5, f2: 6 });
    expect(h.name).toBe('LaB6');
    expect(h.label).toBe('xtal1');
    // mean of each entry's mean sampleT (299.5 + 0.01·(z mod 3) and 300.5 + …)
    const meanT = (t: number, n: number): number =>
      Array.from({ length: n }, (_, z) => t + 0.01 * (z % 3)).reduce((a, b) => a + b, 0) / n;
    expect(h.temperature).toBeCloseTo((meanT(299.5, 6) + meanT(300.5, 6)) / 2, 10);
    const f1 = h.entries['f1']!;
    const f2 = h.entries['f2']!;
    expect(f1.scan_number).toBe(5);
    expect(f2.scan_number).toBe(6);
    expect(f1.shape).toEqual([7, NY, NX]);
    expect(f1.dtype).toBe('float32');
    expect(f1.nanFrames).toEqual([3]);
    expect(f1.maxAbsDiff).toBe(0); // CBF frames, exact
    expect(f2.shape).toEqual([6, NY, NX]);
    expect(f2.nanFrames).toEqual([]);
    expect(f2.maxAbsDiff).toBe(0); // TIFF frames, exact
    expect(f1.link).toEqual(['300K/f1.h5', '/entry/data/data']);
    expect(f2.link).toEqual(['300K/f2.h5', '/entry/data/data']);
    expect(f1.sampleIsLink).toBe(true);
    // angles: phi from the column, chi = motor chi − 90, theta = motor th; omega from the configuration
    expect(f1.phi[0]).toBeCloseTo(-5, 12);
    expect(f1.phi[1]).toBeCloseTo(0.1, 12);
    expect(f1.phi[2]).toBeCloseTo(-4.5, 12);
    expect(f1.chi).toBeCloseTo(0.5, 12);
    expect(f2.chi).toBeCloseTo(-1, 12);
    expect(f1.theta).toBe(1.25);
    expect(f1.omega).toBe(0);
    expect(f2.translation_x).toBe(20); // the configuration's f2, not f1
    // monitors: flyc1/flyc2 with the first two and last two values replaced (NXRefine)
    const col = (z: number): number => 100000 + 10 * z + (z < 2 || z >= 4 ? 50000 : 0);
    const want1 = [2, 2, 2, 3, 3, 3, 3].map((z) => col(z)); // 6 rows → 7 frames: row 5 repeated, then ends fixed
    expect(f1.monitors['monitor1']).toEqual({ signal: 'flyc1', values: want1 });
    expect(f2.monitors['monitor1']!.values).toEqual([2, 2, 2, 3, 3, 3].map((z) => col(z)));
    expect(f2.monitors['monitor2']).toEqual({
      signal: 'flyc2',
      values: [50002, 50002, 50002, 50003, 50003, 50003],
    });
    expect(f1.start_time).toBe('2023-11-14T22:25:00');
    expect(f1.logs_phi).toEqual([-5, -4.9, -4.8, -4.7, -4.6, -4.5]);
    expect(f1.source).toBe('Cornell High-Energy Synchrotron');
    expect(f1.raw.maxshape).toEqual([5000, NY, NX]);
    expect(f1.raw.chunks).toEqual([1, NY, NX]);
    expect(f1.raw.compression).toEqual([32008]);
    expect(f1.raw.frame_number_dtype).toBe('uint16');
    expect(logs.some((m) => m.startsWith('importing 300K: f1 ← LaB6_005 (7 frames)'))).toBe(true);
    // through the wrapper's external link with the app's reader: frame 4 is image index 6
    const nx = await openNexusFile(join(tree.experimentDir, 'LaB6/xtal1/LaB6_300K.nxs'));
    try {
      const frame = nx.readFrame('/f1/data/data', 4).data;
      expect(frame[0]).toBe(imageValue(5, 4, 0, 0));
      expect(frame[3 * NX + 4]).toBe(-1);
      expect(frame[NY * NX - 1]).toBe(imageValue(5, 4, NY - 1, NX - 1));
    } finally {
      nx.close();
    }
    // the raw tree is untouched
    expect(snapshotTree(join(root, 'raw'))).toEqual(rawBefore);
  });

  it('skips existing scans, imports a chosen subset with overwrite', async () => {
    const again = await importScans({
      experimentDir: tree.experimentDir,
      sample: 'LaB6',
      label: 'xtal1',
      configuration: 'default.nxs',
    });
    expect(again.imported).toEqual([]);
    expect(again.skipped.map((s) => s.scan)).toEqual(['100K', '300K']);
    const one = await importScans({
      experimentDir: tree.experimentDir,
      sample: 'LaB6',
      label: 'xtal1',
      configuration: 'default',
      scans: ['100K'],
      overwrite: true,
    });
    expect(one.imported.map((s) => s.scan)).toEqual(['100K']);
    const h = readScanWithH5py(join(tree.experimentDir, 'LaB6/xtal1/LaB6_100K.nxs'), { f1: 12 });
    expect(h.temperature).toBeCloseTo((100 + 100.01 + 100.02 + 100) / 4, 10);
    expect(h.entries['f1']!.phi).toEqual([10, expect.closeTo(0.2, 12) as number, 10.6]);
    expect(h.entries['f1']!.maxAbsDiff).toBe(0);
    expect(snapshotTree(join(root, 'raw'))).toEqual(rawBefore);
  });

  it('refuses bad requests with clear errors', async () => {
    const base = { experimentDir: tree.experimentDir, sample: 'LaB6', label: 'xtal1' };
    await expect(importScans({ ...base, configuration: 'nope' })).rejects.toThrow(
      /no configuration 'nope\.nxs' \(have: default\.nxs\)/,
    );
    await expect(importScans({ ...base, configuration: 'default', scans: ['5K'] })).rejects.toThrow(
      /no raw scan '5K' \(found: 100K, 300K\)/,
    );
    await expect(importScans({ ...base, label: 'xtal9', configuration: 'default' })).rejects.toThrow(
      /raw6M\/LaB6\/xtal9: raw directory does not exist/,
    );
    await expect(importScans({ ...base, sample: '../x', configuration: 'default' })).rejects.toThrow(
      /sample must be a plain name/,
    );
    await expect(importScans({ ...base, configuration: 'default', beamline: 'ESRF-ID28' })).rejects.toThrow(
      /no importer for beamline 'ESRF-ID28'/,
    );
    await expect(
      importScans({
        ...base,
        configuration: 'default',
        logFile: join(root, 'missing.spec'),
        overwrite: true,
      }),
    ).rejects.toThrow(/missing\.spec: SPEC file does not exist/);
  });

  it('a cancel mid-scan leaves the finished scans and nothing of the one in progress', async () => {
    const exp = tree.experimentDir;
    rmSync(join(exp, 'LaB6'), { recursive: true, force: true });
    // abort while the second scan (300K) is being written: 100K has 4 frames, 300K 13
    const signal = abortOnCheck(4 + 4 + 6);
    await expect(
      importScans(
        { experimentDir: exp, sample: 'LaB6', label: 'xtal1', configuration: 'default' },
        { signal },
      ),
    ).rejects.toThrow(/cancelled/);
    const labelDir = join(exp, 'LaB6', 'xtal1');
    expect(readdirSync(labelDir).sort()).toEqual(['100K', 'LaB6_100K.nxs']);
    expect(readdirSync(join(labelDir, '100K'))).toEqual(['f1.h5']);
    expect(existsSync(join(labelDir, '300K'))).toBe(false);
  });
});

describe('importScans with the real SPEC file (33bm_spec.dat)', () => {
  let real: QmTree;
  let realRoot: string;
  beforeAll(async () => {
    realRoot = mkdtempSync(join(tmpdir(), 'nxr-import-real-'));
    // scans 9 and 11 of the real file are phi scans with 41 points: one image per point
    real = await writeQm2Tree({
      root: realRoot,
      experiment: 'lno',
      sample: 'LNO_LAO',
      label: 'film',
      scans: {
        room: [
          { nnn: 9, indices: Array.from({ length: 41 }, (_, i) => i + 1) },
          { nnn: 11, indices: Array.from({ length: 41 }, (_, i) => i + 1) },
        ],
      },
    });
  });
  afterAll(() => rmSync(realRoot, { recursive: true, force: true }));

  it('takes angles, monitors (I0, I00), start time and logs from the real scans 9 and 11', async () => {
    const specFile = realdata('spec2nexus/33bm_spec.dat');
    const r = await importScans({
      experimentDir: real.experimentDir,
      sample: 'LNO_LAO',
      label: 'film',
      configuration: 'default',
      logFile: specFile,
      monitors: ['I0', 'I00'],
    });
    expect(r.imported[0]!.warnings).toEqual([]);
    const h = pyJson<{
      entries: Record<
        string,
        {
          phi: number[];
          chi: number;
          theta: number;
          start: string;
          m1: number[];
          m2: number[];
          logs: string[];
          pos: Record<string, number>;
          frames: number;
        }
      >;
      temperature: boolean;
    }>(
      `
import sys, json, h5py, hdf5plugin
f = h5py.File(sys.argv[1], 'r')
out = {'entries': {}, 'temperature': 'temperature' in f['entry/sample']}
for e in ['f1', 'f2']:
    g = f[e]; gon = g['instrument/goniometer']
    out['entries'][e] = {
        'phi': [float(gon['phi'][()]), float(gon['phi'].attrs['step']), float(gon['phi'].attrs['end'])],
        'chi': float(gon['chi'][()]), 'theta': float(gon['theta'][()]),
        'start': g['start_time'][()].decode(),
        'm1': g['monitor1/I0'][()].tolist(), 'm2': g['monitor2/I00'][()].tolist(),
        'logs': sorted(g['logs/data'].keys()),
        'pos': {k: float(v[()]) for k, v in g['logs/positioners'].items()},
        'frames': g['data/data'].shape[0],
    }
print(json.dumps(out))
`,
      [join(real.experimentDir, 'LNO_LAO/film/LNO_LAO_room.nxs')],
    );
    const { findSpecScan, parseSpecFile, specColumn } = await import('../../../src/nexus/formats/spec.ts');
    const { readFileSync } = await import('node:fs');
    const spec = parseSpecFile(readFileSync(specFile, 'latin1'));
    for (const [e, n] of [
      ['f1', 9],
      ['f2', 11],
    ] as const) {
      const s = findSpecScan(spec, n)!;
      const phi = specColumn(s, 'phi')!;
      const got = h.entries[e]!;
      expect(got.frames).toBe(41);
      expect(got.phi[0]).toBe(phi[0]);
      expect(got.phi[1]).toBeCloseTo(phi[1]! - phi[0]!, 12);
      expect(got.phi[2]).toBe(phi[40]);
      expect(got.chi).toBeCloseTo(s.positions['chi']! - 90, 12);
      expect(got.theta).toBe(e === 'f1' ? 0.5 : 1); // no 'th' motor at 33-BM: the configuration's theta stays
      expect(got.start).toBe(`2010-06-16T${s.date!.slice(11, 19)}`);
      const i0 = specColumn(s, 'I0')!;
      const i00 = specColumn(s, 'I00')!;
      const fixEnds = (v: number[]): number[] => v.map((x, z) => (z < 2 ? v[2]! : z >= 39 ? v[38]! : x));
      expect(got.m1).toEqual(fixEnds(i0));
      expect(got.m2).toEqual(fixEnds(i00));
      expect(got.logs).toHaveLength(27);
      expect(got.logs).toContain('piltot');
      expect(got.pos['2-theta']).toBe(s.positions['2-theta']);
    }
    expect(h.entries['f1']!.phi).toEqual([47.7855, expect.closeTo(0.025, 9) as number, 48.7855]);
    expect(h.temperature).toBe(false); // no sampleT column, none in the configuration
  });

  it('nxr import-scans: --list and an import with --spec and --monitors', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await main(['import-scans', real.experimentDir, '--list'], io)).toBe(0);
    expect(out.join('\n')).toContain('LNO_LAO/film');
    expect(out.join('\n')).toContain('configurations: default.nxs');
    out.length = 0;
    expect(await main(['import-scans', real.experimentDir, 'LNO_LAO/film', '--list'], io)).toBe(0);
    expect(out[0]).toBe('room  (imported)  → LNO_LAO/film/LNO_LAO_room.nxs');
    expect(out[1]).toBe('  f1: scan 9, 41 frames');
    out.length = 0;
    const code = await main(
      [
        'import-scans',
        real.experimentDir,
        'LNO_LAO/film',
        '--configuration',
        'default',
        '--spec',
        realdata('spec2nexus/33bm_spec.dat'),
        '--monitors',
        'I0,I00',
        '--overwrite',
        '--json',
      ],
      io,
    );
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(out.join('\n')) as { imported: Array<{ scan: string; entries: unknown[] }> };
    expect(j.imported.map((s) => s.scan)).toEqual(['room']);
    expect(j.imported[0]!.entries).toHaveLength(2);
    err.length = 0;
    expect(await main(['import-scans', real.experimentDir, 'LNO_LAO'], io)).toBe(2);
    expect(err.join('\n')).toContain('give SAMPLE/LABEL');
  });
});
