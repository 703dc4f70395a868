import { describe, expect, it } from 'vitest';

import { entryOfPath, windowForView } from '../../../src/renderer/state/plot-store.ts';

describe('the part of a frame to draw', () => {
  it('draws the whole frame binned to the plot area (aspect locked: the tighter axis sets the bin)', () => {
    // Pilatus 2M in a 340 × 390 device-pixel plot: 1475 / 340 = 4.3, 1679 / 390 = 4.3
    expect(windowForView([1679, 1475], null, [340, 390])).toEqual({
      x0: 0,
      y0: 0,
      x1: 1475,
      y1: 1679,
      bin: 4,
    });
    // a plot larger than the frame: full resolution
    expect(windowForView([195, 487], null, [900, 400])).toEqual({ x0: 0, y0: 0, x1: 487, y1: 195, bin: 1 });
    expect(windowForView([195, 487], null, null).bin).toBe(1);
  });

  it('draws a zoomed view with a margin, at full resolution when zoomed in far enough', () => {
    const w = windowForView([1679, 1475], { x: [400, 600], y: [900, 700] }, [400, 400]);
    expect(w).toEqual({ x0: 350, y0: 650, x1: 650, y1: 950, bin: 1 });
    // a margin never leaves the frame
    expect(windowForView([100, 100], { x: [-10, 50], y: [0, 60] }, [30, 30])).toEqual({
      x0: 0,
      y0: 0,
      x1: 65,
      y1: 75,
      bin: 2,
    });
  });

  it('knows the detector entry of a path', () => {
    expect(entryOfPath('/f1/data/data')).toBe('f1');
    expect(entryOfPath('/')).toBeUndefined();
  });
});
