/**
 * A synthetic transform with known values, written by our own writers as Transform Data writes
 * one (writeTransformGroup: NXdata with data/weights external links, Qh/Qk/Ql with scaling factors,
 * @angles = (γ*, β*, α*) from the cell): <dir>/<name>_transform.nxs holds /entry/data/v and n
 * (L, K, H) float32, <dir>/<name>.nxs holds /f1/transform.
 *
 * Values: intensity I(h, k, l) = 1 + 0.5·h + 0.25·k + 0.125·l + Bragg peaks (1000 + 100·|h| +
 * 10·|k| + |l|)·exp(−d²/2σ²) at every integer hkl (σ = 0.05 r.l.u.); weight
 * n = 1 + ((ih + 2·ik + 3·il) mod 4) / 2 except n = 0 (unmeasured) where h > `unmeasuredAbove`;
 * v = I·n. So v/n = I where n > 0, NaN elsewhere.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { createNexusFile } from '../../src/engine/io/nexus-writer.ts';
import { writeTransformAxes, writeTransformGroup } from '../../src/engine/jobs/transform.ts';
import type { UnitCell } from '../../src/refine/geometry/models.ts';
import { axisValues, type HklGrid } from '../../src/refine/transform/models.ts';

export interface SyntheticTransformSpec {
  grid: HklGrid;
  cell: UnitCell;
  /** Voxels with h above this have n = 0. @default Infinity */
  unmeasuredAbove?: number;
  /** Chunks of v and n (L, K, H). @default [4, 16, 16] clipped */
  chunks?: [number, number, number];
  compression?: 'none' | 'gzip';
  name?: string;
}

export interface SyntheticTransform {
  wrapper: string;
  transformFile: string;
  /** The NXdata group in the wrapper. */
  group: string;
  grid: HklGrid;
  cell: UnitCell;
  intensity: (h: number, k: number, l: number) => number;
  weight: (ih: number, ik: number, il: number) => number;
}

export const PEAK_SIGMA = 0.05;

export function syntheticIntensity(h: number, k: number, l: number): number {
  const H = Math.round(h);
  const K = Math.round(k);
  const L = Math.round(l);
  const d2 = (h - H) ** 2 + (k - K) ** 2 + (l - L) ** 2;
  const peak =
    (1000 + 100 * Math.abs(H) + 10 * Math.abs(K) + Math.abs(L)) * Math.exp(-d2 / (2 * PEAK_SIGMA ** 2));
  return 1 + 0.5 * h + 0.25 * k + 0.125 * l + peak;
}

export async function writeSyntheticTransform(
  dir: string,
  spec: SyntheticTransformSpec,
): Promise<SyntheticTransform> {
  mkdirSync(dir, { recursive: true });
  const name = spec.name ?? 'synth';
  const { grid, cell } = spec;
  const cut = spec.unmeasuredAbove ?? Infinity;
  const hv = axisValues(grid.h);
  const kv = axisValues(grid.k);
  const lv = axisValues(grid.l);
  const nh = grid.h.count;
  const nk = grid.k.count;
  const nl = grid.l.count;
  const weight = (ih: number, ik: number, il: number): number =>
    hv[ih]! > cut ? 0 : 1 + ((ih + 2 * ik + 3 * il) % 4) / 2;
  const transformFile = join(dir, `${name}_transform.nxs`);
  const w = await createNexusFile(transformFile, { overwrite: true });
  try {
    w.group('/entry', 'NXentry');
    w.group('/entry/data', 'NXdata', { signal: 'v', axes: ['Ql', 'Qk', 'Qh'] });
    writeTransformAxes(w, '/entry/data', grid, cell);
    const chunks = spec.chunks ?? [Math.min(4, nl), Math.min(16, nk), Math.min(16, nh)];
    for (const a of ['v', 'n']) {
      w.createStack(`/entry/data/${a}`, {
        frameShape: [nk, nh],
        dtype: '<f4',
        compression: spec.compression ?? 'none',
        chunks,
        maxFrames: nl,
      });
    }
    // a block of L planes at a time (the 401³ grid of the measurement is 258 MB per array)
    const block = Math.max(1, Math.floor((16 * 2 ** 20) / (nk * nh)));
    for (let l0 = 0; l0 < nl; l0 += block) {
      const l1 = Math.min(nl, l0 + block);
      const v = new Float32Array((l1 - l0) * nk * nh);
      const n = new Float32Array(v.length);
      let o = 0;
      for (let il = l0; il < l1; il++)
        for (let ik = 0; ik < nk; ik++)
          for (let ih = 0; ih < nh; ih++, o++) {
            const wt = weight(ih, ik, il);
            n[o] = wt;
            v[o] = wt * syntheticIntensity(hv[ih]!, kv[ik]!, lv[il]!);
          }
      w.appendFrames('/entry/data/v', v);
      w.appendFrames('/entry/data/n', n);
    }
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
  const wrapper = join(dir, `${name}.nxs`);
  const ww = await createNexusFile(wrapper, { overwrite: true });
  try {
    ww.group('/f1', 'NXentry');
    writeTransformGroup(ww, wrapper, 'f1', 'transform', transformFile, grid, cell, 'synthetic');
    ww.close();
  } catch (e) {
    ww.abort();
    throw e;
  }
  return {
    wrapper,
    transformFile,
    group: '/f1/transform',
    grid,
    cell,
    intensity: syntheticIntensity,
    weight,
  };
}
