/**
 * Experiment ▸ Sum Scans (spec §7; NXRefine's SumDialog, NXMultiReduce.nxsum and NXReduce.nxsum):
 * scans of one sample taken under identical conditions are added into a new scan
 *
 *   <sample dir>/<sample>_<sum>.nxs   a copy of the first scan's wrapper whose fN/data/data link to
 *                                     <sum>/fN.h5, monitors (every NXmonitor signal) and
 *                                     data/monitor_weight summed, and fN/nxsum (scans='a,b,c')
 *   <sample dir>/<sum>/fN.h5          the frames of every scan added voxel by voxel, streamed through
 *                                     the frame pool in batches (never a whole scan in memory), with
 *                                     the first scan's chunks and compression
 *
 * The conditions are checked first (src/refine/sum/check-sum-inputs.ts: frames, shapes, wavelength,
 * distance, φ start/step, χ/ω/θ, monitors; an NxrError names both files and the field). Results the
 * first scan's frames produced are not copied, since they do not describe the sum: Find Maximum
 * (nxmax, data@maximum, summed_data, summed_frames, radial_sum, frame_sums, the transmission), Find
 * Peaks (peaks, nxfind), Prepare 3D Mask (data_mask, nxprepare_mask), transforms and their records,
 * and /entry's combine/PDF results and parent record (/entry/nxcopy). NXRefine copies them (and the
 * first scan's 3-D mask) stale; here the sum starts clean, with the first scan's geometry,
 * orientation, lattice and reduction parameters. Entries not summed are left out of the sum file.
 *
 * `update` (NXRefine's -u): summed frame files that exist with the right shape are kept and the
 * wrapper and monitors are made again; `overwrite` (-o): everything is made again. Without either,
 * an existing sum is an error. All-or-nothing: the frame files and the wrapper are written to temp
 * files and renamed into place only when everything succeeded; a cancel or an error leaves no new
 * file (and no sum directory it created).
 */
import { copyFileSync, existsSync, mkdirSync, rmdirSync, rmSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

import type { NexusReader } from '../../nexus/port.ts';
import {
  checkSumInputs,
  sumScanName,
  type EntryConditions,
  type ScanConditions,
  type SumEntryPlan,
} from '../../refine/sum/check-sum-inputs.ts';
import { allocateSum, sumFrameInto, type FrameValues, type SumOutput } from '../../refine/sum/sum-frames.ts';
import { NxrError } from '../../shared/errors.ts';
import { copyGroup } from '../beamlines/copy-group.ts';
import { naturalCompare } from '../beamlines/qm2.ts';
import { acquireLock, tempPathFor, type FileLock } from '../io/file-lock.ts';
import { openNexusFile, type NexusFile } from '../io/nexus-file.ts';
import { createNexusFile, updateNexusFile, type NexusFileWriter } from '../io/nexus-writer.ts';
import { FramePool } from '../pool/frame-pool.ts';
import { openFrameSource, type FrameSource } from '../pool/frame-source.ts';
import type { SumFramesKernelPart } from '../pool/kernels/sum-frames.ts';
import type { RangeResult } from '../pool/models.ts';
import type { Compression } from '../../nexus/port.ts';
import { copyField } from './field-snapshot.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readDetectorShape, readPhi, readWavelength } from './read-entry-geometry.ts';
import { readNumbers, readScalar } from './read-fields.ts';

export interface SumScansOptions {
  /** The sample directory `<experiment>/<sample>/<label>` holding the scan files. */
  sampleDir: string;
  /** Scans to add, first one first: file names ('LaB6_300K.nxs') or scan names ('300K'). */
  scans: string[];
  /** The sum: a scan name ('sum') or file name ('LaB6_sum.nxs'). */
  output: string;
  /** Entries to sum. @default every fN of the first scan */
  entries?: string[];
  /** Keep summed frame files that exist; make the wrapper and monitors again. @default false */
  update?: boolean;
  /** Make everything again. @default false */
  overwrite?: boolean;
  /** Worker threads adding frames. @default min(2, cores); 0 = in this thread */
  workers?: number;
  /** A pool to use (the engine's); not closed here. */
  pool?: FramePool;
  /** Frames per pool task (a batch of 2 × workers tasks is summed while the previous one is written). @default 4 */
  framesPerTask?: number;
}

export interface SumScansEntry {
  entry: string;
  frames: number;
  /** Element type of the summed frames. */
  dtype: string;
  /** Relative to the sample directory: '<sum>/fN.h5'. */
  rawFile: string;
  /** False in update mode when an existing summed file was kept. */
  summedFrames: boolean;
  monitors: string[];
  monitorWeight: 'summed' | 'dropped' | 'none';
}

export interface SumScansResult {
  /** Relative to the sample directory. */
  wrapper: string;
  scanDir: string;
  /** Scan names summed, in order (the nxsum 'scans' keyword). */
  scans: string[];
  entries: SumScansEntry[];
  /** Paths of the first scan's frame-derived results left out of the sum. */
  removed: string[];
  seconds: number;
}

/** Per entry: what the first scan's frames produced and is not copied (see the module comment). */
const STALE_IN_ENTRY = [
  'peaks',
  'summed_data',
  'summed_frames',
  'radial_sum',
  'frame_sums',
  'transform',
  'masked_transform',
  'nxmax',
  'nxfind',
  'nxprepare_mask',
  'nxtransform',
  'nxmasked_transform',
  'nxsum',
  'instrument/sample/transmission',
];
const STALE_IN_ROOT_ENTRY = [
  'transform',
  'masked_transform',
  'symm_transform',
  'symm_masked_transform',
  'total_pdf',
  'total_masked_pdf',
  'pdf',
  'masked_pdf',
  'nxcombine',
  'nxmasked_combine',
  'nxpdf',
  'nxmasked_pdf',
  'nxcopy',
];
/** data group members rebuilt rather than copied. */
const DATA_REBUILT = new Set(['data', 'data_mask', 'monitor_weight']);
const DATA_ATTRS_DROPPED = new Set(['maximum', 'first', 'last']);

function entriesOf(f: NexusReader): string[] {
  return f
    .children('/', { attrs: false })
    .filter((c) => c.kind === 'group' && /^f\d+$/.test(c.name))
    .map((c) => c.name)
    .sort(naturalCompare);
}

async function readEntryConditions(f: NexusReader, entry: string): Promise<EntryConditions> {
  const p = (rel: string): string => `/${entry}/${rel}`;
  const dataPath = p('data/data');
  if (!f.has(dataPath)) {
    const exists = (() => {
      try {
        return f.entity(dataPath, { attrs: false }).dangling === true;
      } catch {
        return false;
      }
    })();
    throw new NxrError({
      code: exists ? 'DANGLING_LINK' : 'MISSING_PATH',
      message: exists ? 'the raw frames this links to are missing' : 'no frames (data/data)',
      file: f.file,
      path: dataPath,
    });
  }
  const node = f.entity(dataPath, { attrs: false });
  if (node.kind !== 'dataset' || node.shape?.length !== 3)
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `expected a 3-D frame stack, found ${node.kind} of shape ${JSON.stringify(node.shape ?? null)}`,
      file: f.file,
      path: dataPath,
    });
  const [frames, ny, nx] = node.shape as [number, number, number];
  const monitors: EntryConditions['monitors'] = {};
  for (const c of f.children(`/${entry}`, { attrs: true })) {
    if (c.kind !== 'group' || c.nxClass !== 'NXmonitor') continue;
    const sig = c.attributes.find((a) => a.name === 'signal')?.value;
    const signal =
      typeof sig === 'string' ? sig : Array.isArray(sig) && typeof sig[0] === 'string' ? sig[0] : 'data';
    const values = readNumbers(f, `${c.path}/${signal}`);
    if (values === undefined)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: `monitor signal '${signal}' is missing`,
        file: f.file,
        path: `${c.path}/${signal}`,
      });
    monitors[c.name] = { signal, length: values.length };
  }
  const weights = readNumbers(f, p('data/monitor_weight'));
  const detectorShape = readDetectorShape(f, entry);
  const scalar = async (rel: string, unit: string): Promise<number | undefined> =>
    readScalar(f, p(rel), unit, { first: true });
  const phi = f.has(p('instrument/goniometer/phi')) ? await readPhi(f, entry) : undefined;
  let theta = await scalar('instrument/goniometer/theta', 'deg');
  theta ??= await scalar('instrument/goniometer/goniometer_pitch', 'deg');
  theta ??= await scalar('instrument/goniometer/gonpitch', 'deg');
  const out: EntryConditions = { frames, frameShape: [ny, nx], dtype: node.dtype ?? '?', monitors };
  const wavelength = await readWavelength(f, entry);
  const distance = await scalar('instrument/detector/distance', 'mm');
  const chi = await scalar('instrument/goniometer/chi', 'deg');
  const omega = await scalar('instrument/goniometer/omega', 'deg');
  if (detectorShape) out.detectorShape = detectorShape;
  if (wavelength !== undefined) out.wavelength = wavelength;
  if (distance !== undefined) out.distance = distance;
  if (phi) {
    out.phiStart = phi.phiStart;
    out.phiStep = phi.phiStep;
  }
  if (chi !== undefined) out.chi = chi;
  if (omega !== undefined) out.omega = omega;
  if (theta !== undefined) out.theta = theta;
  if (weights !== undefined) out.monitorWeight = weights.length;
  return out;
}

function resolveScanFile(sampleDir: string, sample: string, name: string): { file: string; scan: string } {
  const fileName = name.endsWith('.nxs') ? name : `${sample}_${name}.nxs`;
  if (fileName.includes('/') || fileName.includes('\\') || fileName.startsWith('.'))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `give scan files of the sample directory, got '${name}'`,
    });
  const file = join(sampleDir, fileName);
  if (!existsSync(file)) throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such scan file', file });
  const stem = fileName.slice(0, -4);
  return { file, scan: stem.startsWith(`${sample}_`) ? stem.slice(sample.length + 1) : stem };
}

/** The pool compression of a stored stack (first real filter), or 'none'. */
function compressionOf(node: { filters?: Array<{ id: number; cdValues: number[] }> }): Compression {
  const f = node.filters?.find((x) => x.id !== 2 && x.id !== 3);
  if (!f) return 'none';
  switch (f.id) {
    case 1:
      return { gzip: f.cdValues[0] ?? 4 };
    case 32008:
      return 'bslz4';
    case 32004:
      return 'lz4';
    case 32015:
      return 'zstd';
    case 32001:
      return 'blosc';
    default:
      return 'bslz4';
  }
}

/** Does a summed frame file exist with the planned shape (update mode keeps it)? */
async function keepExisting(file: string, plan: SumEntryPlan): Promise<boolean> {
  if (!existsSync(file)) return false;
  let f: NexusFile | undefined;
  try {
    f = await openNexusFile(file);
    const s = f.entity('/entry/data/data', { attrs: false }).shape;
    return (
      s?.length === 3 && s[0] === plan.frames && s[1] === plan.frameShape[0] && s[2] === plan.frameShape[1]
    );
  } catch {
    return false;
  } finally {
    f?.close();
  }
}

interface FrameWriteTarget {
  plan: SumEntryPlan;
  writer: NexusFileWriter;
}

/** Writes the summed frames of one entry into `w` (/entry/data/data must exist, empty). */
async function sumEntryFrames(
  files: readonly string[],
  plan: SumEntryPlan,
  w: NexusFileWriter,
  o: SumScansOptions,
  ctx: JobContext,
  progress: (frames: number) => void,
): Promise<void> {
  const dataset = `/${plan.entry}/data/data`;
  const [ny, nx] = plan.frameShape;
  const n = ny * nx;
  const workers = o.pool ? o.pool.size : (o.workers ?? undefined);
  if (workers === 0) {
    // in this thread: one frame of each scan at a time
    const sources: FrameSource[] = [];
    try {
      for (const f of files) sources.push(await openFrameSource(f, dataset));
      const block = 4;
      const out = allocateSum(plan.dtype, block * n);
      for (let z0 = 0; z0 < plan.frames; z0 += block) {
        const k = Math.min(block, plan.frames - z0);
        for (let i = 0; i < k; i++) {
          throwIfAborted(ctx.signal);
          const frames = sources.map((s) => s.readFrame(z0 + i).data as FrameValues);
          sumFrameInto(frames, out, i * n, plan.dtype, {
            label: `frame ${z0 + i} of ${plan.entry}`,
            width: nx,
          });
        }
        w.appendFrames('/entry/data/data', k === block ? out : (out.subarray(0, k * n) as SumOutput), k);
        progress(k);
      }
    } finally {
      for (const s of sources) s.close();
    }
    return;
  }
  const pool = o.pool ?? new FramePool(workers !== undefined ? { size: workers } : {});
  const ownPool = o.pool === undefined;
  const perTask = Math.max(1, Math.floor(o.framesPerTask ?? 4));
  const batch = perTask * pool.size * 2;
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}-${plan.entry}`;
  let next: Promise<RangeResult<SumFramesKernelPart>[]> | undefined;
  try {
    let reported = 0;
    const run = (b0: number): Promise<RangeResult<SumFramesKernelPart>[]> =>
      pool.runKernel(
        'sum-frames',
        {
          others: files.slice(1).map((file) => ({ file, dataset })),
          dtype: plan.dtype,
          entry: plan.entry,
          token,
        },
        {
          file: files[0]!,
          dataset,
          frames: [b0, Math.min(plan.frames, b0 + batch)],
          chunkFrames: perTask,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        },
      );
    // one batch is added up in the workers while the previous one is compressed and written
    next = run(0);
    for (let b0 = 0; b0 < plan.frames; b0 += batch) {
      const parts = await next!;
      next = b0 + batch < plan.frames ? run(b0 + batch) : undefined;
      throwIfAborted(ctx.signal);
      for (const p of parts) {
        w.appendFrames('/entry/data/data', p.result.frames, p.stop - p.start);
        progress(p.stop - p.start);
        reported += p.stop - p.start;
      }
    }
    if (reported !== plan.frames)
      throw new NxrError({
        code: 'INTERNAL',
        message: `summed ${reported} of ${plan.frames} frames`,
        path: dataset,
      });
  } catch (e) {
    // a batch still running rejects when the pool stops it: expected, not unhandled
    next?.catch(() => undefined);
    throw e;
  } finally {
    if (ownPool) await pool.close();
  }
}

/** Sum Scans; see the module comment. */
export async function sumScans(o: SumScansOptions, ctx: JobContext = {}): Promise<SumScansResult> {
  const t0 = performance.now();
  const sampleDir = resolve(o.sampleDir);
  if (!existsSync(sampleDir) || !statSync(sampleDir).isDirectory())
    throw new NxrError({
      code: 'FILE_NOT_FOUND',
      message: 'sample directory does not exist',
      file: o.sampleDir,
    });
  const sample = basename(dirname(sampleDir));
  const sumName = sumScanName(o.output, sample);
  const inputs = o.scans.map((s) => resolveScanFile(sampleDir, sample, s));
  const wrapperFile = join(sampleDir, `${sample}_${sumName}.nxs`);
  const scanDir = join(sampleDir, sumName);
  if (inputs.some((i) => resolve(i.file) === wrapperFile))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'the sum cannot be one of the scans it adds',
      file: wrapperFile,
    });
  if (existsSync(wrapperFile) && o.overwrite !== true && o.update !== true)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'the sum exists already (choose Update Existing Sums or Overwrite Existing Sums)',
      file: wrapperFile,
    });

  // read and check every scan's conditions
  const conditions: ScanConditions[] = [];
  for (const i of inputs) {
    const f = await openNexusFile(i.file);
    try {
      const names = o.entries ?? entriesOf(f);
      const entries: Record<string, EntryConditions> = {};
      for (const e of names) if (f.has(`/${e}`)) entries[e] = await readEntryConditions(f, e);
      conditions.push({ file: basename(i.file), entries });
    } finally {
      f.close();
    }
  }
  const plans = checkSumInputs(conditions, o.entries);
  const scanNames = inputs.map((i) => i.scan);
  ctx.onLog?.(
    `sum ${scanNames.join(' + ')} → ${basename(wrapperFile)}: ${plans.map((p) => `${p.entry} ${p.frames} frames (${p.dtype})`).join(', ')}`,
  );
  for (const p of plans)
    if (p.dropMonitorWeight)
      ctx.onLog?.(`${p.entry}: data/monitor_weight is not in every scan and is left out of the sum`, 'warn');

  const lock: FileLock = acquireLock(wrapperFile, { purpose: 'nxr sum-scans' });
  const createdDir = !existsSync(scanDir);
  const stage = tempPathFor(wrapperFile);
  const writers: FrameWriteTarget[] = [];
  const kept = new Set<string>();
  try {
    mkdirSync(scanDir, { recursive: true });
    const totalFrames = plans.reduce((n, p) => n + p.frames, 0);
    let done = 0;
    const progress = (k: number): void => {
      done += k;
      ctx.onProgress?.(Math.min(0.99, done / Math.max(1, totalFrames)), `frame ${done}/${totalFrames}`);
    };
    const first = await openNexusFile(inputs[0]!.file);
    try {
      for (const plan of plans) {
        throwIfAborted(ctx.signal);
        const rawFile = join(scanDir, `${plan.entry}.h5`);
        if (o.update === true && o.overwrite !== true && (await keepExisting(rawFile, plan))) {
          kept.add(plan.entry);
          ctx.onLog?.(`${plan.entry}: keeping the summed frames in ${relative(sampleDir, rawFile)}`);
          progress(plan.frames);
          continue;
        }
        const node = first.entity(`/${plan.entry}/data/data`, { attrs: false });
        const w = await createNexusFile(rawFile, { overwrite: true, purpose: 'nxr sum-scans' });
        writers.push({ plan, writer: w });
        const link = node.link?.type === 'external' ? node.link : undefined;
        if (link?.resolvedFile !== undefined && link.target === '/entry/data/data') {
          // the first scan's raw file layout: its /entry (axes, attributes) without the frames
          const raw = await openNexusFile(link.resolvedFile);
          try {
            copyGroup(raw, w, '/entry', '/entry', { exclude: new Set(['data/data']) });
          } finally {
            raw.close();
          }
        } else {
          w.group('/entry', 'NXentry');
          w.group('/entry/data', 'NXdata', { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] });
        }
        const chunks = node.chunks?.length === 3 ? (node.chunks as [number, number, number]) : undefined;
        const max0 = node.maxshape?.[0];
        w.createStack('/entry/data/data', {
          frameShape: plan.frameShape,
          dtype: plan.dtype,
          compression: compressionOf(node),
          ...(chunks ? { chunks } : {}),
          maxFrames: typeof max0 === 'number' ? Math.max(max0, plan.frames) : null,
        });
        await sumEntryFrames(
          inputs.map((i) => i.file),
          plan,
          w,
          o,
          ctx,
          progress,
        );
      }
    } finally {
      first.close();
    }
    throwIfAborted(ctx.signal);

    // the wrapper: a copy of the first scan's, changed in a temp file
    copyFileSync(inputs[0]!.file, stage);
    let removed: string[] = [];
    await updateNexusFile(
      stage,
      async (w) => {
        removed = await rewriteSumWrapper(w, inputs, plans, sumName, wrapperFile, scanNames);
      },
      { purpose: 'nxr sum-scans' },
    );
    throwIfAborted(ctx.signal);
    // commit: frames first, then the wrapper that links to them
    for (const t of writers) t.writer.close();
    renameSync(stage, wrapperFile);
    ctx.onProgress?.(1, 'done');
    ctx.onLog?.(
      `wrote ${basename(wrapperFile)} and ${plans.map((p) => `${sumName}/${p.entry}.h5`).join(', ')}`,
    );
    return {
      wrapper: relative(sampleDir, wrapperFile),
      scanDir: relative(sampleDir, scanDir),
      scans: scanNames,
      entries: plans.map((p) => ({
        entry: p.entry,
        frames: p.frames,
        dtype: p.dtype,
        rawFile: relative(sampleDir, join(scanDir, `${p.entry}.h5`)),
        summedFrames: !kept.has(p.entry),
        monitors: p.monitors.map((m) => m.group),
        monitorWeight: p.sumMonitorWeight ? 'summed' : p.dropMonitorWeight ? 'dropped' : 'none',
      })),
      removed,
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (e) {
    for (const t of writers) t.writer.abort();
    rmSync(stage, { force: true });
    if (createdDir) {
      try {
        rmdirSync(scanDir);
      } catch {
        // not empty: left as it is
      }
    }
    throw e;
  } finally {
    lock.release();
  }
}

/** Re-point, sum and record in the copied wrapper; returns the stale paths removed. */
async function rewriteSumWrapper(
  w: NexusFileWriter,
  inputs: ReadonlyArray<{ file: string; scan: string }>,
  plans: readonly SumEntryPlan[],
  sumName: string,
  wrapperFile: string,
  scanNames: readonly string[],
): Promise<string[]> {
  // sums of the monitors and weights, read before anything is removed
  const monitorSums = new Map<string, Float64Array>();
  const weightSums = new Map<string, Float64Array>();
  for (const [k, input] of inputs.entries()) {
    const f = k === 0 ? w : await openNexusFile(input.file);
    try {
      for (const p of plans) {
        for (const m of p.monitors) {
          const path = `/${p.entry}/${m.group}/${m.signal}`;
          const v = readNumbers(f, path)!;
          const key = path;
          const acc = monitorSums.get(key) ?? new Float64Array(v.length);
          for (let i = 0; i < v.length; i++) acc[i]! += v[i]!;
          monitorSums.set(key, acc);
        }
        if (p.sumMonitorWeight) {
          const v = readNumbers(f, `/${p.entry}/data/monitor_weight`)!;
          const acc = weightSums.get(p.entry) ?? new Float64Array(v.length);
          for (let i = 0; i < v.length; i++) acc[i]! += v[i]!;
          weightSums.set(p.entry, acc);
        }
      }
    } finally {
      if (k !== 0) (f as NexusFile).close();
    }
  }
  // the data groups are rebuilt (to drop nxmax's @maximum @first @last): keep what they hold
  const dataGroups = new Map<string, { attrs: Record<string, unknown>; fields: string[] }>();
  const firstFile = await openNexusFile(inputs[0]!.file);
  try {
    const planned = new Set(plans.map((p) => p.entry));
    const remove: string[] = [];
    /** What is reported as left out (the rebuilt data groups and monitor signals are not). */
    const stale = new Set<string>();
    const has = (p: string): boolean => {
      try {
        return w.has(p) || w.entity(p, { attrs: false }).dangling === true;
      } catch {
        return false;
      }
    };
    const drop = (path: string): void => {
      remove.push(path);
      stale.add(path);
    };
    for (const e of entriesOf(w)) if (!planned.has(e)) drop(`/${e}`);
    for (const p of plans) {
      const e = `/${p.entry}`;
      for (const rel of STALE_IN_ENTRY) if (has(`${e}/${rel}`)) drop(`${e}/${rel}`);
      if (has(`${e}/data/data_mask`)) stale.add(`${e}/data/data_mask`);
      for (const m of p.monitors) remove.push(`${e}/${m.group}/${m.signal}`);
      if (has(`${e}/data`)) {
        const node = w.entity(`${e}/data`, { attrs: true, maxDepth: 1 });
        const attrs: Record<string, unknown> = {};
        for (const a of node.attributes)
          if (a.name !== 'NX_class' && !DATA_ATTRS_DROPPED.has(a.name)) attrs[a.name] = a.value;
        dataGroups.set(p.entry, {
          attrs,
          fields: (node.children ?? []).map((c) => c.name).filter((n) => !DATA_REBUILT.has(n)),
        });
        remove.push(`${e}/data`);
      }
    }
    for (const rel of STALE_IN_ROOT_ENTRY) if (has(`/entry/${rel}`)) drop(`/entry/${rel}`);
    const removeNow = [...new Set(remove)].filter(has);
    if (removeNow.length > 0) w.remove(removeNow);

    for (const p of plans) {
      const e = `/${p.entry}`;
      const d = `${e}/data`;
      const kept = dataGroups.get(p.entry);
      const attrs = Object.fromEntries(
        Object.entries(
          kept?.attrs ?? { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] },
        ).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || Array.isArray(v)),
      ) as Record<string, string | number | string[] | number[]>;
      w.group(d, 'NXdata', attrs);
      w.externalLink(`${d}/data`, `${sumName}/${p.entry}.h5`, '/entry/data/data');
      for (const name of kept?.fields ?? []) copyField(firstFile, w, `${d}/${name}`);
      const weights = weightSums.get(p.entry);
      if (weights) w.field(`${d}/monitor_weight`, weights, { attrs: { axes: 'frame_number' } });
      for (const m of p.monitors)
        w.field(`${e}/${m.group}/${m.signal}`, monitorSums.get(`${e}/${m.group}/${m.signal}`)!);
      w.record(e, processRecordFor(wrapperFile, 'nxsum', { scans: scanNames.join(',') }));
    }
    return [...stale].filter((r) => removeNow.includes(r) || r.endsWith('/data/data_mask')).sort();
  } finally {
    firstFile.close();
  }
}
