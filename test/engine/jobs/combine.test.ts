/**
 * Combine: two simulated detector positions (f1, f2 of the tiny preset: same crystal, beam centre
 * and χ, ω moved), transformed onto one grid, summed into <scan>/transform.nxs and
 * masked_transform.nxs, linked from /entry/transform and /entry/masked_transform.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { combineTransforms } from '../../../src/engine/jobs/combine.ts';
import { prepareMask } from '../../../src/engine/jobs/prepare-mask.ts';
import { transformData, type TransformDataResult } from '../../../src/engine/jobs/transform.ts';
import { pyJson } from '../../helpers/python.ts';
import {
  readTransform,
  simulateOrientedScan,
  strongReflections,
  voxelOf,
  type OrientedScan,
} from './transform-fixture.ts';

let root: string;
let scan: OrientedScan;
const GRID = { h: [-4, 0.04, 4], k: [-4, 0.04, 4], l: [-12, 0.1, 12] } as const;
const parts: Record<string, TransformDataResult> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-combine-'));
  scan = await simulateOrientedScan(root, 9, 2);
  for (const entry of ['f1', 'f2']) {
    parts[entry] = await transformData({ file: scan.wrapper, entry, grid: GRID });
    await prepareMask({ file: scan.wrapper, entry, params: { t1: 1, h2: 5 } });
    parts[`${entry}m`] = await transformData({ file: scan.wrapper, entry, grid: GRID, masked: true });
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Combine', () => {
  it('sums v and n of the entries voxel by voxel, for the transform and the masked transform', async () => {
    const r = await combineTransforms({ file: scan.wrapper });
    expect(r.combined.map((c) => [c.kind, c.entries])).toEqual([
      ['transform', ['f1', 'f2']],
      ['masked_transform', ['f1', 'f2']],
    ]);
    for (const c of r.combined) {
      expect(c.outputFile).toBe(join(scan.scanDir, `${c.kind}.nxs`));
      const suffix = c.kind === 'transform' ? '' : 'm';
      const a = await readTransform(parts[`f1${suffix}`]!.outputFile);
      const b = await readTransform(parts[`f2${suffix}`]!.outputFile);
      const s = await readTransform(c.outputFile);
      expect(s.shape).toEqual([241, 201, 201]);
      let wrong = 0;
      for (let i = 0; i < s.v.length; i++)
        if (s.v[i] !== Math.fround(a.v[i]! + b.v[i]!) || s.n[i] !== Math.fround(a.n[i]! + b.n[i]!)) wrong++;
      expect(wrong).toBe(0);
      expect(c.sumWeights).toBeCloseTo(
        parts[`f1${suffix}`]!.sumWeights + parts[`f2${suffix}`]!.sumWeights,
        0,
      );
    }
    // both rotations see the strong reflections of f1 at their hkl in the sum
    const sum = await readTransform(r.combined[0]!.outputFile);
    const g = r.combined[0]!.grid;
    for (const refl of strongReflections(scan.truth, 0)) {
      const j = voxelOf(g, refl.h, refl.k, refl.l);
      expect(sum.v[j]! / sum.n[j]!).toBeGreaterThan(100);
    }
  });

  it('links /entry/transform and /entry/masked_transform as NXRefine does, with records', () => {
    const info = pyJson<Record<string, unknown>>(
      `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
s = lambda v: v.decode() if isinstance(v, bytes) else (v.item() if hasattr(v, 'item') else v)
out = {}
for k in ('transform', 'masked_transform'):
    t = f['entry'][k]
    out[k] = {'link': t.get('data', getlink=True).filename + ':' + t.get('data', getlink=True).path,
              'weights': t.get('weights', getlink=True).path, 'shape': list(t['data'].shape),
              'axes': list(map(s, t.attrs['axes'])), 'ql': len(t['Ql'])}
out['records'] = [s(f['entry'][k]['program'][()]) for k in ('nxcombine', 'nxmasked_combine')]
out['command'] = s(f['entry/transform/command'][()])
out['note'] = s(f['entry/nxcombine/note/data'][()])
print(json.dumps(out))
`,
      [scan.wrapper],
    );
    expect(info).toMatchObject({
      transform: {
        link: '300K/transform.nxs:/entry/data/v',
        weights: '/entry/data/n',
        shape: [241, 201, 201],
        axes: ['Ql', 'Qk', 'Qh'],
        ql: 241,
      },
      masked_transform: { link: '300K/masked_transform.nxs:/entry/data/v', shape: [241, 201, 201] },
      records: ['nxcombine', 'nxmasked_combine'],
    });
    expect(info.note).toContain('Command: cctw merge');
    expect(info.command).toMatch(
      /^cctw merge .*f1_transform\.nxs\\#\/entry\/data .*f2_transform\.nxs\\#\/entry\/data -o .*transform\.nxs\\#\/entry\/data\/v$/,
    );
  });

  it('refuses entries on different grids, naming the entry and axis', async () => {
    await transformData({ file: scan.wrapper, entry: 'f2', grid: { ...GRID, l: [-12, 0.2, 12] } });
    await expect(combineTransforms({ file: scan.wrapper, kinds: ['transform'] })).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
      path: '/f2/transform/Ql',
    });
    await expect(combineTransforms({ file: scan.wrapper, entries: ['f1', 'f5'] })).rejects.toMatchObject({
      code: 'MISSING_PATH',
    });
  });
});
