/**
 * Create Mask (Experiment menu, spec §7): the 2-D detector mask `<entry>/instrument/detector/
 * pixel_mask` (int8 [ny, nx], 1 = masked, §3.2) from the current mask, an imported mask image,
 * shapes that add or remove pixels, the module gaps of a DECTRIS detector and the pixels with
 * negative counts in the calibration image (or the first frame). Layering: see
 * src/refine/mask/detector-mask.ts. `allEntries` also writes it to the file's other entries whose
 * names end in a digit (NXRefine: "Copy mask to other entries?"), after checking their shape.
 *
 * The detector shape is taken from, in order: the current pixel_mask, detector/shape, the frames
 * `<entry>/data/data`, the calibration image; those present must agree.
 */
import { basename, resolve } from 'node:path';

import type { NexusReader } from '../../nexus/port.ts';
import {
  findDetectorModel,
  resolveDetectorLayout,
  type DetectorFamily,
  type LayoutSource,
} from '../../refine/detector/detector-models.ts';
import { computeModuleGapMask } from '../../refine/detector/module-gaps.ts';
import { buildDetectorMask, type DetectorMaskCounts } from '../../refine/mask/detector-mask.ts';
import { checkMaskShape, type MaskShape } from '../../refine/mask/mask-shapes.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { readDetectorMaskImage, type MaskImageFormat } from '../io/read-mask-image.ts';
import type { CreateMaskRequest, CreateMaskSummary } from '../../shared/experiment-jobs.ts';
import type { RefineJobContext } from '../refine-jobs.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';

/** Which image's negative pixels are masked: 'auto' = the calibration image, else the first frame, else none. */
export type NegativePixelSource = 'auto' | 'calibration' | 'frame' | 'none';

export interface CreateMaskOptions {
  file: string;
  /** Entry, e.g. 'f1' or 'entry'. */
  entry: string;
  /** Applied in order after the current and imported masks. */
  shapes?: readonly MaskShape[];
  /** Module gaps: 'auto' (model from detector/description and the shape), a model name, or 'none'. @default 'none' */
  gaps?: string;
  /** @default 'auto' */
  negatives?: NegativePixelSource;
  /** A mask image to OR in (TIFF, PNG, EDF, CBF, HDF5). */
  importFile?: string;
  /** Dataset inside an HDF5 import file (found when absent). */
  importPath?: string;
  /** Start from the current pixel_mask (else from an empty mask). @default true */
  keepExisting?: boolean;
  /** Also write the mask to the other entries ending in a digit. @default false */
  allEntries?: boolean;
  /** Write the file (false: compute only, e.g. a preview or --dry-run). @default true */
  write?: boolean;
  /** Return the reference image (calibration image or first frame) as Float32Array. @default false */
  returnImage?: boolean;
}

export interface CreateMaskGaps {
  /** The model whose layout was used (null: a family's tiling, or no gaps). */
  model: string | null;
  family: DetectorFamily | null;
  /** How the layout was chosen, or 'none' (not asked for, or no layout fits). */
  source: LayoutSource | 'none';
  /** Why the description was not followed, or why there are no gaps. */
  note?: string;
}

export interface CreateMaskResult {
  file: string;
  entry: string;
  /** [ny, nx] */
  shape: [number, number];
  /** detector/description, when present. */
  description: string | null;
  gaps: CreateMaskGaps;
  /** The image whose negative pixels were masked. */
  reference: 'calibration' | 'frame' | 'none';
  /** The path of that image in the file. */
  referencePath: string | null;
  /** The image read (shown by the dialog even when its negative pixels are not masked). */
  imageSource: 'calibration' | 'frame' | 'none';
  imagePath: string | null;
  imported: { file: string; format: MaskImageFormat; path?: string } | null;
  counts: DetectorMaskCounts;
  /** The new mask, 1 = masked, row-major [ny, nx]. */
  mask: Uint8Array;
  /** The reference image (with `returnImage`), row-major [ny, nx]. */
  image?: Float32Array;
  /** Beam centre in pixels [x, y] when the entry has one (where new shapes go). */
  beamCenter: [number, number] | null;
  written: boolean;
  /** Entries written. */
  entries: string[];
}

const MASK_PATH = 'instrument/detector/pixel_mask';

function bad(message: string, file: string, path?: string): NxrError {
  return new NxrError({ code: 'BAD_PARAMETER', message, file, ...(path !== undefined ? { path } : {}) });
}

function wrongShape(message: string, file: string, path: string): NxrError {
  return new NxrError({ code: 'WRONG_SHAPE', message, file, path });
}

/** Last two dimensions of a dataset, or null when absent / not an image. */
function imageShape(f: NexusReader, path: string): [number, number] | null {
  if (!f.has(path)) return null;
  const node = f.entity(path, { attrs: false, maxDepth: 0 });
  if (node.kind !== 'dataset' || node.dangling) return null;
  const s = node.shape ?? [];
  if (s.length < 2) return null;
  return [s[s.length - 2]!, s[s.length - 1]!];
}

function readString(f: NexusReader, path: string): string | null {
  if (!f.has(path)) return null;
  const v = f.readValue(path);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return null;
}

function readNumber(f: NexusReader, path: string): number | null {
  if (!f.has(path)) return null;
  const v = f.readValue(path);
  const x = typeof v === 'number' ? v : ArrayBuffer.isView(v) ? Number((v as ArrayLike<number>)[0]) : NaN;
  return Number.isFinite(x) ? x : null;
}

function toFloat32(a: ArrayLike<number | bigint>): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]!);
  return out;
}

/** The signal dataset of `<entry>/instrument/calibration` (NXdata), or null. */
function calibrationSignalPath(f: NexusReader, entry: string): string | null {
  const g = `/${entry}/instrument/calibration`;
  if (!f.has(g)) return null;
  let name: string | null = null;
  try {
    const s = f.readAttribute(g, 'signal');
    if (typeof s === 'string') name = s;
  } catch {
    name = null;
  }
  for (const n of [name, 'data', 'z'].filter((x): x is string => x !== null)) {
    const p = `${g}/${n}`;
    if (imageShape(f, p)) return p;
  }
  return null;
}

/** The entries of the file whose names end in a digit, other than `entry` (NXRefine's rule). */
function otherEntries(f: NexusReader, entry: string): string[] {
  return f
    .children('/', { attrs: false, maxDepth: 0 })
    .filter((c) => c.kind === 'group' && /\d$/.test(c.name) && c.name !== entry)
    .filter((c) => c.nxClass === undefined || c.nxClass === 'NXentry')
    .map((c) => c.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The detector shape of an entry and the paths it was read from (all present must agree). */
function detectorShape(f: NexusReader, entry: string, file: string): [number, number] {
  const found: Array<[string, [number, number]]> = [];
  const maskPath = `/${entry}/${MASK_PATH}`;
  const m = imageShape(f, maskPath);
  if (m) found.push([maskPath, m]);
  const shapePath = `/${entry}/instrument/detector/shape`;
  if (f.has(shapePath)) {
    const v = f.readValue(shapePath);
    const a = ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<number | bigint>, Number) : [];
    if (a.length === 2 && a.every((x) => Number.isInteger(x) && x > 0))
      found.push([shapePath, [a[0]!, a[1]!]]);
  }
  const framesPath = `/${entry}/data/data`;
  const fr = imageShape(f, framesPath);
  if (fr) found.push([framesPath, fr]);
  const cal = calibrationSignalPath(f, entry);
  if (cal) found.push([cal, imageShape(f, cal)!]);
  if (found.length === 0)
    throw new NxrError({
      code: 'MISSING_PATH',
      message: `cannot tell the detector shape: no ${MASK_PATH}, instrument/detector/shape, data/data or calibration image`,
      file,
      path: `/${entry}`,
    });
  const [firstPath, shape] = found[0]!;
  for (const [p, s] of found.slice(1))
    if (s[0] !== shape[0] || s[1] !== shape[1])
      throw wrongShape(
        `${p} is ${s[0]} × ${s[1]} but ${firstPath} is ${shape[0]} × ${shape[1]} (ny × nx)`,
        file,
        p,
      );
  return shape;
}

/** Reads the current mask (null when absent); it must be numeric. */
function readExistingMask(f: NexusReader, entry: string, file: string): Uint8Array | null {
  const p = `/${entry}/${MASK_PATH}`;
  if (!f.has(p)) return null;
  const v = f.readValue(p);
  if (!ArrayBuffer.isView(v))
    throw new NxrError({ code: 'WRONG_DTYPE', message: 'pixel_mask is not numeric', file, path: p });
  const a = v as unknown as ArrayLike<number | bigint>;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]!) !== 0 ? 1 : 0;
  return out;
}

/** Checks the options before any file is read. */
function checkOptions(o: CreateMaskOptions, file: string): void {
  const negatives = o.negatives ?? 'auto';
  if (!['auto', 'calibration', 'frame', 'none'].includes(negatives))
    throw bad(`negatives must be auto, calibration, frame or none, got '${String(negatives)}'`, file);
  (o.shapes ?? []).forEach((s, k) => {
    const p = s && typeof s === 'object' ? checkMaskShape(s) : 'not a shape';
    if (p !== null) throw bad(`shape ${k + 1}: ${p}`, file);
  });
  const g = o.gaps ?? 'none';
  if (g !== 'none' && g !== 'auto' && findDetectorModel(g) === undefined)
    throw bad(`unknown detector model '${g}' (e.g. 'Pilatus 2M', 'Eiger2 16M', or auto)`, file);
}

export async function createMask(
  options: CreateMaskOptions,
  ctx: JobContext = {},
): Promise<CreateMaskResult> {
  const file = resolve(options.file);
  const entry = options.entry.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9_]+$/.test(entry)) throw bad(`bad entry name '${options.entry}'`, file);
  checkOptions(options, file);
  const write = options.write ?? true;
  const negatives = options.negatives ?? 'auto';
  ctx.onProgress?.(0, 'reading');

  const f = await openNexusFile(file);
  let shape: [number, number];
  let existing: Uint8Array | null;
  let description: string | null;
  let reference: Float32Array | null = null;
  let referenceKind: CreateMaskResult['reference'] = 'none';
  let referencePath: string | null = null;
  let beamCenter: [number, number] | null = null;
  let others: string[] = [];
  try {
    if (!f.has(`/${entry}`))
      throw new NxrError({ code: 'MISSING_PATH', message: `no entry '${entry}'`, file, path: `/${entry}` });
    shape = detectorShape(f, entry, file);
    existing = readExistingMask(f, entry, file);
    description = readString(f, `/${entry}/instrument/detector/description`);
    const xc = readNumber(f, `/${entry}/instrument/detector/beam_center_x`);
    const yc = readNumber(f, `/${entry}/instrument/detector/beam_center_y`);
    if (xc !== null && yc !== null) beamCenter = [xc, yc];

    // the reference image: calibration, else the first frame (read for 'none' only to show it)
    const wantImage = negatives !== 'none' || options.returnImage === true;
    const cal = calibrationSignalPath(f, entry);
    if (negatives === 'calibration' && !cal)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no calibration image (instrument/calibration)',
        file,
        path: `/${entry}/instrument/calibration`,
      });
    if (wantImage && cal && negatives !== 'frame') {
      const v = f.readValue(cal);
      if (!ArrayBuffer.isView(v))
        throw new NxrError({
          code: 'WRONG_DTYPE',
          message: 'calibration image is not numeric',
          file,
          path: cal,
        });
      const a = v as unknown as ArrayLike<number | bigint>;
      if (a.length !== shape[0] * shape[1])
        throw wrongShape(`the calibration image is not one ${shape[0]} × ${shape[1]} image`, file, cal);
      reference = toFloat32(a);
      referenceKind = 'calibration';
      referencePath = cal;
    } else if (wantImage && negatives !== 'calibration') {
      const framesPath = `/${entry}/data/data`;
      const node = f.has(framesPath) ? f.entity(framesPath, { attrs: false, maxDepth: 0 }) : null;
      const s = node?.shape ?? [];
      if (node !== null && node.kind === 'dataset' && !node.dangling && s.length === 3 && s[0]! > 0) {
        reference = toFloat32(f.readFrame(framesPath, 0).data as ArrayLike<number | bigint>);
        referenceKind = 'frame';
        referencePath = framesPath;
      } else if (negatives === 'frame') {
        throw new NxrError({
          code: node?.dangling ? 'DANGLING_LINK' : 'MISSING_PATH',
          message: node?.dangling ? 'the frames link to a missing file' : 'no frames to read',
          file,
          path: framesPath,
        });
      }
    }
    if (options.allEntries) {
      others = otherEntries(f, entry);
      for (const e of others) {
        if (!f.has(`/${e}/instrument/detector`))
          throw new NxrError({
            code: 'MISSING_PATH',
            message: `entry '${e}' has no instrument/detector to copy the mask to`,
            file,
            path: `/${e}/instrument/detector`,
          });
        const s = detectorShape(f, e, file);
        if (s[0] !== shape[0] || s[1] !== shape[1])
          throw wrongShape(
            `entry '${e}' has a ${s[0]} × ${s[1]} detector, '${entry}' ${shape[0]} × ${shape[1]}: the mask cannot be copied`,
            file,
            `/${e}`,
          );
      }
    }
  } finally {
    f.close();
  }
  throwIfAborted(ctx.signal, file);
  ctx.onProgress?.(0.3, 'building the mask');

  // module gaps
  let gapMask: Uint8Array | null = null;
  let gaps: CreateMaskGaps = { model: null, family: null, source: 'none' };
  const gapOption = options.gaps ?? 'none';
  if (gapOption !== 'none') {
    let r;
    try {
      r = resolveDetectorLayout(shape, {
        ...(gapOption !== 'auto' ? { model: gapOption } : {}),
        ...(description !== null ? { description } : {}),
      });
    } catch (e) {
      throw bad((e as Error).message, file, `/${entry}/instrument/detector`);
    }
    if (r === null) {
      gaps = {
        model: null,
        family: null,
        source: 'none',
        note: `no Pilatus/Eiger module layout fits a ${shape[0]} × ${shape[1]} detector`,
      };
      ctx.onLog?.(gaps.note!, 'warn');
    } else {
      gapMask = computeModuleGapMask(shape, r.layout);
      gaps = {
        model: r.model?.name ?? null,
        family: r.family,
        source: r.source,
        ...(r.note !== undefined ? { note: r.note } : {}),
      };
      if (r.note !== undefined) ctx.onLog?.(r.note, 'warn');
    }
  }

  // imported mask
  let imported: CreateMaskResult['imported'] = null;
  let importedMask: Uint8Array | null = null;
  if (options.importFile !== undefined) {
    const img = await readDetectorMaskImage(options.importFile, shape, options.importPath);
    importedMask = img.mask;
    imported = {
      file: basename(options.importFile),
      format: img.format,
      ...(img.path ? { path: img.path } : {}),
    };
  }
  throwIfAborted(ctx.signal, file);

  const built = buildDetectorMask({
    ny: shape[0],
    nx: shape[1],
    existing,
    keepExisting: options.keepExisting ?? true,
    imported: importedMask,
    gaps: gapMask,
    reference: negatives === 'none' ? null : reference,
    shapes: options.shapes ?? [],
  });
  const entries = [entry, ...others];
  if (write) {
    ctx.onProgress?.(0.6, 'writing');
    const data = new Int8Array(built.mask.buffer, built.mask.byteOffset, built.mask.length);
    await updateNexusFile(
      file,
      (w) => {
        for (const e of entries) w.field(`/${e}/${MASK_PATH}`, data, { shape: [...shape], dtype: '<i1' });
      },
      { purpose: 'create mask' },
    );
    ctx.onLog?.(`pixel_mask written to ${entries.join(', ')}: ${built.counts.after} pixels masked`);
  }
  ctx.onProgress?.(1);
  return {
    file,
    entry,
    shape,
    description,
    gaps,
    reference: negatives === 'none' ? 'none' : referenceKind,
    referencePath: negatives === 'none' ? null : referencePath,
    imageSource: referenceKind,
    imagePath: referencePath,
    imported,
    counts: built.counts,
    mask: built.mask,
    ...(options.returnImage && reference ? { image: reference } : {}),
    beamCenter,
    written: write,
    entries: write ? entries : [],
  };
}

/** The engine's 'create-mask' job: the open file's path, a reload when it was written, no absolute paths back. */
export async function createMaskJob(
  req: CreateMaskRequest,
  ctx: RefineJobContext,
): Promise<CreateMaskSummary> {
  const file = ctx.filePath(req.fileId);
  const r = await createMask(
    {
      file,
      entry: req.entry,
      write: req.write,
      ...(req.shapes !== undefined ? { shapes: req.shapes } : {}),
      ...(req.gaps !== undefined ? { gaps: req.gaps } : {}),
      ...(req.negatives !== undefined ? { negatives: req.negatives } : {}),
      ...(req.importFile !== undefined ? { importFile: req.importFile } : {}),
      ...(req.importPath !== undefined ? { importPath: req.importPath } : {}),
      ...(req.keepExisting !== undefined ? { keepExisting: req.keepExisting } : {}),
      ...(req.allEntries !== undefined ? { allEntries: req.allEntries } : {}),
      ...(req.returnImage !== undefined ? { returnImage: req.returnImage } : {}),
    },
    { signal: ctx.signal, onProgress: (f) => ctx.progress(f), onLog: (m, level) => ctx.log(m, level) },
  );
  if (r.written) ctx.fileChanged(file);
  const { file: _file, ...summary } = r;
  return summary;
}
