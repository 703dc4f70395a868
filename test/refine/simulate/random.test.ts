import { describe, expect, it } from 'vitest';

import { createRandom } from '../../../src/refine/simulate/random.ts';

describe('seeded random numbers', () => {
  it('is deterministic per (seed, stream) and differs between streams', () => {
    const a = createRandom(42, 1, 7);
    const b = createRandom(42, 1, 7);
    const c = createRandom(42, 1, 8);
    const sa = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(sa);
  });

  it('draws Poisson counts with the right mean and variance (small and large means)', () => {
    const r = createRandom(1);
    for (const mean of [0.3, 4, 25, 400]) {
      const n = 40_000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const k = r.poisson(mean);
        s += k;
        s2 += k * k;
      }
      const m = s / n;
      const v = s2 / n - m * m;
      // Standard error of the mean is sqrt(mean/n); allow 5 of them.
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
      expect(Math.abs(v / mean - 1)).toBeLessThan(0.05);
    }
  });
});
