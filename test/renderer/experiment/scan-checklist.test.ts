/** The Sum Scans checklist rules (NXRefine's SumDialog: prefix ticks, default sum name). */
import { describe, expect, it } from 'vitest';

import {
  chosenInOrder,
  commonPrefix,
  defaultSumName,
  selectByPrefix,
} from '../../../src/renderer/experiment/scan-checklist.ts';

describe('scan checklist', () => {
  const files = ['LaB6_100K.nxs', 'LaB6_300K.nxs', 'LaB6_300K_b.nxs'];

  it('starts from the common prefix and ticks the files starting with a typed prefix', () => {
    expect(commonPrefix(files)).toBe('LaB6_');
    expect(commonPrefix([])).toBe('');
    expect(commonPrefix(['a.nxs', 'b.nxs'])).toBe('');
    expect([...selectByPrefix(files, 'LaB6_300')]).toEqual(['LaB6_300K.nxs', 'LaB6_300K_b.nxs']);
    expect(selectByPrefix(files, '').size).toBe(3);
    expect(selectByPrefix(files, 'Si').size).toBe(0);
  });

  it('keeps the list order and proposes NXRefine’s <first up to its last _>_sum name', () => {
    expect(chosenInOrder(files, new Set(['LaB6_300K_b.nxs', 'LaB6_100K.nxs']))).toEqual([
      'LaB6_100K.nxs',
      'LaB6_300K_b.nxs',
    ]);
    expect(defaultSumName('LaB6_300K.nxs', 'LaB6')).toBe('sum');
    expect(defaultSumName('LaB6_300K_b.nxs', 'LaB6')).toBe('300K_sum');
    expect(defaultSumName(undefined, 'LaB6')).toBe('sum');
  });
});
