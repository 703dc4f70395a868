/**
 * Transform Data (spec §4.16, §5.4; NXReduce.nxtransform with CCTW): every unmasked pixel of frames
 * first…last of one detector entry, mapped through the refined geometry to (h, k, l) and summed on a
 * regular grid: `v` = summed counts, `n` = summed weights (v/n is the normalised intensity).
 *
 *   <scan>/<entry>_transform.nxs          /entry/data/v, /entry/data/n  float32 (L, K, H), + axes
 *   <scan>/<entry>_masked_transform.nxs   the same without the voxels of the 3-D mask (--masked)
 *   <scan>/<entry>_transform.pars         CCTW settings for the same transform
 *   wrapper <entry>/transform | masked_transform  NXdata: data → v, weights → n (external links),
 *           Ql, Qk, Qh (@long_name, @scaling_factor = c*, b*, a* in 2π Å⁻¹), @angles (γ*, β*, α*),
 *           command; <entry>/data/monitor_weight; <entry>/nxtransform | nxmasked_transform NXprocess
 *
 * Conventions (docs/design/transform.md): pixel index = pixel centre (as NXRefine's peak positions
 * and refinement; CCTW adds ½), axis values = voxel centres (CCTW bins from the value up), φ of
 * frame z = φ0 + Δφ·z, the sample offset (xs, ys, zs) is applied (CCTW ignores it). Skipped:
 * pixel_mask ≠ 0, Pilatus module gaps, values < 0 or NaN, frames of weight ≤ 0, 3-D mask ≠ 0.
 * Weights (`norm` > 0): NXRefine's monitor_weight (spec §5.4, src/refine/transform/frame-weights.ts):
 * Savitzky–Golay-smoothed monitor/norm × the attenuator, filter and sample transmissions present,
 * 0 outside first…last; without `norm`, or without monitor and transmissions, 1.
 *
 * Memory: the grid is accumulated in 16³-voxel bricks by the pool workers in a bounded cache; bricks
 * leaving the cache go to spill files per slab of L planes, merged slab by slab into the output, so
 * the peak memory stays within `memoryLimitBytes` whatever the grid size and each frame is read once.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';

import type { Compression, NexusReader, NexusWriter } from '../../nexus/port.ts';
import { fitsModuleLayout, computeModuleGapMask } from '../../refine/detector/module-gaps.ts';
import type { Geometry, Mat3, UnitCell } from '../../refine/geometry/models.ts';
import { parseDetectorOrientation } from '../../refine/geometry/parse-detector-orientation.ts';
import { fromNxRefineOrientationMatrix } from '../../refine/orient/orientation-matrix-convention.ts';
import { computeReciprocalCell } from '../../refine/lattice/reciprocal-cell.ts';
import {
  addBrickToSlab,
  BRICK_BYTES,
  BRICK_FLOATS,
  BRICK_SIDE,
} from '../../refine/transform/brick-accumulator.ts';
import { cctwIncompatibleAxes, formatCctwSettings } from '../../refine/transform/cctw-settings.ts';
import { computeDefaultGrid } from '../../refine/transform/default-grid.ts';
import { defineGridAxis } from '../../refine/transform/define-grid-axis.ts';
import { nxrefineFrameWeights } from '../../refine/transform/frame-weights.ts';
import {
  axisStop,
  axisValues,
  gridVoxelCount,
  type GridAxis,
  type HklGrid,
} from '../../refine/transform/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { createNexusFile, updateNexusFile, type NexusFileWriter } from '../io/nexus-writer.ts';
import { FramePool } from '../pool/frame-pool.ts';
import { spillFilePrefix, type TransformKernelPart } from '../pool/kernels/transform.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readEntryFrameCount, readEntryGeometry, readOrientationMatrix } from './read-entry-geometry.ts';
import { readNumbers, readText } from './read-fields.ts';
import { readMonitor, seriesCandidates } from './read-monitor.ts';
import { readSampleLattice } from './read-sample-lattice.ts';
import { readReductionParameters } from './reduction-parameters.ts';
import { scanLayout } from './scan-layout.ts';

/** [start, step, stop] of one grid axis, r.l.u. */
export type AxisSpec = readonly [number, number, number];

export type OutputCompression = 'none' | 'bslz4' | 'lz4' | 'gzip';

export interface TransformDataOptions {
  /** The scan (wrapper) file. */
  file: string;
  /** Detector entry, e.g. 'f1'. */
  entry: string;
  /** Exclude the voxels of the 3-D mask (<entry>/data/data_mask) → masked_transform. @default false */
  masked?: boolean;
  /** Grid axes; an axis not given comes from <entry>/transform (Qh, Qk, Ql), else NXRefine's default grid. */
  grid?: { h?: AxisSpec; k?: AxisSpec; l?: AxisSpec };
  /** First and last frame, inclusive. @default the reduction parameters (first_frame, last_frame) */
  first?: number;
  last?: number;
  /** 'centre': pixel index = pixel centre (NXRefine); 'cctw': CCTW's x + ½. @default 'centre' */
  pixelConvention?: 'centre' | 'cctw';
  /** Weight frames by NXRefine's monitor_weight (smoothed monitor/norm × transmissions) when `norm` > 0. @default true */
  normalize?: boolean;
  /** Skip Pilatus module gaps even when pixel_mask lacks them ('auto': shapes tiled by Pilatus modules). @default 'auto' */
  moduleGaps?: 'auto' | 'none';
  /** Peak memory of the whole process, bytes. @default 4 GiB */
  memoryLimitBytes?: number;
  /** Pool to run on (its workers' memory counts in the limit); a pool of `workers` is made and closed otherwise. */
  pool?: FramePool;
  /** @default min(2, cores) */
  workers?: number;
  /** Compression of v and n. @default 'none' (as CCTW: outputData.compression = 0) */
  compression?: OutputCompression;
  /** CCTW settings: 'consistent' reproduces this transform with CCTW, 'nxrefine' is NXRefine's text. @default 'consistent' */
  parsConvention?: 'consistent' | 'nxrefine';
}

export interface TransformDataResult {
  file: string;
  entry: string;
  masked: boolean;
  outputFile: string;
  parsFile: string;
  grid: HklGrid;
  /** Where the grid came from. */
  gridSource: 'options' | 'file' | 'default' | 'mixed';
  first: number;
  last: number;
  /** Frames added (weight > 0). */
  framesUsed: number;
  /** Pixel-frames added to the grid (= Σn with unit weights). */
  pixels: number;
  /** Σv (counts) and Σn (weights) over the grid. */
  sumCounts: number;
  sumWeights: number;
  weights: 'monitor' | 'none';
  /** Bytes of partial bricks written and merged. */
  spillBytes: number;
  cacheBytesPerWorker: number;
  planesPerSlab: number;
  seconds: { accumulate: number; merge: number; total: number };
}

const DEFAULT_MEMORY_LIMIT = 4 * 1024 ** 3;
const MIB = 1024 ** 2;
/** Memory outside the brick caches: the main thread (h5wasm, buffers) and each worker (h5wasm, frame, mapper). */
const MAIN_OVERHEAD = 400 * MIB;
const WORKER_OVERHEAD = 300 * MIB;
/** Per detector pixel and worker: mapper vectors (24 B), frame (≤ 8 B), h5wasm copy and work arrays. */
const WORKER_BYTES_PER_PIXEL = 64;

/** Everything read from the wrapper before the frames are touched. */
export interface TransformInputs {
  file: string;
  entry: string;
  geometry: Geometry;
  cell: UnitCell;
  U: Mat3;
  UB: Mat3;
  nframes: number;
  first: number;
  last: number;
  monitor: string;
  norm: number;
  /** Per-frame weights (0 outside first…last), or undefined for unit weights. */
  monitorWeights: Float64Array | undefined;
  pixelMask: Uint8Array | null;
  maskedPixels: number;
  existingGrid: { h: AxisSpec; k: AxisSpec; l: AxisSpec } | undefined;
  /** Directory of the raw frames (<scan>). */
  scanDir: string;
  /** The 3-D mask, when the entry has one. */
  dataMask: { file: string; path: string } | undefined;
  /** HDF5 chunks of the raw frames (frames, ny, nx). */
  rawChunks: [number, number, number];
  /** File and path of the raw frames as NXRefine's cctw command names them. */
  rawFile: string;
  rawPath: string;
  warnings: string[];
}

const entryPath = (entry: string, rel = ''): string => `/${entry.replace(/^\/+/, '')}${rel ? `/${rel}` : ''}`;

/**
 * Per-frame transmission factors NXRefine multiplies into the monitor weights (spec §5.4, §5.2),
 * relative to the entry; each is used when present.
 */
export const TRANSMISSION_PATHS = [
  'instrument/attenuator/attenuator_transmission',
  'instrument/filter/transmission',
  'instrument/sample/transmission',
] as const;

/** The transmission factors present in an entry (each ≥ nframes values), with their paths. */
function readTransmissions(
  f: NexusReader,
  entry: string,
  nframes: number,
): { path: string; values: number[] }[] {
  const out: { path: string; values: number[] }[] = [];
  for (const rel of TRANSMISSION_PATHS) {
    const candidates = seriesCandidates(f, entryPath(entry, rel));
    const at = candidates.find(
      (c) => f.has(c) && f.entity(c, { attrs: false, maxDepth: 0 }).kind === 'dataset',
    );
    if (at === undefined) continue;
    const values = readNumbers(f, at);
    if (!values || values.length < nframes || values.some((v) => !Number.isFinite(v) || v < 0))
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `a transmission needs ${nframes} finite non-negative values (one per frame), found ${values?.length ?? 0}`,
        file: f.file,
        path: at,
      });
    out.push({ path: at, values });
  }
  return out;
}

function externalTarget(f: NexusReader, path: string): { file: string; path: string } | undefined {
  if (!f.has(path)) return undefined;
  const node = f.entity(path, { attrs: false, maxDepth: 0 });
  if (node.link?.type === 'external' && node.link.resolvedFile !== undefined)
    return { file: node.link.resolvedFile, path: node.link.target };
  return { file: f.file, path };
}

/** Reads the geometry, orientation, lattice, parameters, masks and monitor of an entry. */
export async function readTransformInputs(
  options: Pick<TransformDataOptions, 'file' | 'entry' | 'first' | 'last' | 'normalize' | 'moduleGaps'>,
): Promise<TransformInputs> {
  const file = resolve(options.file);
  const entry = options.entry.replace(/^\/+/, '');
  const warnings: string[] = [];
  const params = await readReductionParameters(file);
  const f = await openNexusFile(file);
  try {
    const geometry = await readEntryGeometry(f, entry);
    const U = readOrientationMatrix(f, entry);
    if (!U)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no orientation matrix: refine the lattice first (nxr refine-lattice)',
        file,
        path: entryPath(entry, 'instrument/detector/orientation_matrix'),
      });
    const lattice = await readSampleLattice(f, '/entry/sample');
    if (!lattice.cell)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no unit cell: define the lattice first (nxr define-lattice)',
        file,
        path: '/entry/sample/unitcell_a',
      });
    const cell = lattice.cell;
    // orientation_matrix as NXRefine stores it: UB = orientation_matrix·Bimat⁻¹ (spec §4.9), the
    // same convention refine-lattice writes; equal to U·B only for orthogonal cells.
    const { UB } = fromNxRefineOrientationMatrix(U, cell);
    const dataPath = entryPath(entry, 'data/data');
    const nframes = readEntryFrameCount(f, entry);
    if (nframes === undefined || !f.has(dataPath))
      throw new NxrError({ code: 'MISSING_PATH', message: 'no frames (data/data)', file, path: dataPath });
    const dataNode = f.entity(dataPath, { attrs: false, maxDepth: 0 });
    const [ny, nx] = geometry.shape;
    if (dataNode.shape?.[1] !== ny || dataNode.shape[2] !== nx)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `frames ${JSON.stringify(dataNode.shape)} do not match the detector shape [${ny}, ${nx}]`,
        file,
        path: dataPath,
      });
    const raw = externalTarget(f, dataPath)!;
    const chunks = dataNode.chunks;
    const rawChunks: [number, number, number] =
      chunks && chunks.length === 3 ? [chunks[0]!, chunks[1]!, chunks[2]!] : [1, ny, nx];

    // frame range (inclusive), as NXRefine's monitor weights: 0 before first and after last
    const first = options.first ?? params.values.first;
    let last = options.last ?? params.values.last;
    if (options.last === undefined && last > nframes - 1) last = nframes - 1;
    if (!(Number.isInteger(first) && Number.isInteger(last) && first >= 0 && last < nframes && first <= last))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `frame range ${first}…${last} is not inside 0…${nframes - 1}`,
        file,
        path: dataPath,
      });

    // weights
    const monitor = params.values.monitor;
    const norm = params.values.norm;
    let monitorWeights: Float64Array | undefined;
    if (options.normalize !== false && norm > 0) {
      // NXRefine's monitor_weight (spec §5.4): smoothed monitor/norm × transmissions, 0 outside first…last
      const read = readMonitor(f, entry, monitor, nframes);
      const m = read.values ?? undefined;
      const transmissions = readTransmissions(f, entry, nframes);
      if (read.values === null) warnings.push(`${read.reason}: unit monitor weights`);
      else if (nframes < 3)
        warnings.push(`only ${nframes} frames: the monitor is not smoothed (unit monitor weights)`);
      if (m || transmissions.length > 0)
        monitorWeights = nxrefineFrameWeights({
          monitor: m,
          norm,
          nframes,
          first,
          last,
          transmissions: transmissions.map((t) => t.values),
        });
    }

    // 2-D mask: pixel_mask, plus Pilatus module gaps
    const maskPath = entryPath(entry, 'instrument/detector/pixel_mask');
    let pixelMask: Uint8Array | null = null;
    if (f.has(maskPath)) {
      const m = readNumbers(f, maskPath)!;
      if (m.length !== ny * nx)
        throw new NxrError({
          code: 'WRONG_SHAPE',
          message: `pixel_mask has ${m.length} values, the detector ${ny}×${nx}`,
          file,
          path: maskPath,
        });
      pixelMask = Uint8Array.from(m, (v) => (v !== 0 ? 1 : 0));
    }
    const description = readText(f, entryPath(entry, 'instrument/detector/description')) ?? '';
    if (
      options.moduleGaps !== 'none' &&
      fitsModuleLayout([ny, nx]) &&
      (description === '' || /pilatus/i.test(description))
    ) {
      const gaps = computeModuleGapMask([ny, nx]);
      pixelMask ??= new Uint8Array(ny * nx);
      for (let i = 0; i < gaps.length; i++) if (gaps[i]) pixelMask[i] = 1;
    }
    let maskedPixels = 0;
    if (pixelMask) for (let i = 0; i < pixelMask.length; i++) maskedPixels += pixelMask[i]!;

    // an existing grid (NXRefine get_transform_grid: Q[0], Q[1] − Q[0], Q[−1])
    let existingGrid: TransformInputs['existingGrid'];
    const axes = ['Qh', 'Qk', 'Ql'].map((q) => readNumbers(f, entryPath(entry, `transform/${q}`)));
    if (axes.every((a) => a !== undefined && a.length >= 2)) {
      // NXRefine takes Q[1] − Q[0]; the mean step over the axis, to 12 digits, drops float noise
      const snap = (x: number): number => Number(x.toPrecision(12));
      const [h, k, l] = axes.map(
        (a) =>
          [
            snap(a![0]!),
            snap((a![a!.length - 1]! - a![0]!) / (a!.length - 1)),
            snap(a![a!.length - 1]!),
          ] as const,
      );
      existingGrid = { h: h!, k: k!, l: l! };
    }

    const dataMask = externalTarget(f, entryPath(entry, 'data/data_mask'));
    const layout = scanLayout(file);
    const scanDir = raw.file !== file ? dirname(raw.file) : layout.scanDir;
    return {
      file,
      entry,
      geometry,
      cell,
      U,
      UB,
      nframes,
      first,
      last,
      monitor,
      norm,
      monitorWeights,
      pixelMask,
      maskedPixels,
      existingGrid,
      scanDir,
      dataMask,
      rawChunks,
      rawFile: raw.file,
      rawPath: raw.path,
      warnings,
    };
  } finally {
    f.close();
  }
}

/** The grid of a transform: explicit axes, else the entry's existing transform axes, else NXRefine's default. */
export function resolveTransformGrid(
  inputs: Pick<TransformInputs, 'geometry' | 'cell' | 'existingGrid'>,
  grid: TransformDataOptions['grid'] = {},
): { grid: HklGrid; source: TransformDataResult['gridSource'] } {
  const def = computeDefaultGrid({ geometry: inputs.geometry, cell: inputs.cell });
  const sources = new Set<string>();
  const pick = (key: 'h' | 'k' | 'l', name: string): GridAxis => {
    const given = grid[key];
    if (given) {
      sources.add('options');
      return defineGridAxis(given[0], given[1], given[2], name);
    }
    const existing = inputs.existingGrid?.[key];
    if (existing) {
      sources.add('file');
      return defineGridAxis(existing[0], existing[1], existing[2], name);
    }
    sources.add('default');
    return def[key];
  };
  const g = { h: pick('h', 'H'), k: pick('k', 'K'), l: pick('l', 'L') };
  const source = sources.size === 1 ? ([...sources][0] as TransformDataResult['gridSource']) : 'mixed';
  return { grid: g, source };
}

/** NXRefine's cctw command for this transform (stored as `command`, spec §4.16). */
export function cctwTransformCommand(inputs: TransformInputs, masked: boolean, parsFile: string): string {
  const e = inputs.entry;
  const out = join(inputs.scanDir, `${e}${masked ? '_masked' : ''}_transform.nxs`);
  const parts = [`cctw transform --script ${parsFile}`];
  if (inputs.pixelMask) parts.push(`--mask ${inputs.file}\\#/${e}/instrument/detector/pixel_mask`);
  if (masked && inputs.dataMask) parts.push(`--mask3d ${inputs.file}\\#/${e}/data/data_mask`);
  if (inputs.monitorWeights) parts.push(`--weights ${inputs.file}\\#/${e}/data/monitor_weight`);
  parts.push(`${inputs.rawFile}\\#/${inputs.rawPath.replace(/^\/*/, '/')}`);
  parts.push(`--output ${out}\\#/entry/data`);
  parts.push('--normalization 0');
  return parts.join(' ');
}

/**
 * How the memory limit is shared: brick cache per worker and L planes per merge slab. When the
 * workers end before the merge (`separatePhases`, the job's own pool) the two phases each get the
 * whole budget; with a shared pool the workers' caches may still be resident (until garbage
 * collection) while the merge runs, so the merge slab is taken out of the caches' share.
 */
export function planTransformMemory(
  grid: HklGrid,
  shape: [number, number],
  workers: number,
  memoryLimitBytes: number,
  separatePhases = false,
): { cacheBytesPerWorker: number; planesPerSlab: number } {
  const pixels = shape[0] * shape[1];
  const free =
    memoryLimitBytes - MAIN_OVERHEAD - workers * (WORKER_OVERHEAD + WORKER_BYTES_PER_PIXEL * pixels);
  if (free < 32 * MIB * workers)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `memory limit ${(memoryLimitBytes / MIB).toFixed(0)} MiB is too small for ${workers} workers on a ${shape[0]}×${shape[1]} detector`,
    });
  // merge: the slab's v and n (8 bytes per voxel), at most 1 GiB (whole brick layers of 16 planes)
  const plane = 8 * grid.h.count * grid.k.count;
  const slabBudget = Math.min(separatePhases ? 1024 * MIB : 512 * MIB, free / 4);
  if (plane * BRICK_SIDE > (separatePhases ? free : free / 2))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message:
        `grid planes of ${grid.k.count}×${grid.h.count} voxels need ${((plane * BRICK_SIDE) / 2 ** 30).toFixed(1)} GiB ` +
        `per 16 L planes, more than the memory limit allows: use coarser H or K steps`,
    });
  const layers = Math.max(1, Math.floor(slabBudget / (plane * BRICK_SIDE)));
  const planesPerSlab = Math.min(layers * BRICK_SIDE, Math.ceil(grid.l.count / BRICK_SIDE) * BRICK_SIDE);
  const slabBytes = planesPerSlab * plane;
  const gridBytes = Math.ceil(gridVoxelCount(grid) / BRICK_SIDE ** 3 + 64) * BRICK_BYTES;
  const forCaches = separatePhases ? free : free - slabBytes;
  const cacheBytesPerWorker = Math.max(16 * MIB, Math.min(gridBytes, Math.floor(forCaches / workers)));
  return { cacheBytesPerWorker, planesPerSlab };
}

const COMPRESSION: Record<OutputCompression, Compression> = {
  none: 'none',
  bslz4: 'bslz4',
  lz4: 'lz4',
  gzip: 'gzip',
};

/** Chunks of v and n: 16 L planes × 64 × 64 (256 KiB), clipped to the grid. */
export function transformChunks(grid: HklGrid): [number, number, number] {
  return [Math.min(16, grid.l.count), Math.min(64, grid.k.count), Math.min(64, grid.h.count)];
}

/** Writes the axes Qh, Qk, Ql (NXRefine's attributes) into a group. */
export function writeTransformAxes(w: NexusWriter, group: string, grid: HklGrid, cell: UnitCell): void {
  const rec = computeReciprocalCell(cell, { twoPi: true });
  w.field(`${group}/Qh`, axisValues(grid.h), { attrs: { long_name: 'H (r.l.u.)', scaling_factor: rec.a } });
  w.field(`${group}/Qk`, axisValues(grid.k), { attrs: { long_name: 'K (r.l.u.)', scaling_factor: rec.b } });
  w.field(`${group}/Ql`, axisValues(grid.l), { attrs: { long_name: 'L (r.l.u.)', scaling_factor: rec.c } });
}

/**
 * The NXdata group of a transform in the wrapper (NXRefine `prepare_transform`): data and weights as
 * external links to /entry/data/v and /entry/data/n of `outputFile`, axes, @angles, command; the
 * entry's @default points at it.
 */
export function writeTransformGroup(
  w: NexusWriter,
  wrapperFile: string,
  entryName: string,
  groupName: 'transform' | 'masked_transform',
  outputFile: string,
  grid: HklGrid,
  cell: UnitCell,
  command: string,
): void {
  const g = entryPath(entryName, groupName);
  if (w.has(g)) w.remove(g);
  const rec = computeReciprocalCell(cell, { twoPi: true });
  // 90.00000000000001 from acos would make NeXpy draw (invisibly) skewed axes
  const angle = (a: number): number => (Math.abs(a - 90) < 1e-9 ? 90 : a);
  w.group(g, 'NXdata', {
    signal: 'data',
    axes: ['Ql', 'Qk', 'Qh'],
    angles: [angle(rec.gamma), angle(rec.beta), angle(rec.alpha)],
  });
  const link = relative(dirname(resolve(wrapperFile)), outputFile);
  w.externalLink(`${g}/data`, link, '/entry/data/v');
  w.externalLink(`${g}/weights`, link, '/entry/data/n');
  writeTransformAxes(w, g, grid, cell);
  w.field(`${g}/command`, command);
  w.setAttrs(entryPath(entryName), { default: groupName });
}

/** Record sizes of spill files. */
const RECORD_BYTES = 4 + BRICK_FLOATS * 4;

/**
 * Merges the spill files into a new transform file, slab of L planes by slab (the slab's v and n are
 * the only large arrays held). Returns Σv and Σn.
 */
async function mergeSpills(
  w: NexusFileWriter,
  grid: HklGrid,
  spillDir: string,
  planesPerSlab: number,
  compression: OutputCompression,
  ctx: JobContext,
  progress: (fraction: number) => void,
): Promise<{ sumCounts: number; sumWeights: number }> {
  const nh = grid.h.count;
  const nk = grid.k.count;
  const nl = grid.l.count;
  const chunks = transformChunks(grid);
  for (const name of ['v', 'n'] as const) {
    w.createStack(`/entry/data/${name}`, {
      frameShape: [nk, nh],
      dtype: '<f4',
      compression: COMPRESSION[compression],
      chunks,
      maxFrames: nl,
      attrs: name === 'v' ? { long_name: 'summed counts' } : { long_name: 'summed weights' },
    });
  }
  const slabV = new Float32Array(planesPerSlab * nk * nh);
  const slabN = new Float32Array(planesPerSlab * nk * nh);
  const files = readdirSync(spillDir).sort();
  const record = Buffer.alloc(RECORD_BYTES * 256);
  const floats = new Float32Array(BRICK_FLOATS);
  const floatBytes = new Uint8Array(floats.buffer);
  let sumCounts = 0;
  let sumWeights = 0;
  const nSlabs = Math.ceil(nl / planesPerSlab);
  // writes of at most ~64 MiB per call (the wasm heap holds each write whole)
  const writePlanes = Math.max(chunks[0], Math.floor((64 * MIB) / (4 * nk * nh) / chunks[0]) * chunks[0]);
  for (let s = 0; s < nSlabs; s++) {
    throwIfAborted(ctx.signal);
    const l0 = s * planesPerSlab;
    const planes = Math.min(planesPerSlab, nl - l0);
    const size = planes * nk * nh;
    slabV.fill(0, 0, size);
    slabN.fill(0, 0, size);
    const prefix = spillFilePrefix(s);
    for (const name of files.filter((n) => n.startsWith(prefix))) {
      const fd = openSync(join(spillDir, name), 'r');
      try {
        for (;;) {
          const got = readSync(fd, record, 0, record.length, null);
          if (got === 0) break;
          if (got % RECORD_BYTES !== 0)
            throw new NxrError({ code: 'INTERNAL', message: `spill file ${name} is truncated` });
          for (let off = 0; off < got; off += RECORD_BYTES) {
            const id = record.readInt32LE(off);
            floatBytes.set(record.subarray(off + 4, off + RECORD_BYTES));
            const [sv, sn] = addBrickToSlab(grid, slabV, slabN, l0, planes, id, floats);
            sumCounts += sv;
            sumWeights += sn;
          }
        }
      } finally {
        closeSync(fd);
      }
      rmSync(join(spillDir, name), { force: true });
    }
    for (let p = 0; p < planes; p += writePlanes) {
      const q = Math.min(planes, p + writePlanes);
      w.appendFrames('/entry/data/v', slabV.subarray(p * nk * nh, q * nk * nh));
      w.appendFrames('/entry/data/n', slabN.subarray(p * nk * nh, q * nk * nh));
    }
    progress((s + 1) / nSlabs);
    await new Promise((r) => setImmediate(r));
  }
  return { sumCounts, sumWeights };
}

/**
 * Writes a transform file from the spill files of a run (atomically: temp file, then rename):
 * /entry/data (NXdata: v, n, Qh, Qk, Ql). Returns Σv and Σn.
 */
export async function writeTransformFile(
  outputFile: string,
  grid: HklGrid,
  cell: UnitCell,
  spillDir: string,
  planesPerSlab: number,
  compression: OutputCompression,
  ctx: JobContext = {},
  progress: (fraction: number) => void = () => undefined,
): Promise<{ sumCounts: number; sumWeights: number }> {
  const w = await createNexusFile(outputFile, { overwrite: true, purpose: 'nxr transform' });
  try {
    w.group('/entry', 'NXentry');
    w.group('/entry/data', 'NXdata', { signal: 'v', axes: ['Ql', 'Qk', 'Qh'] });
    writeTransformAxes(w, '/entry/data', grid, cell);
    const sums = await mergeSpills(w, grid, spillDir, planesPerSlab, compression, ctx, progress);
    commitReplacing(w, outputFile);
    return sums;
  } catch (e) {
    w.abort();
    throw e;
  }
}

/**
 * Commits a writer over `file`, moving an existing `file` aside first and deleting it in the
 * background: replacing a 10 GB transform would otherwise block for the seconds the file system
 * needs to free it. If the commit fails the old file is put back.
 */
export function commitReplacing(w: NexusFileWriter, file: string): void {
  const old = existsSync(file) ? `${file}.old-${process.pid}-${randomBytes(4).toString('hex')}` : undefined;
  if (old) renameSync(file, old);
  try {
    w.close();
  } catch (e) {
    if (old) renameSync(old, file);
    throw e;
  }
  if (old) void rm(old, { force: true }).catch(() => undefined);
}

/** Transform Data: see the module comment. */
export async function transformData(
  options: TransformDataOptions,
  ctx: JobContext = {},
): Promise<TransformDataResult> {
  const t0 = performance.now();
  const masked = options.masked === true;
  const inputs = await readTransformInputs(options);
  for (const m of inputs.warnings) ctx.onLog?.(m, 'warn');
  const { file, entry, geometry } = inputs;
  const { grid, source: gridSource } = resolveTransformGrid(inputs, options.grid);
  const incompatible = cctwIncompatibleAxes(grid);
  if (incompatible.length > 0)
    ctx.onLog?.(
      `grid steps of ${incompatible.join(', ')} are not 1/integer: CCTW could not reproduce this grid`,
      'warn',
    );
  if (masked && !inputs.dataMask)
    throw new NxrError({
      code: 'MISSING_PATH',
      message: 'no 3-D mask: run prepare-mask first',
      file,
      path: entryPath(entry, 'data/data_mask'),
    });
  const name = masked ? 'masked_transform' : 'transform';
  const outputFile = join(inputs.scanDir, `${entry}_${name}.nxs`);
  const parsFile = join(inputs.scanDir, `${entry}_transform.pars`);
  ctx.onLog?.(
    `${entry}: ${name} of frames ${inputs.first}…${inputs.last} onto H ${grid.h.start}…${axisStop(grid.h)} ` +
      `(${grid.h.count}), K ${grid.k.start}…${axisStop(grid.k)} (${grid.k.count}), L ${grid.l.start}…${axisStop(grid.l)} (${grid.l.count})`,
  );

  const pool = options.pool ?? new FramePool(options.workers !== undefined ? { size: options.workers } : {});
  const ownPool = options.pool === undefined;
  const memory = planTransformMemory(
    grid,
    geometry.shape,
    pool.size,
    options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT,
    ownPool,
  );
  const spillDir = join(
    inputs.scanDir,
    `.${entry}_${name}.spill-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  mkdirSync(spillDir, { recursive: true });
  const weights = inputs.monitorWeights ?? new Float64Array(inputs.nframes);
  if (!inputs.monitorWeights) weights.fill(1, inputs.first, inputs.last + 1);
  const nFrames = inputs.last - inputs.first + 1;
  let tAccumulated = 0;
  try {
    let parts;
    try {
      parts = await pool.runKernel(
        'transform',
        {
          geometry,
          UB: inputs.UB,
          grid,
          pixelOffset: options.pixelConvention === 'cctw' ? 0.5 : 0,
          pixelMask: inputs.pixelMask,
          weights,
          mask3d: masked ? inputs.dataMask! : null,
          spillDir,
          bricksPerSlab: memory.planesPerSlab / BRICK_SIDE,
          cacheBytes: memory.cacheBytesPerWorker,
        },
        {
          file,
          dataset: entryPath(entry, 'data/data'),
          frames: [inputs.first, inputs.last + 1],
          chunkFrames: Math.ceil(nFrames / pool.size),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onProgress: ({ done, total }) => ctx.onProgress?.((0.9 * done) / total, `frame ${done}/${total}`),
        },
      );
    } finally {
      if (ownPool) await pool.close();
    }
    tAccumulated = performance.now();
    const totals = parts.reduce(
      (a, p: { result: TransformKernelPart }) => ({
        frames: a.frames + p.result.frames,
        pixels: a.pixels + p.result.pixels,
        spillBytes: a.spillBytes + p.result.spillBytes,
      }),
      { frames: 0, pixels: 0, spillBytes: 0 },
    );

    const sums = await writeTransformFile(
      outputFile,
      grid,
      inputs.cell,
      spillDir,
      memory.planesPerSlab,
      options.compression ?? 'none',
      ctx,
      (fr) => ctx.onProgress?.(0.9 + 0.09 * fr, 'writing'),
    );

    const parsText = formatCctwSettings({
      pixelSize: geometry.pixelSize,
      wavelength: geometry.wavelength,
      distance: geometry.distance,
      cell: inputs.cell,
      UB: inputs.UB,
      O: parseDetectorOrientation(geometry.detectorOrientation),
      beamCenterX: geometry.beamCenterX,
      beamCenterY: geometry.beamCenterY,
      yaw: geometry.yaw,
      pitch: geometry.pitch,
      roll: geometry.roll,
      theta: geometry.theta,
      omega: geometry.omega,
      chi: geometry.chi,
      phiStart: geometry.phiStart,
      phiStep: geometry.phiStep,
      grid,
      rawChunks: inputs.rawChunks,
      convention: options.parsConvention ?? 'consistent',
    });
    writeFileSync(parsFile, parsText);
    const command = cctwTransformCommand(inputs, masked, parsFile);
    const seconds = (performance.now() - t0) / 1000;
    const summary =
      `${totals.pixels} pixel-frames of ${totals.frames} frames on a ${grid.h.count}×${grid.k.count}×${grid.l.count} grid ` +
      `(Σv = ${sums.sumCounts.toPrecision(8)}, Σn = ${sums.sumWeights.toPrecision(8)}) in ${seconds.toFixed(1)} s`;
    await updateNexusFile(
      file,
      (wr) => {
        writeTransformGroup(wr, file, entry, name, outputFile, grid, inputs.cell, command);
        if (inputs.monitorWeights)
          wr.field(entryPath(entry, 'data/monitor_weight'), inputs.monitorWeights, {
            attrs: { axes: 'frame_number' },
          });
        wr.record(
          entryPath(entry),
          processRecordFor(file, masked ? 'nxmasked_transform' : 'nxtransform', {
            monitor: inputs.monitor,
            norm: inputs.monitorWeights ? inputs.norm : 0,
            first: inputs.first,
            last: inputs.last,
            command,
            output: summary,
            errors: '',
          }),
        );
      },
      { purpose: `nxr transform ${entry}` },
    );
    ctx.onLog?.(`${basename(outputFile)}: ${summary}`);
    ctx.onProgress?.(1, 'done');
    const tEnd = performance.now();
    return {
      file,
      entry,
      masked,
      outputFile,
      parsFile,
      grid,
      gridSource,
      first: inputs.first,
      last: inputs.last,
      framesUsed: totals.frames,
      pixels: totals.pixels,
      sumCounts: sums.sumCounts,
      sumWeights: sums.sumWeights,
      weights: inputs.monitorWeights ? 'monitor' : 'none',
      spillBytes: totals.spillBytes,
      cacheBytesPerWorker: memory.cacheBytesPerWorker,
      planesPerSlab: memory.planesPerSlab,
      seconds: {
        accumulate: (tAccumulated - t0) / 1000,
        merge: (tEnd - tAccumulated) / 1000,
        total: (tEnd - t0) / 1000,
      },
    };
  } finally {
    rmSync(spillDir, { recursive: true, force: true });
  }
}
