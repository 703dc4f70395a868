import { describe, expect, it } from 'vitest';

import {
  axisValueToIndex,
  frameRanges,
  normalizeRanges,
  parseSelection,
  toFloat64,
} from '../../../src/nexus/selection/hyperslab.ts';

describe('hyperslab helpers', () => {
  it('normalizes ranges and rejects out-of-bounds ones', () => {
    expect(normalizeRanges([10, 195, 487], [[3, 5], [], [100, 180]])).toEqual({
      offset: [3, 0, 100],
      count: [2, 195, 80],
    });
    expect(normalizeRanges([4, 5], [])).toEqual({ offset: [0, 0], count: [4, 5] });
    expect(() => normalizeRanges([4], [[0, 5]])).toThrow(RangeError);
    expect(() => normalizeRanges([4], [[3, 2]])).toThrow(RangeError);
    expect(() => normalizeRanges([4], [[], []])).toThrow(RangeError);
    expect(frameRanges(7)).toEqual([[7, 8], [], []]);
  });

  it('parses numpy-like selections', () => {
    expect(parseSelection('5, 0:100, :', [10, 195, 487])).toEqual({
      ranges: [
        [5, 6],
        [0, 100],
        [0, 487],
      ],
      squeezed: [0],
    });
    expect(parseSelection('-1', [10, 3])).toEqual({ ranges: [[9, 10]], squeezed: [0] });
    expect(parseSelection(':-2', [10])).toEqual({ ranges: [[0, 8]], squeezed: [] });
    expect(() => parseSelection('0,0,0', [2, 2])).toThrow(RangeError);
    expect(() => parseSelection('20', [10])).toThrow(RangeError);
  });

  it('converts to float64 and finds axis indices', () => {
    expect(Array.from(toFloat64(new BigInt64Array([1n, -2n])))).toEqual([1, -2]);
    const axis = [174, 174.25, 174.5, 174.75];
    expect(axisValueToIndex(axis, 174.3)).toBe(1);
    expect(axisValueToIndex(axis, 999)).toBe(3);
    expect(axisValueToIndex([3, 2, 1, 0], 0.9)).toBe(2);
  });
});
