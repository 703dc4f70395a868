/**
 * A simulated hexagonal rotation made ready for Transform Data (nxr simulate, tiny preset: Pilatus
 * 100K, 400 frames of 0.1°; a = b = 3.9 Å, c = 6.2 Å, γ = 120°, so γ* = 60°), the way the Refine
 * menu leaves a scan: the cell in /entry/sample (Define Lattice), the truth U in
 * f1/instrument/detector/orientation_matrix (Refine Lattice) and the hot pixels in pixel_mask (Find
 * Maximum; a hot pixel would draw an arc through the grid, brighter than some peaks).
 */
import { readFileSync } from 'node:fs';

import { updateNexusFile } from '../../src/engine/io/nexus-writer.ts';
import { simulateExperiment } from '../../src/engine/simulate/simulate-experiment.ts';
import type { Geometry, Mat3, UnitCell } from '../../src/refine/geometry/models.ts';
import { toNxRefineOrientationMatrix } from '../../src/refine/orient/orientation-matrix-convention.ts';
import type { SimulatedReflection } from '../../src/refine/simulate/models.ts';

export const HEXAGONAL_CELL: UnitCell = { a: 3.9, b: 3.9, c: 6.2, alpha: 90, beta: 90, gamma: 120 };

export interface HexagonalTruth {
  crystal: { cell: UnitCell; U: Mat3; UB: Mat3 };
  defects: { hotPixels: Array<{ x: number; y: number }> };
  entries: Array<{ name: string; geometry: Geometry; nframes: number; reflections: SimulatedReflection[] }>;
}

export async function simulateHexagonalScan(
  outDir: string,
  seed = 3,
): Promise<{ wrapper: string; truth: HexagonalTruth }> {
  const s = await simulateExperiment({
    outDir,
    preset: 'tiny',
    seed,
    cell: HEXAGONAL_CELL,
    spaceGroup: 'P 6/m m m',
    entries: 1,
    compression: 'bslz4',
    dtype: 'int32',
    sample: 'sim',
    label: 'xtal1',
    scan: '300K',
  });
  const truth = JSON.parse(readFileSync(s.truthFile, 'utf8')) as HexagonalTruth;
  await updateNexusFile(s.wrapperFile, (w) => {
    for (const [key, v] of Object.entries(truth.crystal.cell)) w.field(`/entry/sample/unitcell_${key}`, v);
    w.field(
      '/f1/instrument/detector/orientation_matrix',
      Float64Array.from(toNxRefineOrientationMatrix(truth.crystal.U, truth.crystal.cell).flat()),
      { shape: [3, 3] },
    );
    const [ny, nx] = truth.entries[0]!.geometry.shape;
    const mask = Int8Array.from(w.readValue('/f1/instrument/detector/pixel_mask') as Int8Array);
    for (const p of truth.defects.hotPixels) mask[p.y * nx + p.x] = 1;
    w.field('/f1/instrument/detector/pixel_mask', mask, { shape: [ny, nx], dtype: '<i1' });
  });
  return { wrapper: s.wrapperFile, truth };
}

/**
 * The strong reflections a transform must show: ≥ 2·10⁵ integrated counts, centre on a sensitive
 * pixel at least 5 px from the detector edge, crossing frames 15…385, |h|, |k| ≤ 3.9.
 */
export function strongHexagonalReflections(truth: HexagonalTruth): SimulatedReflection[] {
  const e = truth.entries[0]!;
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
      r.y < ny - 5 &&
      Math.abs(r.h) <= 3.9 &&
      Math.abs(r.k) <= 3.9,
  );
}
