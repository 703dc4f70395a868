// The dialogs' field checks: each message names what the field needs, and the rules agree with
// the engine's (checkReductionParameters is exercised on the same values through the real job).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  checkAngleForm,
  checkFindMaximumForm,
  checkFindPeaksForm,
  checkFrameRange,
  checkGridForm,
  checkLatticeForm,
  checkMaskForm,
  checkReductionForm,
  hasErrors,
  parseNumber,
  REDUCTION_KEYS,
  toReductionValues,
  type ReductionKey,
} from '../../../src/renderer/dialogs/validate.ts';
import { chooseParameters } from '../../../src/engine/jobs/choose-parameters.ts';
import { simulateExperiment } from '../../../src/engine/simulate/simulate-experiment.ts';

const good: Record<ReductionKey, string> = {
  threshold: '50000',
  first: '10',
  last: '30',
  polar_max: '10',
  hkl_tolerance: '0.05',
  monitor: 'monitor1',
  norm: '50000',
  qmin: '5',
  qmax: '10',
  radius: '0.2',
  min_pixels: '10',
};

describe('dialog field checks', () => {
  it('parses numbers as typed (blank and words are not numbers, a Unicode minus is)', () => {
    expect(parseNumber(' 12.5 ')).toBe(12.5);
    expect(parseNumber('−3')).toBe(-3);
    expect(parseNumber('')).toBeNaN();
    expect(parseNumber('abc')).toBeNaN();
    expect(parseNumber('1e400')).toBeNaN();
  });

  it('checks frame ranges [first, last) against the number of frames', () => {
    expect(checkFrameRange('10', '390', 400)).toEqual({});
    expect(checkFrameRange('10', '401', 400).last).toBe('must be ≤ 400 (frames in the scan)');
    expect(checkFrameRange('20', '20').last).toBe('must be greater than the first frame (20)');
    expect(checkFrameRange('-1', '5').first).toBe('a frame number ≥ 0');
    expect(checkFrameRange('2.5', '5').first).toBe('a frame number ≥ 0');
  });

  it('agrees with the engine on the reduction parameters: what the dialog accepts, the job saves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nxr-validate-'));
    const s = await simulateExperiment({
      outDir: dir,
      preset: 'tiny',
      seed: 2,
      cell: { a: 4, b: 4, c: 6, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P 4/m m m',
      entries: 1,
      nframes: 40,
      compression: 'none',
      dtype: 'int32',
      sample: 'v',
      label: 'x',
      scan: 's',
    });
    expect(checkReductionForm(good, 40)).toEqual({});
    const saved = await chooseParameters({
      file: s.wrapperFile,
      values: toReductionValues(good),
      write: false,
    });
    expect(saved.values).toEqual(toReductionValues(good));
    // each single bad value: the dialog flags that field, and the engine refuses the same value
    const bad: Array<[ReductionKey, string]> = [
      ['threshold', '0'],
      ['last', '41'],
      ['polar_max', '95'],
      ['hkl_tolerance', '-0.1'],
      ['monitor', ' '],
      ['norm', '0'],
      ['qmin', '-1'],
      ['qmax', '4'],
      ['radius', '0'],
      ['min_pixels', '2.5'],
    ];
    for (const [k, v] of bad) {
      const form = { ...good, [k]: v };
      const errors = checkReductionForm(form, 40);
      expect(Object.keys(errors), `${k} = ${v}`).toEqual([k]);
      await expect(
        chooseParameters({ file: s.wrapperFile, values: toReductionValues(form), write: false }),
        `${k} = ${v}`,
      ).rejects.toMatchObject({ code: 'BAD_PARAMETER' });
    }
    expect(REDUCTION_KEYS).toHaveLength(11);
  });

  it('Find Maximum: Q limits may be blank (automatic annulus) but not reversed', () => {
    const base = { first: '10', last: '30', qmin: '', qmax: '', filterSize: '31' };
    expect(checkFindMaximumForm(base, 40)).toEqual({});
    expect(checkFindMaximumForm({ ...base, qmin: '2', qmax: '1' }).qmax).toContain(
      'greater than the minimum Q (2)',
    );
    expect(checkFindMaximumForm({ ...base, filterSize: '0' }).filterSize).toContain('≥ 1');
  });

  it('Find Peaks: the job’s own parameter check marks min_pixels out of 1…200', () => {
    const base = { threshold: '20000', first: '10', last: '30', minPixels: '10' };
    expect(checkFindPeaksForm(base, 40)).toEqual({});
    expect(checkFindPeaksForm({ ...base, minPixels: '201' }).minPixels).toBe(
      'a whole number of pixels, 1…200',
    );
    expect(checkFindPeaksForm({ ...base, threshold: 'x' }).threshold).toBe('a number of counts');
  });

  it('Define Lattice: looks the space group up (number or symbol) and checks the cell', () => {
    const cell = { a: '3.82', b: '3.89', c: '11.68', alpha: '90', beta: '90', gamma: '90', formula: '' };
    const ok = checkLatticeForm({ ...cell, spaceGroup: 'Pmmm' });
    expect(ok.errors).toEqual({});
    expect(ok.group?.number).toBe(47);
    expect(checkLatticeForm({ ...cell, spaceGroup: '194' }).group?.xhm).toBe('P 63/m m c');
    expect(checkLatticeForm({ ...cell, spaceGroup: 'Q 1' }).errors.spaceGroup).toBe(
      "unknown space group 'Q 1'",
    );
    expect(checkLatticeForm({ ...cell, spaceGroup: 'P 1', a: '0' }).errors.a).toBe('a positive length (Å)');
    // angles that form no cell
    expect(
      checkLatticeForm({ ...cell, spaceGroup: 'P 1', alpha: '150', beta: '150', gamma: '150' }).errors.gamma,
    ).toContain('no cell');
  });

  it('Calculate Angles, Prepare 3D Mask and Transform Data fields', () => {
    expect(
      checkAngleForm({
        wavelength: '0.2',
        distance: '200',
        beamCenterX: '251.3',
        beamCenterY: '-4',
        pixelSize: '0.172',
      }),
    ).toEqual({});
    expect(
      checkAngleForm({
        wavelength: '0',
        distance: '200',
        beamCenterX: 'x',
        beamCenterY: '1',
        pixelSize: '0.172',
      }),
    ).toEqual({ wavelength: 'a positive wavelength (Å)', beamCenterX: 'a number of pixels' });
    const mask = { first: '10', last: '100', t1: '2', h1: '11', t2: '0.8', h2: '51' };
    expect(checkMaskForm(mask, 400)).toEqual({});
    expect(checkMaskForm({ ...mask, t2: '1.5', h1: '0', last: '400' }, 400)).toEqual({
      t2: 'a fraction, 0…1',
      h1: 'a whole number of pixels, 1…1001',
      last: 'must be ≤ 399 (the last frame)',
    });
    const grid = checkGridForm({ hQ: '2', hdQ: '0.05', kQ: '2', kdQ: '0.05', lQ: '6', ldQ: '0.1' });
    expect(grid.errors).toEqual({});
    expect([grid.axes.h?.count, grid.axes.l?.count, grid.axes.l?.start]).toEqual([81, 121, -6]);
    const tooFine = checkGridForm({ hQ: '2', hdQ: '0.00001', kQ: '2', kdQ: '0', lQ: '6', ldQ: '0.1' });
    expect(tooFine.errors.hdQ).toContain('more than');
    expect(tooFine.errors.kdQ).toBe('a positive step (r.l.u.)');
    expect(hasErrors(tooFine.errors)).toBe(true);
  });
});
