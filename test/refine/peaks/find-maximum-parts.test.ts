import { describe, expect, it } from 'vitest';

import {
  accumulateFrame,
  createFrameAccumulator,
  selectKth,
  trimmedAnnulusSum,
} from '../../../src/refine/peaks/accumulate-frames.ts';
import { computeAnnulusLimits, sampleAnnulus } from '../../../src/refine/peaks/annulus.ts';
import { computeRadialSum, computeSolidAngles } from '../../../src/refine/peaks/compute-radial-sum.ts';
import { computeTransmission, medianFilter } from '../../../src/refine/peaks/compute-transmission.ts';
import { detectBadPixels } from '../../../src/refine/peaks/detect-bad-pixels.ts';
import { mergeMaximumParts, type MaximumPart } from '../../../src/refine/peaks/merge-maximum-parts.ts';
import type { Geometry } from '../../../src/refine/geometry/models.ts';
import { computePolarAngle } from '../../../src/refine/geometry/angles.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';

const geometry: Geometry = {
  wavelength: 0.2,
  distance: 200,
  pixelSize: 0.172,
  shape: [60, 80],
  beamCenterX: 40.3,
  beamCenterY: 28.6,
  yaw: 0.3,
  pitch: -0.2,
  roll: 0.1,
  detectorOrientation: '-y +z -x',
  phiStart: -5,
  phiStep: 0.1,
  chi: 0,
  omega: 0,
  theta: 0,
};

describe('Find Maximum building blocks', () => {
  it('selectKth and the trimmed annulus sum agree with sorting', () => {
    const rnd = createRandom(5, 1);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(rnd.uniform() * 200);
      const a = Float64Array.from({ length: n }, () => Math.floor(rnd.uniform() * 20));
      const k = Math.floor(rnd.uniform() * n);
      const b = Float64Array.from(a);
      selectKth(b, k);
      const sorted = Float64Array.from(a).sort();
      expect(b[k]).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(b[i]!).toBeLessThanOrEqual(b[k]!);
      // trimmed sum: drop the brightest 10 %, scale to `total`
      const data = Float64Array.from(a);
      data[0] = NaN;
      const indices = Int32Array.from({ length: n }, (_, i) => i);
      const finite = Array.from(data)
        .filter(Number.isFinite)
        .sort((x, y) => x - y);
      const keep = finite.length - Math.floor(0.1 * finite.length);
      const expected =
        finite.length === 0 ? NaN : (finite.slice(0, keep).reduce((s, v) => s + v, 0) * 1000) / keep;
      const got = trimmedAnnulusSum(data, { indices, total: 1000 }, 0.1);
      if (Number.isNaN(expected)) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(expected, 9);
    }
  });

  it('accumulates sums, extrema and masked frame sums, skipping NaN; a NaN frame is missing', () => {
    const acc = createFrameAccumulator(4);
    const mask = Uint8Array.from([0, 1, 0, 0]);
    const opts = { mask, annulus: { indices: Int32Array.from([0, 2, 3]), total: 3 }, trimFraction: 0 };
    accumulateFrame(acc, Int32Array.from([1, -1, 5, 2]), opts);
    accumulateFrame(acc, Float32Array.from([3, -1, NaN, 4]), opts);
    accumulateFrame(acc, Float32Array.from([NaN, NaN, NaN, NaN]), opts);
    expect(Array.from(acc.sum)).toEqual([4, -2, 5, 6]);
    expect(Array.from(acc.min)).toEqual([1, -1, 5, 2]);
    expect(Array.from(acc.max)).toEqual([3, -1, 5, 4]);
    expect(acc.frameSums.slice(0, 2)).toEqual([8, 7]);
    expect(acc.frameSums[2]).toBeNaN();
    expect(acc.frameFinite).toEqual([3, 2, 0]);
    expect(acc.framePartials[0]).toBe(8);
    expect(acc.framePartials[1]).toBeCloseTo((7 * 3) / 2, 12);
    expect(acc.framePartials[2]).toBeNaN();
  });

  it('finds hot pixels (constant ≥ 100) and dead ones (constant ≤ 0, negative or 0 among counting neighbours)', () => {
    const shape: [number, number] = [5, 6];
    const frames = 12;
    const n = 30;
    const sum = new Float64Array(n);
    const min = new Float64Array(n);
    const max = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      min[i] = 3;
      max[i] = 9;
      sum[i] = 6 * frames;
    }
    const set = (i: number, v: number): void => {
      min[i] = v;
      max[i] = v;
      sum[i] = v * frames;
    };
    set(7, 500); // hot
    set(8, 99); // constant but below 100: not hot
    set(14, 0); // dead: neighbours count
    set(15, -2); // dead: negative
    set(29, 0); // corner, neighbours count
    set(0, 0);
    set(1, 0);
    set(6, 0); // a block of constant zeros: 0's neighbours 1 and 6 are constant → only 7 (hot, constant) … no counting neighbour
    const mask = new Uint8Array(n);
    mask[22] = 1;
    set(22, 1e6); // masked: never reported
    const bad = detectBadPixels(shape, sum, min, max, { mask, frames });
    expect(bad.hot).toEqual([7]);
    expect(bad.hotValues).toEqual([500]);
    expect(bad.dead).toEqual([1, 6, 14, 15, 29]);
    expect(detectBadPixels(shape, sum, min, max, { mask, frames: 5 }).hot).toEqual([]);
  });

  it('merges ranges, masks hot and dead pixels and corrects the frame sums exactly', () => {
    const shape: [number, number] = [2, 3];
    const frames = [
      [5, 200, 0, 7, 1, 9],
      [6, 200, 0, 8, 2, 9],
      [4, 200, 0, 9, 30, 9],
    ];
    const mask = Uint8Array.from([0, 0, 0, 0, 0, 1]);
    const parts: MaximumPart[] = [];
    for (const [start, stop] of [
      [0, 2],
      [2, 3],
    ] as const) {
      const acc = createFrameAccumulator(6);
      for (let z = start; z < stop; z++)
        accumulateFrame(acc, Float64Array.from(frames[z]!), { mask, annulus: null });
      parts.push({
        start,
        stop,
        sum: acc.sum,
        min: acc.min,
        max: acc.max,
        frameSums: Float64Array.from(acc.frameSums),
        framePartials: Float64Array.from(acc.framePartials),
        frameFinite: Float64Array.from(acc.frameFinite),
      });
    }
    const r = mergeMaximumParts(parts.reverse(), {
      shape,
      frameCount: 5,
      first: 0,
      last: 3,
      mask,
      badPixels: { minFrames: 3, deadNeighbourCounts: 5 },
    });
    expect(r.badPixels.hot).toEqual([1]);
    expect(r.badPixels.dead).toEqual([2]);
    expect(Array.from(r.mask)).toEqual([0, 1, 1, 0, 1 - 1, 1]);
    expect(r.maximum).toBe(30);
    expect([r.maximumX, r.maximumY]).toEqual([1, 1]);
    // frame sums over the unmasked pixels 0, 3, 4 only
    expect(Array.from(r.summedFrames)).toEqual([13, 16, 43, 0, 0]);
    expect(Array.from(r.summedData)).toEqual([15, 0, 0, 24, 33, 0]);
    expect(() =>
      mergeMaximumParts(parts.slice(0, 1), { shape, frameCount: 5, first: 0, last: 3, mask }),
    ).toThrow(/tile/);
  });

  it('HEAD annulus: 0.3…0.95 of the larger vertical beam-centre distance; given q → small-angle radii', () => {
    const a = computeAnnulusLimits(geometry);
    const dy = Math.max(28.6, 59 - 28.6);
    expect(a.rmin).toBeCloseTo(0.3 * dy, 10);
    expect(a.rmax).toBeCloseTo(0.95 * dy, 10);
    const k = (2 * Math.PI * 0.172) / (0.2 * 200);
    expect(a.qmin).toBeCloseTo(0.3 * dy * k, 12);
    expect(a.source).toBe('auto');
    const g = computeAnnulusLimits(geometry, { qmin: 0.5, qmax: 1 });
    expect(g.rmin).toBeCloseTo(0.5 / k, 10);
    expect(g.source).toBe('given');
    expect(() => computeAnnulusLimits(geometry, { qmin: 2, qmax: 1 })).toThrow(/qmin/);
    const mask = new Uint8Array(60 * 80);
    mask[28 * 80 + 40 + 20] = 1;
    const s = sampleAnnulus(geometry, a, mask, 1_000_000);
    let count = 0;
    for (let y = 0; y < 60; y++)
      for (let x = 0; x < 80; x++) {
        const r = Math.hypot(x - 40.3, y - 28.6);
        if (r >= a.rmin && r <= a.rmax && !mask[y * 80 + x]) count++;
      }
    expect(s.total).toBe(count);
    expect(s.indices.length).toBe(count);
    const sub = sampleAnnulus(geometry, a, mask, 100);
    expect(sub.total).toBe(count);
    expect(sub.indices.length).toBeLessThanOrEqual(100);
  });

  it('radial sum: an image proportional to solid angle × polarization integrates to a constant; Q = 4π sin θ / λ', () => {
    const solid = computeSolidAngles(geometry);
    // cos³ at the beam centre ≈ 1 and smaller away from it
    expect(solid[28 * 80 + 40]).toBeGreaterThan(0.9999);
    expect(solid[0]).toBeLessThan(solid[28 * 80 + 40]!);
    const pol = Float64Array.from(solid, (_, i) => 0.9 + (0.1 * ((i * 7) % 13)) / 13);
    const image = Float64Array.from(solid, (s, i) => 1234 * s * pol[i]!);
    const r = computeRadialSum(image, geometry, { mask: null, polarization: pol, bins: 50 });
    for (let b = 0; b < 50; b++) if (r.counts[b]! > 0) expect(r.radialSum[b]).toBeCloseTo(1234, 8);
    const lo = computePolarAngle(geometry, 40.3, 28.6);
    expect(r.polarAngle[0]).toBeGreaterThan(lo);
    expect(r.q[10]).toBeCloseTo((4 * Math.PI * Math.sin((r.polarAngle[10]! * Math.PI) / 360)) / 0.2, 12);
    expect(r.counts.reduce((s, c) => s + c, 0)).toBe(60 * 80);
  });

  it('transmission: partial / monitor, gaps filled, held outside [first, last), running median, ÷ median', () => {
    expect(Array.from(medianFilter([1, 9, 2, 8, 3], 3))).toEqual([1, 2, 8, 3, 3]);
    const n = 200;
    const T = Float64Array.from({ length: n }, (_, z) => (z < 100 ? 1 : 0.8));
    const monitor = Float64Array.from({ length: n }, (_, z) => 1000 * (1 + 0.05 * Math.sin(z)));
    const partial = Float64Array.from({ length: n }, (_, z) => 5e5 * T[z]! * (monitor[z]! / 1000));
    partial[50] = NaN; // a missing frame
    partial[30] = 1e9; // an outlier the running median removes
    const t = computeTransmission(partial, monitor, 10, 150, 31)!;
    expect(t.median).toBeCloseTo(500, 6);
    for (let z = 0; z < n; z++) expect(t.transmission[z]).toBeCloseTo(T[z]!, 9);
    // held at the edge values outside the range
    const u = computeTransmission(
      Float64Array.from({ length: n }, (_, z) => z),
      null,
      50,
      150,
      1,
    )!;
    expect(u.transmission[0]! * u.median).toBeCloseTo(50, 9);
    expect(u.transmission[199]! * u.median).toBeCloseTo(149, 9);
    expect(computeTransmission(new Float64Array(10).fill(NaN), null, 0, 10)).toBeNull();
  });
});
