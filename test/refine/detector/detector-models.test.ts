/**
 * Module-gap masks of the DECTRIS models against real sources:
 * - the −1 pixels of real CBF frames (Pilatus 300K, Pilatus3 6M, Pilatus 12M, Eiger 16M XR4i) —
 *   the detector writes −1 in the gaps and −2 in bad pixels;
 * - the module positions of a DECTRIS Eiger 9M master file (detectorModule_*\/data_origin, data_size);
 * - pyFAI's table of detector shapes (MAX_SHAPE in pyFAI/detectors/_dectris.py, 2025-11).
 */
import { describe, expect, it } from 'vitest';

import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { readCbfImage } from '../../../src/engine/io/read-image.ts';
import {
  DETECTOR_MODELS,
  detectorModelsForShape,
  findDetectorModel,
  parseDetectorName,
  resolveDetectorLayout,
} from '../../../src/refine/detector/detector-models.ts';
import { computeModuleGapMask, EIGER_LAYOUT } from '../../../src/refine/detector/module-gaps.ts';
import { realdata } from '../../helpers/realdata.ts';

/** pyFAI MAX_SHAPE (ny, nx) per detector name, copied from pyFAI/detectors/_dectris.py. */
const PYFAI_SHAPES: Record<string, [number, number]> = {
  'Pilatus 100k': [195, 487],
  'Pilatus 200k': [407, 487],
  'Pilatus 300k': [619, 487],
  'Pilatus 300kw': [195, 1475],
  'Pilatus 900k': [619, 1475],
  'Pilatus 1M': [1043, 981],
  'Pilatus 2M': [1679, 1475],
  'Pilatus 6M': [2527, 2463],
  'Pilatus CdTe 300k': [619, 487],
  'Pilatus CdTe 300kw': [195, 1475],
  'Pilatus CdTe 900kw': [195, 4439],
  'Pilatus CdTe 1M': [1043, 981],
  'Pilatus CdTe 2M': [1679, 1475],
  'Eiger 500k': [514, 1030],
  'Eiger 1M': [1065, 1030],
  'Eiger 4M': [2167, 2070],
  'Eiger 9M': [3269, 3110],
  'Eiger 16M': [4371, 4150],
  'Eiger2 500k': [512, 1028],
  'Eiger2 1M': [1062, 1028],
  'Eiger2 1M-W': [512, 2068],
  'Eiger2 2M-W': [512, 4148],
  'Eiger2 4M': [2162, 2068],
  'Eiger2 9M': [3262, 3108],
  'Eiger2 16M': [4362, 4148],
  'Eiger2 CdTe 500k': [512, 1028],
  'Eiger2 CdTe 1M': [1062, 1028],
  'Eiger2 CdTe 1M-W': [512, 2068],
  'Eiger2 CdTe 2M-W': [512, 4148],
  'Eiger2 CdTe 4M': [2162, 2068],
  'Eiger2 CdTe 9M': [3262, 3108],
  'Eiger2 CdTe 16M': [4362, 4148],
  'Pilatus4 1M': [1080, 1033],
  'Pilatus4 2M': [1630, 1553],
  'Pilatus4 4M': [2180, 2073],
  'Pilatus4 260k': [530, 513],
  'Pilatus4 260kw': [255, 1033],
};

function sum(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i]!;
  return n;
}

describe('detector models', () => {
  it("give pyFAI's detector shapes for every pyFAI name", () => {
    for (const [name, shape] of Object.entries(PYFAI_SHAPES)) {
      const m = findDetectorModel(name);
      expect(m, name).toBeDefined();
      expect([...m!.shape], name).toEqual(shape);
    }
    // every model but Diamond's flattened Pilatus 12M is one of pyFAI's
    expect(DETECTOR_MODELS.map((m) => m.name).filter((n) => findDetectorModel(n) === undefined)).toEqual([]);
    expect(DETECTOR_MODELS.length).toBe(Object.keys(PYFAI_SHAPES).length + 1);
  });

  it('read the names as pyFAI, DECTRIS headers and NXRefine write them', () => {
    expect(findDetectorModel('PILATUS3 6M, S/N 60-0126')?.name).toBe('Pilatus 6M');
    expect(findDetectorModel('PILATUS 300K, S/N 3-0109')?.name).toBe('Pilatus 300k');
    expect(findDetectorModel('Pilatus CdTe 2M (simulated)')?.name).toBe('Pilatus CdTe 2M');
    expect(findDetectorModel('Pilatus 2M CdTe')?.name).toBe('Pilatus CdTe 2M');
    expect(findDetectorModel('Pilatus300kwCdTe')?.name).toBe('Pilatus CdTe 300kw');
    expect(findDetectorModel('PILATUS3 X CdTe 300K-W')?.name).toBe('Pilatus CdTe 300kw');
    expect(findDetectorModel('EIGER2 XE 16M')?.name).toBe('Eiger2 16M');
    expect(findDetectorModel('eiger2_1m-w')?.name).toBe('Eiger2 1M-W');
    expect(findDetectorModel('Eiger 4M')?.name).toBe('Eiger 4M');
    expect(findDetectorModel('Perkin Elmer XRD 1621')).toBeUndefined();
    expect(parseDetectorName('MAR 345')).toBeNull();
    expect(findDetectorModel('Pilatus 5M')).toBeUndefined();
  });

  it('mask the CdTe middle columns as pyFAI does (3 per Pilatus module, 2 per Eiger2 module)', () => {
    const p = findDetectorModel('Pilatus CdTe 2M')!;
    const si = computeModuleGapMask(p.shape, findDetectorModel('Pilatus 2M')!.layout);
    const cdte = computeModuleGapMask(p.shape, p.layout);
    const [ny, nx] = p.shape;
    // 3 columns × 3 module columns × (8 × 195 module rows)
    expect(sum(cdte) - sum(si)).toBe(3 * 3 * 8 * 195);
    for (const x of [241, 245, 735, 739]) expect(cdte[10 * nx + x]).toBe(0);
    for (const x of [242, 243, 244, 494 + 242, 494 + 244, 988 + 243]) expect(cdte[10 * nx + x]).toBe(1);
    expect(cdte[(ny - 1) * nx + 243]).toBe(1);
    const e = findDetectorModel('Eiger2 CdTe 1M')!;
    const em = computeModuleGapMask(e.shape, e.layout);
    expect(sum(em) - sum(computeModuleGapMask(e.shape, findDetectorModel('Eiger2 1M')!.layout))).toBe(
      2 * 1 * 2 * 512,
    );
    expect([em[512], em[513], em[514], em[515]]).toEqual([0, 1, 1, 0]);
  });

  it('choose the layout from the model, the description or the shape', () => {
    expect(resolveDetectorLayout([1679, 1475], { description: 'Pilatus CdTe 2M' })?.model?.name).toBe(
      'Pilatus CdTe 2M',
    );
    expect(resolveDetectorLayout([1679, 1475])?.model?.name).toBe('Pilatus 2M');
    expect(resolveDetectorLayout([1679, 1475], { description: 'unknown' })?.source).toBe('shape');
    expect(resolveDetectorLayout([1679, 1475], { description: 'x CdTe' })?.model?.name).toBe(
      'Pilatus CdTe 2M',
    );
    // a description of another size: chosen by shape, with a note
    const r = resolveDetectorLayout([2527, 2463], { description: 'Pilatus 2M' })!;
    expect(r.model?.name).toBe('Pilatus 6M');
    expect(r.note).toMatch(/Pilatus 2M/);
    // a custom assembly of Pilatus modules (2 × 2): tiled
    const t = resolveDetectorLayout([407, 981])!;
    expect(t.source).toBe('tiling');
    expect(t.family).toBe('Pilatus');
    expect(resolveDetectorLayout([100, 100])).toBeNull();
    expect(() => resolveDetectorLayout([1679, 1475], { model: 'Pilatus 6M' })).toThrow(/2527 × 2463/);
    expect(() => resolveDetectorLayout([1679, 1475], { model: 'Rayonix' })).toThrow(/unknown detector model/);
    expect(detectorModelsForShape([1679, 1475]).map((m) => m.name)).toEqual([
      'Pilatus 2M',
      'Pilatus CdTe 2M',
    ]);
  });
});

/** Real CBF frames: file, expected model, its −1 (gap) and −2 (bad pixel) counts from the README/fabio. */
const FRAMES: Array<[string, string, number, number]> = [
  ['dxtbx-tests/omega_scan.cbf', 'Pilatus 300k', 16558, 34],
  ['dials-data-files/image_examples/DLS_I03_smargon_0001.cbf.gz', 'Pilatus 6M', 526101, 1213],
  ['dials-data-files/image_examples/DLS_I23_P12M_thau_00001.cbf.gz', 'Pilatus 12M', 1094073, 98985],
  // the header says 'EIGER 16M XR4i' but the frame has the Eiger2 16M layout (4148 × 4362)
  ['dials-data-files/image_examples/dlsnxs2cbf_therm_0001.cbf.gz', 'Eiger2 16M', 1250824, 2496],
];

describe('gap masks against the −1 pixels of real frames', () => {
  for (const [rel, modelName, minusOne, minusTwo] of FRAMES) {
    it(`${rel.split('/').pop()}: ${modelName}`, async () => {
      const img = await readCbfImage(realdata(rel));
      const [ny, nx] = img.shape;
      const resolved = resolveDetectorLayout([ny, nx], { description: img.pilatus.detector ?? '' });
      expect(resolved?.model?.name).toBe(modelName);
      const gaps = computeModuleGapMask([ny, nx], resolved!.layout);
      let gapPixels = 0;
      let agree = 0;
      let m1 = 0;
      let m2 = 0;
      let m2InGap = 0;
      for (let i = 0; i < gaps.length; i++) {
        const v = img.data[i]!;
        if (v === -1) m1++;
        if (v === -2) m2++;
        if (gaps[i] === 1) {
          gapPixels++;
          if (v === -1) agree++;
          if (v === -2) m2InGap++;
        }
      }
      // the gap mask is exactly the set of −1 pixels
      expect(m1).toBe(minusOne);
      expect(gapPixels).toBe(minusOne);
      expect(agree).toBe(minusOne);
      // −2 (bad pixels) lie inside the modules
      expect(m2).toBe(minusTwo);
      expect(m2InGap).toBe(0);
    }, 30_000);
  }
});

describe('gap mask against a DECTRIS master file', () => {
  it('Eiger 9M: the 36 half-module readout regions cover exactly the non-gap pixels', async () => {
    const f = await openNexusFile(realdata('dials-data-files/image_examples/dectris_eiger_master.h5'));
    try {
      const base = '/entry/instrument/detector/detectorSpecific';
      const nx = Number(f.readValue(`${base}/x_pixels_in_detector`));
      const ny = Number(f.readValue(`${base}/y_pixels_in_detector`));
      expect([ny, nx]).toEqual([3269, 3110]);
      const model = resolveDetectorLayout([ny, nx])!;
      expect(model.model?.name).toBe('Eiger 9M');
      expect(model.layout).toEqual(EIGER_LAYOUT);
      const covered = new Uint8Array(ny * nx);
      let modules = 0;
      for (const child of f.children(base)) {
        if (!child.name.startsWith('detectorModule_')) continue;
        modules++;
        const p = `${base}/${child.name}`;
        const [x0, y0] = Array.from(f.readValue(`${p}/data_origin`) as ArrayLike<number>, Number);
        const [w, h] = Array.from(f.readValue(`${p}/data_size`) as ArrayLike<number>, Number);
        const rot = Number(f.readValue(`${p}/data_rotation`));
        // rotation 0: the region starts at the origin; 180: it ends just before it
        const xs = rot === 180 ? x0! - w! : x0!;
        const ys = rot === 180 ? y0! - h! : y0!;
        for (let y = ys; y < ys + h!; y++) for (let x = xs; x < xs + w!; x++) covered[y * nx + x]! += 1;
      }
      expect(modules).toBe(36);
      const gaps = computeModuleGapMask([ny, nx], model.layout);
      let mismatches = 0;
      let overlap = 0;
      for (let i = 0; i < gaps.length; i++) {
        if (covered[i]! > 1) overlap++;
        if ((covered[i] === 0 ? 1 : 0) !== gaps[i]) mismatches++;
      }
      expect(overlap).toBe(0);
      expect(mismatches).toBe(0);
      expect(sum(gaps)).toBe(637030);
    } finally {
      f.close();
    }
  }, 30_000);
});
