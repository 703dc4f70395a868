// View Data paging and cell text.
import { describe, expect, it } from 'vitest';

import {
  flatValues,
  formatCell,
  pageHolding,
  pageOf,
  tableShape,
} from '../../../src/renderer/tree/data-pages.ts';

describe('pageOf', () => {
  it('splits a dimension into pages and clamps the page asked for', () => {
    expect(pageOf(400, 100, 0)).toEqual({ index: 0, count: 4, first: 0, end: 100 });
    expect(pageOf(400, 100, 3)).toEqual({ index: 3, count: 4, first: 300, end: 400 });
    expect(pageOf(401, 100, 4)).toEqual({ index: 4, count: 5, first: 400, end: 401 });
    expect(pageOf(401, 100, 99)).toMatchObject({ index: 4 });
    expect(pageOf(401, 100, -3)).toMatchObject({ index: 0 });
    expect(pageOf(401, 100, NaN)).toMatchObject({ index: 0 });
    expect(pageOf(0, 100, 0)).toEqual({ index: 0, count: 1, first: 0, end: 0 });
    expect(pageOf(7, 10, 0)).toEqual({ index: 0, count: 1, first: 0, end: 7 });
  });

  it('every element is on exactly one page', () => {
    for (const [total, size] of [
      [1, 1],
      [99, 100],
      [1000, 100],
      [1679, 10],
      [3650, 100],
    ] as const) {
      const seen = new Uint8Array(total);
      const count = pageOf(total, size, 0).count;
      for (let p = 0; p < count; p++) {
        const pg = pageOf(total, size, p);
        for (let i = pg.first; i < pg.end; i++) seen[i]!++;
      }
      expect(seen.every((v) => v === 1)).toBe(true);
      for (const e of [0, total - 1, Math.floor(total / 2)]) {
        const pg = pageOf(total, size, pageHolding(total, size, e));
        expect(e >= pg.first && e < pg.end).toBe(true);
      }
    }
    expect(pageHolding(100, 10, 1e9)).toBe(9);
    expect(pageHolding(100, 10, -5)).toBe(0);
  });
});

describe('tableShape', () => {
  it('scalar, 1-D column, 2-D rows × columns, a frame of a stack', () => {
    expect(tableShape([])).toEqual({ rows: 1, columns: 1 });
    expect(tableShape([400])).toEqual({ rows: 400, columns: 1 });
    expect(tableShape([195, 487])).toEqual({ rows: 195, columns: 487 });
    expect(tableShape([5, 195, 487])).toEqual({ rows: 195, columns: 487 });
  });
});

describe('formatCell', () => {
  it('float64 as the shortest text that reads back the same, float32 to 7 digits, integers exactly', () => {
    expect(formatCell(0.1, '<f8')).toBe('0.1');
    expect(formatCell(1 / 3, '<f8')).toBe('0.3333333333333333');
    expect(Number(formatCell(1 / 3, '<f8'))).toBe(1 / 3);
    expect(formatCell(Math.fround(0.1), '<f4')).toBe('0.1');
    expect(formatCell(Math.fround(1234.5678), '<f4')).toBe('1234.568');
    expect(formatCell(16777216, '<f4')).toBe('16777216');
    expect(formatCell(-2147483648, '<i4')).toBe('-2147483648');
    expect(formatCell(NaN, '<f8')).toBe('nan');
    expect(formatCell(-Infinity, '<f4')).toBe('-inf');
    expect(formatCell('Polar Angle', 'string')).toBe('Polar Angle');
    expect(formatCell(true, 'bool')).toBe('true');
    expect(formatCell({ a: 1 }, 'compound')).toBe('{"a":1}');
  });

  it('flattens nested values row-major', () => {
    expect(
      Array.from(
        flatValues([
          ['a', 'b'],
          ['c', 'd'],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(flatValues('one'))).toEqual(['one']);
    const t = Int32Array.from([1, 2]);
    expect(flatValues(t)).toBe(t);
  });
});
