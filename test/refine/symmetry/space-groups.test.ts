/**
 * The symmetry core against GEMMI's own answers (fixture made by scripts/gen-space-groups.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../../src/refine/geometry/models.ts';
import {
  computeEquivalentHkls,
  findDefaultSpaceGroup,
  findSpaceGroup,
  isCentricReflection,
  isSystematicallyAbsent,
  listSpaceGroups,
  lookupSpaceGroup,
  SPACE_GROUP_TABLE_PROVENANCE,
} from '../../../src/refine/symmetry/space-groups.ts';
import { NxrError } from '../../../src/shared/errors.ts';

interface Fixture {
  provenance: { gemmi: string };
  names: { input: string; index: number | null; alpha?: number; gamma?: number }[];
  extendedNames: { input: string; index: number }[];
  absences: Record<string, { index: number; range: [number, number]; absent: string }>;
  equivalents: {
    group: string;
    index: number;
    hkl: Vec3;
    equivalents: Vec3[];
    withFriedel: Vec3[];
    centric: boolean;
    absent: boolean;
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/gemmi-symmetry.json', import.meta.url), 'utf8'),
) as Fixture;

describe('space-group table', () => {
  const table = listSpaceGroups();
  it('has every setting GEMMI tabulates and all 230 numbers', () => {
    expect(fixture.provenance.gemmi).toBe('0.5.7');
    expect(table).toHaveLength(SPACE_GROUP_TABLE_PROVENANCE.settings);
    expect(new Set(table.map((s) => s.number)).size).toBe(230);
    for (let n = 1; n <= 230; n++)
      expect(table.filter((s) => s.number === n && s.isReferenceSetting)).toHaveLength(1);
  });
  it('uses NXRefine’s 11 Laue group names, 7 crystal systems and 7 centring letters', () => {
    expect(new Set(table.map((s) => s.laueGroup))).toEqual(
      new Set(['-1', '2/m', 'mmm', '4/m', '4/mmm', '-3', '-3m', '6/m', '6/mmm', 'm-3', 'm-3m']),
    );
    expect(new Set(table.map((s) => s.crystalSystem)).size).toBe(7);
    expect(new Set(table.map((s) => s.centring))).toEqual(new Set(['P', 'A', 'B', 'C', 'I', 'F', 'R']));
  });
  it('group orders follow from the operations (e.g. Fm-3m has 192 = 48 × 4)', () => {
    const fm3m = findSpaceGroup('Fm-3m');
    expect(fm3m.operations.length * fm3m.centringVectors24.length).toBe(192);
    expect(findSpaceGroup('P 1 21/c 1').operations).toHaveLength(4);
    expect(findSpaceGroup('R-3m').centringVectors24).toHaveLength(3);
    expect(findSpaceGroup('R-3m:R').centringVectors24).toHaveLength(1);
  });
});

describe('look-up by name and number, as GEMMI find_spacegroup_by_name', () => {
  for (const n of fixture.names) {
    const label = `${JSON.stringify(n.input)}${n.alpha !== undefined ? ` (α=${n.alpha}, γ=${n.gamma})` : ''}`;
    it(`${label} → ${n.index === null ? 'not found' : listSpaceGroups()[n.index]!.xhm}`, () => {
      const opts = n.alpha !== undefined ? { alpha: n.alpha, gamma: n.gamma } : {};
      const sg = lookupSpaceGroup(n.input, opts);
      expect(sg?.tableIndex ?? null).toBe(n.index);
    });
  }
  it('spellings GEMMI rejects but users type (P2_1/c, Fm−3m, P6_3/mmc …)', () => {
    for (const n of fixture.extendedNames) expect(lookupSpaceGroup(n.input)?.tableIndex).toBe(n.index);
  });
  it('numbers, Hall symbols, properties', () => {
    expect(findSpaceGroup(225).xhm).toBe('F m -3 m');
    expect(findSpaceGroup('-P 2ybc').xhm).toBe('P 1 21/c 1');
    const r = findSpaceGroup('R-3m');
    expect([r.xhm, r.crystalSystem, r.latticeSystem, r.laueGroup, r.centring]).toEqual([
      'R -3 m:H',
      'trigonal',
      'hexagonal',
      '-3m',
      'R',
    ]);
    const rr = findSpaceGroup('R-3m:R');
    expect([rr.latticeSystem, rr.centring, rr.centringType]).toEqual(['rhombohedral', 'R', 'P']);
    expect(findSpaceGroup('P 21/c').centrosymmetric).toBe(true);
    expect(findSpaceGroup('P 21 21 21').centrosymmetric).toBe(false);
    expect(findDefaultSpaceGroup('C').xhm).toBe('C 1 2 1');
    expect(findDefaultSpaceGroup('f').xhm).toBe('F 2 2 2');
  });
  it('unknown symbols and centrings are a clear BAD_PARAMETER error', () => {
    expect(() => findSpaceGroup('X 2')).toThrow(NxrError);
    expect(() => findSpaceGroup('X 2')).toThrow(/unknown space group 'X 2'/);
    expect(() => findSpaceGroup(231)).toThrow(/unknown space group '231'/);
    expect(() => findDefaultSpaceGroup('Q')).toThrow(/unknown lattice centring 'Q'/);
  });
});

describe('systematic absences, as GEMMI', () => {
  for (const [name, a] of Object.entries(fixture.absences)) {
    it(name, () => {
      const sg = listSpaceGroups()[a.index]!;
      expect(sg.xhm).toBe(findSpaceGroup(name).xhm);
      const [lo, hi] = a.range;
      let bits = '';
      for (let h = lo; h <= hi; h++)
        for (let k = lo; k <= hi; k++)
          for (let l = lo; l <= hi; l++) bits += isSystematicallyAbsent(sg, [h, k, l]) ? '1' : '0';
      expect(bits).toBe(a.absent);
      // Not a trivial fixture: the symmorphic primitive groups have no absences, the others have some.
      expect(a.absent.includes('1')).toBe(!['P 1', 'R -3 m:R'].includes(name));
    });
  }
  it('textbook conditions: Fm-3m hkl all even or all odd; P21/c 0k0 k=2n, h0l l=2n', () => {
    const f = findSpaceGroup('Fm-3m');
    expect(isSystematicallyAbsent(f, [1, 1, 1])).toBe(false);
    expect(isSystematicallyAbsent(f, [2, 0, 0])).toBe(false);
    expect(isSystematicallyAbsent(f, [1, 0, 0])).toBe(true);
    expect(isSystematicallyAbsent(f, [2, 1, 0])).toBe(true);
    const p = findSpaceGroup('P21/c');
    expect(isSystematicallyAbsent(p, [0, 1, 0])).toBe(true);
    expect(isSystematicallyAbsent(p, [0, 2, 0])).toBe(false);
    expect(isSystematicallyAbsent(p, [1, 0, 1])).toBe(true);
    expect(isSystematicallyAbsent(p, [1, 0, 2])).toBe(false);
    expect(isSystematicallyAbsent(p, [1, 1, 1])).toBe(false);
  });
});

describe('symmetry-equivalent reflections, as GEMMI', () => {
  for (const e of fixture.equivalents) {
    it(`${e.group} (${e.hkl.join(',')})`, () => {
      const sg = listSpaceGroups()[e.index]!;
      expect(computeEquivalentHkls(sg, e.hkl, { friedel: false })).toEqual(e.equivalents);
      expect(computeEquivalentHkls(sg, e.hkl)).toEqual(e.withFriedel);
      expect(isCentricReflection(sg, e.hkl)).toBe(e.centric);
      expect(isSystematicallyAbsent(sg, e.hkl)).toBe(e.absent);
    });
  }
});
