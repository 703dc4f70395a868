/**
 * Prepare 3D Mask (spec §5.3; NXReduce.nxprepare, `nxutils.mask_volume`): an int8 volume shaped like
 * the raw frames, 1 where a pixel of a frame belongs to a Bragg peak — large frame-to-frame changes
 * over a large enough area — so that the masked transform can leave the peaks out.
 *
 *   <scan>/<entry>_mask.nxs   /entry/mask int8 (frames, ny, nx), chunks of the raw frames, gzip
 *   wrapper <entry>/data/data_mask → external link to it; <entry>/nxprepare_mask NXprocess
 *
 * Differences from NXRefine, on purpose (docs/guide/prepare-mask.md): every frame first…last is
 * computed (NXRefine's slabs never write frame `last`, nor frame 0 when first = 0); a detector
 * gap on the edge of the detector takes its one neighbour (NXRefine wraps around or fails); a
 * pixel mask without full-line gaps is fine (NXRefine's fill_gaps fails); Pilatus module gaps
 * count as gaps even when pixel_mask lacks them; box fractions equal to t2 are not masked
 * (NXRefine stores t2, truncated to 0 in int8 for t2 < 1). Frames outside first…last are masked.
 */
import { basename, dirname, join, relative, resolve } from 'node:path';

import { computeModuleGapMask, fitsModuleLayout } from '../../refine/detector/module-gaps.ts';
import { findDetectorGaps } from '../../refine/mask/detector-gaps.ts';
import { checkBraggMaskParameters } from '../../refine/mask/flag-frame-difference.ts';
import { DEFAULT_BRAGG_MASK_PARAMETERS, type BraggMaskParameters } from '../../refine/mask/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { createNexusFile, updateNexusFile } from '../io/nexus-writer.ts';
import { FramePool } from '../pool/frame-pool.ts';
import type { RangeResult } from '../pool/models.ts';
import type { PrepareMaskKernelPart } from '../pool/kernels/prepare-mask.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readDetectorShape, readEntryFrameCount } from './read-entry-geometry.ts';
import { readNumbers, readText } from './read-fields.ts';
import { readReductionParameters } from './reduction-parameters.ts';
import { scanLayout } from './scan-layout.ts';

export interface PrepareMaskOptions {
  /** The scan (wrapper) file. */
  file: string;
  /** Detector entry, e.g. 'f1'. */
  entry: string;
  /** t1, h1, t2, h2. @default 2, 11, 0.8, 51 (NXRefine) */
  params?: Partial<BraggMaskParameters>;
  /** First and last frame computed, inclusive. @default the reduction parameters */
  first?: number;
  last?: number;
  /** Treat Pilatus module gaps as detector gaps even when pixel_mask lacks them. @default 'auto' */
  moduleGaps?: 'auto' | 'none';
  pool?: FramePool;
  /** @default min(2, cores) */
  workers?: number;
  /** Frames per pool task. @default 16 */
  framesPerTask?: number;
}

export interface PrepareMaskResult {
  file: string;
  entry: string;
  maskFile: string;
  params: BraggMaskParameters;
  first: number;
  last: number;
  nframes: number;
  /** Masked pixel-frames inside first…last, and their fraction. */
  maskedVoxels: number;
  maskedFraction: number;
  seconds: number;
}

const entryPath = (entry: string, rel = ''): string => `/${entry}${rel ? `/${rel}` : ''}`;

export async function prepareMask(
  options: PrepareMaskOptions,
  ctx: JobContext = {},
): Promise<PrepareMaskResult> {
  const t0 = performance.now();
  const file = resolve(options.file);
  const entry = options.entry.replace(/^\/+/, '');
  const params = checkBraggMaskParameters({ ...DEFAULT_BRAGG_MASK_PARAMETERS, ...(options.params ?? {}) });
  const reduction = await readReductionParameters(file);
  const f = await openNexusFile(file);
  let nframes: number;
  let shape: [number, number];
  let chunks: [number, number, number];
  let pixelMask: Uint8Array;
  let scanDir: string;
  const dataPath = entryPath(entry, 'data/data');
  try {
    if (!f.has(entryPath(entry)))
      throw new NxrError({
        code: 'MISSING_PATH',
        message: `no entry '${entry}'`,
        file,
        path: entryPath(entry),
      });
    const n = readEntryFrameCount(f, entry);
    if (n === undefined || !f.has(dataPath))
      throw new NxrError({ code: 'MISSING_PATH', message: 'no frames (data/data)', file, path: dataPath });
    nframes = n;
    const node = f.entity(dataPath, { attrs: false, maxDepth: 0 });
    shape = readDetectorShape(f, entry) ?? [node.shape![1]!, node.shape![2]!];
    if (node.shape?.[1] !== shape[0] || node.shape[2] !== shape[1])
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `frames ${JSON.stringify(node.shape)} do not match the detector shape [${shape.join(', ')}]`,
        file,
        path: dataPath,
      });
    const c = node.chunks;
    chunks = c && c.length === 3 ? [Math.min(c[0]!, nframes), c[1]!, c[2]!] : [1, shape[0], shape[1]];
    const [ny, nx] = shape;
    pixelMask = new Uint8Array(ny * nx);
    const maskPath = entryPath(entry, 'instrument/detector/pixel_mask');
    const m = readNumbers(f, maskPath);
    if (m) {
      if (m.length !== ny * nx)
        throw new NxrError({
          code: 'WRONG_SHAPE',
          message: `pixel_mask has ${m.length} values, the detector ${ny}×${nx}`,
          file,
          path: maskPath,
        });
      for (let i = 0; i < m.length; i++) pixelMask[i] = m[i] !== 0 ? 1 : 0;
    }
    const description = readText(f, entryPath(entry, 'instrument/detector/description')) ?? '';
    if (
      options.moduleGaps !== 'none' &&
      fitsModuleLayout(shape) &&
      (description === '' || /pilatus/i.test(description))
    ) {
      const gaps = computeModuleGapMask(shape);
      for (let i = 0; i < gaps.length; i++) if (gaps[i]) pixelMask[i] = 1;
    }
    const link = node.link;
    scanDir =
      link?.type === 'external' && link.resolvedFile !== undefined
        ? dirname(link.resolvedFile)
        : scanLayout(file).scanDir;
  } finally {
    f.close();
  }
  const first = options.first ?? reduction.values.first;
  let last = options.last ?? reduction.values.last;
  if (options.last === undefined && last > nframes - 1) last = nframes - 1;
  if (!(Number.isInteger(first) && Number.isInteger(last) && first >= 0 && last < nframes && first <= last))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `frame range ${first}…${last} is not inside 0…${nframes - 1}`,
      file,
      path: dataPath,
    });
  const gaps = findDetectorGaps(pixelMask, shape[0], shape[1]);
  const maskFile = join(scanDir, `${entry}_mask.nxs`);
  ctx.onLog?.(
    `${entry}: 3-D mask of frames ${first}…${last} (t1 ${params.t1}, h1 ${params.h1}, t2 ${params.t2}, h2 ${params.h2}; ` +
      `${gaps.columns.length} column and ${gaps.rows.length} row gaps)`,
  );

  const pool = options.pool ?? new FramePool(options.workers !== undefined ? { size: options.workers } : {});
  const ownPool = options.pool === undefined;
  const perTask = Math.max(1, Math.floor(options.framesPerTask ?? 16));
  const batch = perTask * pool.size * 2;
  const frameCount = shape[0] * shape[1];
  let masked = 0;
  let next: Promise<RangeResult<PrepareMaskKernelPart>[]> | undefined;
  const w = await createNexusFile(maskFile, { overwrite: true, purpose: `nxr prepare-mask ${entry}` });
  try {
    w.group('/entry', 'NXentry');
    w.createStack('/entry/mask', {
      frameShape: shape,
      dtype: '<i1',
      // gzip (readable everywhere without plugins) at level 1: 2.6× faster than level 4 on masks
      compression: { gzip: 1 },
      chunks,
      maxFrames: nframes,
    });
    const run = (b0: number): Promise<RangeResult<PrepareMaskKernelPart>[]> =>
      pool.runKernel(
        'prepare-mask',
        { params, gaps, first, last },
        {
          file,
          dataset: dataPath,
          frames: [b0, Math.min(nframes, b0 + batch)],
          chunkFrames: perTask,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onProgress: ({ done }) =>
            ctx.onProgress?.(Math.min(0.99, (b0 + done) / nframes), `frame ${b0 + done}`),
        },
      );
    // one batch computed while the previous one is written
    next = run(0);
    for (let b0 = 0; b0 < nframes; b0 += batch) {
      const parts = await next;
      if (b0 + batch < nframes) next = run(b0 + batch);
      throwIfAborted(ctx.signal, file);
      for (const p of parts) {
        w.appendFrames('/entry/mask', p.result.mask, p.stop - p.start);
        for (let z = p.start; z < p.stop; z++)
          if (z >= first && z <= last) masked += p.result.counts[z - p.start]!;
      }
    }
    w.close();
  } catch (e) {
    // a batch still running rejects when the pool closes: that is expected, not unhandled
    next?.catch(() => undefined);
    w.abort();
    throw e;
  } finally {
    if (ownPool) await pool.close();
  }

  const inside = (last - first + 1) * frameCount;
  await updateNexusFile(
    file,
    (wr) => {
      const link = entryPath(entry, 'data/data_mask');
      wr.externalLink(link, relative(dirname(file), maskFile), '/entry/mask');
      wr.record(
        entryPath(entry),
        processRecordFor(file, 'nxprepare', {
          masked_file: maskFile,
          first,
          last,
          threshold1: params.t1,
          horizontal1: params.h1,
          threshold2: params.t2,
          horizontal2: params.h2,
        }),
      );
    },
    { purpose: `nxr prepare-mask ${entry}` },
  );
  const seconds = (performance.now() - t0) / 1000;
  ctx.onLog?.(
    `${basename(maskFile)}: ${masked} of ${inside} pixel-frames masked (${((100 * masked) / inside).toFixed(3)} %) in ${seconds.toFixed(1)} s`,
  );
  ctx.onProgress?.(1, 'done');
  return {
    file,
    entry,
    maskFile,
    params,
    first,
    last,
    nframes,
    maskedVoxels: masked,
    maskedFraction: masked / inside,
    seconds,
  };
}
