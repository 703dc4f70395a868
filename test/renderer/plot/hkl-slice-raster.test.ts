// The HKL slice raster: every raster pixel shows the voxel under its centre (brute-force check on
// skewed, unequal-scale and descending grids), max-pooling, colour classes; on a synthetic
// hexagonal transform written by our writers, the value under a pointer position is v/n at the
// (h, k, l) an independent inverse (from the B matrix) gives; on a simulated hexagonal rotation
// transformed by Transform Data, every strong Bragg reflection in an L plane shows at its integer
// (h, k) in the skewed plot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile, type NexusFile } from '../../../src/engine/io/nexus-file.ts';
import { readSlab } from '../../../src/engine/io/read-slab.ts';
import { transformData, type TransformDataResult } from '../../../src/engine/jobs/transform.ts';
import {
  axisSampling,
  fromPlot,
  plotBounds,
  axisExtent,
  sampleIndexOf,
  skewAngleOf,
  sliceGeometry,
  toPlot,
  type AxisSampling,
  type SliceGeometry,
} from '../../../src/nexus/nxdata/hkl-slice.ts';
import type { UnitCell } from '../../../src/refine/geometry/models.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { INDEX_NAN, INDEX_NEGATIVE, LEVELS } from '../../../src/renderer/plot/colormap.ts';
import {
  INDEX_OUTSIDE,
  normalizeSlice,
  planRaster,
  poolSlice,
  rasterizeSlice,
  sliceColorStats,
  sliceLevelOf,
  sliceValueAt,
  type RasterWindow,
  type SliceGrid,
} from '../../../src/renderer/plot/hkl-slice-raster.ts';
import {
  simulateHexagonalScan,
  strongHexagonalReflections,
  type HexagonalTruth,
} from '../../helpers/hexagonal-scan.ts';
import { writeSyntheticTransform, type SyntheticTransform } from '../../helpers/hkl-transform.ts';

/** The sample whose cell holds `value`, by scanning every centre (no shortcuts). */
function bruteIndex(a: AxisSampling, value: number): number {
  const [lo, hi] = axisExtent(a);
  if (value < lo || value > hi) return -1;
  let best = -1;
  let dist = Infinity;
  for (let i = 0; i < a.count; i++) {
    const d = Math.abs(a.centres[i]! - value);
    if (d < dist) {
      dist = d;
      best = i;
    }
  }
  return best;
}

function gridOf(nx: number, ny: number, x: number[], y: number[]): SliceGrid {
  const data = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[j * nx + i] = (i + 7 * j) % LEVELS;
  return { data, x: axisSampling(x, nx), y: axisSampling(y, ny) };
}

/** Palette index = the value itself (values are 0…252): the raster shows which voxel it took. */
const identity = (v: number): number => v;

describe('rasterizeSlice', () => {
  const cases: Array<[string, SliceGeometry, SliceGrid]> = [
    [
      'hexagonal 60°',
      sliceGeometry(60, 1.86, 1.86),
      gridOf(
        9,
        7,
        Array.from({ length: 9 }, (_, i) => -1 + i * 0.25),
        Array.from({ length: 7 }, (_, i) => -0.75 + i * 0.25),
      ),
    ],
    [
      'monoclinic 80°, c*/a* = 0.55, descending y',
      sliceGeometry(80, 1.8, 0.99),
      gridOf(
        6,
        11,
        Array.from({ length: 6 }, (_, i) => i * 0.5),
        Array.from({ length: 11 }, (_, i) => 2 - i * 0.4),
      ),
    ],
    ['uneven x, 115°', sliceGeometry(115, 1, 1.3), gridOf(5, 4, [0, 0.1, 0.3, 0.7, 1.5], [0, 1, 2, 3])],
  ];

  it.each(cases)('%s: each pixel shows the voxel under its centre, outside elsewhere', (_, g, s) => {
    const b = plotBounds(g, axisExtent(s.x), axisExtent(s.y));
    // a window wider than the slice on every side, at an odd resolution
    const w: RasterWindow = {
      u0: b.u[0] - 0.3,
      u1: b.u[1] + 0.2,
      v0: b.v[0] - 0.25,
      v1: b.v[1] + 0.15,
      width: 173,
      height: 91,
    };
    const img = rasterizeSlice(s, g, w, identity);
    let inside = 0;
    for (let r = 0; r < w.height; r++)
      for (let c = 0; c < w.width; c++) {
        const u = w.u0 + ((c + 0.5) * (w.u1 - w.u0)) / w.width;
        const v = w.v1 - ((r + 0.5) * (w.v1 - w.v0)) / w.height;
        const [x, y] = fromPlot(g, u, v);
        const ix = bruteIndex(s.x, x);
        const iy = bruteIndex(s.y, y);
        const expected = ix < 0 || iy < 0 ? INDEX_OUTSIDE : s.data[iy * s.x.count + ix]!;
        if (expected !== INDEX_OUTSIDE) inside++;
        if (img[r * w.width + c] !== expected) {
          // only a centre exactly on a cell boundary may go either way
          const near = (a: AxisSampling, val: number, i: number): boolean =>
            i >= 0 && Math.abs(Math.abs(a.centres[i]! - val) - halfStep(a, i)) < 1e-9;
          expect(near(s.x, x, ix) || near(s.y, y, iy), `pixel ${c}, ${r}`).toBe(true);
        }
      }
    expect(inside).toBeGreaterThan(1000);
  });

  it('sliceValueAt agrees with the raster at pixel centres', () => {
    const [, g, s] = cases[0]!;
    for (const [x, y] of [
      [0, 0],
      [-1, -0.75],
      [0.99, 0.74],
      [0.37, -0.4],
    ] as const) {
      const [u, v] = toPlot(g, x, y);
      const at = sliceValueAt(s, g, u, v)!;
      expect(at.x).toBeCloseTo(x, 12);
      expect(at.y).toBeCloseTo(y, 12);
      expect(at.value).toBe(s.data[bruteIndex(s.y, y) * s.x.count + bruteIndex(s.x, x)]);
    }
    expect(sliceValueAt(s, g, ...toPlot(g, 1.2, 0))).toBeNull();
  });

  it('poolSlice keeps the largest finite value of each block, NaN for all-NaN blocks', () => {
    const s: SliceGrid = {
      data: Float64Array.from([1, 5, NaN, 2, 3, 0, NaN, NaN, 7, 1, 1, 1, NaN, NaN, 9]),
      x: axisSampling([0, 1, 2, 3, 4], 5),
      y: axisSampling([0, 1, 2], 3),
    };
    const p = poolSlice(s, 2, 2);
    // rows 0–1: cols 0–1 max(1, 5, 0, NaN) = 5, cols 2–3 max(NaN, 2, NaN, 7) = 7, col 4 max(3, 1) = 3;
    // row 2: cols 0–1 max(1, 1) = 1, cols 2–3 all NaN, col 4: 9
    expect(Array.from(p.data)).toEqual([5, 7, 3, 1, NaN, 9]);
    expect(Array.from(p.x.centres)).toEqual([0.5, 2.5, 4]);
    expect(Array.from(p.y.centres)).toEqual([0.5, 2]);
  });

  it('colours: v/n NaN where n = 0; linear maps negatives, log sets them apart; NaN has its own colour', () => {
    const r = normalizeSlice(
      Float64Array.from([4, 3, -2, 0, 6]),
      Float64Array.from([2, 0, 1, 1, Number.NaN]),
    );
    expect(Array.from(r)).toEqual([2, NaN, -2, 0, NaN]);
    const lin = sliceColorStats(r, { scale: 'linear' });
    expect([lin.lo, lin.hi, lin.valid, lin.notFinite, lin.negative]).toEqual([-2, 2, 3, 2, 0]);
    const log = sliceColorStats(r, { scale: 'log' });
    expect([log.autoLo, log.autoHi, log.valid, log.notFinite, log.negative]).toEqual([2, 2, 2, 2, 1]);
    expect([log.lo, log.hi]).toEqual([0.2, 2]); // a flat range: the values take the top colour
    const lv = sliceLevelOf('linear', -2, 2);
    expect([lv(-2), lv(0), lv(2), lv(NaN)]).toEqual([0, Math.floor(LEVELS / 2), LEVELS - 1, INDEX_NAN]);
    const gv = sliceLevelOf('log', 1, 100);
    expect([gv(-1), gv(0), gv(10), gv(100), gv(Infinity)]).toEqual([
      INDEX_NEGATIVE,
      0,
      Math.floor(LEVELS / 2),
      LEVELS - 1,
      INDEX_NAN,
    ]);
  });

  it('planRaster: screen resolution, no finer than half a voxel, pooling when a pixel spans voxels', () => {
    const g = sliceGeometry(60, 1, 1);
    const bounds = plotBounds(g, [-4.01, 4.01], [-4.01, 4.01]);
    // 1201 voxels of 0.00668: u spans 8.02·1.5 = 12.03 on 800 pixels (2.25 voxels per pixel),
    // v spans 8.02·sin 60° = 6.95 on 600 pixels (0.0116 per pixel, a voxel is 0.00578 high)
    const p = planRaster(bounds, null, [800, 600], 8.02 / 1201, 8.02 / 1201, g);
    expect([p.window.width, p.window.height]).toEqual([800, 600]);
    expect([p.bx, p.by]).toEqual([2, 2]);
    // a small grid on a big screen: half a voxel per pixel at most
    const q = planRaster(bounds, null, [4000, 3000], 0.2, 0.2, g);
    expect(q.window.width).toBe(Math.round((bounds.u[1] - bounds.u[0]) / 0.1));
    expect([q.bx, q.by]).toEqual([1, 1]);
    // zoomed: the view plus a quarter on each side, clipped to the slice
    const z = planRaster(bounds, { u: [0, 1], v: [0, 1] }, [400, 400], 0.01, 0.01, g);
    expect([z.window.u0, z.window.u1, z.window.v0, z.window.v1]).toEqual([-0.25, 1.25, -0.25, 1.25]);
    expect(z.window.width).toBe(300); // 1.5 units at half a voxel (0.005), not 0.0025 per screen pixel
  });
});

function halfStep(a: AxisSampling, i: number): number {
  const j = i === 0 ? 1 : i - 1;
  return Math.abs(a.centres[i]! - a.centres[j]!) / 2;
}

/** Geometry and samplings of the L = const slice as the file describes them (@angles, @scaling_factor). */
function lSliceOf(
  f: NexusFile,
  group: string,
): { g: SliceGeometry; h: AxisSampling; k: AxisSampling; l: AxisSampling } {
  const angles = f.readAttribute(group, 'angles') as number[];
  const sf = (axis: string): number => f.readAttribute(`${group}/${axis}`, 'scaling_factor') as number;
  const values = (axis: string): Float64Array => f.readValue(`${group}/${axis}`) as Float64Array;
  const h = values('Qh');
  const k = values('Qk');
  const l = values('Ql');
  return {
    g: sliceGeometry(skewAngleOf(angles, 0), sf('Qh'), sf('Qk')),
    h: axisSampling(h, h.length),
    k: axisSampling(k, k.length),
    l: axisSampling(l, l.length),
  };
}

/**
 * (h, k) of the plane point drawn at plot (u, v), solved from the B matrix alone: the plot's
 * Cartesian frame has a* along X, so X = |a*|·h + |b*|·cos γ*·k, Y = |b*|·sin γ*·k, with the
 * lengths and the angle taken from B·(1,0,0) and B·(0,1,0); the plot's point is (s_x·u, s_y·v).
 */
function hkFromB(cell: UnitCell, g: SliceGeometry, u: number, v: number): [number, number] {
  const B = computeBMatrix(cell);
  const col = (j: number): number[] => [0, 1, 2].map((i) => B[i]![j]! * 2 * Math.PI);
  const a = col(0);
  const b = col(1);
  const la = Math.hypot(...a);
  const lb = Math.hypot(...b);
  const cos = (a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!) / (la * lb);
  const sin = Math.sqrt(1 - cos * cos);
  const X = g.scaleX * u;
  const Y = g.scaleY * v;
  const k = Y / (lb * sin);
  const h = (X - lb * cos * k) / la;
  return [h, k];
}

describe('on a synthetic hexagonal transform (values known)', () => {
  let dir: string;
  let t: SyntheticTransform;
  let f: NexusFile;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nxr-hkl-raster-'));
    t = await writeSyntheticTransform(dir, {
      grid: {
        h: { start: -2, step: 0.05, count: 81 },
        k: { start: -2, step: 0.05, count: 81 },
        l: { start: -1, step: 0.25, count: 9 },
      },
      cell: { a: 4, b: 4, c: 6, alpha: 90, beta: 90, gamma: 120 },
      unmeasuredAbove: 1.5,
    });
    f = await openNexusFile(t.wrapper);
  });

  afterAll(() => {
    f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the value under a pointer is v/n at the (h, k, l) the B matrix gives for that point', () => {
    const { g, h, k } = lSliceOf(f, t.group);
    expect(g.angleDeg).toBeCloseTo(60, 9);
    const plane = 4; // L = 0
    const v = readSlab(f, `${t.group}/data`, 0, plane, 1);
    const n = readSlab(f, `${t.group}/weights`, 0, plane, 1);
    const grid: SliceGrid = { data: normalizeSlice(v.data, n.data), x: h, y: k };
    let seed = 11;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const b = plotBounds(g, axisExtent(h), axisExtent(k));
    let checked = 0;
    let nan = 0;
    for (let i = 0; i < 400; i++) {
      const u = b.u[0] + rnd() * (b.u[1] - b.u[0]);
      const vv = b.v[0] + rnd() * (b.v[1] - b.v[0]);
      const [hh, kk] = hkFromB(t.cell, g, u, vv);
      const at = sliceValueAt(grid, g, u, vv);
      const inside = Math.abs(hh) < 2.025 && Math.abs(kk) < 2.025;
      if (!inside) {
        // outside the grid, or on a cell edge: either may hold within rounding
        if (Math.abs(hh) < 2.02499 || Math.abs(kk) < 2.02499) continue;
        expect(at).toBeNull();
        continue;
      }
      if (!at) continue; // on the very edge
      expect(at.x).toBeCloseTo(hh, 9);
      expect(at.y).toBeCloseTo(kk, 9);
      const ih = Math.round((hh + 2) / 0.05);
      const ik = Math.round((kk + 2) / 0.05);
      const hc = -2 + ih * 0.05;
      const kc = -2 + ik * 0.05;
      if (hc > 1.5) {
        expect(at.value).toBeNaN(); // n = 0
        nan++;
      } else {
        const expected = t.intensity(hc, kc, 0);
        expect(Math.abs(at.value - expected) / expected).toBeLessThan(1e-6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(nan).toBeGreaterThan(5);
  });
});

describe('a simulated hexagonal rotation through Transform Data', () => {
  let dir: string;
  let truth: HexagonalTruth;
  let result: TransformDataResult;
  let f: NexusFile;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nxr-hkl-hex-'));
    const scan = await simulateHexagonalScan(dir);
    truth = scan.truth;
    result = await transformData({
      file: scan.wrapper,
      entry: 'f1',
      grid: { h: [-4, 0.02, 4], k: [-4, 0.02, 4], l: [-6, 0.05, 6] },
    });
    f = await openNexusFile(scan.wrapper);
  }, 120_000);

  afterAll(() => {
    f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every strong reflection shows at its integer (h, k) in its skewed L slice (γ* = 60°)', () => {
    const { g, h, k, l } = lSliceOf(f, '/f1/transform');
    expect(g.angleDeg).toBeCloseTo(60, 9);
    const strong = strongHexagonalReflections(truth);
    expect(strong.length).toBeGreaterThan(20);
    expect(strong.some((r) => r.l === 0)).toBe(true);
    const missed: string[] = [];
    for (const r of strong) {
      const plane = sampleIndexOf(l, r.l);
      const v = readSlab(f, '/f1/transform/data', 0, plane, 1);
      const n = readSlab(f, '/f1/transform/weights', 0, plane, 1);
      const grid: SliceGrid = { data: normalizeSlice(v.data, n.data), x: h, y: k };
      const stats = sliceColorStats(grid.data, { scale: 'log' });
      // a raster of 0.005 units per pixel (a quarter voxel) around the reflection
      const [u, vv] = toPlot(g, r.h, r.k);
      const w: RasterWindow = { u0: u - 0.2, u1: u + 0.2, v0: vv - 0.2, v1: vv + 0.2, width: 80, height: 80 };
      const img = rasterizeSlice(grid, g, w, sliceLevelOf('log', stats.lo, stats.hi));
      // the brightest pixels lie within one voxel (0.02) of the reflection's plot position
      let best = -1;
      for (const x of img) if (x < LEVELS && x > best) best = x;
      let far = 0;
      for (let row = 0; row < 80; row++)
        for (let c = 0; c < 80; c++) {
          if (img[row * 80 + c] !== best) continue;
          const pu = w.u0 + (c + 0.5) * 0.005;
          const pv = w.v1 - (row + 0.5) * 0.005;
          const [ph, pk] = fromPlot(g, pu, pv);
          if (Math.abs(ph - r.h) > 0.021 || Math.abs(pk - r.k) > 0.021) far++;
        }
      // and the read-out at the reflection's position is a peak (far above the diffuse level)
      const at = sliceValueAt(grid, g, u, vv);
      if (far > 0 || !at || !(at.value > 1000))
        missed.push(`${r.h} ${r.k} ${r.l}: far ${far}, value ${at?.value}`);
    }
    expect(missed).toEqual([]);
    expect(result.grid.h.count).toBe(401);
  });
});
