// Slice geometry: hand-computed points of hexagonal (γ* = 60°) and monoclinic (β* = 80°, a* ≠ c*)
// slices, the inverse map, and the plot's lengths and angles against the B matrix of the cell (the
// plot must show |Q| and the angle between reciprocal axes as they are).
import { describe, expect, it } from 'vitest';

import {
  axisExtent,
  axisSampling,
  bottomTickPositions,
  fromPlot,
  gridLines,
  isHklNxData,
  isSkewed,
  nearestSample,
  niceTicks,
  plotBounds,
  resolveWeightsPath,
  sampleIndexOf,
  shortAxisName,
  skewAngleOf,
  skewMatrix,
  slabCentre,
  slabPlanes,
  sliceAxes,
  sliceGeometry,
  toPlot,
  type SliceDim,
} from '../../../src/nexus/nxdata/hkl-slice.ts';
import type { NxAttribute, NxNode } from '../../../src/nexus/model/types.ts';
import { resolveNxData } from '../../../src/nexus/nxdata/resolve-nxdata.ts';
import type { UnitCell } from '../../../src/refine/geometry/models.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { computeReciprocalCell } from '../../../src/refine/lattice/reciprocal-cell.ts';

const close = (a: readonly number[], b: readonly number[], tol = 1e-12): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(tol));
};

describe('which axes and which angle', () => {
  it('shows the later remaining dimension across (NeXpy): L → (H, K), K → (H, L), H → (K, L)', () => {
    expect(sliceAxes(0)).toEqual({ x: 2, y: 1 });
    expect(sliceAxes(1)).toEqual({ x: 2, y: 0 });
    expect(sliceAxes(2)).toEqual({ x: 1, y: 0 });
  });

  it('takes @angles[constant dim]: (γ*, β*, α*) of (Ql, Qk, Qh) gives γ* for L = const', () => {
    const angles = [60, 80, 95];
    expect(skewAngleOf(angles, 0)).toBe(60);
    expect(skewAngleOf(angles, 1)).toBe(80);
    expect(skewAngleOf(angles, 2)).toBe(95);
    expect(skewAngleOf(undefined, 0)).toBe(90);
    expect(skewAngleOf([60, 90], 0)).toBe(90);
    expect(skewAngleOf([0, 90, 90], 0)).toBe(90);
    expect(skewAngleOf([Number.NaN, 90, 90], 0)).toBe(90);
  });
});

describe('the skew map', () => {
  it('hexagonal L = const (γ* = 60°, a* = b*): hand-computed points', () => {
    const g = sliceGeometry(60, 1.8603, 1.8603);
    expect(isSkewed(g)).toBe(true);
    close(toPlot(g, 1, 0), [1, 0]);
    close(toPlot(g, 0, 1), [0.5, Math.sqrt(3) / 2]);
    close(toPlot(g, 2, -3), [0.5, (-3 * Math.sqrt(3)) / 2]);
    close(fromPlot(g, 0.5, (-3 * Math.sqrt(3)) / 2), [2, -3]);
    const m = skewMatrix(g);
    expect(m.aspect).toBe(1);
  });

  it('monoclinic K = const (β = 100° → β* = 80°, a = 5, c = 7): the L direction scaled by c*/a* = 5/7', () => {
    const cell: UnitCell = { a: 5, b: 6, c: 7, alpha: 90, beta: 100, gamma: 90 };
    const rec = computeReciprocalCell(cell, { twoPi: true });
    expect(rec.beta).toBeCloseTo(80, 12);
    const g = sliceGeometry(rec.beta, rec.a, rec.c);
    const r = 5 / 7;
    expect(skewMatrix(g).aspect).toBeCloseTo(r, 14);
    // (0, 1): u = r·cos 80°, v = sin 80°
    close(toPlot(g, 0, 1), [0.7142857142857143 * 0.17364817766693033, 0.984807753012208], 1e-14);
    close(
      toPlot(g, 3, -2),
      [3 - 2 * 0.7142857142857143 * 0.17364817766693033, -2 * 0.984807753012208],
      1e-14,
    );
  });

  it('orthogonal: the identity (exactly, no 6e-17 shear), stretched by s_y/s_x only in the aspect', () => {
    const g = sliceGeometry(90, 1.3677, 2.1);
    expect(isSkewed(g)).toBe(false);
    expect(toPlot(g, 1.25, -3.5)).toEqual([1.25, -3.5]);
    expect(fromPlot(g, 1.25, -3.5)).toEqual([1.25, -3.5]);
    expect(skewMatrix(g).aspect).toBeCloseTo(2.1 / 1.3677, 14);
  });

  it('missing or bad scaling factors count as 1 for both axes; bad angles as 90°', () => {
    expect(sliceGeometry(60, 2, undefined)).toEqual({ angleDeg: 60, scaleX: 1, scaleY: 1 });
    expect(sliceGeometry(60, -1, 2)).toEqual({ angleDeg: 60, scaleX: 1, scaleY: 1 });
    expect(sliceGeometry(180, 1, 2)).toEqual({ angleDeg: 90, scaleX: 1, scaleY: 2 });
  });

  it('round trip plot → axes → plot for random points and angles', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let i = 0; i < 1000; i++) {
      const g = sliceGeometry(30 + 60 * (rnd() + 1), 1 + rnd() * 0.5, 1 + rnd() * 0.5);
      const x = 10 * rnd();
      const y = 10 * rnd();
      const [u, v] = toPlot(g, x, y);
      close(fromPlot(g, u, v), [x, y], 1e-12);
      const [x2, y2] = fromPlot(g, x, y);
      close(toPlot(g, x2, y2), [x, y], 1e-12);
    }
  });

  it.each<[string, UnitCell, SliceDim]>([
    ['hexagonal, L const', { a: 3.9, b: 3.9, c: 6.2, alpha: 90, beta: 90, gamma: 120 }, 0],
    ['monoclinic, K const', { a: 5, b: 6, c: 7, alpha: 90, beta: 100, gamma: 90 }, 1],
    ['triclinic, L const', { a: 4.1, b: 5.3, c: 6.7, alpha: 81, beta: 97, gamma: 108 }, 0],
    ['triclinic, K const', { a: 4.1, b: 5.3, c: 6.7, alpha: 81, beta: 97, gamma: 108 }, 1],
    ['triclinic, H const', { a: 4.1, b: 5.3, c: 6.7, alpha: 81, beta: 97, gamma: 108 }, 2],
  ])('%s: plotted lengths and angles are those of B·hkl (true shape)', (_, cell, constant) => {
    // @angles and @scaling_factor as Transform Data writes them
    const rec = computeReciprocalCell(cell, { twoPi: true });
    const angles = [rec.gamma, rec.beta, rec.alpha];
    const scale = [rec.c, rec.b, rec.a]; // per dimension (L, K, H)
    const { x, y } = sliceAxes(constant);
    const g = sliceGeometry(skewAngleOf(angles, constant), scale[x], scale[y]);
    const B = computeBMatrix(cell); // 1/d units: Q = B·hkl
    const hklIndex = [2, 1, 0]; // dimension → h, k, l component
    const q = (vx: number, vy: number): number[] => {
      const hkl = [0, 0, 0];
      hkl[hklIndex[x]!] = vx;
      hkl[hklIndex[y]!] = vy;
      return [0, 1, 2].map((i) => B[i]![0]! * hkl[0]! + B[i]![1]! * hkl[1]! + B[i]![2]! * hkl[2]!);
    };
    // Cartesian point of the plot: (s_x·u, s_x·v·r) = (s_x·u, s_y·v)
    const cart = (vx: number, vy: number): number[] => {
      const [u, v] = toPlot(g, vx, vy);
      return [g.scaleX * u, g.scaleY * v];
    };
    const twoPi = 2 * Math.PI;
    for (const [vx, vy] of [
      [1, 0],
      [0, 1],
      [2, -3],
      [-1.5, 0.75],
    ] as const) {
      const lenQ = Math.hypot(...q(vx, vy)) * twoPi;
      expect(Math.hypot(...cart(vx, vy))).toBeCloseTo(lenQ, 10);
    }
    const a = cart(1, 0);
    const b = cart(0, 1);
    const plotted =
      (Math.acos((a[0]! * b[0]! + a[1]! * b[1]!) / (Math.hypot(...a) * Math.hypot(...b))) * 180) / Math.PI;
    const qa = q(1, 0);
    const qb = q(0, 1);
    const dot = qa[0]! * qb[0]! + qa[1]! * qb[1]! + qa[2]! * qb[2]!;
    const real = (Math.acos(dot / (Math.hypot(...qa) * Math.hypot(...qb))) * 180) / Math.PI;
    expect(plotted).toBeCloseTo(real, 9);
  });

  it('plotBounds is the parallelogram’s box; gridLines run along the skewed directions', () => {
    const g = sliceGeometry(60, 1, 1);
    const s = Math.sqrt(3) / 2;
    const b = plotBounds(g, [-1, 1], [-2, 2]);
    close(b.u, [-2, 2]);
    close(b.v, [-2 * s, 2 * s]);
    const lines = gridLines(g, [0], [1], [-1, 1], [-2, 2]);
    // constant H = 0 from K = −2 to 2: (−1, −2 sin60) → (1, 2 sin60); constant K = 1: (−0.5, s) → (1.5, s)
    close(lines.u.slice(0, 2), [-1, 1]);
    close(lines.v.slice(0, 2), [-2 * s, 2 * s]);
    close(lines.u.slice(3, 5), [-0.5, 1.5]);
    close(lines.v.slice(3, 5), [s, s]);
    expect(lines.u[2]).toBeNaN();
    // labels of H lines on the bottom edge v = −2 sin60 (K = −2): u = H − 1
    close(bottomTickPositions(g, [-1, 0, 1], -2 * s), [-2, -1, 0]);
  });
});

describe('axes, planes and ticks', () => {
  it('samples: centres, bin edges, descending, and indices when the values are unusable', () => {
    const c = axisSampling([-1, -0.5, 0, 0.5], 4);
    expect(c.uniform).toEqual({ start: -1, step: 0.5 });
    close(axisExtent(c), [-1.25, 0.75]);
    const e = axisSampling([0, 1, 2, 3], 3);
    close(Array.from(e.centres), [0.5, 1.5, 2.5]);
    const d = axisSampling([3, 2, 1], 3);
    expect(d.uniform).toEqual({ start: 3, step: -1 });
    close(axisExtent(d), [0.5, 3.5]);
    expect(sampleIndexOf(d, 2.4)).toBe(1);
    expect(Array.from(axisSampling([0, 2, 1], 3).centres)).toEqual([0, 1, 2]);
    expect(Array.from(axisSampling(null, 2).centres)).toEqual([0, 1]);
    const uneven = axisSampling([0, 1, 3, 7], 4);
    expect(uneven.uniform).toBeNull();
    close(axisExtent(uneven), [-0.5, 9]);
    expect([2.9, 5.1, 4.9, -0.6, 9.1].map((v) => sampleIndexOf(uneven, v))).toEqual([2, 3, 2, -1, -1]);
  });

  it('sampleIndexOf: the nearest centre inside the cells, −1 outside; nearestSample clamps', () => {
    const a = axisSampling([-4, -3.98, -3.96], 3);
    expect(sampleIndexOf(a, -3.981)).toBe(1);
    expect(sampleIndexOf(a, -4.009)).toBe(0);
    expect(sampleIndexOf(a, -4.011)).toBe(-1);
    expect(sampleIndexOf(a, -3.951)).toBe(2);
    expect(sampleIndexOf(a, -3.949)).toBe(-1);
    expect(nearestSample(a, -10)).toBe(0);
    expect(nearestSample(a, 10)).toBe(2);
  });

  it('slabPlanes: centred, the extra plane above when even, clipped', () => {
    expect(slabPlanes(5, 1, 10)).toEqual([5, 1]);
    expect(slabPlanes(5, 3, 10)).toEqual([4, 3]);
    expect(slabPlanes(5, 4, 10)).toEqual([4, 4]);
    expect(slabPlanes(0, 3, 10)).toEqual([0, 3]);
    expect(slabPlanes(9, 4, 10)).toEqual([6, 4]);
    expect(slabPlanes(3, 25, 10)).toEqual([0, 10]);
    const l = axisSampling([-1, -0.5, 0, 0.5, 1], 5);
    expect(slabCentre(l, 1, 3)).toBe(0);
    expect(slabCentre(l, 2, 2)).toBe(0.25);
  });

  it('niceTicks: 1, 2, 2.5, 5 × 10ⁿ steps', () => {
    expect(niceTicks(-4, 4, 8)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect(niceTicks(0, 1, 8)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.37, 0.41, 4)).toEqual([-0.2, 0, 0.2, 0.4]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(Number.NaN, 3)).toEqual([]);
  });
});

describe('which NXdata are shown as slices, and their weights', () => {
  const field = (name: string, shape: number[], attrs: Record<string, unknown> = {}): NxNode => ({
    path: `/f1/g/${name}`,
    name,
    kind: 'dataset',
    shape,
    attributes: Object.entries(attrs).map(([n, value]) => ({
      name: n,
      value: value as NxAttribute['value'],
      dtype: 'x',
      type: { class: 'string' } as NxAttribute['type'],
      shape: [],
    })),
  });
  const group = (attrs: Record<string, unknown>, children: NxNode[]): NxNode => ({
    ...field('g', [], attrs),
    path: '/f1/g',
    kind: 'group',
    nxClass: 'NXdata',
    children,
  });

  it('a transform (@angles, Qh/Qk/Ql) yes; a frame stack (frame_number, y_pixel, x_pixel) no', () => {
    const transform = group({ signal: 'data', axes: ['Ql', 'Qk', 'Qh'], angles: [60, 90, 90] }, [
      field('data', [5, 6, 7]),
      field('weights', [5, 6, 7]),
      field('Ql', [5]),
      field('Qk', [6]),
      field('Qh', [7]),
    ]);
    expect(isHklNxData(transform, resolveNxData(transform))).toBe(true);
    const noAngles = group({ signal: 'data', axes: ['l', 'k', 'h'] }, [
      field('data', [5, 6, 7]),
      field('l', [5]),
      field('k', [6]),
      field('h', [7]),
    ]);
    expect(isHklNxData(noAngles, resolveNxData(noAngles))).toBe(true);
    const frames = group({ signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] }, [
      field('data', [5, 6, 7]),
      field('frame_number', [5]),
      field('y_pixel', [6]),
      field('x_pixel', [7]),
    ]);
    expect(isHklNxData(frames, resolveNxData(frames))).toBe(false);
    const flat = group({ signal: 'data', angles: [60, 90, 90] }, [field('data', [6, 7])]);
    expect(isHklNxData(flat, resolveNxData(flat))).toBe(false);
    expect(['Qh', 'Qk', 'Ql', 'h', 'x_pixel'].map(shortAxisName)).toEqual(['H', 'K', 'L', 'H', 'x_pixel']);
  });

  it('weights: <signal>_weights, then the signal’s @weights, then `weights`, only of the signal’s shape', () => {
    const g1 = group({ signal: 'v' }, [
      field('v', [2, 3, 4]),
      field('v_weights', [2, 3, 4]),
      field('weights', [2, 3, 4]),
    ]);
    expect(resolveWeightsPath(g1, 'v')).toBe('/f1/g/v_weights');
    const g2 = group({ signal: 'v' }, [
      field('v', [2, 3, 4], { weights: 'n' }),
      field('n', [2, 3, 4]),
      field('weights', [2, 3, 4]),
    ]);
    expect(resolveWeightsPath(g2, 'v')).toBe('/f1/g/n');
    const g3 = group({ signal: 'data' }, [field('data', [2, 3, 4]), field('weights', [2, 3, 4])]);
    expect(resolveWeightsPath(g3, 'data')).toBe('/f1/g/weights');
    const g4 = group({ signal: 'data' }, [field('data', [2, 3, 4]), field('weights', [2, 3])]);
    expect(resolveWeightsPath(g4, 'data')).toBeNull();
  });
});
