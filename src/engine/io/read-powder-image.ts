/**
 * Importing a calibrant (or any detector) image for Calibrate Powder and Create Mask: TIFF, CBF
 * (byte offset, gzipped or not), HDF5/NeXus (a 2-D dataset, or one frame of a 3-D stack) and EDF.
 * The format is recognised from the bytes, not the name. Pixel values come back as float32 in
 * row-major [ny, nx] order (negative values, Pilatus gaps, are kept as they are); the geometry the
 * file states (CBF Pilatus header, NeXus monochromator/detector fields) comes back in the app's
 * units, for a starting geometry.
 *
 * Generic: any module needing "an image from a file the user picked" can use `readPowderImage`.
 * TIFF decoding is the Import Scans reader's (src/engine/beamlines/image-series.ts, utif).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

import { decodeCbf, type PilatusHeader } from '../../nexus/formats/cbf.ts';
import { decodeEdf, looksLikeEdf } from '../../nexus/formats/edf.ts';
import { resolveDefaultNxData, treeLookup } from '../../nexus/nxdata/default-path.ts';
import { resolveNxData } from '../../nexus/nxdata/resolve-nxdata.ts';
import type { NxNode } from '../../nexus/model/types.ts';
import type { NexusReader } from '../../nexus/port.ts';
import { HC_KEV_ANGSTROM } from '../../nexus/units/convert-units.ts';
import { NxrError } from '../../shared/errors.ts';
import { decodeTiff } from '../beamlines/image-series.ts';
import { readNumbers, readText, readUnits } from '../jobs/read-fields.ts';
import { findHdf5Signature } from './hdf5-signature.ts';
import { openNexusFile } from './nexus-file.ts';
import { readMaybeGzipped } from './read-image.ts';

export type PowderImageFormat = 'tiff' | 'cbf' | 'hdf5' | 'edf';

/** Geometry a file states (app units); every field optional. */
export interface ImageMetadata {
  /** Å */
  wavelength?: number;
  /** mm */
  distance?: number;
  /** pixels (column, row) */
  beamCenterX?: number;
  beamCenterY?: number;
  /** mm */
  pixelSize?: number;
  detector?: string;
  title?: string;
}

export interface PowderImageFile {
  /** The file as given. */
  file: string;
  format: PowderImageFormat;
  /** HDF5: the dataset read, and the frame for a 3-D stack. */
  path?: string;
  frame?: number;
  /** Frames in the HDF5 stack (1 for a 2-D image). */
  frames: number;
  shape: [number, number];
  data: Float32Array;
  metadata: ImageMetadata;
}

export interface ReadPowderImageOptions {
  /** HDF5: dataset path. @default the default NXdata's signal, else /entry/data/data, else the largest 2-D or 3-D numeric dataset */
  path?: string;
  /** HDF5 3-D stacks: frame index. @default 0 */
  frame?: number;
}

function sniff(file: string): 'hdf5' | 'other' {
  return findHdf5Signature(file) >= 0 ? 'hdf5' : 'other';
}

function headBytes(file: string, n: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function toFloat32(data: ArrayLike<number> | ArrayLike<bigint>): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

/** Reads one image; see the module comment. @throws NxrError naming the file (and dataset). */
export async function readPowderImage(
  file: string,
  options: ReadPowderImageOptions = {},
): Promise<PowderImageFile> {
  try {
    statSync(file);
  } catch (e) {
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such file', file }, { cause: e });
  }
  if (sniff(file) === 'hdf5') return readHdf5Image(file, options);
  const head = headBytes(file, 8);
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  const bytes = gz ? await readMaybeGzipped(file) : undefined;
  const b = bytes ?? head;
  const isTiff =
    (b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a);
  if (isTiff) {
    const img = decodeTiff(bytes ?? (await readMaybeGzipped(file)), file);
    return { file, format: 'tiff', frames: 1, shape: img.shape, data: toFloat32(img.data), metadata: {} };
  }
  const all = bytes ?? (await readMaybeGzipped(file));
  if (looksLikeEdf(all)) {
    const img = decodeEdf(all, { file });
    return { file, format: 'edf', frames: 1, shape: img.shape, data: toFloat32(img.data), metadata: {} };
  }
  const text = String.fromCharCode(...all.subarray(0, Math.min(all.length, 64)));
  if (/^(###CBF|data_|#\s*CBF)/.test(text.trimStart()) || findMarker(all)) {
    const cbf = decodeCbf(all, { file });
    return {
      file,
      format: 'cbf',
      frames: 1,
      shape: cbf.shape,
      data: toFloat32(cbf.data),
      metadata: pilatusMetadata(cbf.pilatus),
    };
  }
  throw new NxrError({
    code: 'BAD_PARAMETER',
    message: 'not a detector image this program reads (TIFF, CBF, EDF or HDF5/NeXus)',
    file,
  });
}

function findMarker(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length - 3, 1 << 16);
  for (let i = 0; i < limit; i++)
    if (bytes[i] === 0x0c && bytes[i + 1] === 0x1a && bytes[i + 2] === 0x04 && bytes[i + 3] === 0xd5)
      return true;
  return false;
}

function pilatusMetadata(h: PilatusHeader): ImageMetadata {
  const m: ImageMetadata = {};
  if (h.wavelength !== undefined) m.wavelength = h.wavelength;
  if (h.detectorDistance !== undefined) m.distance = h.detectorDistance * 1000;
  if (h.beamXY) [m.beamCenterX, m.beamCenterY] = h.beamXY;
  if (h.pixelSize) m.pixelSize = h.pixelSize[0] * 1000;
  if (h.detector !== undefined) m.detector = h.detector;
  return m;
}

function numericImageShape(n: NxNode): number[] | undefined {
  const cls = n.type?.class;
  if (n.kind !== 'dataset' || (cls !== 'integer' && cls !== 'float')) return undefined;
  const s = n.shape;
  return s && (s.length === 2 || s.length === 3) && s.at(-1)! >= 2 && s.at(-2)! >= 2 ? s : undefined;
}

/** The dataset an HDF5 image import reads (see ReadPowderImageOptions.path). */
export function findImageDataset(f: NexusReader): string | undefined {
  const root = f.tree({ attrs: true, maxDepth: 6 });
  const lookup = treeLookup(root);
  const nxdata = resolveDefaultNxData(lookup);
  if (nxdata) {
    const group = lookup(nxdata);
    const r = group ? resolveNxData(group) : undefined;
    const sig = r ? lookup(r.signalPath) : undefined;
    if (sig && numericImageShape(sig)) return sig.path;
  }
  const conventional = lookup('/entry/data/data');
  if (conventional && numericImageShape(conventional)) return conventional.path;
  let best: { path: string; size: number } | undefined;
  const walk = (n: NxNode): void => {
    const s = numericImageShape(n);
    if (s) {
      const size = s.at(-1)! * s.at(-2)!;
      if (!best || size > best.size) best = { path: n.path, size };
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(root);
  return best?.path;
}

async function readHdf5Image(file: string, options: ReadPowderImageOptions): Promise<PowderImageFile> {
  const f = await openNexusFile(file);
  try {
    const path = options.path ?? findImageDataset(f);
    if (path === undefined)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no 2-D or 3-D numeric dataset (an image) in the file',
        file,
      });
    if (!f.has(path)) throw new NxrError({ code: 'MISSING_PATH', message: 'no such dataset', file, path });
    const node = f.entity(path, { attrs: false, maxDepth: 0 });
    const shape = numericImageShape(node);
    if (!shape)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `not an image: a 2-D or 3-D numeric dataset is needed (found ${node.kind}${node.shape ? ` of shape [${node.shape.join(', ')}]` : ''})`,
        file,
        path,
      });
    const frames = shape.length === 3 ? shape[0]! : 1;
    const frame = options.frame ?? 0;
    if (!(Number.isInteger(frame) && frame >= 0 && frame < frames))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `frame ${frame} is out of range 0…${frames - 1}`,
        file,
        path,
      });
    const arr =
      shape.length === 3 ? f.readFrame(path, frame) : { data: f.readValue(path) as ArrayLike<number>, shape };
    const [ny, nx] = [shape.at(-2)!, shape.at(-1)!];
    const out: PowderImageFile = {
      file,
      format: 'hdf5',
      path,
      frames,
      shape: [ny, nx],
      data: toFloat32(arr.data as ArrayLike<number>),
      metadata: nexusMetadata(f, path),
    };
    if (shape.length === 3) out.frame = frame;
    return out;
  } finally {
    f.close();
  }
}

/** Length/wavelength units this reader understands (to mm or Å). */
const LENGTH_MM: Record<string, number> = {
  mm: 1,
  m: 1000,
  cm: 10,
  um: 1e-3,
  µm: 1e-3,
  μm: 1e-3,
  micron: 1e-3,
};
const WAVELENGTH_A: Record<string, number> = {
  a: 1,
  å: 1,
  ang: 1,
  angstrom: 1,
  angstroms: 1,
  nm: 10,
  m: 1e10,
};

/** Geometry fields of the entry holding `path`, where the units are clear. */
function nexusMetadata(f: NexusReader, path: string): ImageMetadata {
  const entry = '/' + (path.split('/').filter(Boolean)[0] ?? '');
  const m: ImageMetadata = {};
  const scalar = (p: string): { value: number; units: string } | undefined => {
    try {
      const v = readNumbers(f, p);
      return v && v.length >= 1 && Number.isFinite(v[0])
        ? { value: v[0]!, units: readUnits(f, p).trim() }
        : undefined;
    } catch {
      return undefined;
    }
  };
  const findGroup = (cls: string): string | undefined => {
    try {
      const inst = f.children(`${entry}/instrument`, { attrs: true });
      return inst.find((c) => c.nxClass === cls)?.path;
    } catch {
      return undefined;
    }
  };
  const mono = findGroup('NXmonochromator');
  const det = findGroup('NXdetector');
  if (mono) {
    const w = scalar(`${mono}/wavelength`);
    const factor = w ? (w.units === '' ? 1 : WAVELENGTH_A[w.units.toLowerCase()]) : undefined;
    if (w && factor !== undefined && w.value > 0) m.wavelength = w.value * factor;
    else {
      const e = scalar(`${mono}/energy`);
      if (e && e.value > 0 && /^(kev)?$/i.test(e.units)) m.wavelength = HC_KEV_ANGSTROM / e.value;
    }
  }
  if (det) {
    const mm = (p: string): number | undefined => {
      const v = scalar(p);
      if (!v) return undefined;
      const k = v.units === '' ? 1 : LENGTH_MM[v.units.toLowerCase()];
      return k !== undefined ? v.value * k : undefined;
    };
    const d = mm(`${det}/distance`);
    if (d !== undefined && d > 0) m.distance = d;
    const p = mm(`${det}/pixel_size`) ?? mm(`${det}/x_pixel_size`);
    if (p !== undefined && p > 0) m.pixelSize = p;
    // beam centre: only when stated in pixels (NeXus allows lengths, NXRefine writes pixels without units)
    for (const [field, key] of [
      ['beam_center_x', 'beamCenterX'],
      ['beam_center_y', 'beamCenterY'],
    ] as const) {
      const v = scalar(`${det}/${field}`);
      if (v && /^pixels?$/i.test(v.units)) m[key] = v.value;
    }
    const description = readTextSafe(f, `${det}/description`);
    if (description) m.detector = description;
  }
  const title = readTextSafe(f, `${entry}/title`);
  if (title) m.title = title;
  return m;
}

function readTextSafe(f: NexusReader, p: string): string | undefined {
  try {
    return f.has(p) ? readText(f, p) : undefined;
  } catch {
    return undefined;
  }
}

/** A small cache of the last images read (key: file, dataset, frame, size and mtime). */
const cache: Array<{ key: string; image: PowderImageFile }> = [];

/** As `readPowderImage`, reusing the last few images read while their file is unchanged. */
export async function readPowderImageCached(
  file: string,
  options: ReadPowderImageOptions = {},
): Promise<PowderImageFile> {
  let key: string;
  try {
    const s = statSync(file);
    key = JSON.stringify([file, options.path ?? null, options.frame ?? 0, s.size, s.mtimeMs]);
  } catch {
    return readPowderImage(file, options);
  }
  const hit = cache.find((c) => c.key === key);
  if (hit) return hit.image;
  const image = await readPowderImage(file, options);
  cache.unshift({ key, image });
  cache.length = Math.min(cache.length, 3);
  return image;
}
