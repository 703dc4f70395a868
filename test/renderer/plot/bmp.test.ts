// The frame image: an 8-bit palette BMP, checked with an independent decoder (Pillow).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { bmpRowStride, encodePaletteBmp } from '../../../src/renderer/plot/bmp.ts';
import { framePalette } from '../../../src/renderer/plot/colormap.ts';
import { pyJson } from '../../helpers/python.ts';

describe('encodePaletteBmp', () => {
  it('writes a top-down palette BMP that Pillow reads back pixel for pixel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bmp-'));
    for (const [w, h] of [
      [7, 5],
      [8, 3],
      [1, 1],
      [13, 2],
    ] as const) {
      const indices = Uint8Array.from({ length: w * h }, (_, i) => (i * 53 + 7) % 256);
      const palette = framePalette('viridis');
      const file = join(dir, `x${w}x${h}.bmp`);
      writeFileSync(file, encodePaletteBmp(indices, w, h, palette));
      const got = pyJson<{ size: number[]; mode: string; rgb: number[][] }>(
        'import sys, json; from PIL import Image; im = Image.open(sys.argv[1]); print(json.dumps({"size": im.size, "mode": im.mode, "rgb": [list(p) for p in im.convert("RGB").getdata()]}))',
        [file],
      );
      expect(got.size).toEqual([w, h]);
      expect(got.mode).toBe('P');
      const want = Array.from(indices, (k) => [palette[3 * k]!, palette[3 * k + 1]!, palette[3 * k + 2]!]);
      expect(got.rgb).toEqual(want);
    }
  });

  it('pads rows to 4 bytes and refuses sizes it cannot hold', () => {
    expect([1, 2, 3, 4, 5, 1475].map(bmpRowStride)).toEqual([4, 4, 4, 4, 8, 1476]);
    expect(encodePaletteBmp(new Uint8Array(1475 * 2), 1475, 2, framePalette('gray')).length).toBe(
      54 + 1024 + 1476 * 2,
    );
    expect(() => encodePaletteBmp(new Uint8Array(3), 2, 2, framePalette('gray'))).toThrow(/fewer/);
    expect(() => encodePaletteBmp(new Uint8Array(4), 0, 2, framePalette('gray'))).toThrow(/size/);
  });
});
