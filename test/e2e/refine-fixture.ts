// Simulated experiments for the Refine e2e test, and an independent reader (Debian's h5py).
import { copyFileSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

import type { Geometry, UnitCell } from '../../src/refine/geometry/models.ts';
import { simulateExperiment, type SimulateOptions } from '../../src/engine/simulate/simulate-experiment.ts';
import { pyJson } from '../helpers/python.ts';

export interface Truth {
  crystal: { cell: UnitCell; spaceGroup: string; U: number[][] };
  entries: Array<{
    name: string;
    geometry: Geometry;
    nframes: number;
    /** The simulated Bragg reflections: hkl and predicted centre (px, frame). */
    reflections: Array<{ h: number; k: number; l: number; x: number; y: number; frame: number }>;
  }>;
}

/** The true hkl of each peak (x, y, z) within 1.5 px and 1.5 frames of a simulated reflection. */
export function truthHklOf(
  truth: Truth,
  peaks: { x: number[]; y: number[]; z: number[] },
): Array<[number, number, number] | undefined> {
  const refl = truth.entries[0]!.reflections;
  return peaks.x.map((x, i) => {
    const r = refl.find(
      (t) =>
        Math.abs(t.x - x) < 1.5 && Math.abs(t.y - peaks.y[i]!) < 1.5 && Math.abs(t.frame - peaks.z[i]!) < 1.5,
    );
    return r ? [r.h, r.k, r.l] : undefined;
  });
}

export interface Experiments {
  /** The served folder. */
  root: string;
  /** tiny/sim/xtal1/sim_300K.nxs (400 frames) and sim_100K.nxs (40 frames), served-folder relative. */
  scan300K: string;
  scan100K: string;
  /** p2m/sim/xtal1/sim_300K.nxs: 5 frames of 1475 × 1679. */
  pilatus2m: string;
  /** broken/truncated.nxs: the first 40 % of a wrapper file. */
  truncated: string;
  truth: Truth;
}

const base = (
  outDir: string,
  preset: SimulateOptions['preset'],
  scan: string,
  nframes?: number,
): SimulateOptions => ({
  outDir,
  preset,
  seed: 1,
  cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
  spaceGroup: 'P m m m',
  entries: 1,
  ...(nframes !== undefined ? { nframes } : {}),
  compression: 'bslz4',
  dtype: 'int32',
  sample: 'sim',
  label: 'xtal1',
  scan,
});

export async function makeExperiments(root: string): Promise<Experiments> {
  const tiny = join(root, 'tiny');
  // the short scan first: truth.json is the main scan's
  await simulateExperiment(base(tiny, 'tiny', '100K', 40));
  await simulateExperiment(base(tiny, 'tiny', '300K'));
  await simulateExperiment(base(join(root, 'p2m'), 'pilatus2m', '300K', 5));
  const wrapper = join(tiny, 'sim', 'xtal1', 'sim_100K.nxs');
  const truncated = join(root, 'broken', 'truncated.nxs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'broken'));
  copyFileSync(wrapper, truncated);
  truncateSync(truncated, Math.floor(statSync(wrapper).size * 0.4));
  return {
    root,
    scan300K: 'tiny/sim/xtal1/sim_300K.nxs',
    scan100K: 'tiny/sim/xtal1/sim_100K.nxs',
    pilatus2m: 'p2m/sim/xtal1/sim_300K.nxs',
    truncated: 'broken/truncated.nxs',
    truth: JSON.parse(readFileSync(join(tiny, 'truth.json'), 'utf8')) as Truth,
  };
}

/** Runs Python with h5py on a file (sys.argv[1] is `file`, `f` the open h5py.File); `expr` is printed as JSON. */
export function h5py<T>(file: string, body: string): T {
  return pyJson<T>(
    [
      'import sys, json',
      'import numpy as np',
      'import h5py',
      'try:',
      '    import hdf5plugin  # noqa: F401 (bitshuffle/LZ4 frames)',
      'except ImportError:',
      '    pass',
      "f = h5py.File(sys.argv[1], 'r')",
      body,
    ].join('\n'),
    [file],
  );
}
