/**
 * Calibrant lines computed from cell + space group, against pyFAI's calibrant files (pyFAI 0.21.3,
 * lines with d ≥ 0.5 Å).
 */
import { describe, expect, it } from 'vitest';
import { computeCalibrantLines, twoThetaOfD } from '../../../src/refine/calibrate/calibrant-lines.ts';
import { CALIBRANTS, findCalibrant, listCalibrantNames } from '../../../src/refine/calibrate/calibrants.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyfai } from './pyfai-fixture.ts';

/** pyFAI prints 8 decimals. */
const PRINTED = 6e-9;

describe('calibrant lines', () => {
  it('knows the calibrants the fixture holds, and nothing else', () => {
    expect(listCalibrantNames().sort()).toEqual(Object.keys(pyfai.calibrants).sort());
    expect(pyfai.pyfai_version).toBe('0.21.3');
  });

  for (const name of ['CeO2', 'LaB6', 'Si', 'NaCl', 'Al', 'Au', 'Ni', 'Pt', 'AgBh']) {
    it(`${name}: every line of pyFAI's file, and no other, to its printed precision`, () => {
      const expected = pyfai.calibrants[name]!.lines;
      const ours = computeCalibrantLines(findCalibrant(name), {
        dMin: expected[expected.length - 1]!.d * (1 - 1e-7),
      });
      expect(ours.length).toBe(expected.length);
      ours.forEach((line, i) => {
        expect(Math.abs(line.d - expected[i]!.d)).toBeLessThan(PRINTED * Math.max(1, line.d));
        // pyFAI writes '(h, k, l) multiplicity' for crystals
        const m = /\)\s*(\d+)/.exec(expected[i]!.comment);
        if (m && name !== 'AgBh') expect(line.multiplicity).toBe(Number(m[1]));
      });
    });
  }

  it('Si: the diamond-site extinctions (222), (442), (622) … are left out, as pyFAI does', () => {
    const si = computeCalibrantLines(findCalibrant('Si'), { dMin: 0.5 });
    const hkls = si.flatMap((l) =>
      l.hkls.map((h) =>
        [...h]
          .map(Math.abs)
          .sort((a, b) => b - a)
          .join(''),
      ),
    );
    expect(hkls).toContain('111');
    expect(hkls).toContain('400');
    expect(hkls).toContain('444');
    expect(hkls).not.toContain('222');
    expect(hkls).not.toContain('442');
    expect(hkls).not.toContain('200');
  });

  it('alpha_Al2O3: pyFAI lists (2,0,7) at 1.37859 Å, which R-3c forbids; the real line there is (3,0,0) at 1.37323 Å', () => {
    const expected = pyfai.calibrants.alpha_Al2O3!.lines;
    const ours = computeCalibrantLines(findCalibrant('alpha_Al2O3'), { dMin: 0.99 });
    expect(ours.length).toBe(expected.length);
    const onlyPyfai = expected.filter((e) => !ours.some((l) => Math.abs(l.d - e.d) < 1e-6));
    const onlyOurs = ours.filter((l) => !expected.some((e) => Math.abs(l.d - e.d) < 1e-6));
    expect(onlyPyfai.map((e) => e.comment)).toEqual(['(2, 0, 7) 12']);
    expect(onlyOurs.length).toBe(1);
    expect(onlyOurs[0]!.d).toBeCloseTo(4.757 / (2 * Math.sqrt(3)), 9); // d(300) = a/(2√3)
    expect(Math.abs(onlyOurs[0]!.hkls[0]![0]) + Math.abs(onlyOurs[0]!.hkls[0]![1])).toBe(3);
    expect(onlyOurs[0]!.hkls[0]![2]).toBe(0);
  });

  it("Cr2O3: every pyFAI line within 4e-6 Å (its own lines disagree with its header cell at that level) except its invalid (4,-4,-7); ours add the weak allowed lines pyFAI's list omits", () => {
    const expected = pyfai.calibrants.Cr2O3!.lines;
    const ours = computeCalibrantLines(findCalibrant('Cr2O3'), { dMin: 0.86 });
    const unmatched = expected.filter((e) => !ours.some((l) => Math.abs(l.d - e.d) < 4e-6));
    expect(unmatched.map((e) => e.comment)).toEqual(['(4, -4, -7) 2']);
    expect(ours.length).toBe(51);
  });

  it('AgBh: d(001)/n for n = 1 … 49', () => {
    const lines = computeCalibrantLines(findCalibrant('AgBh'), { dMin: 0.1 });
    expect(lines.length).toBe(49);
    expect(lines[0]!.d).toBe(58.38);
    expect(lines[9]!.d).toBeCloseTo(5.838, 12);
    expect(findCalibrant('silver behenate').name).toBe('AgBh');
  });

  it('leaves out lines that cannot diffract at the wavelength', () => {
    const lines = computeCalibrantLines(findCalibrant('CeO2'), { wavelength: 1.5406, dMin: 0.1 });
    expect(lines[lines.length - 1]!.d).toBeGreaterThanOrEqual(1.5406 / 2);
    expect(twoThetaOfD(lines[0]!.d, 1.5406)).toBeCloseTo(2 * Math.asin(1.5406 / (2 * 3.12441816)), 8);
    expect(twoThetaOfD(0.5, 1.5406)).toBeNaN();
  });

  it('unknown names and bad numbers are refused clearly', () => {
    expect(() => findCalibrant('unobtainium')).toThrow(NxrError);
    expect(() => findCalibrant('unobtainium')).toThrow(/known: CeO2, LaB6/);
    expect(() => computeCalibrantLines(CALIBRANTS[0]!, { wavelength: -1 })).toThrow(/wavelength/);
  });
});
