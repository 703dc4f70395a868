import { describe, expect, it } from 'vitest';

import {
  clampWindow,
  colorBarTicks,
  colorIndexFrame,
  colorTable,
  framePalette,
  INDEX_MASKED,
  INDEX_NAN,
  INDEX_NEGATIVE,
  levelOf,
  levelTable,
  LEVELS,
  resolveLimits,
  scanFrame,
  SPECIAL_COLORS,
} from '../../../src/renderer/plot/colormap.ts';

/** A frame as a Pilatus gives it: counts, a module gap of −1, a NaN row (missing data), hot pixels. */
function pilatusLike(): {
  data: Float64Array;
  ints: Int32Array;
  mask: Uint8Array;
  width: number;
  height: number;
} {
  const width = 7;
  const height = 5;
  const data = new Float64Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 11; // 0…10
  data[3] = 1000; // a peak
  data[2 * width + 4] = -1; // gap
  data[4 * width + 6] = -2;
  const mask = new Uint8Array(width * height);
  mask[width + 1] = 1; // hot pixel
  const ints = Int32Array.from(data);
  data[4 * width] = NaN;
  data[4 * width + 1] = Infinity;
  return { data, ints, mask, width, height };
}

describe('colour levels', () => {
  it('maps linear and log values as the formulas say, clamping outside the limits', () => {
    expect(levelOf(0, 0, 100, 'linear')).toBe(0);
    expect(levelOf(50, 0, 100, 'linear')).toBe(Math.floor(0.5 * LEVELS));
    expect(levelOf(100, 0, 100, 'linear')).toBe(LEVELS - 1);
    expect(levelOf(1e6, 0, 100, 'linear')).toBe(LEVELS - 1);
    expect(levelOf(-5, 0, 100, 'linear')).toBe(0);
    // log: one decade of three is a third of the levels; 0 and values below lo take the lowest colour
    expect(levelOf(10, 1, 1000, 'log')).toBe(Math.floor(LEVELS / 3));
    expect(levelOf(0, 1, 1000, 'log')).toBe(0);
    expect(levelOf(0.5, 1, 1000, 'log')).toBe(0);
  });

  it('builds the integer table exactly as levelOf, value by value', () => {
    for (const [lo, hi, scale] of [
      [1, 976259, 'log'],
      [0, 300, 'linear'],
      [3.7, 12.2, 'linear'],
      [0.5, 70000.5, 'log'],
      [2, 3, 'log'],
    ] as const) {
      const size = Math.floor(hi) + 1;
      const t = levelTable(size, lo, hi, scale);
      for (let v = 0; v < size; v++) {
        if (t[v] !== levelOf(v, lo, hi, scale))
          throw new Error(`${scale} ${lo}…${hi}: value ${v} → ${t[v]}, levelOf ${levelOf(v, lo, hi, scale)}`);
      }
    }
  });

  it('resolves limits: given values win, log limits stay positive, lo < hi always', () => {
    expect(resolveLimits({ lo: 0, hi: 10 }, { scale: 'linear' })).toEqual({ lo: 0, hi: 10 });
    expect(resolveLimits({ lo: 0, hi: 10 }, { scale: 'linear', min: 2, max: null })).toEqual({
      lo: 2,
      hi: 10,
    });
    // a flat frame (or a 0/1 mask under log): what is there takes the top colour
    expect(resolveLimits({ lo: 5, hi: 5 }, { scale: 'linear' })).toEqual({ lo: 4, hi: 5 });
    expect(resolveLimits({ lo: 1, hi: 1 }, { scale: 'log' })).toEqual({ lo: 0.1, hi: 1 });
    expect(levelOf(1, 0.1, 1, 'log')).toBe(LEVELS - 1);
    expect(levelOf(0, 0.1, 1, 'log')).toBe(0);
    // a given lower limit stays
    expect(resolveLimits({ lo: 1, hi: 9 }, { scale: 'log', min: 9 })).toEqual({ lo: 9, hi: 90 });
    const log0 = resolveLimits({ lo: NaN, hi: NaN }, { scale: 'log', min: 0, max: 100 });
    expect(log0.lo).toBeGreaterThan(0);
    expect(log0.hi).toBe(100);
    expect(resolveLimits({ lo: NaN, hi: NaN }, { scale: 'linear' })).toEqual({ lo: 0, hi: 1 });
  });
});

describe('colorIndexFrame', () => {
  it('counts and colours masked, NaN/Inf and negative pixels distinctly, the rest by level', () => {
    const f = pilatusLike();
    const scan = scanFrame(f.data, 'linear', f.mask);
    expect(scan).toMatchObject({ masked: 1, notFinite: 2, negative: 2, lo: 0, hi: 1000 });
    expect(scan.valid).toBe(35 - 5);
    const img = colorIndexFrame(f.data, f.width, f.height, {
      colormap: 'viridis',
      scale: 'linear',
      mask: f.mask,
    });
    expect(img.width).toBe(7);
    expect(img.height).toBe(5);
    expect(img.stats).toMatchObject({
      lo: 0,
      hi: 1000,
      autoLo: 0,
      autoHi: 1000,
      masked: 1,
      notFinite: 2,
      negative: 2,
    });
    expect(img.indices[f.width + 1]).toBe(INDEX_MASKED);
    expect(img.indices[4 * f.width]).toBe(INDEX_NAN);
    expect(img.indices[4 * f.width + 1]).toBe(INDEX_NAN);
    expect(img.indices[2 * f.width + 4]).toBe(INDEX_NEGATIVE);
    expect(img.indices[3]).toBe(LEVELS - 1);
    for (let i = 0; i < f.data.length; i++) {
      const v = f.data[i]!;
      if (f.mask[i] || !(v >= 0) || v === Infinity) continue;
      expect(img.indices[i]).toBe(levelOf(v, 0, 1000, 'linear'));
    }
  });

  it('gives integer frames (table) the same indices as floating-point ones (formula)', () => {
    const f = pilatusLike();
    const asFloat = Float64Array.from(f.ints);
    for (const scale of ['linear', 'log'] as const) {
      for (const limits of [{}, { min: 2, max: 7.5 }, { min: null, max: 400 }]) {
        const a = colorIndexFrame(f.ints, f.width, f.height, {
          colormap: 'gray',
          scale,
          mask: f.mask,
          ...limits,
        });
        const b = colorIndexFrame(asFloat, f.width, f.height, {
          colormap: 'gray',
          scale,
          mask: f.mask,
          ...limits,
        });
        expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
        expect(a.stats).toEqual(b.stats);
      }
    }
  });

  it('log: automatic limits start at the smallest positive count; zeros take the lowest colour', () => {
    const f = pilatusLike();
    const img = colorIndexFrame(f.ints, f.width, f.height, { colormap: 'viridis', scale: 'log' });
    expect(img.stats.autoLo).toBe(1);
    expect(img.stats.lo).toBe(1);
    const zero = Array.from(f.ints).indexOf(0);
    expect(img.indices[zero]).toBe(0);
  });

  it('draws a window of the frame, and bins it keeping the brightest pixel of each bin', () => {
    const f = pilatusLike();
    const full = colorIndexFrame(f.ints, f.width, f.height, {
      colormap: 'viridis',
      scale: 'linear',
      mask: f.mask,
    });
    const win = colorIndexFrame(
      f.ints,
      f.width,
      f.height,
      { colormap: 'viridis', scale: 'linear', mask: f.mask },
      {
        x0: 2,
        y0: 1,
        x1: 6,
        y1: 4,
        bin: 1,
      },
    );
    expect([win.width, win.height]).toEqual([4, 3]);
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 4; x++) expect(win.indices[y * 4 + x]).toBe(full.indices[(y + 1) * 7 + x + 2]);
    // stats are the whole frame's, so colours do not change when zooming
    expect(win.stats).toEqual(full.stats);

    const binned = colorIndexFrame(
      f.ints,
      f.width,
      f.height,
      { colormap: 'viridis', scale: 'linear', mask: f.mask },
      {
        x0: 0,
        y0: 0,
        x1: 7,
        y1: 5,
        bin: 2,
      },
    );
    expect([binned.width, binned.height]).toEqual([4, 3]);
    for (let oy = 0; oy < 3; oy++) {
      for (let ox = 0; ox < 4; ox++) {
        const levels: number[] = [];
        for (let y = 2 * oy; y < Math.min(5, 2 * oy + 2); y++)
          for (let x = 2 * ox; x < Math.min(7, 2 * ox + 2); x++) levels.push(full.indices[y * 7 + x]!);
        const valid = levels.filter((l) => l < LEVELS);
        const want =
          valid.length > 0
            ? Math.max(...valid)
            : levels.includes(INDEX_MASKED)
              ? INDEX_MASKED
              : levels.includes(INDEX_NEGATIVE)
                ? INDEX_NEGATIVE
                : INDEX_NAN;
        expect(binned.indices[oy * 4 + ox]).toBe(want);
      }
    }
    // the peak (value 1000 at x 3, y 0) survives binning
    expect(binned.indices[1]).toBe(LEVELS - 1);
  });

  it('clamps windows to the frame', () => {
    expect(clampWindow({ x0: -5, y0: -1, x1: 1e6, y1: 3.2, bin: 0 }, 10, 8)).toEqual({
      x0: 0,
      y0: 0,
      x1: 10,
      y1: 4,
      bin: 1,
    });
    expect(clampWindow(undefined, 10, 8)).toEqual({ x0: 0, y0: 0, x1: 10, y1: 8, bin: 1 });
    expect(() => colorIndexFrame(new Float32Array(5), 2, 2, { colormap: 'gray', scale: 'linear' })).toThrow(
      /5 values/,
    );
  });
});

describe('palettes and the colour bar', () => {
  it('uses matplotlib viridis (first, middle, last colours) and puts the special colours last', () => {
    const v = colorTable('viridis');
    expect(Array.from(v.subarray(0, 3))).toEqual([68, 1, 84]);
    expect(Array.from(v.subarray(765, 768))).toEqual([253, 231, 37]);
    const p = framePalette('viridis');
    expect(Array.from(p.subarray(0, 3))).toEqual([68, 1, 84]);
    expect(Array.from(p.subarray(3 * (LEVELS - 1), 3 * LEVELS))).toEqual([253, 231, 37]);
    expect(Array.from(p.subarray(3 * INDEX_MASKED, 3 * INDEX_MASKED + 3))).toEqual(
      SPECIAL_COLORS.viridis.masked,
    );
    expect(Array.from(p.subarray(3 * INDEX_NAN, 3 * INDEX_NAN + 3))).toEqual(SPECIAL_COLORS.viridis.nan);
    expect(Array.from(p.subarray(3 * INDEX_NEGATIVE, 3 * INDEX_NEGATIVE + 3))).toEqual(
      SPECIAL_COLORS.viridis.negative,
    );
    // no special colour is a colour of its table
    for (const name of ['viridis', 'inferno', 'cividis', 'gray'] as const) {
      const t = colorTable(name);
      for (const c of Object.values(SPECIAL_COLORS[name])) {
        for (let i = 0; i < 256; i++) {
          const d =
            Math.abs(t[3 * i]! - c[0]) + Math.abs(t[3 * i + 1]! - c[1]) + Math.abs(t[3 * i + 2]! - c[2]);
          if (d < 24) throw new Error(`${name}: special colour ${c.join(',')} is close to table entry ${i}`);
        }
      }
    }
  });

  it('ticks decades on a log bar and round steps on a linear one', () => {
    expect(colorBarTicks(1, 976259, 'log')).toEqual([1, 10, 100, 1000, 10000, 100000]);
    expect(colorBarTicks(0, 1000, 'linear')).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(colorBarTicks(3, 4, 'linear')).toEqual([3, 3.2, 3.4, 3.6, 3.8, 4]);
  });
});
