/**
 * Simulated rotations for the transform, prepare-mask and combine tests (nxr simulate, tiny preset:
 * Pilatus 100K at 200 mm, 400 frames of 0.1°), made ready for Transform Data the way the Refine
 * menu leaves a scan: the truth U in every entry's orientation_matrix and the cell in
 * /entry/sample (Refine Lattice, Define Lattice), and the hot pixels added to pixel_mask (Find
 * Maximum does that: they are constant over the frames).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import { simulateExperiment } from '../../../src/engine/simulate/simulate-experiment.ts';
import type { Geometry, Mat3, UnitCell } from '../../../src/refine/geometry/models.ts';
import type { DiffuseModel } from '../../../src/refine/simulate/diffuse.ts';
import type { SimulatedReflection } from '../../../src/refine/simulate/models.ts';
import { toNxRefineOrientationMatrix } from '../../../src/refine/orient/orientation-matrix-convention.ts';
import type { HklGrid } from '../../../src/refine/transform/models.ts';

export interface TransformTruth {
  crystal: { cell: UnitCell; U: Mat3; UB: Mat3 };
  diffuse: DiffuseModel;
  background: { flat: number; air: number; airWidthDegrees: number };
  defects: { hotPixels: Array<{ x: number; y: number; value: number }> };
  entries: Array<{ name: string; geometry: Geometry; nframes: number; reflections: SimulatedReflection[] }>;
}

export interface OrientedScan {
  dir: string;
  wrapper: string;
  scanDir: string;
  truth: TransformTruth;
}

export async function simulateOrientedScan(dir: string, seed: number, entries = 1): Promise<OrientedScan> {
  const s = await simulateExperiment({
    outDir: dir,
    preset: 'tiny',
    seed,
    cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
    spaceGroup: 'P m m m',
    entries,
    compression: 'bslz4',
    dtype: 'int32',
    sample: 'sim',
    label: 'xtal1',
    scan: '300K',
  });
  const truth = JSON.parse(readFileSync(s.truthFile, 'utf8')) as TransformTruth;
  await updateNexusFile(s.wrapperFile, (w) => {
    for (const [k, v] of Object.entries(truth.crystal.cell)) w.field(`/entry/sample/unitcell_${k}`, v);
    for (const e of truth.entries) {
      w.field(
        `/${e.name}/instrument/detector/orientation_matrix`,
        Float64Array.from(toNxRefineOrientationMatrix(truth.crystal.U, truth.crystal.cell).flat()),
        {
          shape: [3, 3],
        },
      );
      const [ny, nx] = e.geometry.shape;
      const mask = Int8Array.from(w.readValue(`/${e.name}/instrument/detector/pixel_mask`) as Int8Array);
      for (const p of truth.defects.hotPixels) mask[p.y * nx + p.x] = 1;
      w.field(`/${e.name}/instrument/detector/pixel_mask`, mask, { shape: [ny, nx], dtype: '<i1' });
    }
  });
  return { dir, wrapper: s.wrapperFile, scanDir: join(dir, 'sim', 'xtal1', '300K'), truth };
}

export interface TransformArrays {
  v: Float32Array;
  n: Float32Array;
  shape: number[];
}

export async function readTransform(file: string): Promise<TransformArrays> {
  const f = await openNexusFile(file);
  try {
    return {
      v: f.readValue('/entry/data/v') as Float32Array,
      n: f.readValue('/entry/data/n') as Float32Array,
      shape: f.entity('/entry/data/v').shape!,
    };
  } finally {
    f.close();
  }
}

/** Index of the voxel whose centre is nearest (h, k, l), or −1 off the grid. */
export function voxelOf(grid: HklGrid, h: number, k: number, l: number): number {
  const ih = Math.round((h - grid.h.start) / grid.h.step);
  const ik = Math.round((k - grid.k.start) / grid.k.step);
  const il = Math.round((l - grid.l.start) / grid.l.step);
  if (ih < 0 || ik < 0 || il < 0 || ih >= grid.h.count || ik >= grid.k.count || il >= grid.l.count) return -1;
  return (il * grid.k.count + ik) * grid.h.count + ih;
}

/**
 * The strong reflections a transform must show: ≥ 2·10⁵ integrated counts, centre on a sensitive
 * pixel at least 5 px from the detector edge, crossing frames 15…385 (well inside first…last).
 */
export function strongReflections(truth: TransformTruth, entry = 0): SimulatedReflection[] {
  const e = truth.entries[entry]!;
  const [ny, nx] = e.geometry.shape;
  return e.reflections.filter(
    (r) =>
      r.counts > 2e5 &&
      !r.peakMasked &&
      r.frame > 15 &&
      r.frame < 385 &&
      r.x > 4 &&
      r.x < nx - 5 &&
      r.y > 4 &&
      r.y < ny - 5,
  );
}

/** Background b = flat + air·exp(−2θ/width) (counts/pixel/frame at monitor 1) at |Q| (1/d units). */
export function backgroundAt(truth: TransformTruth, q: number, wavelength: number): number {
  const b = truth.background;
  const tth = (2 * Math.asin((wavelength * q) / 2) * 180) / Math.PI;
  return b.flat + b.air * Math.exp(-tth / b.airWidthDegrees);
}

/** Q = UB·hkl (1/d units). */
export function qOf(UB: Mat3, h: number, k: number, l: number): [number, number, number] {
  return [0, 1, 2].map((i) => UB[i]![0]! * h + UB[i]![1]! * k + UB[i]![2]! * l) as [number, number, number];
}
