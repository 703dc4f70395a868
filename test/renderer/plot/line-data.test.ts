// 1-D line plots, the pure part: which field plots against which axis (NeXpy's choice, both NXdata
// conventions, NXRefine's layouts), axis titles, bin edges, the nearest sample, min/max decimation.
import { describe, expect, it } from 'vitest';

import type { NxAttribute, NxNode } from '../../../src/nexus/model/types.ts';
import {
  axisOfField,
  axisTitle,
  decimateMinMax,
  lineXY,
  monotonicDirection,
  nearestIndex,
  plotKindOf,
  resolvePlot,
} from '../../../src/renderer/plot/line-data.ts';

const a = (name: string, value: NxAttribute['value']): NxAttribute => ({
  name,
  value,
  dtype: 'string',
  type: { class: 'string', size: 1, endian: '|' },
  shape: [],
});
const field = (path: string, shape: number[] | null, attrs: NxAttribute[] = [], dtype = '<f8'): NxNode => ({
  name: path.split('/').pop()!,
  path,
  kind: 'dataset',
  attributes: attrs,
  shape,
  dtype,
});
const group = (path: string, nxClass: string, attrs: NxAttribute[], children: NxNode[]): NxNode => ({
  name: path.split('/').pop()!,
  path,
  kind: 'group',
  nxClass,
  attributes: [a('NX_class', nxClass), ...attrs],
  children,
});

// NXRefine's fN after Find Maximum (spec §3.2) and Transform (data/monitor_weight)
const summedFrames = group(
  '/f1/summed_frames',
  'NXdata',
  [a('signal', 'summed_frames'), a('axes', 'frame_number'), a('auxiliary_signals', ['partial_frames'])],
  [
    field('/f1/summed_frames/summed_frames', [400]),
    field('/f1/summed_frames/partial_frames', [400]),
    field('/f1/summed_frames/frame_number', [400], [], '<i4'),
  ],
);
const radialSum = group(
  '/f1/radial_sum',
  'NXdata',
  [a('signal', 'radial_sum'), a('axes', 'polar_angle')],
  [
    field('/f1/radial_sum/radial_sum', [2048]),
    field('/f1/radial_sum/polar_angle', [2048], [a('units', 'degrees')]),
    field('/f1/radial_sum/Q', [2048], [a('units', 'Ang-1')]),
  ],
);
const data = group(
  '/f1/data',
  'NXdata',
  [a('signal', 'data'), a('axes', ['frame_number', 'y_pixel', 'x_pixel'])],
  [
    field('/f1/data/data', [400, 195, 487], [], '<i4'),
    field('/f1/data/frame_number', [400], [], '<i4'),
    field('/f1/data/y_pixel', [195], [], '<i4'),
    field('/f1/data/x_pixel', [487], [], '<i4'),
    field('/f1/data/monitor_weight', [400], [a('axes', 'frame_number')]),
    field('/f1/data/frame_time', [400], [a('units', 's')]),
  ],
);

describe('plotKindOf / resolvePlot', () => {
  it('plots 1-D numbers as lines, 2-D/3-D as images, NXdata by its signal; strings and scalars not', () => {
    expect(plotKindOf(field('/x', [10]))).toBe('line');
    expect(plotKindOf(field('/x', [0]))).toBeNull();
    expect(plotKindOf(field('/x', [4, 5]))).toBe('image');
    expect(plotKindOf(field('/x', [4, 5, 6], [], '<u2'))).toBe('image');
    expect(plotKindOf(field('/x', [2, 3, 4, 5]))).toBeNull();
    expect(plotKindOf(field('/x', []))).toBeNull();
    expect(plotKindOf(field('/t', [3], [], 'string'))).toBeNull();
    expect(plotKindOf(field('/t', [], [], 'string[24]'))).toBeNull();
    expect(plotKindOf(field('/c', [3], [], 'compound'))).toBeNull();
    expect(plotKindOf(summedFrames)).toBe('nxdata');
    expect(plotKindOf(group('/entry', 'NXentry', [], []))).toBeNull();
    expect(plotKindOf({ ...field('/l', [3]), dangling: true })).toBeNull();
  });

  it('an NXdata group with a 1-D signal is a line against its axis, a 3-D one an image', () => {
    expect(resolvePlot(summedFrames, null)).toEqual({
      kind: 'line',
      signal: '/f1/summed_frames/summed_frames',
      axis: '/f1/summed_frames/frame_number',
    });
    expect(resolvePlot(radialSum, null)).toEqual({
      kind: 'line',
      signal: '/f1/radial_sum/radial_sum',
      axis: '/f1/radial_sum/polar_angle',
    });
    expect(resolvePlot(data, null)).toEqual({ kind: 'image', signal: '/f1/data/data' });
    expect(resolvePlot(group('/g', 'NXdata', [], [field('/g/x', [3])]), null)).toMatchObject({
      kind: 'none',
    });
  });

  it('a 1-D field: its own @axes, else the group axis when it has the signal shape, else the index', () => {
    const mw = data.children!.find((c) => c.name === 'monitor_weight')!;
    expect(resolvePlot(mw, data)).toEqual({ kind: 'line', signal: mw.path, axis: '/f1/data/frame_number' });
    // frame_time has no @axes and the signal is 3-D: plotted against the index
    expect(
      axisOfField(
        data.children!.find((c) => c.name === 'frame_time')!,
        data,
      ),
    ).toBeNull();
    // auxiliary signal and an extra field of the signal's shape use the signal's axis
    expect(axisOfField(summedFrames.children![1]!, summedFrames)).toBe('/f1/summed_frames/frame_number');
    expect(axisOfField(radialSum.children![2]!, radialSum)).toBe('/f1/radial_sum/polar_angle');
    // an axis field itself: against the index
    expect(axisOfField(radialSum.children![1]!, radialSum)).toBeNull();
    // the signal chosen directly
    expect(axisOfField(radialSum.children![0]!, radialSum)).toBe('/f1/radial_sum/polar_angle');
    // no parent NXdata: index
    expect(
      axisOfField(field('/entry/x', [5]), group('/entry', 'NXentry', [], [field('/entry/x', [5])])),
    ).toBeNull();
  });

  it('old-style @signal=1 with @axes on the field (writer_1_3.h5, h5py: counts (31,) axes two_theta)', () => {
    const g = group(
      '/Scan/data',
      'NXdata',
      [],
      [
        field(
          '/Scan/data/counts',
          [31],
          [a('axes', 'two_theta'), a('signal', '1'), a('units', 'counts')],
          '<i4',
        ),
        field('/Scan/data/two_theta', [31], [a('units', 'degrees')]),
      ],
    );
    expect(resolvePlot(g, null)).toEqual({
      kind: 'line',
      signal: '/Scan/data/counts',
      axis: '/Scan/data/two_theta',
    });
  });

  it('an axis of bin edges (one longer) qualifies; one of another length does not', () => {
    const g = group(
      '/h',
      'NXdata',
      [a('signal', 'y'), a('axes', 'x')],
      [field('/h/y', [4]), field('/h/x', [5])],
    );
    expect(resolvePlot(g, null)).toMatchObject({ axis: '/h/x' });
    const bad = group(
      '/h',
      'NXdata',
      [a('signal', 'y'), a('axes', 'x')],
      [field('/h/y', [4]), field('/h/x', [7])],
    );
    expect(resolvePlot(bad, null)).toMatchObject({ kind: 'line', axis: null });
  });
});

describe('axisTitle', () => {
  it('long_name, else the name, with units unless long_name has them', () => {
    expect(axisTitle(field('/f/polar_angle', [3], [a('units', 'degrees')]))).toBe('polar_angle (degrees)');
    // chopper.nxs (h5py): long_name 'Polar Angle [degrees]', units 'degrees'
    expect(
      axisTitle(
        field('/e/polar_angle', [3], [a('long_name', 'Polar Angle [degrees]'), a('units', 'degrees')]),
      ),
    ).toBe('Polar Angle [degrees]');
    expect(axisTitle(field('/e/q', [3], [a('long_name', 'Q'), a('units', 'Ang-1')]))).toBe('Q (Ang-1)');
    expect(axisTitle(field('/e/n', [3]))).toBe('n');
  });
});

describe('lineXY', () => {
  it('pairs y with its axis, bin edges at the centres, else the index with a note', () => {
    expect(lineXY([1, 2, 3], [10, 20, 30])).toEqual({
      x: Float64Array.from([10, 20, 30]),
      y: Float64Array.from([1, 2, 3]),
      xIsIndex: false,
    });
    const edges = lineXY([1, 2], [0, 1, 3]);
    expect(Array.from(edges.x)).toEqual([0.5, 2]);
    expect(edges.note).toMatch(/bin edges/);
    const idx = lineXY([5, 6, 7], [1, 2]);
    expect(Array.from(idx.x)).toEqual([0, 1, 2]);
    expect(idx.xIsIndex).toBe(true);
    expect(idx.note).toMatch(/2 values for 3 points/);
    expect(lineXY([5], null)).toEqual({
      x: Float64Array.from([0]),
      y: Float64Array.from([5]),
      xIsIndex: true,
    });
  });
});

describe('nearestIndex', () => {
  const up = Float64Array.from([0, 1, 2.5, 4, 10]);
  const down = Float64Array.from([10, 4, 2.5, 1, 0]);
  const mixed = Float64Array.from([3, 0, 7, 1]);
  it('finds the nearest sample by bisection on monotonic x and by a scan otherwise', () => {
    expect(monotonicDirection(up)).toBe(1);
    expect(monotonicDirection(down)).toBe(-1);
    expect(monotonicDirection(mixed)).toBe(0);
    for (const at of [-5, 0, 0.4, 0.6, 1.7, 1.8, 3.3, 3.2, 6.9, 7.1, 99]) {
      const brute = (x: Float64Array): number =>
        Array.from(x).reduce((best, v, i) => (Math.abs(v - at) < Math.abs(x[best]! - at) ? i : best), 0);
      expect(nearestIndex(up, at, 1)).toBe(brute(up));
      expect(nearestIndex(down, at, -1)).toBe(brute(down));
      expect(nearestIndex(mixed, at, 0)).toBe(brute(mixed));
    }
    expect(nearestIndex(new Float64Array(0), 1, 1)).toBe(-1);
    expect(nearestIndex(up, NaN, 1)).toBe(-1);
  });
});

describe('decimateMinMax', () => {
  it('keeps each run’s minimum and maximum in order (peaks survive), short curves untouched', () => {
    const n = 10_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50));
    y[1234] = 100; // a one-sample spike
    y[7777] = -50;
    y[5000] = NaN;
    const d = decimateMinMax(x, y, 100);
    expect(d.y.length).toBeLessThanOrEqual(200);
    expect(Math.max(...d.y)).toBe(100);
    expect(Math.min(...d.y)).toBe(-50);
    expect(d.x[Array.from(d.y).indexOf(100)]).toBe(1234);
    // x stays increasing
    for (let i = 1; i < d.x.length; i++) expect(d.x[i]!).toBeGreaterThan(d.x[i - 1]!);
    const short = decimateMinMax(x.subarray(0, 150), y.subarray(0, 150), 100);
    expect(short.y.length).toBe(150);
  });
});
