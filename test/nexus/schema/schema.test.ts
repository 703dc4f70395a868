import { describe, expect, it } from 'vitest';

import {
  keywordLine,
  noteData,
  processGroupName,
  processLayout,
} from '../../../src/nexus/schema/nxprocess.ts';
import {
  detectorEntries,
  nxrefineFallbacks,
  nxrefinePath,
  reductionParameterPath,
} from '../../../src/nexus/schema/nxrefine-paths.ts';

describe('NXRefine path schema (spec §3.2)', () => {
  it('places each quantity where NXRefine reads it', () => {
    expect(nxrefinePath('distance', 'f1')).toBe('/f1/instrument/detector/distance');
    expect(nxrefinePath('orientationMatrix', 'f3')).toBe('/f3/instrument/detector/orientation_matrix');
    expect(nxrefinePath('wavelength')).toBe('/f1/instrument/monochromator/wavelength');
    expect(nxrefinePath('phi', 'f2')).toBe('/f2/instrument/goniometer/phi');
    expect(nxrefinePath('unitcellA')).toBe('/entry/sample/unitcell_a');
    expect(nxrefineFallbacks('theta', 'f1')).toEqual([
      '/f1/instrument/goniometer/goniometer_pitch',
      '/f1/instrument/goniometer/gonpitch',
    ]);
    expect(reductionParameterPath('first')).toBe('/entry/nxreduce/first_frame');
    expect(reductionParameterPath('last')).toBe('/entry/nxreduce/last_frame');
    expect(reductionParameterPath('threshold')).toBe('/entry/nxreduce/threshold');
    expect(detectorEntries(['entry', 'f10', 'f2', 'f1', 'fx'])).toEqual(['f1', 'f2', 'f10']);
  });
});

describe('NXprocess record shape (spec §3.4)', () => {
  it('names groups and formats keyword lines as Python does', () => {
    expect(processGroupName('nxprepare')).toBe('nxprepare_mask');
    expect(processGroupName('nxfind')).toBe('nxfind');
    expect(keywordLine('hkl_tolerance', 0.05)).toBe('Hkl tolerance: 0.05');
    expect(keywordLine('polar_max', 10)).toBe('Polar max: 10');
    expect(keywordLine('norm', true)).toBe('Norm: True');
  });

  it('lays out a record with sequence index, version, note and [nxreduce] keyword fields', () => {
    const rec = {
      task: 'nxfind',
      version: '0.1.1',
      host: 'nxhost',
      directory: '/data/x',
      keywords: { threshold: 5000, first: 10, last: 3640, peak_number: 99 },
      date: '2026-01-02T03:04:05',
    };
    expect(noteData(rec)).toBe(
      'Current machine: nxhost\nCurrent directory: /data/x\nThreshold: 5000\nFirst: 10\nLast: 3640\nPeak number: 99',
    );
    expect(processLayout(rec, 3)).toEqual({
      group: 'nxfind',
      program: 'nxfind',
      sequenceIndex: 4,
      version: 'nxrefine v0.1.1',
      date: '2026-01-02T03:04:05',
      note: { description: 'nxfind', data: noteData(rec), date: '2026-01-02T03:04:05' },
      fields: { threshold: 5000, first: 10, last: 3640 },
    });
  });
});
