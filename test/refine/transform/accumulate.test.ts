import { describe, expect, it } from 'vitest';

import { pixelToHkl } from '../../../src/refine/geometry/pixel-to-hkl.ts';
import type { Geometry, Mat3 } from '../../../src/refine/geometry/models.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { multiplyMat3 } from '../../../src/refine/linalg/mat3.ts';
import { rotationMatrix } from '../../../src/refine/linalg/rotation-matrix.ts';
import {
  addBrickToSlab,
  BRICK_FLOATS,
  BRICK_SIDE,
  BrickAccumulator,
  brickCounts,
  brickVoxelIndex,
} from '../../../src/refine/transform/brick-accumulator.ts';
import { createFrameTransformer } from '../../../src/refine/transform/frame-transformer.ts';
import type { HklGrid } from '../../../src/refine/transform/models.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';

/** Runs an accumulator to the end and merges everything it hands out into a dense (L, K, H) grid. */
function denseFrom(grid: HklGrid, maxBytes: number, feed: (acc: BrickAccumulator) => void) {
  const n = grid.h.count * grid.k.count * grid.l.count;
  const v = new Float32Array(n);
  const w = new Float32Array(n);
  let records = 0;
  const acc = new BrickAccumulator({
    grid,
    maxBytes,
    onEvict: (id, data) => {
      records++;
      addBrickToSlab(grid, v, w, 0, grid.l.count, id, data);
    },
  });
  feed(acc);
  acc.flush();
  return { v, n: w, records, acc };
}

describe('brick accumulator', () => {
  const grid: HklGrid = {
    h: { start: -1, step: 0.1, count: 37 },
    k: { start: -2, step: 0.25, count: 19 },
    l: { start: 0, step: 0.05, count: 41 },
  };

  it('Morton index is a permutation of the 4096 voxels of a brick', () => {
    const seen = new Set<number>();
    for (let l = 0; l < BRICK_SIDE; l++)
      for (let k = 0; k < BRICK_SIDE; k++)
        for (let h = 0; h < BRICK_SIDE; h++) seen.add(brickVoxelIndex(l, k, h));
    expect(seen.size).toBe(4096);
    expect(Math.max(...seen)).toBe(4095);
    expect(brickCounts(grid)).toEqual([3, 2, 3]);
  });

  it('sums values and weights per voxel exactly like a dense array, whatever the cache size', () => {
    const rnd = createRandom(7);
    const count = 20000;
    const fh = new Float64Array(count);
    const fk = new Float64Array(count);
    const fl = new Float64Array(count);
    const values = new Float64Array(count);
    const mask = new Uint8Array(count);
    // coordinates a little beyond the grid on every side, some NaN and negative values, some masked
    for (let i = 0; i < count; i++) {
      fh[i] = rnd.uniform() * (grid.h.count + 4) - 2;
      fk[i] = rnd.uniform() * (grid.k.count + 4) - 2;
      fl[i] = rnd.uniform() * (grid.l.count + 4) - 2;
      values[i] = i % 97 === 0 ? Number.NaN : i % 89 === 0 ? -1 : Math.floor(rnd.uniform() * 50);
      mask[i] = i % 13 === 0 ? 1 : 0;
    }
    // direct dense reference
    const n = grid.h.count * grid.k.count * grid.l.count;
    const refV = new Float64Array(n);
    const refN = new Float64Array(n);
    let expected = 0;
    for (let i = 0; i < count; i++) {
      const ih = Math.floor(fh[i]!);
      const ik = Math.floor(fk[i]!);
      const il = Math.floor(fl[i]!);
      if (mask[i] || !(values[i]! >= 0)) continue;
      if (ih < 0 || ik < 0 || il < 0 || ih >= grid.h.count || ik >= grid.k.count || il >= grid.l.count)
        continue;
      const j = (il * grid.k.count + ik) * grid.h.count + ih;
      refV[j] = refV[j]! + values[i]!;
      refN[j] = refN[j]! + 0.5;
      expected++;
    }
    const feed = (acc: BrickAccumulator): void => {
      // in four calls, as frames would come
      for (let part = 0; part < 4; part++) {
        acc.nextFrame();
        const s = part * 5000;
        const added = acc.addPixels(
          fh.subarray(s),
          fk.subarray(s),
          fl.subarray(s),
          0,
          0,
          0,
          5000,
          values,
          s,
          mask,
          null,
          0.5,
          grid.h.count,
          grid.k.count,
          grid.l.count,
        );
        expect(added).toBeGreaterThan(0);
      }
    };
    const big = denseFrom(grid, 64 * 2 ** 20, feed);
    const tiny = denseFrom(grid, 2 * BRICK_FLOATS * 4, feed); // two bricks: constant eviction
    expect(big.acc.capacity).toBe(18);
    expect(big.records).toBe(18); // every brick is hit, each leaves once at flush
    expect(tiny.records).toBeGreaterThan(100);
    for (const r of [big, tiny]) {
      let sumN = 0;
      let wrong = 0;
      for (let j = 0; j < n; j++) {
        if (r.v[j] !== refV[j] || r.n[j] !== refN[j]) wrong++;
        sumN += r.n[j]!;
      }
      expect(wrong).toBe(0);
      expect(sumN).toBe(0.5 * expected);
    }
  });

  it('adds a brick into a slab of planes, clipping to the slab and the grid', () => {
    const data = new Float32Array(BRICK_FLOATS);
    for (let l = 0; l < BRICK_SIDE; l++)
      for (let k = 0; k < BRICK_SIDE; k++)
        for (let h = 0; h < BRICK_SIDE; h++) {
          const z = brickVoxelIndex(l, k, h);
          data[2 * z] = 10000 * l + 100 * k + h;
          data[2 * z + 1] = 1;
        }
    const [, nbK, nbH] = brickCounts(grid);
    const id = (2 * nbK + 1) * nbH + 2; // bL = 2 (planes 32…40 of 41), bK = 1, bH = 2
    const l0 = 30;
    const planes = 8; // slab planes 30…37
    const v = new Float32Array(planes * grid.k.count * grid.h.count);
    const w = new Float32Array(v.length);
    addBrickToSlab(grid, v, w, l0, planes, id, data);
    let filled = 0;
    for (let l = l0; l < l0 + planes; l++)
      for (let k = 0; k < grid.k.count; k++)
        for (let h = 0; h < grid.h.count; h++) {
          const j = ((l - l0) * grid.k.count + k) * grid.h.count + h;
          const inBrick = l >= 32 && k >= 16 && h >= 32;
          expect(w[j]).toBe(inBrick ? 1 : 0);
          if (inBrick) {
            expect(v[j]).toBe(10000 * (l - 32) + 100 * (k - 16) + (h - 32));
            filled++;
          }
        }
    expect(filled).toBe(6 * 3 * 5); // planes 32–37, k 16–18, h 32–36
  });
});

describe('frame transformer', () => {
  const g: Geometry = {
    wavelength: 0.3,
    distance: 120,
    pixelSize: 0.172,
    shape: [40, 56],
    beamCenterX: 20.3,
    beamCenterY: 11.8,
    yaw: 0.4,
    pitch: -0.3,
    roll: 0.2,
    detectorOrientation: '-y +z -x',
    phiStart: -5,
    phiStep: 0.2,
    chi: 3,
    omega: -2,
    theta: 0.5,
    sampleOffset: [0.01, -0.02, 0.015],
  };
  const U = multiplyMat3(rotationMatrix(1, 20), rotationMatrix(2, -35), rotationMatrix(3, 50));
  const UB: Mat3 = multiplyMat3(U, computeBMatrix({ a: 4, b: 5, c: 6, alpha: 90, beta: 95, gamma: 90 }));

  it.each([
    ['with a sample offset (map, then bin)', g],
    ['without (fused map and bin)', { ...g, sampleOffset: undefined }],
  ])('puts every pixel into the voxel whose centre is nearest its hkl (scalar pixelToHkl), %s', (_, g) => {
    const grid: HklGrid = {
      h: { start: -1, step: 0.02, count: 101 },
      k: { start: -1.2, step: 0.03, count: 81 },
      l: { start: -1.5, step: 0.05, count: 61 },
    };
    for (const pixelOffset of [0, 0.5]) {
      const tr = createFrameTransformer({ geometry: g, UB, grid, pixelOffset, rowBlock: 7 });
      const [ny, nx] = g.shape;
      const values = Float64Array.from({ length: ny * nx }, (_, i) => (i % 11) + 1);
      const frames = [3, 17.5];
      const { v, n } = denseFrom(grid, 8 * 2 ** 20, (acc) => {
        tr.transformFrames(acc, frames, [values, values], null, [null, null], [1, 2]);
      });
      // reference: each pixel's hkl, rounded to the nearest centre
      const size = grid.h.count * grid.k.count * grid.l.count;
      const refV = new Float64Array(size);
      const refN = new Float64Array(size);
      frames.forEach((z, fi) => {
        for (let y = 0; y < ny; y++)
          for (let x = 0; x < nx; x++) {
            const [h, k, l] = pixelToHkl(g, UB, x + pixelOffset, y + pixelOffset, z);
            const ih = Math.round((h - grid.h.start) / grid.h.step);
            const ik = Math.round((k - grid.k.start) / grid.k.step);
            const il = Math.round((l - grid.l.start) / grid.l.step);
            if (ih < 0 || ik < 0 || il < 0 || ih >= grid.h.count || ik >= grid.k.count || il >= grid.l.count)
              continue;
            const j = (il * grid.k.count + ik) * grid.h.count + ih;
            refV[j] = refV[j]! + values[y * nx + x]!;
            refN[j] = refN[j]! + fi + 1;
          }
      });
      let hits = 0;
      let wrong = 0;
      for (let j = 0; j < size; j++) {
        if (v[j] !== refV[j] || n[j] !== refN[j]) wrong++;
        hits += refN[j]!;
      }
      expect(wrong).toBe(0);
      expect(hits).toBeGreaterThan(1000);
    }
  });
});
