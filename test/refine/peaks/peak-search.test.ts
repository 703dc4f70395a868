/**
 * The streaming 3-D peak search on frames rendered here (pixel- and frame-integrated Gaussian
 * peaks on a sloped background with Poisson noise, a masked gap holding −1, a hot pixel), against
 * the peaks that were put in.
 */
import { describe, expect, it } from 'vitest';

import type { Peak3d } from '../../../src/refine/peaks/models.ts';
import { checkPeakSearchParameters } from '../../../src/refine/peaks/peak-search-parameters.ts';
import {
  findPeaksInFrames,
  finishPeakSearch,
  searchPeakRange,
} from '../../../src/refine/peaks/search-peak-range.ts';
import { gaussianFraction } from '../../../src/refine/simulate/erf.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';

interface TruePeak {
  x: number;
  y: number;
  z: number;
  sz: number;
  counts: number;
  /** Expected counts of the voxel nearest the centre (peak only). */
  peak: number;
}

const NY = 90;
const NX = 120;
const NZ = 80;
const GAP = [40, 44] as const; // rows masked and filled with −1
const HOT = { x: 70, y: 20, value: 40_000 };

function render(seed: number): { frames: Float32Array[]; truth: TruePeak[]; mask: Uint8Array } {
  const rnd = createRandom(seed, 9);
  const truth: TruePeak[] = [];
  while (truth.length < 40) {
    const p = {
      x: 6 + rnd.uniform() * (NX - 12),
      y: 6 + rnd.uniform() * (NY - 12),
      z: 3 + rnd.uniform() * (NZ - 6),
      sz: 0.5 + rnd.uniform() * 3,
      counts: 6_000 * Math.exp(rnd.uniform() * 4),
      peak: 0,
    };
    // keep them apart (the search separates peaks min_pixels apart on a frame)
    if (
      truth.some(
        (q) =>
          Math.max(Math.abs(q.x - p.x), Math.abs(q.y - p.y)) < 12 && Math.abs(q.z - p.z) < 4 * (q.sz + p.sz),
      )
    )
      continue;
    if (p.y > GAP[0] - 4 && p.y < GAP[1] + 4) continue;
    if (Math.max(Math.abs(p.x - HOT.x), Math.abs(p.y - HOT.y)) < 8) continue;
    if (Math.max(Math.abs(p.x - HOT.x), Math.abs(p.y - HOT.y)) < 8) continue;
    const fx = gaussianFraction(Math.round(p.x) - 0.5, Math.round(p.x) + 0.5, p.x, 1);
    const fy = gaussianFraction(Math.round(p.y) - 0.5, Math.round(p.y) + 0.5, p.y, 1);
    const fz = gaussianFraction(Math.round(p.z) - 0.5, Math.round(p.z) + 0.5, p.z, p.sz);
    p.peak = p.counts * fx * fy * fz;
    truth.push(p);
  }
  const mask = new Uint8Array(NY * NX);
  for (let y = GAP[0]; y <= GAP[1]; y++) mask.fill(1, y * NX, (y + 1) * NX);
  const frames: Float32Array[] = [];
  const expected = new Float64Array(NY * NX);
  for (let z = 0; z < NZ; z++) {
    for (let y = 0; y < NY; y++) for (let x = 0; x < NX; x++) expected[y * NX + x] = 4 + 0.03 * x + 0.02 * y;
    for (const p of truth) {
      const fz = gaussianFraction(z - 0.5, z + 0.5, p.z, p.sz) * p.counts;
      if (fz < 1e-3) continue;
      for (let y = Math.max(0, Math.floor(p.y - 6)); y <= Math.min(NY - 1, Math.ceil(p.y + 6)); y++) {
        const fy = gaussianFraction(y - 0.5, y + 0.5, p.y, 1) * fz;
        for (let x = Math.max(0, Math.floor(p.x - 6)); x <= Math.min(NX - 1, Math.ceil(p.x + 6)); x++)
          expected[y * NX + x]! += fy * gaussianFraction(x - 0.5, x + 0.5, p.x, 1);
      }
    }
    const f = new Float32Array(NY * NX);
    const noise = createRandom(seed, 10, z);
    for (let i = 0; i < f.length; i++) f[i] = mask[i] ? -1 : noise.poisson(expected[i]!);
    f[HOT.y * NX + HOT.x] = HOT.value;
    frames.push(f);
  }
  return { frames, truth, mask };
}

const T = 600;
const parameters = checkPeakSearchParameters({ threshold: T, minPixels: 5 });

function search(frames: Float32Array[], mask: Uint8Array | null, first = 0, last = NZ): Peak3d[] {
  return findPeaksInFrames({ shape: [NY, NX], mask, parameters, first, last, readFrame: (z) => frames[z]! });
}

function searchInRanges(frames: Float32Array[], mask: Uint8Array, size: number): Peak3d[] {
  const ranges = [];
  for (let s = 0; s < NZ; s += size) {
    const stop = Math.min(NZ, s + size);
    ranges.push(
      searchPeakRange({
        shape: [NY, NX],
        mask,
        parameters,
        first: 0,
        last: NZ,
        start: s,
        stop,
        readFrame: (z) => frames[z]!,
      }),
    );
  }
  return finishPeakSearch(ranges, parameters);
}

describe('3-D peak search on rendered frames', () => {
  const seeds = [1, 2, 3];
  const data = seeds.map((s) => render(s));

  it('finds every peak clearly above the threshold, nothing else, with centroids to a few hundredths', () => {
    const errors: number[][] = [];
    for (const { frames, truth, mask } of data) {
      const found = search(frames, mask);
      // selection: expected peak voxel 3σ above the threshold, centre at least 1 frame inside the range
      const sure = truth.filter((p) => p.peak > T + 3 * Math.sqrt(T) && p.z > 1 && p.z < NZ - 2);
      expect(sure.length).toBeGreaterThan(18);
      for (const p of sure) {
        const hits = found.filter(
          (f) => Math.abs(f.x - p.x) <= 2 && Math.abs(f.y - p.y) <= 2 && Math.abs(f.z - p.z) <= 2,
        );
        expect(hits.length, `peak at (${p.x.toFixed(1)}, ${p.y.toFixed(1)}, ${p.z.toFixed(1)})`).toBe(1);
        // counts inside the rendered frames (a peak near the ends is cut)
        const inside = p.counts * gaussianFraction(-0.5, NZ - 0.5, p.z, p.sz);
        errors.push([hits[0]!.x - p.x, hits[0]!.y - p.y, hits[0]!.z - p.z, hits[0]!.intensity / inside]);
      }
      for (const f of found) {
        expect(
          truth.some((p) => Math.abs(f.x - p.x) <= 2 && Math.abs(f.y - p.y) <= 2 && Math.abs(f.z - p.z) <= 2),
        ).toBe(true);
        // never on the masked gap, never the hot pixel
        expect(mask[f.maxY * NX + f.maxX]).toBe(0);
        expect(f.maxX === HOT.x && f.maxY === HOT.y).toBe(false);
      }
    }
    const rms = (k: number): number => Math.sqrt(errors.reduce((s, e) => s + e[k]! ** 2, 0) / errors.length);
    expect(rms(0)).toBeLessThan(0.05);
    expect(rms(1)).toBeLessThan(0.05);
    expect(rms(2)).toBeLessThan(0.05);
    // background-subtracted integrated counts within a few % of what was put in
    for (const e of errors) expect(Math.abs(e[3]! - 1)).toBeLessThan(0.05);
  });

  it('finds a peak split by range boundaries exactly once, whatever the range size', () => {
    for (const { frames, mask } of data) {
      const whole = search(frames, mask);
      for (const size of [1, 2, 3, 7, 13]) {
        const split = searchInRanges(frames, mask, size);
        expect(split.length, `ranges of ${size}`).toBe(whole.length);
        split.forEach((p, i) => {
          const q = whole[i]!;
          expect(
            Math.abs(p.x - q.x) + Math.abs(p.y - q.y) + Math.abs(p.z - q.z),
            `ranges of ${size}, peak ${i}`,
          ).toBeLessThan(1e-6);
          expect(p.intensity).toBeCloseTo(q.intensity, 3);
        });
      }
    }
  });

  it('keeps peaks of a sub-range and drops those whose brightest frame is its first or last', () => {
    const { frames, mask, truth } = data[0]!;
    const found = search(frames, mask, 20, 50);
    for (const f of found) {
      expect(f.maxZ).toBeGreaterThan(20);
      expect(f.maxZ).toBeLessThan(49);
      expect(f.firstFrame).toBeGreaterThanOrEqual(20);
      expect(f.lastFrame).toBeLessThan(50);
    }
    const inside = truth.filter((p) => p.peak > T + 3 * Math.sqrt(T) && p.z > 22 && p.z < 47);
    for (const p of inside)
      expect(found.some((f) => Math.abs(f.x - p.x) <= 2 && Math.abs(f.z - p.z) <= 2)).toBe(true);
  });

  it('finds no peaks on empty, NaN-filled or masked frames', () => {
    const empty = Array.from({ length: 10 }, () => new Float32Array(NY * NX).fill(NaN));
    expect(
      findPeaksInFrames({
        shape: [NY, NX],
        mask: null,
        parameters,
        first: 0,
        last: 10,
        readFrame: (z) => empty[z]!,
      }),
    ).toEqual([]);
    const { frames } = data[0]!;
    const all = new Uint8Array(NY * NX).fill(1);
    expect(search(frames, all)).toEqual([]);
  });
});
