/**
 * Simulated NXRefine experiments for the job tests (nxr simulate, tiny preset): each scan's
 * truth.json is kept as truth-<scan>.json because the simulator rewrites truth.json per scan.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { simulateExperiment } from '../../../src/engine/simulate/simulate-experiment.ts';
import type { Geometry, Mat3, UnitCell } from '../../../src/refine/geometry/models.ts';
import type { SimulatedReflection } from '../../../src/refine/simulate/models.ts';

export interface Truth {
  crystal: { cell: UnitCell; spaceGroup: string; U: Mat3; UB: Mat3 };
  entries: Array<{ name: string; geometry: Geometry; nframes: number; reflections: SimulatedReflection[] }>;
}

export interface SimScan {
  experimentDir: string;
  wrapper: string;
  truth: Truth;
}

export interface SimScanOptions {
  scan: string;
  seed: number;
  entries?: number;
  frames?: number;
  cell?: UnitCell;
  spaceGroup?: string;
}

export async function simulateScan(experimentDir: string, o: SimScanOptions): Promise<SimScan> {
  const summary = await simulateExperiment({
    outDir: experimentDir,
    preset: 'tiny',
    seed: o.seed,
    cell: o.cell ?? { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
    spaceGroup: o.spaceGroup ?? 'P m m m',
    entries: o.entries ?? 1,
    ...(o.frames !== undefined ? { nframes: o.frames } : {}),
    compression: 'bslz4',
    dtype: 'int32',
    sample: 'sim',
    label: 'xtal1',
    scan: o.scan,
  });
  const truthFile = join(experimentDir, `truth-${o.scan}.json`);
  renameSync(summary.truthFile, truthFile);
  return {
    experimentDir,
    wrapper: summary.wrapperFile,
    truth: JSON.parse(readFileSync(truthFile, 'utf8')) as Truth,
  };
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** An AbortSignal-like object that reports aborted from its `n`-th look on (to abort mid-update). */
export function abortOnCheck(n: number): AbortSignal {
  let looks = 0;
  return {
    get aborted() {
      looks++;
      return looks >= n;
    },
  } as AbortSignal;
}
