/**
 * Prepare 3D Mask and the masked transform on a simulated rotation (tiny preset, see
 * transform-fixture.ts). The simulated peaks are sharp (σ = 1 px, a few frames): NXRefine's
 * defaults (h2 = 51: 80 % of a 51 × 51 box must change) are made for the wide wings of real
 * 6-ID-D peaks and mask nothing here. With t1 = 1 count and h2 = 5 the mask covers each peak's
 * ±5 px box on every frame where it changes (t1 = 2 leaves the tails of the slowest reflections,
 * σ ≈ 3.6 frames, whose counts change by less than 2 per pixel and frame), and the masked
 * transform keeps no Bragg intensity within 3σ of any strong reflection (±3 voxels of 0.02 r.l.u.
 * in H, K and 0.05 in L).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { prepareMask, type PrepareMaskResult } from '../../../src/engine/jobs/prepare-mask.ts';
import { transformData } from '../../../src/engine/jobs/transform.ts';
import { evaluateDiffuse } from '../../../src/refine/simulate/diffuse.ts';
import { pyJson } from '../../helpers/python.ts';
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
let mask: PrepareMaskResult;
const GRID = { h: [-4, 0.02, 4], k: [-4, 0.02, 4], l: [-12, 0.05, 12] } as const;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-mask-'));
  scan = await simulateOrientedScan(root, 5);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Prepare 3D Mask', () => {
  it("NXRefine's default parameters mask nothing on σ ≈ 1 px peaks (only frames outside first…last)", async () => {
    const r = await prepareMask({ file: scan.wrapper, entry: 'f1' });
    expect(r.params).toEqual({ t1: 2, h1: 11, t2: 0.8, h2: 51 });
    expect([r.first, r.last, r.nframes]).toEqual([10, 390, 400]);
    expect(r.maskedVoxels).toBe(0);
  });

  it('with t1 = 1, h2 = 5 masks the strong peaks where they are, in the NXRefine layout', async () => {
    mask = await prepareMask({ file: scan.wrapper, entry: 'f1', params: { t1: 1, h2: 5 } });
    expect(mask.params).toEqual({ t1: 1, h1: 11, t2: 0.8, h2: 5 });
    expect(mask.maskFile).toBe(join(scan.scanDir, 'f1_mask.nxs'));
    expect(mask.maskedFraction).toBeGreaterThan(0.001);
    expect(mask.maskedFraction).toBeLessThan(0.02);
    const info = pyJson<{
      shape: number[];
      dtype: string;
      chunks: number[];
      rawChunks: number[];
      link: string;
      viaLink: number[];
      outside: number[];
      inside: number;
      record: Record<string, unknown>;
      note: string;
    }>(
      `
import h5py, json, sys
w = h5py.File(sys.argv[1], 'r')
m = h5py.File(sys.argv[2], 'r')['entry/mask']
raw = w['f1/data/data']
lk = w['f1/data'].get('data_mask', getlink=True)
r = w['f1/nxprepare_mask']
s = lambda v: v.decode() if isinstance(v, bytes) else (v.item() if hasattr(v, 'item') else v)
print(json.dumps({
  'shape': list(m.shape), 'dtype': str(m.dtype), 'chunks': list(m.chunks), 'rawChunks': list(raw.chunks),
  'link': lk.filename + ':' + lk.path,
  'viaLink': list(w['f1/data/data_mask'].shape),
  'outside': [int(m[z].min()) for z in (0, 9, 391, 399)],
  'inside': int(m[10:391].sum()),
  'record': {k: s(r[k][()]) for k in ('program', 'first', 'last')},
  'note': s(r['note/data'][()]),
}))
`,
      [scan.wrapper, mask.maskFile],
    );
    expect(info).toMatchObject({
      shape: [400, 195, 487],
      dtype: 'int8',
      chunks: info.rawChunks,
      link: '300K/f1_mask.nxs:/entry/mask',
      viaLink: [400, 195, 487],
      outside: [1, 1, 1, 1],
      inside: mask.maskedVoxels,
      record: { program: 'nxprepare_mask', first: 10, last: 390 },
    });
    expect(info.note).toContain('\nThreshold1: 1\nHorizontal1: 11\nThreshold2: 0.8\nHorizontal2: 5');
    // every strong reflection's centre pixel is masked on its frame
    const f = await openNexusFile(mask.maskFile);
    const unmasked: string[] = [];
    for (const r of strongReflections(scan.truth)) {
      const frame = f.readFrame('/entry/mask', Math.round(r.frame)).data;
      if (frame[Math.round(r.y) * 487 + Math.round(r.x)] !== 1) unmasked.push(`${r.h} ${r.k} ${r.l}`);
    }
    f.close();
    expect(unmasked).toEqual([]);
  });

  it('the masked transform keeps no Bragg intensity within 3σ of any strong reflection', async () => {
    const masked = await transformData({ file: scan.wrapper, entry: 'f1', grid: GRID, masked: true });
    const plain = await transformData({ file: scan.wrapper, entry: 'f1', grid: GRID });
    expect(masked.outputFile).toBe(join(scan.scanDir, 'f1_masked_transform.nxs'));
    expect(masked.pixels).toBeLessThan(plain.pixels);
    const M = await readTransform(masked.outputFile);
    const P = await readTransform(plain.outputFile);
    const g = masked.grid;
    const { UB } = scan.truth.crystal;
    const lambda = scan.truth.entries[0]!.geometry.wavelength;
    /** v/n above what background + diffuse allow (6σ of Poisson noise plus one count). */
    const excess = (v: number, n: number, h: number, k: number, l: number): number => {
      const q = Math.hypot(...qOf(UB, h, k, l));
      const expected =
        backgroundAt(scan.truth, q, lambda) + evaluateDiffuse(scan.truth.diffuse, h, k, l, q * q);
      return v / n - (expected + 1 + 6 * Math.sqrt(expected / n));
    };
    const strong = strongReflections(scan.truth);
    let brightInPlain = 0;
    const left: string[] = [];
    for (const r of strong) {
      const centre = voxelOf(g, r.h, r.k, r.l);
      if (P.n[centre]! > 0 && excess(P.v[centre]!, P.n[centre]!, r.h, r.k, r.l) > 0) brightInPlain++;
      for (let a = -3; a <= 3; a++)
        for (let b = -3; b <= 3; b++)
          for (let c = -3; c <= 3; c++) {
            const j = centre + (a * g.k.count + b) * g.h.count + c;
            if (!(M.n[j]! > 0)) continue;
            const h = r.h + c * g.h.step;
            const k = r.k + b * g.k.step;
            const l = r.l + a * g.l.step;
            if (excess(M.v[j]!, M.n[j]!, h, k, l) > 0)
              left.push(
                `${r.h} ${r.k} ${r.l} @ ${a},${b},${c}: v/n ${(M.v[j]! / M.n[j]!).toFixed(1)}, n ${M.n[j]!.toFixed(1)}`,
              );
          }
    }
    expect(brightInPlain).toBe(strong.length); // the criterion does see Bragg peaks
    expect(left).toEqual([]);
    // the record of the masked transform, and its NXdata
    const w = await openNexusFile(scan.wrapper);
    expect(w.readValue('/f1/nxmasked_transform/program')).toBe('nxmasked_transform');
    expect(w.readValue('/f1/masked_transform/command')).toMatch(/--mask3d .*data_mask/);
    w.close();
  });

  it('rejects bad parameters and frame ranges', async () => {
    await expect(prepareMask({ file: scan.wrapper, entry: 'f1', params: { h1: 0 } })).rejects.toMatchObject({
      code: 'BAD_PARAMETER',
    });
    await expect(prepareMask({ file: scan.wrapper, entry: 'f1', first: 50, last: 20 })).rejects.toMatchObject(
      {
        code: 'BAD_PARAMETER',
      },
    );
    await expect(prepareMask({ file: scan.wrapper, entry: 'f7' })).rejects.toMatchObject({
      code: 'MISSING_PATH',
    });
  });
});
