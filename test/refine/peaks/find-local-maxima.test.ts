import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';

import { readCbfImage } from '../../../src/engine/io/read-image.ts';
import { findLocalMaxima } from '../../../src/refine/peaks/find-local-maxima.ts';
import type { LocalMaximum } from '../../../src/refine/peaks/models.ts';
import { createRandom } from '../../../src/refine/simulate/random.ts';
import { realdata } from '../../helpers/realdata.ts';

/**
 * scikit-image's peak_local_max(image, min_distance=m, threshold_abs=t) transcribed literally
 * (maximum_filter of size 2m+1 with mode 'nearest', image == filtered & image > t, exclude_border=m,
 * stable sort by decreasing value, ensure_spacing with p = ∞ rejecting distances < m), on the frame
 * as NXRefine prepares it: clip(·, 0) with masked pixels set to 0.
 */
function referenceMaxima(
  src: ArrayLike<number>,
  ny: number,
  nx: number,
  m: number,
  t: number,
  mask?: Uint8Array,
): LocalMaximum[] {
  const img = Float64Array.from({ length: ny * nx }, (_, i) => {
    const v = src[i]!;
    return (mask && mask[i]) || !(v > 0) ? 0 : v;
  });
  const cand: Array<{ x: number; y: number; value: number; i: number }> = [];
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      let mx = -Infinity;
      for (let dy = -m; dy <= m; dy++)
        for (let dx = -m; dx <= m; dx++) {
          const yy = Math.min(ny - 1, Math.max(0, y + dy));
          const xx = Math.min(nx - 1, Math.max(0, x + dx));
          mx = Math.max(mx, img[yy * nx + xx]!);
        }
      const v = img[y * nx + x]!;
      const inside = y >= m && y < ny - m && x >= m && x < nx - m;
      if (v === mx && v > t && inside) cand.push({ x, y, value: v, i: y * nx + x });
    }
  }
  cand.sort((a, b) => b.value - a.value || a.i - b.i);
  const rejected = new Set<number>();
  const kept: LocalMaximum[] = [];
  cand.forEach((c, k) => {
    if (rejected.has(k)) return;
    kept.push({ x: c.x, y: c.y, value: c.value });
    cand.forEach((d, j) => {
      if (j !== k && Math.max(Math.abs(d.x - c.x), Math.abs(d.y - c.y)) < m) rejected.add(j);
    });
  });
  return kept;
}

describe('findLocalMaxima (skimage peak_local_max semantics)', () => {
  it('equals a literal transcription of skimage on random frames with plateaus, masks, NaN and negatives', () => {
    const rnd = createRandom(42, 1);
    for (let trial = 0; trial < 40; trial++) {
      const ny = 20 + Math.floor(rnd.uniform() * 30);
      const nx = 20 + Math.floor(rnd.uniform() * 30);
      const m = 1 + Math.floor(rnd.uniform() * 5);
      const t = Math.floor(rnd.uniform() * 6);
      const data = new Float32Array(ny * nx);
      const mask = new Uint8Array(ny * nx);
      for (let i = 0; i < data.length; i++) {
        // few distinct values → many ties (plateaus), some negative, some NaN, some masked
        const r = rnd.uniform();
        data[i] = r < 0.02 ? NaN : r < 0.05 ? -1 : Math.floor(rnd.uniform() * 9);
        mask[i] = rnd.uniform() < 0.05 ? 1 : 0;
      }
      const ours = findLocalMaxima(data, [ny, nx], { threshold: t, minDistance: m, mask });
      expect(ours).toEqual(referenceMaxima(data, ny, nx, m, t, mask));
    }
  });

  it('threshold is strict, points exactly min_distance apart are both kept, the border is excluded', () => {
    const ny = 30;
    const nx = 30;
    const data = new Int32Array(ny * nx);
    data[10 * nx + 10] = 100;
    data[10 * nx + 15] = 100; // exactly m = 5 away: kept (skimage rejects only d < m)
    data[20 * nx + 20] = 50; // equal to the threshold: not a peak
    data[2 * nx + 15] = 500; // within the border (y < m)
    data[22 * nx + 8] = 80;
    data[22 * nx + 11] = 79; // closer than m to a brighter one: not a maximum of its window
    const found = findLocalMaxima(data, [ny, nx], { threshold: 50, minDistance: 5 });
    expect(found).toEqual([
      { x: 10, y: 10, value: 100 },
      { x: 15, y: 10, value: 100 },
      { x: 8, y: 22, value: 80 },
    ]);
    const masked = new Uint8Array(ny * nx);
    masked[10 * nx + 10] = 1;
    expect(
      findLocalMaxima(data, [ny, nx], { threshold: 50, minDistance: 5, mask: masked }).map((p) => p.x),
    ).toEqual([15, 8]);
    expect(
      findLocalMaxima(new Float32Array(ny * nx).fill(NaN), [ny, nx], { threshold: 0, minDistance: 3 }),
    ).toEqual([]);
  });

  describe('on a real Pilatus 12M frame with Bragg peaks (DLS_I23_P12M_thau_00001.cbf.gz)', () => {
    let frame: { shape: [number, number]; data: Int32Array; mask: Uint8Array };
    const load = async (): Promise<typeof frame> => {
      if (!frame) {
        const im = await readCbfImage(
          realdata('dials-data-files/image_examples/DLS_I23_P12M_thau_00001.cbf.gz'),
        );
        frame = {
          shape: im.shape,
          data: im.data as Int32Array,
          mask: Uint8Array.from(im.data, (v) => (v < 0 ? 1 : 0)),
        };
      }
      return frame;
    };

    it('finds the bright spots picked by hand', async () => {
      const { shape, data, mask } = await load();
      const found = findLocalMaxima(data, shape, { threshold: 500, minDistance: 10, mask });
      // Picked once with numpy + fabio: the pixels > 100 in decreasing order, greedily kept when more
      // than 10 px (Chebyshev) from a brighter pick; the two brightest picks, (3626, 1488) = 12446 and
      // (4192, 1805) = 8040, are single-pixel spikes (zingers) and were skipped; these are the next
      // eight, each with the spread of a Bragg spot over its neighbours. (row, column, counts)
      const picked: Array<[number, number, number]> = [
        [3103, 1221, 3125],
        [2245, 875, 2081],
        [1632, 742, 1750],
        [3644, 1212, 1448],
        [1340, 568, 1374],
        [3107, 1645, 1282],
        [3485, 701, 1096],
        [3657, 1009, 1086],
      ];
      for (const [row, col, value] of picked) {
        expect(found).toContainEqual({ x: col, y: row, value });
      }
    });

    it('reproduces skimage 0.19.3 peak_local_max on the clipped, masked frame', async () => {
      const { shape, data, mask } = await load();
      // Debian python3-skimage 0.19.3, once: img = clip(d, 0); img[d < 0] = 0;
      // c = peak_local_max(img, min_distance=10, threshold_abs=t), ordered by decreasing value then
      // raster index, 'row,col' joined by ';' and hashed with sha256.
      const hash = (ps: LocalMaximum[]): string =>
        createHash('sha256')
          .update(ps.map((p) => `${p.y},${p.x}`).join(';'))
          .digest('hex')
          .slice(0, 16);
      const at300 = findLocalMaxima(data, shape, { threshold: 300, minDistance: 10, mask });
      expect(at300.length).toBe(36);
      expect(hash(at300)).toBe('bce178fe90222fa8');
      // At 100 skimage finds 70 too; one maximum is a two-pixel plateau (1339, 709) = (1339, 710) = 106,
      // where skimage 0.19's unstable argsort kept (1339, 710) and our stable order keeps (1339, 709).
      const at100 = findLocalMaxima(data, shape, { threshold: 100, minDistance: 10, mask });
      expect(at100.length).toBe(70);
      expect(at100).toContainEqual({ x: 709, y: 1339, value: 106 });
      expect(data[1339 * shape[1] + 710]).toBe(106);
    });
  });
});
