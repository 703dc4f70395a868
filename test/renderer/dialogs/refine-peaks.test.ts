import { describe, expect, it } from 'vitest';

import { pixelToQSample } from '../../../src/refine/geometry/pixel-to-q-sample.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { angleBetweenVectors, multiplyMat3Vec3 } from '../../../src/refine/linalg/mat3.ts';
import { findSpaceGroup } from '../../../src/refine/symmetry/space-groups.ts';
import { addCurve, divideByMonitor } from '../../../src/renderer/dialogs/find-maximum-curves.ts';
import {
  angleCheck,
  excludedReason,
  formatPeakCell,
  manualCandidates,
  parseHkl,
  peakHeadings,
  residualSeries,
  secondaryCandidates,
  sortPeakRows,
  type PeakColumns,
} from '../../../src/renderer/dialogs/refine-peaks.ts';
import type { RefineLatticeSummary, RefinePeakTable } from '../../../src/shared/jobs.ts';
import { makeSyntheticScan } from '../../refine/fit/synthetic-peaks.ts';

const f = (v: number[]): Float64Array => Float64Array.from(v);

describe('peak list rows (NXRefine List table)', () => {
  const rows: PeakColumns = {
    x: f([10.123, 5, 7.5]),
    y: f([1, 2, 3]),
    z: f([100.4, 3.6, 50]),
    polar: f([12.5, 3.25, NaN]),
    azimuthal: f([-170, 10, 45]),
    intensity: f([123456, 5, 789]),
    h: f([1.004, -0.003, 2.5]),
    k: f([0, 1, 0]),
    l: f([2, -3.999, 1]),
    diff: f([0.0123, 0.0004, 0.2]),
  };
  it('shows H, K, L, Diff only once indexed', () => {
    expect(peakHeadings(rows).map(([, t]) => t)).toEqual([
      'i',
      'x',
      'y',
      'z',
      'Polar',
      'Azi',
      'Intensity',
      'H',
      'K',
      'L',
      'Diff',
    ]);
    expect(peakHeadings({ ...rows, h: null, k: null, l: null, diff: null }).map(([, t]) => t)).not.toContain(
      'H',
    );
  });
  it('formats as NXRefine: z rounded, intensity 3 significant digits, hkl 2 dp, Diff 3 dp', () => {
    expect(formatPeakCell(rows, 'z', 0)).toBe('100');
    expect(formatPeakCell(rows, 'z', 1)).toBe('4');
    expect(formatPeakCell(rows, 'x', 0)).toBe('10.12');
    expect(formatPeakCell(rows, 'intensity', 0)).toBe('1.23e+5');
    expect(formatPeakCell(rows, 'h', 0)).toBe('1.00');
    expect(formatPeakCell(rows, 'h', 1)).toBe('0.00'); // not −0.00
    expect(formatPeakCell(rows, 'l', 1)).toBe('-4.00');
    expect(formatPeakCell(rows, 'diff', 0)).toBe('0.012');
    expect(formatPeakCell(rows, 'polar', 2)).toBe('');
    expect(formatPeakCell(rows, 'i', 2)).toBe('2');
  });
  it('sorts by any column, both ways, NaN last', () => {
    expect(sortPeakRows(rows, 'z', true)).toEqual([1, 2, 0]);
    expect(sortPeakRows(rows, 'z', false)).toEqual([0, 2, 1]);
    expect(sortPeakRows(rows, 'polar', true)).toEqual([1, 0, 2]);
    expect(sortPeakRows(rows, 'polar', false)).toEqual([0, 1, 2]);
    expect(sortPeakRows(rows, 'diff', false)).toEqual([2, 0, 1]);
    expect(sortPeakRows(rows, 'i', false)).toEqual([2, 1, 0]);
  });
  it('says why a row is greyed', () => {
    const t = { polarMax: 10, hklTolerance: 0.05 };
    expect(excludedReason(0, t)).toBeNull();
    expect(excludedReason(1, t)).toBe('polar angle above 10°');
    expect(excludedReason(2, t)).toBe('Diff above the HKL tolerance (0.05 Å⁻¹)');
    expect(excludedReason(4)).toBe('rejected as an outlier');
  });
  it('parses hkls as typed', () => {
    expect(parseHkl('1 0 -2')).toEqual([1, 0, -2]);
    expect(parseHkl('(1,0,-2)')).toEqual([1, 0, -2]);
    expect(parseHkl(' 1, 0 ,2 ')).toEqual([1, 0, 2]);
    expect(parseHkl('1 0')).toBeNull();
    expect(parseHkl('1 0 0.5')).toBeNull();
    expect(parseHkl('a b c')).toBeNull();
  });
});

/** A Refine Lattice summary for a synthetic scan, its peaks indexed with the true U. */
function syntheticSummary(): { r: RefineLatticeSummary; hkls: Array<[number, number, number] | undefined> } {
  const cell = { a: 4.2, b: 4.2, c: 6.1, alpha: 90, beta: 90, gamma: 90 };
  const scan = makeSyntheticScan({ seed: 11, cell, spaceGroup: findSpaceGroup('P 4/m m m'), junkRatio: 0.2 });
  const n = scan.peaks.length;
  const col = (fn: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => fn(i));
  const q = scan.peaks.map((p) => pixelToQSample(scan.geometry, p.x, p.y, p.frame));
  const polar = col(
    (i) => (2 * (Math.asin((scan.geometry.wavelength * Math.hypot(...q[i]!)) / 2) * 180)) / Math.PI,
  );
  const table: RefinePeakTable = {
    x: col((i) => scan.peaks[i]!.x),
    y: col((i) => scan.peaks[i]!.y),
    z: col((i) => scan.peaks[i]!.frame),
    intensity: col(() => NaN),
    polar,
    azimuthal: col(() => 0),
    h: col(() => 0),
    k: col(() => 0),
    l: col(() => 0),
    diff: col((i) => (scan.peaks[i]!.hkl ? 0.001 : 0.2)),
    diffStart: col((i) => (scan.peaks[i]!.hkl ? 0.01 : 0.3)),
    pixelResidual: col((i) => (scan.peaks[i]!.hkl ? 0.1 : NaN)),
    status: Int8Array.from({ length: n }, (_, i) => (polar[i]! > 40 ? 1 : scan.peaks[i]!.hkl ? 0 : 2)),
    qx: col((i) => q[i]![0]),
    qy: col((i) => q[i]![1]),
    qz: col((i) => q[i]![2]),
  };
  const param = (name: string, v: number) => ({
    name,
    value: v,
    initial: v,
    esd: 0,
    units: '',
    refined: false,
  });
  const r = {
    entry: 'f1',
    spaceGroup: 'P 4/m m m',
    latticeSystem: 'tetragonal',
    polarMax: 40,
    hklTolerance: 0.05,
    fit: ['U'],
    indexing: { method: 'known-cell', source: '', indexed: 0, fraction: 0 },
    parameters: [
      ...(['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const).map((k) => param(k, cell[k])),
      param('wavelength', scan.geometry.wavelength),
    ],
    statistics: {
      peaks: n,
      inPolarRange: n,
      indexed: n,
      outliers: 0,
      rmsdPixels: 0,
      rmsdFrames: 0,
      score: 0,
      converged: true,
      message: '',
    },
    report: '',
    orientationMatrix: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    peakTable: table,
    written: [],
    seconds: 0,
  } satisfies RefineLatticeSummary;
  return { r, hkls: scan.peaks.map((p) => p.hkl) };
}

describe('residual plot points', () => {
  it('plots the used peaks after the fit and the start-indexed peaks before, against polar angle', () => {
    const { r } = syntheticSummary();
    const s = residualSeries(r, 'diff');
    const used = Array.from(r.peakTable.status).filter((v) => v === 0).length;
    expect(s.after.x.length).toBe(used);
    expect(s.after.y.every((v) => v === 0.001)).toBe(true);
    expect(s.before!.y.every((v) => v === 0.01)).toBe(true);
    expect(s.before!.x.every((v) => v <= 40)).toBe(true);
    s.after.peak.forEach((i, j) => expect(s.after.x[j]).toBe(r.peakTable.polar[i]));
    const px = residualSeries(r, 'pixels');
    expect(px.before).toBeNull();
    expect(px.after.y.every((v) => v === 0.1)).toBe(true);
  });
});

describe('Orient Manually helper: candidate hkls and the angle check', () => {
  it('offers the true hkls of two peaks, and the angle check agrees for them', () => {
    const { r, hkls } = syntheticSummary();
    const t = r.peakTable;
    const q = (i: number): [number, number, number] => [t.qx[i]!, t.qy[i]!, t.qz[i]!];
    const bragg = hkls.map((h, i) => (h ? i : -1)).filter((i) => i >= 0 && t.polar[i]! < 30);
    const i = bragg[0]!;
    const j = bragg.find((k) => {
      const a = angleBetweenVectors(q(i), q(k));
      return a > 30 && a < 150;
    })!;
    const c = manualCandidates(r, i, j);
    const h1 = hkls[i]!;
    const h2 = hkls[j]!;
    // the primary's ring contains its true hkl's class
    expect(c.rings[c.ring[0]]!.classes.some((k) => k.equivalents.some((h) => h.join() === h1.join()))).toBe(
      true,
    );
    // for the class representative of h1, some secondary candidate makes the same angle as h2 does with h1
    const B = computeBMatrix({ a: 4.2, b: 4.2, c: 6.1, alpha: 90, beta: 90, gamma: 90 });
    const trueAngle = angleBetweenVectors(multiplyMat3Vec3(B, h1), multiplyMat3Vec3(B, h2));
    const rep = c.primaries.find((p) =>
      c.rings[c.ring[0]]!.classes.some((k) => k.hkl.join() === p.hkl.join()),
    )!;
    expect(rep.secondaries.some((s) => Math.abs(s.angle - trueAngle) < 1e-9)).toBe(true);
    // for the true primary hkl as typed (any member of its class), the true secondary is offered
    const second = secondaryCandidates(r, c, h1);
    expect(second.some((s) => s.hkl.join() === h2.join())).toBe(true);
    expect(second.every((s, k) => k === 0 || s.difference >= second[k - 1]!.difference)).toBe(true);
    const check = angleCheck(r, i, j, h1, h2);
    expect(Math.abs(check.measured - check.calculated)).toBeLessThan(0.05);
    expect(check.peakTwoTheta[0]).toBeCloseTo(check.hklTwoTheta[0], 1);
    expect(() => manualCandidates(r, i, i)).toThrow(/two different peaks/);
    expect(() => manualCandidates(r, i, 1e6)).toThrow(/secondary peak must be a row/);
  });
});

describe('Find Maximum curves', () => {
  const c = (name: string, xTitle = 'Frame Number') => ({ name, xTitle, x: [0, 1], y: [1, 2] });
  it('overplots curves with the same x axis when asked, else replaces', () => {
    expect(addCurve([c('summed frames')], c('partial frames'), false).map((x) => x.name)).toEqual([
      'partial frames',
    ]);
    expect(addCurve([c('summed frames')], c('partial frames'), true).map((x) => x.name)).toEqual([
      'summed frames',
      'partial frames',
    ]);
    expect(
      addCurve([c('summed frames')], c('radial sum', 'Polar Angle (deg)'), true).map((x) => x.name),
    ).toEqual(['radial sum']);
    expect(addCurve([c('summed frames')], c('summed frames'), true)).toHaveLength(1);
  });
});

describe('Find Maximum per-frame curves ÷ monitor', () => {
  it('divides frame by frame, NaN where the monitor is 0 or missing', () => {
    expect(divideByMonitor([10, 20, 30, 40], Float64Array.from([2, 4, 0]))).toEqual([
      5,
      5,
      Number.NaN,
      Number.NaN,
    ]);
  });
});
