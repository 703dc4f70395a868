/**
 * A numbered series of detector images in one directory (`<prefix>_00001.cbf`, `…_00002.cbf`, …),
 * as area detectors at CHESS QM2 write them, and reading one image (CBF with byte-offset
 * compression, gzip-compressed or not, or an uncompressed TIFF).
 *
 * NXRefine's QM2 import (nxbeamline.py) takes the most common prefix among the `.cbf`, `.tif` and
 * `.tiff` files, sorts them naturally and uses the number before the extension as the frame index;
 * a missing number leaves a frame of NaN. Here frame 0 is the smallest index found (NXRefine counts
 * from index 0, which drops the last file of a series numbered from 1).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import * as UTIFModule from 'utif';

import { decodeCbf } from '../../nexus/formats/cbf.ts';
import { NxrError } from '../../shared/errors.ts';
import { readMaybeGzipped } from '../io/read-image.ts';

/** utif is CommonJS (`module.exports = UTIF`): under Node's own ESM loader (nxr) its functions sit on `default`. */
const UTIF: typeof UTIFModule =
  (UTIFModule as unknown as { default?: typeof UTIFModule }).default ?? UTIFModule;

const EXTENSIONS = ['.cbf.gz', '.cbf', '.tiff', '.tif'] as const;

export interface ImageName {
  /** The stem without its trailing number and without trailing '_' / '-'. */
  prefix: string;
  /** The number at the end of the stem. */
  index: number;
  extension: (typeof EXTENSIONS)[number];
}

/** 'LNO_009_00012.cbf' → { prefix 'LNO_009', index 12, extension '.cbf' }; undefined if not an image. */
export function parseImageName(name: string): ImageName | undefined {
  const lower = name.toLowerCase();
  const extension = EXTENSIONS.find((e) => lower.endsWith(e));
  if (extension === undefined) return undefined;
  const stem = name.slice(0, name.length - extension.length);
  const m = /^(.*?)(\d+)$/.exec(stem);
  if (!m) return undefined;
  return { prefix: m[1]!.replace(/[_-]+$/, ''), index: Number(m[2]), extension };
}

export interface ImageSeries {
  directory: string;
  prefix: string;
  /** Files by frame: frame z ↔ file index `first + z`. */
  files: Array<{ index: number; path: string }>;
  /** Smallest index (frame 0). */
  first: number;
  /** Frames in the series: largest index − first + 1. */
  frames: number;
  /** Frames with no file (NaN in the imported stack). */
  missing: number[];
}

/** The series of image files among `names` (the most common prefix wins; ties: first in sort order). */
export function selectImageSeries(
  directory: string,
  names: readonly string[],
): Omit<ImageSeries, 'directory'> | undefined {
  const parsed = names
    .map((name) => ({ name, info: parseImageName(name) }))
    .filter((p): p is { name: string; info: ImageName } => p.info !== undefined);
  if (parsed.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const p of parsed) counts.set(p.info.prefix, (counts.get(p.info.prefix) ?? 0) + 1);
  const prefixes = [...counts.keys()].sort();
  const prefix = prefixes.reduce((best, p) => (counts.get(p)! > counts.get(best)! ? p : best), prefixes[0]!);
  const byIndex = new Map<number, string>();
  for (const p of parsed) {
    if (p.info.prefix !== prefix) continue;
    const prev = byIndex.get(p.info.index);
    // two files with one number (e.g. .cbf and .cbf.gz): keep the first in name order
    if (prev === undefined || p.name < prev) byIndex.set(p.info.index, p.name);
  }
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  const first = indices[0]!;
  const frames = indices.at(-1)! - first + 1;
  const present = new Set(indices);
  const missing: number[] = [];
  for (let z = 0; z < frames; z++) if (!present.has(first + z)) missing.push(z);
  return {
    prefix,
    files: indices.map((index) => ({ index, path: join(directory, byIndex.get(index)!) })),
    first,
    frames,
    missing,
  };
}

/** The image series in a directory, or undefined when it holds no image files. */
export async function listImageSeries(directory: string): Promise<ImageSeries | undefined> {
  let names: string[];
  try {
    names = (await readdir(directory, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
  } catch (e) {
    throw new NxrError(
      { code: 'FILE_NOT_FOUND', message: `cannot list images: ${(e as Error).message}`, file: directory },
      { cause: e },
    );
  }
  const s = selectImageSeries(directory, names);
  return s ? { directory, ...s } : undefined;
}

export interface DetectorImage {
  /** [rows, columns]. */
  shape: [number, number];
  data: Int32Array | Uint32Array | Int16Array | Uint16Array | Float32Array | Float64Array | Uint8Array;
}

export function decodeTiff(bytes: Uint8Array, file: string): DetectorImage {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let ifds: UTIFModule.IFD[];
  try {
    ifds = UTIF.decode(buf);
  } catch (e) {
    throw new NxrError(
      { code: 'TRUNCATED', message: `not a readable TIFF: ${String(e)}`, file },
      { cause: e },
    );
  }
  const ifd = ifds[0];
  if (!ifd) throw new NxrError({ code: 'TRUNCATED', message: 'TIFF without an image', file });
  UTIF.decodeImage(buf, ifd);
  const tag = (t: string): number | undefined => (ifd[t] as number[] | undefined)?.[0];
  const width = tag('t256');
  const height = tag('t257');
  const bits = tag('t258') ?? 1;
  const format = tag('t339') ?? 1; // 1 unsigned, 2 signed, 3 float
  const spp = tag('t277') ?? 1;
  const raw = (ifd as unknown as { data?: Uint8Array }).data;
  if (width === undefined || height === undefined || !raw)
    throw new NxrError({ code: 'TRUNCATED', message: 'TIFF image without size or data', file });
  if (spp !== 1)
    throw new NxrError({
      code: 'WRONG_DTYPE',
      message: `TIFF has ${spp} samples per pixel (not a detector image)`,
      file,
    });
  const n = width * height;
  const little = bytes[0] === 0x49;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const need = (n * bits) / 8;
  if (raw.byteLength < need)
    throw new NxrError({
      code: 'TRUNCATED',
      message: `TIFF data holds ${raw.byteLength} of ${need} bytes`,
      file,
    });
  const shape: [number, number] = [height, width];
  const read = <T extends DetectorImage['data']>(out: T, get: (i: number) => number): DetectorImage => {
    for (let i = 0; i < n; i++) out[i] = get(i);
    return { shape, data: out };
  };
  if (format === 3 && bits === 32) return read(new Float32Array(n), (i) => view.getFloat32(4 * i, little));
  if (format === 3 && bits === 64) return read(new Float64Array(n), (i) => view.getFloat64(8 * i, little));
  if (format === 2 && bits === 32) return read(new Int32Array(n), (i) => view.getInt32(4 * i, little));
  if (format === 2 && bits === 16) return read(new Int16Array(n), (i) => view.getInt16(2 * i, little));
  if (format !== 2 && bits === 32) return read(new Uint32Array(n), (i) => view.getUint32(4 * i, little));
  if (format !== 2 && bits === 16) return read(new Uint16Array(n), (i) => view.getUint16(2 * i, little));
  if (format !== 2 && bits === 8) return read(new Uint8Array(n), (i) => view.getUint8(i));
  throw new NxrError({
    code: 'WRONG_DTYPE',
    message: `unsupported TIFF sample type (${bits}-bit, format ${format})`,
    file,
  });
}

/** Reads one detector image: CBF (.cbf, .cbf.gz) or uncompressed TIFF (.tif, .tiff). */
export async function readDetectorImage(file: string): Promise<DetectorImage> {
  const bytes = await readMaybeGzipped(file);
  const lower = file.toLowerCase();
  if (lower.endsWith('.tif') || lower.endsWith('.tiff')) return decodeTiff(bytes, file);
  const cbf = decodeCbf(bytes, { file });
  return { shape: cbf.shape, data: cbf.data };
}
