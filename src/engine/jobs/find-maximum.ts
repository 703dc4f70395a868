/**
 * Find Maximum (`nxmax`, spec §5.2, §6.1): one streaming pass over the frames first…last−1 of an
 * entry in the frame pool, giving
 *
 * - the maximum counts over the unmasked pixels (all of them: NXRefine takes it only inside the
 *   transmission annulus, §12.7) → `<entry>/data@maximum`, `@first`, `@last`;
 * - hot pixels (the same value ≥ 100 on every frame) and dead pixels (the same value ≤ 0 on every
 *   frame: negative, or 0 while the neighbours count) OR-ed into `instrument/detector/pixel_mask`;
 * - `summed_data` (masked 2-D sum), `summed_frames` (masked per-frame sums) with `partial_frames`
 *   (HEAD's trimmed annulus sums), `radial_sum` (2θ histogram with solid-angle correction, Q);
 * - a per-frame transmission estimate (HEAD: partial / monitor, 31-frame median, ÷ median) →
 *   `instrument/sample/transmission`;
 * - the NXprocess record `nxmax`.
 *
 * The frame range is [first, last) as NXRefine slices it; defaults follow NXRefine's parameter
 * cascade (command line → /entry/nxreduce → settings.ini → 10, nframes − 10). The annulus is
 * qmin…qmax when given (command line or /entry/nxreduce), else HEAD's automatic one.
 */
import { resolve } from 'node:path';

import type { NexusReader, NexusWriter } from '../../nexus/port.ts';
import { computeAnnulusLimits, sampleAnnulus, type AnnulusLimits } from '../../refine/peaks/annulus.ts';
import { computeRadialSum, type RadialSum } from '../../refine/peaks/compute-radial-sum.ts';
import { computeTransmission, type Transmission } from '../../refine/peaks/compute-transmission.ts';
import { mergeMaximumParts, type MaximumPart } from '../../refine/peaks/merge-maximum-parts.ts';
import type { Geometry } from '../../refine/geometry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { FramePool } from '../pool/frame-pool.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readEntryGeometry } from './read-entry-geometry.ts';
import { readNumbers } from './read-fields.ts';
import { readMonitor } from './read-monitor.ts';
import {
  readReductionParameters,
  type ReductionParameters,
  type ResolvedReductionParameters,
} from './reduction-parameters.ts';

/** What both frame passes (Find Maximum, Find Peaks) read before streaming the frames. */
export interface FrameStackInputs {
  /** Absolute path of the wrapper file. */
  file: string;
  entry: string;
  /** `/<entry>/data/data` (usually an external link into the raw file). */
  dataPath: string;
  frameCount: number;
  /** [ny, nx] */
  shape: [number, number];
  dtype: string;
  geometry: Geometry;
  /** pixel_mask as 0/1 (null when the file has none). */
  mask: Uint8Array | null;
  reduction: ResolvedReductionParameters;
  /** Frame range [first, last). */
  first: number;
  last: number;
}

/** Common part of the Find Maximum / Find Peaks options. */
export interface FramePassOptions {
  /** The scan ("wrapper") file. */
  file: string;
  /** Detector entry, e.g. 'f1'. */
  entry: string;
  /** Frame range [first, last); defaults from the parameter cascade. */
  first?: number;
  last?: number;
  /** Write the results into the file. @default true */
  write?: boolean;
  /** A pool to run in (the engine's); else one of `workers` threads is made and closed. */
  pool?: FramePool;
  /** @default min(2, cores) */
  workers?: number;
  /** Frames per pool task (tests use tiny ones). @default one range per worker (maximum), ~4 per worker (peaks) */
  chunkFrames?: number;
}

function bad(message: string, file?: string, path?: string): NxrError {
  return new NxrError({
    code: 'BAD_PARAMETER',
    message,
    ...(file !== undefined ? { file } : {}),
    ...(path !== undefined ? { path } : {}),
  });
}

/** pixel_mask as 0/1 bytes, checked against the frame shape; null when absent. */
export function readPixelMask(f: NexusReader, entry: string, shape: [number, number]): Uint8Array | null {
  const path = `/${entry}/instrument/detector/pixel_mask`;
  if (!f.has(path)) return null;
  const node = f.entity(path, { attrs: false, maxDepth: 0 });
  const s = node.shape ?? [];
  if (node.kind !== 'dataset' || s.length !== 2 || s[0] !== shape[0] || s[1] !== shape[1])
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `pixel_mask must be [${shape.join(', ')}] like the frames, found [${s.join(', ')}]`,
      file: f.file,
      path,
    });
  const v = f.readValue(path);
  if (!ArrayBuffer.isView(v))
    throw new NxrError({ code: 'WRONG_DTYPE', message: 'pixel_mask is not numeric', file: f.file, path });
  const a = v as unknown as ArrayLike<number | bigint>;
  const out = new Uint8Array(shape[0] * shape[1]);
  for (let i = 0; i < out.length; i++) out[i] = Number(a[i]!) !== 0 ? 1 : 0;
  return out;
}

/** Reads geometry, mask, frame stack shape and the frame range (see {@link FrameStackInputs}). */
export async function readFrameStackInputs(
  options: Pick<FramePassOptions, 'file' | 'entry' | 'first' | 'last'>,
  overrides: Partial<ReductionParameters> = {},
): Promise<FrameStackInputs> {
  const file = resolve(options.file);
  const entry = options.entry.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_]+$/.test(entry)) throw bad(`bad entry name '${options.entry}'`, file);
  const dataPath = `/${entry}/data/data`;
  const f = await openNexusFile(file);
  let frameCount: number;
  let shape: [number, number];
  let dtype: string;
  let geometry: Geometry;
  let mask: Uint8Array | null;
  try {
    if (!f.has(`/${entry}`))
      throw new NxrError({ code: 'MISSING_PATH', message: `no entry '${entry}'`, file, path: `/${entry}` });
    if (!f.has(dataPath))
      throw new NxrError({ code: 'MISSING_PATH', message: 'no frames', file, path: dataPath });
    const node = f.entity(dataPath, { attrs: false, maxDepth: 0 });
    if (node.dangling) {
      const l = node.link;
      const to = l?.type === 'external' ? `${l.file}:${l.target}` : (l?.target ?? '?');
      throw new NxrError({
        code: 'DANGLING_LINK',
        message: `the frames link to missing ${to}`,
        file,
        path: dataPath,
      });
    }
    const s = node.shape;
    if (node.kind !== 'dataset' || !s || s.length !== 3)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `expected a 3-D frame stack, found ${node.kind}${s ? ` of shape [${s.join(', ')}]` : ''}`,
        file,
        path: dataPath,
      });
    dtype = node.dtype ?? '';
    if (!/^[<>|=]?[iuf]\d$/.test(dtype))
      throw new NxrError({
        code: 'WRONG_DTYPE',
        message: `frames must be numeric, found ${dtype}`,
        file,
        path: dataPath,
      });
    frameCount = s[0]!;
    shape = [s[1]!, s[2]!];
    geometry = await readEntryGeometry(f, entry);
    if (geometry.shape[0] !== shape[0] || geometry.shape[1] !== shape[1])
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `detector shape [${geometry.shape.join(', ')}] differs from the frames [${shape.join(', ')}]`,
        file,
        path: `/${entry}/instrument/detector/shape`,
      });
    mask = readPixelMask(f, entry, shape);
  } finally {
    f.close();
  }
  const cli: Partial<ReductionParameters> = { ...overrides };
  if (options.first !== undefined) cli.first = options.first;
  if (options.last !== undefined) cli.last = options.last;
  const reduction = await readReductionParameters(file, { overrides: cli, nframes: frameCount });
  const { first, last } = reduction.values;
  if (!Number.isInteger(first) || first < 0 || first >= frameCount)
    throw bad(`first must be a frame index 0…${frameCount - 1}, got ${first}`, file);
  if (!Number.isInteger(last) || last <= first || last > frameCount)
    throw bad(`last must be an integer in ${first + 1}…${frameCount} (exclusive end), got ${last}`, file);
  return { file, entry, dataPath, frameCount, shape, dtype, geometry, mask, reduction, first, last };
}

/** Runs `fn` with the caller's pool or a fresh one that is closed afterwards. */
export async function withPool<T>(
  options: Pick<FramePassOptions, 'pool' | 'workers'>,
  fn: (pool: FramePool) => Promise<T>,
): Promise<T> {
  if (options.pool) return fn(options.pool);
  const pool = new FramePool(options.workers !== undefined ? { size: options.workers } : {});
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

export interface FindMaximumOptions extends FramePassOptions {
  /** Annulus limits, Å⁻¹ (2π units); default from /entry/nxreduce, else HEAD's automatic annulus. */
  qmin?: number;
  qmax?: number;
  /** Hot pixels: constant value at or above this (counts). @default 100 */
  hotMinimum?: number;
  /** Running-median width of the transmission (frames). @default 31 */
  filterSize?: number;
  /** Bins of radial_sum. @default 2048 */
  radialBins?: number;
}

export interface FindMaximumResult {
  file: string;
  entry: string;
  first: number;
  last: number;
  /** Largest unmasked pixel value in [first, last) and where (pixel, frame unknown: column, row). */
  maximum: number;
  maximumX: number;
  maximumY: number;
  summedData: Float64Array;
  summedFrames: Float64Array;
  partialFrames: Float64Array;
  radialSum: RadialSum;
  transmission: Transmission | null;
  /** Monitor field used for the transmission (null: none found, ones used). */
  monitorPath: string | null;
  annulus: AnnulusLimits & { pixels: number; sampled: number };
  hotPixels: Array<{ x: number; y: number; value: number }>;
  deadPixels: Array<{ x: number; y: number; value: number }>;
  missingFrames: number[];
  /** pixel_mask after OR-ing the hot and dead pixels. */
  mask: Uint8Array;
  seconds: number;
  written: boolean;
  paths: string[];
}

/** Find Maximum of one entry; see the module comment. */
export async function findMaximum(
  options: FindMaximumOptions,
  ctx: JobContext = {},
): Promise<FindMaximumResult> {
  const t0 = performance.now();
  const overrides: Partial<ReductionParameters> = {};
  if (options.qmin !== undefined) overrides.qmin = options.qmin;
  if (options.qmax !== undefined) overrides.qmax = options.qmax;
  const inputs = await readFrameStackInputs(options, overrides);
  const { file, entry, shape, first, last, geometry, reduction } = inputs;
  // qmin/qmax only when given explicitly (HEAD dropped them from settings.ini; the classic
  // defaults 5/10 Å⁻¹ lie off most detectors): otherwise HEAD's automatic annulus.
  const explicit = (k: 'qmin' | 'qmax'): number | undefined => {
    const src = reduction.origins[k].source;
    return src === 'command line' || src === 'file' || src === 'parent' ? reduction.values[k] : undefined;
  };
  const qmin = explicit('qmin');
  const qmax = explicit('qmax');
  let limits: AnnulusLimits;
  try {
    limits = computeAnnulusLimits(geometry, {
      ...(qmin !== undefined ? { qmin } : {}),
      ...(qmax !== undefined ? { qmax } : {}),
    });
  } catch (e) {
    if (e instanceof NxrError) throw bad(e.message, file, '/entry/nxreduce');
    throw e;
  }
  let annulus = sampleAnnulus(geometry, limits, inputs.mask);
  if (annulus.total < 100 && limits.source === 'given') {
    ctx.onLog?.(
      `the annulus ${limits.qmin.toFixed(3)}…${limits.qmax.toFixed(3)} Å⁻¹ holds ${annulus.total} unmasked pixels: using the automatic one`,
      'warn',
    );
    limits = computeAnnulusLimits(geometry);
    annulus = sampleAnnulus(geometry, limits, inputs.mask);
  }
  const frames = last - first;
  ctx.onLog?.(
    `find maximum: frames ${first}…${last - 1} of ${inputs.dataPath} (${shape[1]}×${shape[0]}, ${inputs.dtype})`,
  );
  ctx.onProgress?.(0, 'reading frames');
  const parts = await withPool(options, async (pool) => {
    const chunk = options.chunkFrames ?? Math.ceil(frames / pool.size);
    const out = await pool.runKernel(
      'find-maximum',
      { mask: inputs.mask, annulus: annulus.total > 0 ? annulus : null, trimFraction: 0.1 },
      {
        file,
        dataset: inputs.dataPath,
        frames: [first, last],
        chunkFrames: chunk,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onProgress: (p) => ctx.onProgress?.((0.9 * p.done) / p.total, `frame ${first + p.done}/${last}`),
      },
    );
    return out.map((r): MaximumPart => ({ start: r.start, stop: r.stop, ...r.result }));
  });
  throwIfAborted(ctx.signal, file);
  ctx.onProgress?.(0.9, 'summing');
  const summary = mergeMaximumParts(parts, {
    shape,
    frameCount: inputs.frameCount,
    first,
    last,
    mask: inputs.mask,
    badPixels: { hotMinimum: options.hotMinimum ?? 100 },
  });
  const [, nx] = shape;
  const xy = (i: number): { x: number; y: number } => ({ x: i % nx, y: Math.floor(i / nx) });
  const hotPixels = summary.badPixels.hot.map((i, k) => ({
    ...xy(i),
    value: summary.badPixels.hotValues[k]!,
  }));
  const deadPixels = summary.badPixels.dead.map((i, k) => ({
    ...xy(i),
    value: summary.badPixels.deadValues[k]!,
  }));
  if (summary.missingFrames.length > 0)
    ctx.onLog?.(`${summary.missingFrames.length} frame(s) without data (NaN) skipped`, 'warn');
  ctx.onLog?.(
    `maximum ${summary.maximum} at pixel (${summary.maximumX}, ${summary.maximumY}); ${hotPixels.length} hot, ${deadPixels.length} dead pixel(s) masked`,
  );

  let polarization: ArrayLike<number> | null = null;
  let monitor: ReturnType<typeof readMonitor>;
  {
    const f = await openNexusFile(file);
    try {
      const polPath = `/${entry}/instrument/detector/polarization`;
      if (f.has(polPath)) {
        const v = readNumbers(f, polPath);
        if (v && v.length === shape[0] * shape[1]) polarization = v;
        else ctx.onLog?.(`${polPath} does not match the frames: not used`, 'warn');
      }
      monitor = readMonitor(f, entry, reduction.values.monitor, inputs.frameCount);
    } finally {
      f.close();
    }
  }
  throwIfAborted(ctx.signal, file);
  const radialSum = computeRadialSum(summary.summedData, geometry, {
    mask: summary.mask,
    polarization,
    bins: options.radialBins ?? 2048,
  });
  if (monitor.values === null) ctx.onLog?.(`transmission without monitor: ${monitor.reason}`, 'warn');
  const transmission = computeTransmission(
    summary.partialFrames,
    monitor.values,
    first,
    last,
    options.filterSize ?? 31,
  );
  const result: FindMaximumResult = {
    file,
    entry,
    first,
    last,
    maximum: summary.maximum,
    maximumX: summary.maximumX,
    maximumY: summary.maximumY,
    summedData: summary.summedData,
    summedFrames: summary.summedFrames,
    partialFrames: summary.partialFrames,
    radialSum,
    transmission,
    monitorPath: monitor.values ? monitor.path : null,
    annulus: { ...limits, pixels: annulus.total, sampled: annulus.indices.length },
    hotPixels,
    deadPixels,
    missingFrames: summary.missingFrames,
    mask: summary.mask,
    seconds: 0,
    written: false,
    paths: [],
  };
  if (options.write !== false) {
    throwIfAborted(ctx.signal, file);
    ctx.onProgress?.(0.95, 'writing');
    await updateNexusFile(file, (w) => writeMaximum(w, inputs, result, options.filterSize ?? 31), {
      purpose: 'nxr find-maximum',
    });
    result.written = true;
  }
  result.seconds = (performance.now() - t0) / 1000;
  ctx.onProgress?.(1, 'done');
  return result;
}

function writeMaximum(
  w: NexusWriter,
  inputs: FrameStackInputs,
  r: FindMaximumResult,
  filterSize: number,
): void {
  const e = `/${inputs.entry}`;
  const [ny, nx] = inputs.shape;
  const paths = r.paths;
  const yPixel = Int32Array.from({ length: ny }, (_, i) => i);
  const xPixel = Int32Array.from({ length: nx }, (_, i) => i);
  const frameNumber = Int32Array.from({ length: inputs.frameCount }, (_, i) => i);
  w.setAttrs(`${e}/data`, { maximum: r.maximum, first: r.first, last: r.last });
  paths.push(`${e}/data@maximum`);
  w.field(`${e}/instrument/detector/pixel_mask`, Int8Array.from(r.mask), { shape: [ny, nx], dtype: '<i1' });
  paths.push(`${e}/instrument/detector/pixel_mask`);

  const sd = `${e}/summed_data`;
  w.group(sd, 'NXdata', { signal: 'summed_data', axes: ['y_pixel', 'x_pixel'] });
  w.field(`${sd}/summed_data`, r.summedData, { shape: [ny, nx], dtype: '<f8' });
  w.field(`${sd}/y_pixel`, yPixel);
  w.field(`${sd}/x_pixel`, xPixel);
  paths.push(sd);

  const sf = `${e}/summed_frames`;
  w.group(sf, 'NXdata', {
    signal: 'summed_frames',
    axes: 'frame_number',
    auxiliary_signals: ['partial_frames'],
  });
  w.field(`${sf}/summed_frames`, r.summedFrames, { dtype: '<f8' });
  w.field(`${sf}/partial_frames`, r.partialFrames, { dtype: '<f8' });
  w.field(`${sf}/frame_number`, frameNumber);
  paths.push(sf);

  const rs = `${e}/radial_sum`;
  w.group(rs, 'NXdata', { signal: 'radial_sum', axes: 'polar_angle' });
  w.field(`${rs}/radial_sum`, r.radialSum.radialSum, { dtype: '<f8' });
  w.field(`${rs}/polar_angle`, r.radialSum.polarAngle, { dtype: '<f8', units: 'degrees' });
  w.field(`${rs}/Q`, r.radialSum.q, { dtype: '<f8', units: 'Ang-1' });
  paths.push(rs);

  if (r.transmission) {
    const sample = `${e}/instrument/sample`;
    if (!w.has(sample)) w.group(sample, 'NXsample');
    const tr = `${sample}/transmission`;
    w.group(tr, 'NXdata', {
      signal: 'transmission',
      axes: 'frame_number',
      median: r.transmission.median,
      filter_size: filterSize,
      first: r.first,
      last: r.last,
    });
    w.field(`${tr}/transmission`, r.transmission.transmission, { dtype: '<f8' });
    w.field(`${tr}/frame_number`, frameNumber);
    paths.push(tr);
  }
  const keywords: Record<string, number> = {
    maximum: r.maximum,
    first_frame: r.first,
    last_frame: r.last,
    qmin: r.annulus.qmin,
    qmax: r.annulus.qmax,
  };
  paths.push(w.record(e, processRecordFor(inputs.file, 'nxmax', keywords)));
}

/** The annulus and transmission monitor text for logs (used by the CLI). */
export function describeAnnulus(a: FindMaximumResult['annulus']): string {
  return `annulus ${a.qmin.toFixed(3)}…${a.qmax.toFixed(3)} Å⁻¹ (r ${a.rmin.toFixed(1)}…${a.rmax.toFixed(1)} px, ${a.source}), ${a.pixels} pixels (${a.sampled} sampled)`;
}
