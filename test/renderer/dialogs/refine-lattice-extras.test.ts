/**
 * The pure parts of Refine Lattice's Export (CSV of the peak list), Use ticks (unticked rows
 * greyed at once) and Orient by FFT (form check, cell rows, preselection, comparison).
 */
import { describe, expect, it } from 'vitest';

import { excludedReason, type PeakColumns } from '../../../src/renderer/dialogs/refine-peaks.ts';
import {
  checkFftForm,
  compareWithDefined,
  fftChoiceOf,
  formatFftCell,
  preselectFftRow,
} from '../../../src/renderer/dialogs/orient-fft.ts';
import { peakListCsv, peakListCsvName } from '../../../src/renderer/dialogs/peak-list-csv.ts';
import type { FftCellCandidate } from '../../../src/shared/jobs.ts';

const f = (v: number[]): Float64Array => Float64Array.from(v);

describe('peak list CSV (Export)', () => {
  const rows: PeakColumns = {
    x: f([10.125, 5]),
    y: f([1, 2.5]),
    z: f([100.4, 3.6]),
    polar: f([12.5, NaN]),
    azimuthal: f([-30, 45]),
    intensity: null,
    h: f([1.02, -0.5]),
    k: f([0, 2]),
    l: f([3, 1e-7]),
    diff: f([0.001, 0.25]),
  };
  it("writes the table's columns at full precision, empty for a missing value, and the Use ticks", () => {
    const text = peakListCsv(rows, (i) => i === 0);
    expect(text.split('\n')).toEqual([
      'i,x,y,z,Polar,Azi,H,K,L,Diff,Included',
      '0,10.125,1,100.4,12.5,-30,1.02,0,3,0.001,1',
      '1,5,2.5,3.6,,45,-0.5,2,1e-7,0.25,0',
      '',
    ]);
  });
  it('leaves out the columns the table does not show, and Included without ticks', () => {
    const plain: PeakColumns = {
      x: f([1]),
      y: f([2]),
      z: f([3]),
      polar: null,
      azimuthal: null,
      intensity: f([7]),
    };
    expect(peakListCsv(plain)).toBe('i,x,y,z,Intensity\n0,1,2,3,7\n');
  });
  it('names the file after the scan and the entry', () => {
    expect(peakListCsvName('/data/sample/sample_300K.nxs', '/f2')).toBe('sample_300K_f2_peaks.csv');
    expect(peakListCsvName('scan', 'f1')).toBe('scan_f1_peaks.csv');
  });
  it('gives unticked rows their reason', () => {
    expect(excludedReason(5)).toBe('excluded (unticked)');
    expect(excludedReason(0)).toBeNull();
  });
});

const candidate = (over: Partial<FftCellCandidate>): FftCellCandidate => ({
  latticeSystem: 'tetragonal',
  centring: 'P',
  cell: { a: 5.2, b: 5.2, c: 12.4, alpha: 90, beta: 90, gamma: 90 },
  U: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  volume: 5.2 * 5.2 * 12.4,
  indexed: 90,
  fraction: 0.9,
  lengthDistortion: 0.001,
  angleDistortion: 0.05,
  matchesSpaceGroup: false,
  matchesCell: false,
  ...over,
});

describe('Orient by FFT', () => {
  it('checks Dmin < Dmax, both positive', () => {
    expect(checkFftForm({ dMin: '1', dMax: '20' })).toEqual({});
    expect(checkFftForm({ dMin: '0', dMax: '20' }).dMin).toBeDefined();
    expect(checkFftForm({ dMin: '5', dMax: '4' }).dMax).toMatch(/longer than Dmin/);
    expect(checkFftForm({ dMin: '1', dMax: 'x' }).dMax).toBeDefined();
  });
  it('formats a cell row and says what it matches', () => {
    const r = formatFftCell(
      candidate({ matchesSpaceGroup: true, matchesCell: true, indexed: 81, fraction: 0.81 }),
    );
    expect(r).toMatchObject({
      symmetry: 'tetragonal',
      centring: 'P',
      a: '5.2000',
      c: '12.4000',
      gamma: '90.000',
      volume: '335.30',
      indexed: '81\u00a0(81\u00a0%)',
      matches: 'space group, cell',
    });
    expect(formatFftCell(candidate({})).matches).toBe('');
  });
  it("preselects the job's preferred row, else the most symmetric indexing ≥ 90 % of the best", () => {
    const rows = [
      candidate({ latticeSystem: 'cubic', indexed: 40 }),
      candidate({ indexed: 95 }),
      candidate({ latticeSystem: 'triclinic', indexed: 100 }),
    ];
    expect(preselectFftRow({ candidates: rows, preferred: 2 })).toBe(2);
    expect(preselectFftRow({ candidates: rows, preferred: -1 })).toBe(1);
    expect(preselectFftRow({ candidates: [], preferred: -1 })).toBe(-1);
  });
  it('compares a cell with the defined lattice (lengths in %, angles in degrees)', () => {
    const c = candidate({ cell: { a: 5.252, b: 5.2, c: 12.4, alpha: 90, beta: 90.5, gamma: 90 } });
    const text = compareWithDefined(c, { a: 5.2, b: 5.2, c: 12.4, alpha: 90, beta: 90, gamma: 90 })!;
    expect(text).toContain('Δa 1.00 %');
    expect(text).toContain('Δb 0.00 %');
    expect(text).toContain('Δβ 0.50°');
    expect(compareWithDefined(c, undefined)).toBeNull();
  });
  it('sends a copy of the picked cell and orientation', () => {
    const c = candidate({});
    const choice = fftChoiceOf(c);
    expect(choice).toEqual({ latticeSystem: 'tetragonal', centring: 'P', cell: c.cell, U: c.U });
    expect(choice.U).not.toBe(c.U);
    expect(Object.keys(choice).sort()).toEqual(['U', 'cell', 'centring', 'latticeSystem']);
  });
});
