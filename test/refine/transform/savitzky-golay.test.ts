/**
 * Savitzky–Golay smoothing and NXRefine's monitor weights against scipy 1.10
 * (test/refine/fixtures/scipy-savgol.json, written by scripts/gen-savgol-fixtures.py), and against
 * the same filter from exact rational least-squares coefficients. scipy's own coefficients for
 * window 501 are 7.2e-12 (relative) off the exact ones (its lstsq on raw powers of ±250), so for
 * that window we agree with scipy to 1e-11 and with the exact filter to 1e-12; for windows ≤ 200
 * with both to 1e-12.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  monitorFilterWindow,
  nxrefineFrameWeights,
  smoothedMonitor,
} from '../../../src/refine/transform/frame-weights.ts';
import { savgolFilter } from '../../../src/refine/transform/savitzky-golay.ts';

interface Fixture {
  scipy: string;
  filters: { n: number; window: number; order: number; x: number[]; y: number[]; exact: number[] }[];
  weights: {
    nframes: number;
    norm: number;
    first: number;
    last: number;
    monitor: number[];
    transmissions: number[][];
    weights: number[];
    exact: number[];
  }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/scipy-savgol.json', import.meta.url), 'utf8'),
) as Fixture;

/** Agreement required with scipy: its window-501 coefficients are 7.2e-12 off (see above). */
const scipyTolerance = (window: number): number => (window > 200 ? 1e-11 : 1e-12);

/** Largest |a − b|/|b| (b ≠ 0), or |a − b| where b = 0. */
function maxRelativeError(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    m = Math.max(m, b[i] === 0 ? d : d / Math.abs(b[i]!));
  }
  return m;
}

describe('savgolFilter (scipy.signal.savgol_filter, mode interp)', () => {
  it.each(fixture.filters.map((c) => [c.n, c.window, c.order, c] as const))(
    'n = %i, window %i, order %i equals the exact filter to 1e-12 and scipy to 1e-12 (1e-11 for 501)',
    (_n, window, order, c) => {
      const y = savgolFilter(c.x, window, order);
      expect(maxRelativeError(y, c.exact)).toBeLessThan(1e-12);
      expect(maxRelativeError(y, c.y)).toBeLessThan(scipyTolerance(window));
    },
  );

  it('covers odd and even windows, window = n, and the windows NXRefine uses', () => {
    const ws = fixture.filters.map((c) => c.window);
    expect(ws).toEqual(expect.arrayContaining([501, 101, 150, 151, 200, 3, 4]));
    expect(fixture.filters.some((c) => c.window === c.n && c.n % 2 === 0)).toBe(true);
  });

  it('fits a quadratic exactly and rejects windows scipy rejects', () => {
    const x = Array.from({ length: 40 }, (_, i) => 3 - 0.5 * i + 0.02 * i * i);
    const y = savgolFilter(x, 11, 2);
    for (let i = 0; i < 40; i++) expect(y[i]).toBeCloseTo(x[i]!, 12);
    expect(() => savgolFilter(x, 41, 2)).toThrow(/must not exceed/);
    expect(() => savgolFilter(x, 2, 2)).toThrow(/less than the window/);
  });
});

describe("NXRefine's monitor weights (spec §5.4)", () => {
  it('chooses the window as NXRefine: 501 above 1000 frames, 101 above 200, else the frame count', () => {
    expect([1501, 1001, 1000, 201, 200, 17].map(monitorFilterWindow)).toEqual([501, 501, 101, 101, 200, 17]);
  });

  it.each(fixture.weights.map((c) => [c.nframes, c.transmissions.length, c] as const))(
    '%i frames, %i transmission factors: equal NXRefine’s computation (exact and scipy), 0 outside first…last',
    (nframes, _t, c) => {
      const w = nxrefineFrameWeights({
        monitor: c.monitor,
        norm: c.norm,
        nframes,
        first: c.first,
        last: c.last,
        transmissions: c.transmissions,
      });
      expect(maxRelativeError(w, c.exact)).toBeLessThan(1e-12);
      expect(maxRelativeError(w, c.weights)).toBeLessThan(scipyTolerance(monitorFilterWindow(nframes)));
      expect(w[c.first - 1] ?? 0).toBe(0);
      expect(w[c.last + 1] ?? 0).toBe(0);
      expect(w[c.last]).toBeGreaterThan(0.1);
    },
  );

  it('replaces the junk first and last monitor values before smoothing', () => {
    const c = fixture.weights[0]!;
    expect(c.monitor[0]).toBe(3);
    const s = smoothedMonitor(c.monitor, c.norm, c.nframes)!;
    expect(s[0]).toBeGreaterThan(0.9);
    expect(s[c.nframes - 1]).toBeGreaterThan(0.9);
  });

  it('uses ones (times transmissions) without a monitor or with fewer than 3 frames', () => {
    const w = nxrefineFrameWeights({
      monitor: undefined,
      norm: 1,
      nframes: 4,
      first: 1,
      last: 2,
      transmissions: [[0.5, 0.5, 0.5, 0.5]],
    });
    expect(Array.from(w)).toEqual([0, 0.5, 0.5, 0]);
    expect(smoothedMonitor([1, 2], 1, 2)).toBeUndefined();
  });
});
