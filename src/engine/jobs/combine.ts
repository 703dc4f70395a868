/**
 * Combine (spec §4.16; NXMultiReduce.nxcombine with `cctw merge`): the transforms of the detector
 * entries of a scan, summed voxel by voxel — v and n separately, so v/n stays the normalised
 * intensity of all entries together (HEAD's `--normalization 1` would store v/n instead; we keep
 * both sums as NXRefine classic does).
 *
 *   <scan>/transform.nxs, <scan>/masked_transform.nxs   /entry/data/v, /entry/data/n (L, K, H)
 *   wrapper /entry/transform, /entry/masked_transform     NXdata as for the entries (data, weights,
 *           axes from the first entry, @angles); /entry/nxcombine, /entry/nxmasked_combine records
 *
 * All entries must share the grid (the same Qh, Qk, Ql). The sum is streamed in slabs of L planes,
 * so the grid never has to fit in memory.
 */
import { dirname, join, resolve } from 'node:path';

import { detectorEntries } from '../../nexus/schema/nxrefine-paths.ts';
import type { UnitCell } from '../../refine/geometry/models.ts';
import { defineGridAxis } from '../../refine/transform/define-grid-axis.ts';
import type { HklGrid } from '../../refine/transform/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile, type NexusFile } from '../io/nexus-file.ts';
import { createNexusFile, updateNexusFile } from '../io/nexus-writer.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readNumbers } from './read-fields.ts';
import { readSampleLattice } from './read-sample-lattice.ts';
import { commitReplacing, transformChunks, writeTransformAxes, writeTransformGroup } from './transform.ts';

export type TransformKind = 'transform' | 'masked_transform';

export interface CombineOptions {
  /** The scan (wrapper) file. */
  file: string;
  /** Entries to combine. @default every fN entry that has the transform */
  entries?: string[];
  /** Which transforms. @default both kinds that the entries have */
  kinds?: TransformKind[];
  /** Bytes of the L-plane slabs summed at a time (inputs and sums). @default 512 MiB */
  slabBytes?: number;
}

export interface CombinedTransform {
  kind: TransformKind;
  entries: string[];
  outputFile: string;
  grid: HklGrid;
  sumCounts: number;
  sumWeights: number;
}

export interface CombineResult {
  file: string;
  combined: CombinedTransform[];
  seconds: number;
}

interface Source {
  entry: string;
  v: { file: string; path: string };
  n: { file: string; path: string };
  axes: { h: number[]; k: number[]; l: number[] };
}

function linkTarget(f: NexusFile, path: string): { file: string; path: string } {
  if (!f.has(path))
    throw new NxrError({
      code: f.entity(path).dangling ? 'DANGLING_LINK' : 'MISSING_PATH',
      message: 'transform data missing',
      file: f.file,
      path,
    });
  const node = f.entity(path, { attrs: false, maxDepth: 0 });
  if (node.link?.type === 'external' && node.link.resolvedFile !== undefined)
    return { file: node.link.resolvedFile, path: node.link.target };
  return { file: f.file, path };
}

function sameAxis(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-9 * Math.max(1, Math.abs(v)));
}

function gridFromAxes(axes: Source['axes']): HklGrid {
  const axis = (v: number[], name: string): HklGrid['h'] =>
    v.length === 1
      ? { start: v[0]!, step: 1, count: 1 }
      : defineGridAxis(v[0]!, v[1]! - v[0]!, v[v.length - 1]!, name);
  return { h: axis(axes.h, 'H'), k: axis(axes.k, 'K'), l: axis(axes.l, 'L') };
}

export async function combineTransforms(
  options: CombineOptions,
  ctx: JobContext = {},
): Promise<CombineResult> {
  const t0 = performance.now();
  const file = resolve(options.file);
  const f = await openNexusFile(file);
  const plans: Array<{ kind: TransformKind; sources: Source[] }> = [];
  let cell: UnitCell | undefined;
  try {
    const all = detectorEntries(f.children('/', { attrs: false }).map((c) => c.name));
    const entries = options.entries?.map((e) => e.replace(/^\/+/, '')) ?? all;
    for (const e of entries)
      if (!f.has(`/${e}`))
        throw new NxrError({ code: 'MISSING_PATH', message: `no entry '${e}'`, file, path: `/${e}` });
    cell = (await readSampleLattice(f, '/entry/sample')).cell;
    const kinds = options.kinds ?? (['transform', 'masked_transform'] as const);
    for (const kind of kinds) {
      const having = entries.filter((e) => f.has(`/${e}/${kind}`));
      if (having.length === 0) {
        if (options.kinds)
          throw new NxrError({ code: 'MISSING_PATH', message: `no entry has a ${kind}`, file });
        continue;
      }
      if (options.entries && having.length < entries.length) {
        const missing = entries.find((e) => !having.includes(e))!;
        throw new NxrError({
          code: 'MISSING_PATH',
          message: `${missing} has no ${kind}`,
          file,
          path: `/${missing}/${kind}`,
        });
      }
      const sources: Source[] = having.map((e) => {
        const g = `/${e}/${kind}`;
        const axis = (q: string): number[] => {
          const v = readNumbers(f, `${g}/${q}`);
          if (!v)
            throw new NxrError({
              code: 'MISSING_PATH',
              message: `axis ${q} missing`,
              file,
              path: `${g}/${q}`,
            });
          return v;
        };
        return {
          entry: e,
          v: linkTarget(f, `${g}/data`),
          n: linkTarget(f, `${g}/weights`),
          axes: { h: axis('Qh'), k: axis('Qk'), l: axis('Ql') },
        };
      });
      const ref = sources[0]!;
      for (const s of sources.slice(1))
        for (const k of ['h', 'k', 'l'] as const)
          if (!sameAxis(s.axes[k], ref.axes[k]))
            throw new NxrError({
              code: 'BAD_PARAMETER',
              message: `${s.entry}/${kind} has another Q${k} grid than ${ref.entry}: transform every entry onto the same grid`,
              file,
              path: `/${s.entry}/${kind}/Q${k}`,
            });
      plans.push({ kind, sources });
    }
  } finally {
    f.close();
  }
  if (plans.length === 0)
    throw new NxrError({ code: 'MISSING_PATH', message: 'no entry has a transform to combine', file });
  if (!cell)
    throw new NxrError({
      code: 'MISSING_PATH',
      message: 'no unit cell in /entry/sample',
      file,
      path: '/entry/sample',
    });

  const combined: CombinedTransform[] = [];
  const totalPlanes = plans.reduce((s, p) => s + p.sources[0]!.axes.l.length, 0);
  let planesDone = 0;
  for (const { kind, sources } of plans) {
    const grid = gridFromAxes(sources[0]!.axes);
    const nh = grid.h.count;
    const nk = grid.k.count;
    const nl = grid.l.count;
    const outputFile = join(dirname(sources[0]!.v.file), `${kind}.nxs`);
    const inputs = await Promise.all(
      sources.map(async (s) => ({ s, v: await openNexusFile(s.v.file), n: await openNexusFile(s.n.file) })),
    );
    let sumCounts = 0;
    let sumWeights = 0;
    const w = await createNexusFile(outputFile, { overwrite: true, purpose: 'nxr combine' });
    try {
      for (const { s, v, n } of inputs)
        for (const [h, target] of [
          [v, s.v],
          [n, s.n],
        ] as const) {
          const shape = h.entity(target.path, { attrs: false, maxDepth: 0 }).shape;
          if (shape?.[0] !== nl || shape[1] !== nk || shape[2] !== nh)
            throw new NxrError({
              code: 'WRONG_SHAPE',
              message: `shape ${JSON.stringify(shape)} is not the grid's [${nl}, ${nk}, ${nh}]`,
              file: target.file,
              path: target.path,
            });
        }
      w.group('/entry', 'NXentry');
      w.group('/entry/data', 'NXdata', { signal: 'v', axes: ['Ql', 'Qk', 'Qh'] });
      writeTransformAxes(w, '/entry/data', grid, cell);
      const chunks = transformChunks(grid);
      for (const name of ['v', 'n'] as const)
        w.createStack(`/entry/data/${name}`, {
          frameShape: [nk, nh],
          dtype: '<f4',
          compression: 'none',
          chunks,
          maxFrames: nl,
        });
      const plane = nk * nh * 4;
      const planes = Math.max(
        1,
        Math.min(nl, Math.floor((options.slabBytes ?? 512 * 1024 ** 2) / (4 * plane))),
      );
      const sv = new Float32Array(planes * nk * nh);
      const sn = new Float32Array(planes * nk * nh);
      for (let l0 = 0; l0 < nl; l0 += planes) {
        throwIfAborted(ctx.signal, file);
        const l1 = Math.min(nl, l0 + planes);
        const size = (l1 - l0) * nk * nh;
        sv.fill(0);
        sn.fill(0);
        for (const { s, v, n } of inputs) {
          const a = v.readSlice(s.v.path, [[l0, l1], [], []]).data;
          const b = n.readSlice(s.n.path, [[l0, l1], [], []]).data;
          for (let i = 0; i < size; i++) {
            sv[i] = sv[i]! + Number(a[i]);
            sn[i] = sn[i]! + Number(b[i]);
          }
        }
        for (let i = 0; i < size; i++) {
          sumCounts += sv[i]!;
          sumWeights += sn[i]!;
        }
        w.appendFrames('/entry/data/v', sv.subarray(0, size));
        w.appendFrames('/entry/data/n', sn.subarray(0, size));
        planesDone += l1 - l0;
        ctx.onProgress?.(Math.min(0.99, planesDone / totalPlanes), `${kind}: plane ${l1}/${nl}`);
      }
      commitReplacing(w, outputFile);
    } catch (e) {
      w.abort();
      throw e;
    } finally {
      for (const { v, n } of inputs) {
        v.close();
        n.close();
      }
    }
    const command = `cctw merge ${sources.map((s) => `${s.v.file}\\#/entry/data`).join(' ')} -o ${outputFile}\\#/entry/data/v`;
    const output = `${sources.map((s) => s.entry).join(', ')} → ${outputFile} (Σv = ${sumCounts.toPrecision(8)}, Σn = ${sumWeights.toPrecision(8)})`;
    await updateNexusFile(
      file,
      (wr) => {
        writeTransformGroup(wr, file, 'entry', kind, outputFile, grid, cell, command);
        wr.record(
          '/entry',
          processRecordFor(file, kind === 'transform' ? 'nxcombine' : 'nxmasked_combine', {
            command,
            output,
            errors: '',
          }),
        );
      },
      { purpose: 'nxr combine' },
    );
    ctx.onLog?.(`${kind}: ${output}`);
    combined.push({ kind, entries: sources.map((s) => s.entry), outputFile, grid, sumCounts, sumWeights });
  }
  ctx.onProgress?.(1, 'done');
  return { file, combined, seconds: (performance.now() - t0) / 1000 };
}
