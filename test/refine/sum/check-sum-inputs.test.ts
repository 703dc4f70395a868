/** Sum Scans planning and the per-frame sum (pure). */
import { describe, expect, it } from 'vitest';

import {
  checkSumInputs,
  sumDtype,
  sumScanName,
  type EntryConditions,
  type ScanConditions,
} from '../../../src/refine/sum/check-sum-inputs.ts';
import { allocateSum, sumFrameInto } from '../../../src/refine/sum/sum-frames.ts';

const entry = (over: Partial<EntryConditions> = {}): EntryConditions => ({
  frames: 10,
  frameShape: [4, 5],
  dtype: '<i4',
  detectorShape: [4, 5],
  wavelength: 0.2,
  distance: 450,
  phiStart: -5,
  phiStep: 0.1,
  chi: -90,
  omega: 0,
  theta: 0,
  monitors: { monitor1: { signal: 'MCS1', length: 10 } },
  ...over,
});
const scan = (file: string, e: Record<string, EntryConditions>): ScanConditions => ({ file, entries: e });

describe('checkSumInputs', () => {
  it('plans every entry of the first scan, in natural order', () => {
    const plans = checkSumInputs([
      scan('a.nxs', { f10: entry(), f2: entry(), f1: entry({ monitorWeight: 10 }) }),
      scan('b.nxs', {
        f1: entry({ monitorWeight: 10 }),
        f2: entry({ dtype: '<u2' }),
        f10: entry({ monitorWeight: 10 }),
      }),
    ]);
    expect(plans.map((p) => p.entry)).toEqual(['f1', 'f2', 'f10']);
    expect(plans[0]).toEqual({
      entry: 'f1',
      frames: 10,
      frameShape: [4, 5],
      dtype: '<i4',
      monitors: [{ group: 'monitor1', signal: 'MCS1' }],
      sumMonitorWeight: true,
      dropMonitorWeight: false,
    });
    expect(plans[2]!.dropMonitorWeight).toBe(true);
    expect(plans[2]!.sumMonitorWeight).toBe(false);
  });

  it('accepts float32 round trips and refuses differences beyond the tolerances', () => {
    const a = scan('a.nxs', { f1: entry() });
    const ok = (over: Partial<EntryConditions>): unknown =>
      checkSumInputs([a, scan('b.nxs', { f1: entry(over) })]);
    expect(() =>
      ok({ phiStep: Math.fround(0.1), wavelength: Math.fround(0.2), distance: 450.005 }),
    ).not.toThrow();
    expect(() => ok({ chi: -90.0009 })).not.toThrow();
    expect(() => ok({ distance: 450.02 })).toThrow(
      'cannot sum a.nxs and b.nxs: /f1/instrument/detector/distance differs (450 vs 450.02 mm; tolerance 0.01 mm)',
    );
    expect(() => ok({ wavelength: 0.2001 })).toThrow(/\/f1\/instrument\/monochromator\/wavelength differs/);
    expect(() => ok({ phiStart: -4.99 })).toThrow(/goniometer\/phi differs \(-5 vs -4\.99 ° \(start\)/);
    expect(() => ok({ phiStep: 0.2 })).toThrow(/goniometer\/phi@step differs/);
    expect(() => ok({ theta: undefined })).toThrow(/goniometer\/theta differs \(0 vs missing °/);
    expect(() => ok({ frames: 11 })).toThrow(/\/f1\/data\/data differs \(10 frames vs 11\)/);
    expect(() => ok({ frameShape: [5, 4] })).toThrow(/frames of 4×5 vs 5×4 pixels/);
    expect(() => ok({ detectorShape: undefined })).toThrow(/detector\/shape differs \(4×5 vs missing\)/);
    expect(() => ok({ monitors: {} })).toThrow(/\/f1\/monitor1 differs \(monitor missing in b\.nxs/);
    expect(() => ok({ monitors: { monitor1: { signal: 'MCS1', length: 9 } } })).toThrow(
      /monitor1\/MCS1 differs \(10 values vs 9\)/,
    );
    expect(() => checkSumInputs([a, scan('b.nxs', {})])).toThrow(/b\.nxs has no entry 'f1'/);
    expect(() => checkSumInputs([a, scan('b.nxs', { f1: entry() })], ['f3'])).toThrow(/no entry 'f3'/);
  });

  it('chooses the element type of the sum', () => {
    expect(sumDtype(['<i4', '<i4'])).toBe('<i4');
    expect(sumDtype(['<u2', '>i2'])).toBe('<i4');
    expect(sumDtype(['<u4', '<u4'])).toBe('<u4');
    expect(sumDtype(['<u4', '<i4'])).toBe('<i8');
    expect(sumDtype(['<i8', '<i4'])).toBe('<i8');
    expect(sumDtype(['<f4', '<i4'])).toBe('<f4');
    expect(sumDtype(['<f4', '<f8'])).toBe('<f8');
    expect(() => sumDtype(['string', '<i4'], 'x.nxs')).toThrow(
      /x\.nxs: frames of type string cannot be summed/,
    );
  });

  it('names the sum', () => {
    expect(sumScanName('sum', 'LaB6')).toBe('sum');
    expect(sumScanName('LaB6_sum.nxs', 'LaB6')).toBe('sum');
    expect(sumScanName('LaB6_300K_sum', 'LaB6')).toBe('300K_sum');
    expect(() => sumScanName('Si_sum.nxs', 'LaB6')).toThrow(/must start with 'LaB6_'/);
    expect(() => sumScanName('../x', 'LaB6')).toThrow(/plain name/);
    expect(() => sumScanName('parent', 'LaB6')).toThrow(/reserved/);
  });
});

describe('sumFrameInto', () => {
  it('adds integers exactly and float32 with numpy’s rounding after each addition', () => {
    const out = allocateSum('<i4', 3);
    sumFrameInto([Int32Array.from([1, -2, 7]), Uint16Array.from([65535, 2, 0])], out, 0, '<i4');
    expect([...out]).toEqual([65536, 0, 7]);
    const f = allocateSum('<f4', 2);
    const big = Math.fround(16777216); // 2^24: adding 1 in float32 rounds back
    sumFrameInto(
      [Float32Array.from([big, Number.NaN]), Float32Array.from([1, 5]), Float32Array.from([1, 5])],
      f,
      0,
      '<f4',
    );
    expect(f[0]).toBe(16777216); // (2^24 + 1) + 1 in float32 = 2^24, as numpy a + b + c
    expect(Number.isNaN(f[1])).toBe(true);
  });

  it('refuses an integer sum that leaves its type, naming the pixel', () => {
    const out = allocateSum('<i4', 4);
    expect(() =>
      sumFrameInto([Int32Array.from([0, 0, 2 ** 31 - 1, 0]), Int32Array.from([0, 0, 1, 0])], out, 0, '<i4', {
        label: 'frame 3 of f1',
        width: 2,
      }),
    ).toThrow('the sum 2147483648 at row 1, column 0 of frame 3 of f1 does not fit <i4');
    // three scans go through the float64 accumulator; the same check
    expect(() =>
      sumFrameInto(
        [Int32Array.from([2 ** 30, 0]), Int32Array.from([2 ** 30, 0]), Int32Array.from([0, 0])],
        out,
        0,
        '<i4',
      ),
    ).toThrow('the sum 2147483648 at value 0 does not fit <i4');
    const u = allocateSum('<u4', 2);
    expect(() => sumFrameInto([Uint32Array.from([1, 0]), Int16Array.from([-2, 0])], u, 0, '<u4')).toThrow(
      /the sum -1 at value 0 does not fit <u4/,
    );
  });

  it('writes each sum at its offset, for one, two and three scans, into every output type', () => {
    const a = Int32Array.from([1, 2, 3]);
    const b = Uint16Array.from([10, 20, 30]);
    const c = Int8Array.from([-1, -2, -3]);
    const i4 = allocateSum('<i4', 6);
    sumFrameInto([a, b, c], i4, 3, '<i4');
    expect([...i4]).toEqual([0, 0, 0, 10, 20, 30]);
    const i8 = allocateSum('<i8', 3);
    sumFrameInto([a, b], i8, 0, '<i8');
    expect([...i8]).toEqual([11n, 22n, 33n]);
    const f8 = allocateSum('<f8', 3);
    sumFrameInto([Float64Array.from([0.1, 0.2, 0.3])], f8, 0, '<f8');
    expect([...f8]).toEqual([0.1, 0.2, 0.3]);
    const f4 = allocateSum('<f4', 3);
    sumFrameInto([Float32Array.from([0.1, 0.2, 0.3]), a, c], f4, 0, '<f4');
    expect([...f4]).toEqual(
      [0.1, 0.2, 0.3].map((x, i) => Math.fround(Math.fround(Math.fround(x) + a[i]!) + c[i]!)),
    );
  });
});
