import { describe, expect, it } from 'vitest';

import { computeModuleGapMask, fitsModuleLayout } from '../../../src/refine/detector/module-gaps.ts';

describe('Pilatus module gaps', () => {
  it('tiles the Pilatus 2M as 3 × 8 modules with 7- and 17-pixel gaps', () => {
    const shape = [1679, 1475] as const;
    expect(fitsModuleLayout(shape)).toBe(true);
    const mask = computeModuleGapMask(shape);
    let gaps = 0;
    for (const v of mask) gaps += v;
    // Sensitive area: 24 modules of 487 × 195.
    expect(1679 * 1475 - gaps).toBe(24 * 487 * 195);
    // Row 195 is the first gap row, row 212 the first row of the second module row.
    expect(mask[195 * 1475 + 10]).toBe(1);
    expect(mask[211 * 1475 + 10]).toBe(1);
    expect(mask[212 * 1475 + 10]).toBe(0);
    // Columns 487–493 are a gap, 494 sensitive.
    expect(mask[10 * 1475 + 487]).toBe(1);
    expect(mask[10 * 1475 + 493]).toBe(1);
    expect(mask[10 * 1475 + 494]).toBe(0);
  });

  it('knows the 100K has no gaps and rejects shapes that are not modules', () => {
    expect([...computeModuleGapMask([195, 487])].every((v) => v === 0)).toBe(true);
    expect(fitsModuleLayout([619, 487])).toBe(true);
    expect(fitsModuleLayout([600, 487])).toBe(false);
    expect(() => computeModuleGapMask([600, 487])).toThrow(/not a whole number/);
  });
});
