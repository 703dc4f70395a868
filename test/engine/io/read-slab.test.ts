// Slabs of a 3-D dataset (data:read { kind: 'slab' }): a synthetic hexagonal transform written by
// our writers (data and weights behind external links, chunks 4 × 16 × 16), summed along each axis
// and compared with h5py's numpy sums of the same planes; block splitting on and off chunk
// boundaries; every kind of bad request gives an NxrError naming file and path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEngine, type Engine } from '../../../src/engine/index.ts';
import { openNexusFile, type NexusFile } from '../../../src/engine/io/nexus-file.ts';
import { readSlab } from '../../../src/engine/io/read-slab.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { checkInvokeArgs, type DatasetSlab } from '../../../src/shared/ipc.ts';
import { writeSyntheticTransform, type SyntheticTransform } from '../../helpers/hkl-transform.ts';
import { pyJson } from '../../helpers/python.ts';

/** h5py: Σ of planes start…start+count−1 along axis of the dataset (float64 sum), flattened. */
function h5pySum(
  file: string,
  path: string,
  axis: number,
  start: number,
  count: number,
): Array<number | null> {
  return pyJson<Array<number | null>>(
    [
      'import sys, json',
      'import numpy as np',
      'import h5py',
      "f = h5py.File(sys.argv[1], 'r')",
      'd = f[sys.argv[2]]',
      'axis, start, count = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])',
      'sl = [slice(None)] * 3',
      'sl[axis] = slice(start, start + count)',
      'a = d[tuple(sl)].astype(np.float64).sum(axis=axis)',
      'print(json.dumps([None if np.isnan(x) else float(x) for x in a.ravel()]))',
    ].join('\n'),
    [file, path, String(axis), String(start), String(count)],
  );
}

function expectSame(slab: DatasetSlab, expected: Array<number | null>): void {
  expect(slab.data.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = slab.data[i]!;
    if (e === null) expect(a).toBeNaN();
    else worst = Math.max(worst, Math.abs(a - e) / Math.max(1, Math.abs(e)));
  }
  // both sum the same float32 values in float64, in a different order
  expect(worst).toBeLessThan(1e-12);
}

describe('readSlab / data:read slab', () => {
  let dir: string;
  let t: SyntheticTransform;
  let f: NexusFile;
  let engine: Engine;
  let fileId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nxr-slab-'));
    t = await writeSyntheticTransform(dir, {
      grid: {
        h: { start: -1, step: 0.1, count: 23 },
        k: { start: -1.5, step: 0.1, count: 31 },
        l: { start: -2, step: 0.25, count: 17 },
      },
      cell: { a: 4, b: 4, c: 6, alpha: 90, beta: 90, gamma: 120 },
      unmeasuredAbove: 0.85,
    });
    f = await openNexusFile(t.wrapper);
    engine = createEngine({ poolSize: 1 });
    fileId = (await engine.api['file:open'](t.wrapper)).fileId;
  });

  afterAll(async () => {
    f.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[axis: number, start: number, count: number]> = [
    [0, 0, 1],
    [0, 8, 1],
    [0, 3, 6],
    [0, 0, 17],
    [1, 15, 1],
    [1, 2, 9],
    [2, 10, 1],
    [2, 0, 23],
    [2, 5, 4],
  ];

  it.each(cases)('axis %i, planes %i + %i: equals h5py’s sum of the same planes', (axis, start, count) => {
    const expected = h5pySum(t.wrapper, '/f1/transform/data', axis, start, count);
    const slab = readSlab(f, '/f1/transform/data', axis, start, count);
    const shape = [17, 31, 23].filter((_, d) => d !== axis);
    expect(slab.shape).toEqual(shape);
    expect(slab.datasetShape).toEqual([17, 31, 23]);
    expect(slab.dtype).toBe('<f4');
    expectSame(slab, expected);
    // read again (chunk layers from the cache), and without the cache in blocks of one plane, two
    // planes (off the 4-plane chunks) and five (one chunk and a bit)
    expect(Array.from(readSlab(f, '/f1/transform/data', axis, start, count).data)).toEqual(
      Array.from(slab.data),
    );
    for (const planes of [1, 2, 5]) {
      const per = shape[0]! * shape[1]!;
      const b = readSlab(f, '/f1/transform/data', axis, start, count, {
        blockElements: planes * per,
        cacheLayers: false,
      });
      expect(Array.from(b.data)).toEqual(Array.from(slab.data));
    }
  });

  it('the weights too, and v/n of one plane is the intensity the file was written with (NaN where n = 0)', () => {
    const v = readSlab(f, '/f1/transform/data', 0, 8, 1);
    const n = readSlab(f, '/f1/transform/weights', 0, 8, 1);
    expectSame(n, h5pySum(t.wrapper, '/f1/transform/weights', 0, 8, 1));
    const l = -2 + 8 * 0.25;
    let unmeasured = 0;
    for (let ik = 0; ik < 31; ik++)
      for (let ih = 0; ih < 23; ih++) {
        const i = ik * 23 + ih;
        const h = -1 + ih * 0.1;
        const k = -1.5 + ik * 0.1;
        if (h > 0.85) {
          expect(n.data[i]).toBe(0);
          unmeasured++;
        } else {
          const ratio = v.data[i]! / n.data[i]!;
          expect(Math.abs(ratio - t.intensity(h, k, l)) / t.intensity(h, k, l)).toBeLessThan(1e-6);
        }
      }
    expect(unmeasured).toBe(4 * 31); // h = 0.9 … 1.2
  });

  it('answers data:read through the engine (the wrapper’s external link followed)', async () => {
    const r = (await engine.api['data:read']({
      kind: 'slab',
      fileId,
      path: '/f1/transform/data',
      axis: 1,
      start: 4,
      count: 3,
    })) as DatasetSlab;
    expect(r.shape).toEqual([17, 23]);
    expect(r.data).toBeInstanceOf(Float64Array);
    expectSame(r, h5pySum(t.wrapper, '/f1/transform/data', 1, 4, 3));
  });

  it('with weights: Σv/Σn of the planes as h5py computes it, NaN where Σn = 0', async () => {
    for (const [axis, start, count] of [
      [0, 6, 3],
      [2, 19, 2],
      [1, 0, 31],
    ] as const) {
      const r = (await engine.api['data:read']({
        kind: 'slab',
        fileId,
        path: '/f1/transform/data',
        axis,
        start,
        count,
        weights: '/f1/transform/weights',
      })) as DatasetSlab;
      expect(r.weights).toBe('/f1/transform/weights');
      const v = h5pySum(t.wrapper, '/f1/transform/data', axis, start, count);
      const n = h5pySum(t.wrapper, '/f1/transform/weights', axis, start, count);
      const expected = v.map((x, i) => (n[i] === 0 ? null : x! / n[i]!));
      expectSame(r, expected);
      if (axis === 2) expect(r.data.every((x) => Number.isNaN(x))).toBe(true); // h = 0.9, 1.0: n = 0
    }
    const e = (await engine.api['data:read']({
      kind: 'slab',
      fileId,
      path: '/f1/transform/data',
      axis: 0,
      start: 0,
      count: 1,
      weights: '/f1/transform/Qh',
    }).catch((x: unknown) => x)) as NxrError;
    expect(e).toBeInstanceOf(NxrError);
    expect(e.path).toBe('/f1/transform/Qh');
    expect(e.code).toBe('WRONG_SHAPE');
  });

  it('refuses bad requests with an NxrError naming file and path', async () => {
    const bad = async (
      q: { path: string; axis: number; start: number; count: number },
      code: string,
      msg: RegExp,
    ) => {
      const e = await engine.api['data:read']({ kind: 'slab', fileId, ...q }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NxrError);
      const err = e as NxrError;
      expect(err.code).toBe(code);
      expect(err.detail).toMatch(msg);
      expect(err.file).toBe(t.wrapper);
      expect(err.path).toBe(q.path);
    };
    await bad(
      { path: '/f1/transform/data', axis: 3, start: 0, count: 1 },
      'BAD_PARAMETER',
      /axis 3 is not 0, 1 or 2/,
    );
    await bad(
      { path: '/f1/transform/data', axis: 0, start: 16, count: 2 },
      'BAD_PARAMETER',
      /planes 16…17 .* outside 0…16/,
    );
    await bad({ path: '/f1/transform/data', axis: 2, start: 0, count: 0 }, 'BAD_PARAMETER', /outside/);
    await bad(
      { path: '/f1/transform/Qh', axis: 0, start: 0, count: 1 },
      'WRONG_SHAPE',
      /3-D dataset.*\[23\]/,
    );
    await bad({ path: '/f1/transform/command', axis: 0, start: 0, count: 1 }, 'WRONG_SHAPE', /3-D/);
    await bad({ path: '/f1/transform', axis: 0, start: 0, count: 1 }, 'WRONG_SHAPE', /found group/);
    const missing = await engine.api['data:read']({
      kind: 'slab',
      fileId,
      path: '/f1/nothing',
      axis: 0,
      start: 0,
      count: 1,
    }).catch((x: unknown) => x);
    expect((missing as NxrError).code).toBe('MISSING_PATH');
  });

  it('a dangling data link is named as such', async () => {
    const real = join(import.meta.dirname, '../../../../shared/realdata/nxs-analysis-tools/CsV3Sb5_100.nxs');
    const id = (await engine.api['file:open'](real)).fileId;
    const e = (await engine.api['data:read']({
      kind: 'slab',
      fileId: id,
      path: '/entry/transform/data',
      axis: 0,
      start: 0,
      count: 1,
    }).catch((x: unknown) => x)) as NxrError;
    expect(e).toBeInstanceOf(NxrError);
    expect(e.code).toBe('DANGLING_LINK');
    expect(e.detail).toMatch(/transform\.nxs/);
  });

  it('checkInvokeArgs lets slab queries through only with integer axis, start and count', () => {
    const q = { kind: 'slab', fileId: 'f1', path: '/a', axis: 0, start: 0, count: 1 };
    expect(checkInvokeArgs('data:read', [q])).toBeNull();
    expect(checkInvokeArgs('data:read', [{ ...q, weights: '/n' }])).toBeNull();
    for (const broken of [
      { ...q, axis: -1 },
      { ...q, start: 1.5 },
      { ...q, count: '2' },
      { ...q, path: undefined },
      { ...q, axis: undefined },
      { ...q, weights: 3 },
    ]) {
      expect(checkInvokeArgs('data:read', [broken])).toMatch(/slab query/);
    }
  });
});
