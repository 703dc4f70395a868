import { describe, expect, it } from 'vitest';

import { computeModuleGapMask } from '../../../src/refine/detector/module-gaps.ts';
import { boxSum2d } from '../../../src/refine/mask/box-sum.ts';
import { fillDetectorGaps, findDetectorGaps } from '../../../src/refine/mask/detector-gaps.ts';
import {
  checkBraggMaskParameters,
  combineDifferenceFlags,
  createMaskWorkspace,
  flagFrameDifference,
} from '../../../src/refine/mask/flag-frame-difference.ts';
import { DEFAULT_BRAGG_MASK_PARAMETERS, type DetectorGaps } from '../../../src/refine/mask/models.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';

const clamp = (v: number, n: number): number => Math.min(n - 1, Math.max(0, v));

/** Spec §5.3 box sum, literally: every window element, the image extended by its edge values. */
function naiveBoxSum(src: ArrayLike<number>, ny: number, nx: number, size: number): Float64Array {
  const left = (size - 1) >> 1;
  const out = new Float64Array(ny * nx);
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      let s = 0;
      for (let j = y - left; j < y - left + size; j++)
        for (let i = x - left; i < x - left + size; i++) s += src[clamp(j, ny) * nx + clamp(i, nx)]!;
      out[y * nx + x] = s;
    }
  return out;
}

describe('box sums (edge-padded local sums)', () => {
  it('equal the literal window sums for odd and even boxes, also boxes larger than the image', () => {
    const rnd = createRandom(3);
    for (const [ny, nx] of [
      [9, 13],
      [4, 3],
      [1, 7],
    ] as const) {
      const src = Float64Array.from({ length: ny * nx }, () => Math.floor(rnd.uniform() * 100) - 30);
      for (const size of [1, 2, 3, 5, 11, 20]) {
        const got = boxSum2d(src, ny, nx, size, new Float64Array(ny * nx), new Float64Array(ny * nx));
        expect(Array.from(got), `${ny}×${nx} box ${size}`).toEqual(
          Array.from(naiveBoxSum(src, ny, nx, size)),
        );
      }
    }
  });
});

describe('detector gaps', () => {
  it('finds the Pilatus 2M module gaps as full-line runs', () => {
    const mask = computeModuleGapMask([1679, 1475]);
    const gaps = findDetectorGaps(mask, 1679, 1475);
    expect(gaps.columns).toEqual([
      [487, 493],
      [981, 987],
    ]);
    expect(gaps.rows).toHaveLength(7);
    expect(gaps.rows[0]).toEqual([195, 211]);
    // a hot pixel or a partial line is not a gap
    mask[5] = 1;
    for (let x = 0; x < 1000; x++) mask[300 * 1475 + x] = 1;
    expect(findDetectorGaps(mask, 1679, 1475).rows).toHaveLength(7);
  });

  it('fills gaps with the larger neighbour line, columns first; an edge gap takes its one neighbour', () => {
    const ny = 5;
    const nx = 8;
    const flags = new Uint8Array(ny * nx);
    // column 2 has a flag at row 1, column 5 at row 3, column 6 (next to the edge gap 7) at row 4
    flags[1 * nx + 2] = 1;
    flags[3 * nx + 5] = 1;
    flags[4 * nx + 6] = 1;
    const gaps: DetectorGaps = {
      columns: [
        [3, 4],
        [7, 7],
      ],
      rows: [[0, 0]],
    };
    fillDetectorGaps(flags, ny, nx, gaps);
    const at = (y: number, x: number): number => flags[y * nx + x]!;
    expect([at(1, 3), at(1, 4), at(3, 3), at(3, 4), at(2, 3)]).toEqual([1, 1, 1, 1, 0]);
    expect([at(4, 7), at(3, 7)]).toEqual([1, 0]);
    // row gap 0 (top edge) copies row 1, after the columns were filled
    expect(Array.from(flags.subarray(0, nx))).toEqual(Array.from(flags.subarray(nx, 2 * nx)));
  });
});

/** Spec §5.3 for one difference, literally (no gaps). */
function naiveFlags(
  prev: number[],
  next: number[],
  ny: number,
  nx: number,
  t1: number,
  h1: number,
  t2: number,
  h2: number,
): number[] {
  const d = prev.map((p, i) => {
    const v = next[i]! - p;
    return Number.isFinite(v) ? v : 0;
  });
  const s1 = Array.from(naiveBoxSum(d, ny, nx, h1), (s) => (Math.abs(s / (h1 * h1)) < t1 ? 0 : 1));
  return Array.from(naiveBoxSum(s1, ny, nx, h2), (s) => (s / (h2 * h2) > t2 ? 1 : 0));
}

describe('3-D mask flags of a frame difference (spec §5.3)', () => {
  const ny = 40;
  const nx = 50;
  const rnd = createRandom(11);
  const background = (): number[] => Array.from({ length: ny * nx }, () => 5 + Math.floor(rnd.uniform() * 4));

  it('match the literal algorithm for both signs, with NaN pixels as no change', () => {
    const prev = background();
    const next = background();
    // a bright peak appears at (20, 15), one disappears at (10, 40); a NaN pixel (missing data)
    for (let y = -3; y <= 3; y++)
      for (let x = -3; x <= 3; x++) {
        next[(20 + y) * nx + 15 + x]! += 4000 * Math.exp(-(x * x + y * y) / 4);
        prev[(10 + y) * nx + 40 + x]! += 3000 * Math.exp(-(x * x + y * y) / 4);
      }
    next[5 * nx + 5] = Number.NaN;
    const params = { t1: 2, h1: 7, t2: 0.3, h2: 5 };
    const ws = createMaskWorkspace(ny, nx);
    const got = flagFrameDifference(
      prev,
      next,
      { rows: [], columns: [] },
      params,
      ws,
      new Uint8Array(ny * nx),
    );
    const want = naiveFlags(prev, next, ny, nx, 2, 7, 0.3, 5);
    expect(Array.from(got)).toEqual(want);
    expect(got[20 * nx + 15]).toBe(1);
    expect(got[10 * nx + 40]).toBe(1);
    expect(got[35 * nx + 5]).toBe(0);
    // NXRefine's defaults (h2 = 51 needs 80 % of a 51×51 box flagged) mask nothing for peaks this small
    const none = flagFrameDifference(
      prev,
      next,
      { rows: [], columns: [] },
      DEFAULT_BRAGG_MASK_PARAMETERS,
      ws,
      new Uint8Array(ny * nx),
    );
    expect(none.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a frame is masked where the difference into it or out of it is flagged', () => {
    const a = Uint8Array.from([1, 0, 0, 1]);
    const b = Uint8Array.from([0, 0, 1, 1]);
    expect(Array.from(combineDifferenceFlags(a, b, new Int8Array(4)))).toEqual([1, 0, 1, 1]);
    expect(Array.from(combineDifferenceFlags(null, b, new Int8Array(4)))).toEqual([0, 0, 1, 1]);
    expect(Array.from(combineDifferenceFlags(a, null, new Int8Array(4)))).toEqual([1, 0, 0, 1]);
  });

  it('rejects nonsense parameters', () => {
    expect(() => checkBraggMaskParameters({ t1: -1, h1: 11, t2: 0.8, h2: 51 })).toThrow(/t1/);
    expect(() => checkBraggMaskParameters({ t1: 2, h1: 0, t2: 0.8, h2: 51 })).toThrow(/h1/);
    expect(() => checkBraggMaskParameters({ t1: 2, h1: 11, t2: 1.5, h2: 51 })).toThrow(/t2/);
    expect(() => checkBraggMaskParameters({ t1: 2, h1: 11, t2: 0.8, h2: 5.5 })).toThrow(/h2/);
  });
});
