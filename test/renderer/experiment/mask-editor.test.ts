/**
 * Create Mask's editor: plotly shapes and their edits, typed points, the overlay's binning, and the
 * mask shown = the mask the engine saves (same layers, same function) on a simulated scan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMask } from '../../../src/engine/jobs/create-mask.ts';
import { simulateExperiment } from '../../../src/engine/simulate/simulate-experiment.ts';
import {
  applyPlotlyEdit,
  defaultShape,
  displayBin,
  editorMask,
  formatPoints,
  gapMaskFor,
  overlayPixels,
  parsePath,
  parsePoints,
  shapeEdits,
  toPlotlyShape,
  type EditorShape,
} from '../../../src/renderer/experiment/mask-editor.ts';

describe('plotly shapes', () => {
  it('draw a rectangle, a circle and a polygon where the mask rules put them', () => {
    const rect: EditorShape = { id: 1, type: 'rectangle', x: 10, y: 20, width: 30, height: 5, mode: 'add' };
    expect(toPlotlyShape(rect, false)).toMatchObject({ type: 'rect', x0: 10, y0: 20, x1: 40, y1: 25 });
    const circ: EditorShape = { id: 2, type: 'circle', x: 100, y: 50, radius: 7, mode: 'remove' };
    expect(toPlotlyShape(circ, true)).toMatchObject({ type: 'circle', x0: 93, y0: 43, x1: 107, y1: 57 });
    expect((toPlotlyShape(circ, true).line as { dash: string }).dash).toBe('dash');
    const poly: EditorShape = {
      id: 3,
      type: 'polygon',
      points: [
        [0, 0],
        [10, 0],
        [0, 10.25],
      ],
    };
    expect(toPlotlyShape(poly, false).path).toBe('M0,0L10,0L0,10.3Z');
  });

  it('follow plotly edits: moved rectangles, circles pulled into ellipses, dragged vertices', () => {
    const edits = shapeEdits({
      'shapes[0].x0': 12,
      'shapes[0].x1': 2,
      'shapes[0].y0': 5,
      'shapes[0].y1': 9.04,
      'shapes[1].x0': 90,
      'shapes[1].x1': 110,
      'shapes[1].y0': 45,
      'shapes[1].y1': 55,
      'shapes[2].path': 'M1,2L11,2L1,12.5Z',
      'xaxis.range[0]': 3,
    });
    expect([...edits.keys()]).toEqual([0, 1, 2]);
    const rect: EditorShape = { id: 1, type: 'rectangle', x: 0, y: 0, width: 1, height: 1 };
    expect(applyPlotlyEdit(rect, edits.get(0)!)).toMatchObject({ x: 2, y: 5, width: 10, height: 4 });
    const circ: EditorShape = { id: 2, type: 'circle', x: 0, y: 0, radius: 1 };
    // 20 × 10 ellipse → circle of the mean radius (10 + 5) / 2
    expect(applyPlotlyEdit(circ, edits.get(1)!)).toMatchObject({ x: 100, y: 50, radius: 7.5 });
    const poly: EditorShape = {
      id: 3,
      type: 'polygon',
      points: [
        [0, 0],
        [1, 0],
        [0, 1],
      ],
    };
    expect(applyPlotlyEdit(poly, edits.get(2)!)).toMatchObject({
      points: [
        [1, 2],
        [11, 2],
        [1, 12.5],
      ],
    });
    // a curve is not a polygon: left as it was
    expect(parsePath('M0,0C1,1 2,2 3,3Z')).toBeNull();
  });

  it('read typed points and place new shapes around the beam centre', () => {
    expect(parsePoints('1,2 3,4; 5 6')).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(parsePoints('1,2 3,4')).toBeNull();
    expect(parsePoints('1,2 3,x 5,6')).toBeNull();
    expect(
      formatPoints([
        [1, 2],
        [3.5, 4],
      ]),
    ).toBe('1,2 3.5,4');
    expect(defaultShape('rectangle', [240.44, 297.7], [619, 487], 'add', 1)).toMatchObject({
      x: 190.4,
      y: 247.7,
      width: 100,
      height: 100,
    });
    // a tiny detector gets a smaller shape
    expect(defaultShape('circle', [10, 10], [20, 30], 'remove', 2)).toMatchObject({
      radius: 2,
      mode: 'remove',
    });
  });
});

describe('the overlay', () => {
  it('bins the mask so the longer side fits, a bin masked when any pixel is', () => {
    expect(displayBin([2527, 2463])).toBe(2);
    expect(displayBin([1679, 1475])).toBe(1);
    const mask = new Uint8Array(5 * 5);
    mask[0] = 1;
    mask[4 * 5 + 4] = 1;
    const o = overlayPixels(mask, [5, 5], 2, [1, 2, 3, 4]);
    expect([o.width, o.height]).toEqual([3, 3]);
    const alpha = Array.from({ length: 9 }, (_, i) => o.data[4 * i + 3]);
    expect(alpha).toEqual([4, 0, 0, 0, 0, 0, 0, 0, 4]);
  });
});

describe('the mask shown is the mask saved', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nxr-mask-editor-'));
    file = (
      await simulateExperiment({
        outDir: dir,
        preset: 'small',
        seed: 8,
        cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
        spaceGroup: 'P m m m',
        entries: 1,
        nframes: 2,
        compression: 'bslz4',
        dtype: 'int32',
        sample: 'sim',
        label: 'xtal1',
        scan: 'e',
      })
    ).wrapperFile;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('for gaps, negative pixels, additions and removals', async () => {
    const shapes: EditorShape[] = [
      { id: 1, type: 'rectangle', x: 0, y: 180, width: 60, height: 50 }, // over a gap row
      { id: 2, type: 'circle', x: 30, y: 205, radius: 12, mode: 'remove' },
      {
        id: 3,
        type: 'polygon',
        points: [
          [300, 300],
          [360, 310],
          [320, 380],
        ],
      },
    ];
    // the dialog's preview: the layers only
    const p = await createMask({
      file,
      entry: 'f1',
      write: false,
      returnImage: true,
      negatives: 'none',
      gaps: 'none',
    });
    const layers = { shape: p.shape, base: p.mask, image: p.image ?? null, description: p.description };
    const gaps = gapMaskFor(layers, 'auto');
    expect(gaps.label).toBe('Pilatus 300k (description)');
    const shown = editorMask(layers, gaps.mask, true, shapes);
    // what Save computes in the engine
    const saved = await createMask({
      file,
      entry: 'f1',
      write: false,
      gaps: 'auto',
      negatives: 'auto',
      shapes: shapes.map(({ id: _id, ...s }) => s),
    });
    expect(shown.counts).toEqual(saved.counts);
    expect(Buffer.from(shown.mask).equals(Buffer.from(saved.mask))).toBe(true);
    expect(saved.counts.shapesRemoved).toBeGreaterThan(0);
  }, 60_000);
});
