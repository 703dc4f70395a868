import { describe, expect, it } from 'vitest';

import { computeModuleGapMask } from '../../../src/refine/detector/module-gaps.ts';
import { buildDetectorMask, countMasked, negativePixelMask } from '../../../src/refine/mask/detector-mask.ts';
import {
  applyMaskShapes,
  checkMaskShape,
  countShapePixels,
  type MaskShape,
} from '../../../src/refine/mask/mask-shapes.ts';

/** Gauss circle problem N(r) = #{(a, b) ∈ ℤ² : a² + b² ≤ r²} (OEIS A000328 for r = 0…10; N(100) = 31417). */
const GAUSS_CIRCLE: Array<[number, number]> = [
  [0, 1],
  [1, 5],
  [2, 13],
  [3, 29],
  [4, 49],
  [5, 81],
  [6, 113],
  [7, 149],
  [8, 197],
  [9, 253],
  [10, 317],
  [100, 31417],
];

/** Pixels set in a mask, as "i,j" strings. */
function pixelSet(mask: Uint8Array, nx: number): Set<string> {
  const s = new Set<string>();
  mask.forEach((v, k) => {
    if (v) s.add(`${Math.floor(k / nx)},${k % nx}`);
  });
  return s;
}

function draw(shape: MaskShape, ny: number, nx: number): Uint8Array {
  const m = new Uint8Array(ny * nx);
  applyMaskShapes(m, ny, nx, [shape]);
  return m;
}

describe('circles', () => {
  it('hold the Gauss-circle number of pixel centres for integer centres and radii', () => {
    for (const [r, n] of GAUSS_CIRCLE) {
      expect(countShapePixels({ type: 'circle', x: 300, y: 250, radius: r }, 600, 700), `r=${r}`).toBe(n);
    }
  });

  it('count the centres of a half-pixel-centred circle by hand', () => {
    // centre (10.5, 20.5): centres at offsets ±0.5, ±1.5 …; r = 1.6 holds (±0.5, ±0.5) and (±1.5, ±0.5), (±0.5, ±1.5)
    expect(countShapePixels({ type: 'circle', x: 10.5, y: 20.5, radius: 0.8 }, 50, 50)).toBe(4);
    expect(countShapePixels({ type: 'circle', x: 10.5, y: 20.5, radius: 1.6 }, 50, 50)).toBe(12);
    expect(countShapePixels({ type: 'circle', x: 10.5, y: 20.5, radius: 0.7 }, 50, 50)).toBe(0);
  });

  it('equal a brute-force centre test for arbitrary circles, clipped at the edges', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const ny = 60;
    const nx = 80;
    for (let t = 0; t < 200; t++) {
      const c = { type: 'circle' as const, x: rnd() * 100 - 10, y: rnd() * 80 - 10, radius: rnd() * 30 };
      let n = 0;
      for (let i = 0; i < ny; i++)
        for (let j = 0; j < nx; j++) if ((j - c.x) ** 2 + (i - c.y) ** 2 <= c.radius ** 2) n++;
      expect(countShapePixels(c, ny, nx)).toBe(n);
    }
  });
});

describe('rectangles', () => {
  it('cover w × h pixels, columns x … x + w − 1, for integer corners', () => {
    const m = draw({ type: 'rectangle', x: 10, y: 20, width: 30, height: 5 }, 100, 100);
    expect(countMasked(m)).toBe(150);
    expect(m[20 * 100 + 10]).toBe(1);
    expect(m[24 * 100 + 39]).toBe(1);
    expect(m[25 * 100 + 10]).toBe(0);
    expect(m[20 * 100 + 40]).toBe(0);
    expect(m[19 * 100 + 10]).toBe(0);
    expect(m[20 * 100 + 9]).toBe(0);
  });

  it('take the pixel centres inside for fractional corners, negative sizes and the detector edge', () => {
    // 10.2 ≤ j < 13.7 → 11, 12, 13; 4.5 ≤ i < 6.5 → 5, 6
    expect(countShapePixels({ type: 'rectangle', x: 10.2, y: 4.5, width: 3.5, height: 2 }, 50, 50)).toBe(6);
    // the same rectangle given from its other corner
    const a = draw({ type: 'rectangle', x: 13.7, y: 6.5, width: -3.5, height: -2 }, 50, 50);
    expect([...pixelSet(a, 50)].sort()).toEqual(['5,11', '5,12', '5,13', '6,11', '6,12', '6,13']);
    // clipped: −5 ≤ j < 5 → 0…4; 45 ≤ i < 55 → 45…49
    expect(countShapePixels({ type: 'rectangle', x: -5, y: 45, width: 10, height: 10 }, 50, 50)).toBe(25);
    // two rectangles sharing an edge share no pixel
    const m = new Uint8Array(2500);
    const changed = applyMaskShapes(m, 50, 50, [
      { type: 'rectangle', x: 0, y: 0, width: 10, height: 10 },
      { type: 'rectangle', x: 10, y: 0, width: 10, height: 10 },
    ]);
    expect(changed).toEqual([100, 100]);
  });
});

describe('polygons', () => {
  it('count a right triangle by hand: centres with j + i < 10', () => {
    // (0,0), (10,0), (0,10): rows i = 0…9 hold 10 − i centres → 55
    expect(
      countShapePixels(
        {
          type: 'polygon',
          points: [
            [0, 0],
            [10, 0],
            [0, 10],
          ],
        },
        50,
        50,
      ),
    ).toBe(55);
  });

  it('count a diamond |dx| + |dy| ≤ n as 2n² + 2n + 1', () => {
    for (const n of [1, 2, 5, 20]) {
      const h = n + 0.5;
      const poly: MaskShape = {
        type: 'polygon',
        points: [
          [30 + h, 30],
          [30, 30 + h],
          [30 - h, 30],
          [30, 30 - h],
        ],
      };
      expect(countShapePixels(poly, 70, 70), `n=${n}`).toBe(2 * n * n + 2 * n + 1);
    }
  });

  it('drawn as a rectangle cover the rectangle’s pixels, fractional corners too, either orientation', () => {
    for (const [x, y, w, h] of [
      [10, 20, 30, 5],
      [10.2, 4.5, 3.5, 2],
      [0.5, 0.5, 7.25, 9.75],
    ] as const) {
      const rect = draw({ type: 'rectangle', x, y, width: w, height: h }, 50, 50);
      const cw = draw(
        {
          type: 'polygon',
          points: [
            [x, y],
            [x, y + h],
            [x + w, y + h],
            [x + w, y],
          ],
        },
        50,
        50,
      );
      const ccw = draw(
        {
          type: 'polygon',
          points: [
            [x, y],
            [x + w, y],
            [x + w, y + h],
            [x, y + h],
          ],
        },
        50,
        50,
      );
      expect(pixelSet(cw, 50)).toEqual(pixelSet(rect, 50));
      expect(pixelSet(ccw, 50)).toEqual(pixelSet(rect, 50));
    }
  });

  it('handle a concave L shape as its two rectangles', () => {
    const l: MaskShape = {
      type: 'polygon',
      points: [
        [5, 5],
        [25, 5],
        [25, 10],
        [10, 10],
        [10, 30],
        [5, 30],
      ],
    };
    // [5,25)×[5,10) = 100, plus [5,10)×[10,30) = 100
    expect(countShapePixels(l, 50, 50)).toBe(200);
    const m = draw(l, 50, 50);
    expect(m[20 * 50 + 15]).toBe(0); // in the notch
    expect(m[20 * 50 + 7]).toBe(1);
  });
});

describe('shapes in order', () => {
  it('remove what an earlier shape added, and report what each changed', () => {
    const m = new Uint8Array(100 * 100);
    const changed = applyMaskShapes(m, 100, 100, [
      { type: 'rectangle', x: 0, y: 0, width: 60, height: 60 },
      { type: 'circle', x: 30, y: 30, radius: 10, mode: 'remove' },
      { type: 'circle', x: 30, y: 30, radius: 5 },
    ]);
    expect(changed).toEqual([3600, 317, 81]);
    expect(countMasked(m)).toBe(3600 - 317 + 81);
  });

  it('refuse shapes that cannot be drawn', () => {
    expect(checkMaskShape({ type: 'circle', x: 1, y: 1, radius: -1 })).toMatch(/radius/);
    expect(
      checkMaskShape({
        type: 'polygon',
        points: [
          [0, 0],
          [1, 1],
        ],
      }),
    ).toMatch(/3 points/);
    expect(checkMaskShape({ type: 'rectangle', x: NaN, y: 0, width: 1, height: 1 })).toMatch(/numbers/);
    expect(
      checkMaskShape({ type: 'rectangle', x: 0, y: 0, width: 1, height: 1, mode: 'xor' as 'add' }),
    ).toMatch(/mode/);
    expect(() =>
      applyMaskShapes(new Uint8Array(4), 2, 2, [{ type: 'circle', x: 0, y: 0, radius: -2 }]),
    ).toThrow();
  });
});

describe('buildDetectorMask', () => {
  it('layers the current mask, the import, the shapes, the gaps and the negative pixels', () => {
    const ny = 407; // Pilatus 200K: 2 × 1 modules, gap rows 195…211
    const nx = 487;
    const n = ny * nx;
    const existing = new Int8Array(n);
    existing[0] = 1; // one hot pixel
    const imported = new Uint8Array(n);
    imported[5 * nx + 5] = 7; // non-zero counts as masked
    const reference = new Float32Array(n);
    reference[300 * nx + 100] = -2; // a bad pixel
    reference[300 * nx + 101] = NaN; // not negative
    const gaps = computeModuleGapMask([ny, nx]);
    const r = buildDetectorMask({
      ny,
      nx,
      existing,
      imported,
      gaps,
      reference,
      shapes: [
        { type: 'rectangle', x: 100, y: 100, width: 10, height: 10 },
        // removes the hot pixel and tries to unmask gap rows 195…211 of columns 0…9
        { type: 'rectangle', x: 0, y: 0, width: 10, height: 300, mode: 'remove' },
      ],
    });
    expect(r.counts.before).toBe(1);
    expect(r.counts.imported).toBe(1);
    expect(r.counts.gaps).toBe(17 * 487);
    expect(r.counts.negative).toBe(1);
    // the removal clears the hot pixel and the imported one (both inside), nothing else was masked there
    expect(r.counts.shapes).toEqual([100, 2]);
    expect(r.counts.shapesAdded).toBe(100);
    expect(r.counts.shapesRemoved).toBe(2);
    expect(r.mask[0]).toBe(0);
    expect(r.mask[5 * nx + 5]).toBe(0);
    expect(r.mask[200 * nx + 3]).toBe(1); // a gap stays masked
    expect(r.mask[300 * nx + 100]).toBe(1);
    expect(r.mask[300 * nx + 101]).toBe(0);
    expect(r.counts.after).toBe(100 + 17 * 487 + 1);
    expect(countMasked(r.mask)).toBe(r.counts.after);
  });

  it('starts from an empty mask without keepExisting and checks lengths', () => {
    const r = buildDetectorMask({ ny: 2, nx: 3, existing: [1, 1, 0, 0, 0, 1], keepExisting: false });
    expect(r.counts.before).toBe(3);
    expect(r.counts.after).toBe(0);
    expect(() => buildDetectorMask({ ny: 2, nx: 3, imported: [1, 0] })).toThrow(/imported mask has 2 values/);
    expect([...negativePixelMask([0, -1, 5, -0.5, NaN])]).toEqual([0, 1, 0, 1, 0]);
  });
});
