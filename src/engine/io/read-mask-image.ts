/**
 * Reading a detector mask from an image file (Create Mask ▸ Import Mask): any pixel whose value is
 * not zero is masked. The format is recognised by its first bytes, not its name:
 *
 * - TIFF (utif): 1-bit (PhotometricInterpretation WhiteIsZero inverted), 8/16/32/64-bit integer or
 *   float samples, either byte order; several samples per pixel → masked when a colour sample is
 *   non-zero (an extra alpha sample is ignored);
 * - PNG (fast-png): grey, grey+alpha, RGB, RGBA at any bit depth, palette images by their palette
 *   colour; masked when the colour is not black (alpha ignored);
 * - EDF (ESRF data format, what pyFAI-drawmask and fabio save): uncompressed, any DataType;
 * - CBF (byte-offset, gzip-compressed or not);
 * - HDF5 / NeXus: a 2-D dataset (or 3-D with one frame), given by `path`, else found:
 *   `<entry>/instrument/detector/pixel_mask` of the first entry that has one, else the only 2-D
 *   numeric dataset of the file.
 *
 * The result is one byte per pixel (1 = masked), row-major [ny, nx] with y the slow (row) index of
 * the image as stored.
 */
import { readFile } from 'node:fs/promises';

import { decode as decodePng } from 'fast-png';
import * as UTIFModule from 'utif';

import type { NxNode } from '../../nexus/model/types.ts';
import { decodeCbf } from '../../nexus/formats/cbf.ts';
import { NxrError } from '../../shared/errors.ts';
import { findHdf5Signature } from './hdf5-signature.ts';
import { openNexusFile } from './nexus-file.ts';
import { readMaybeGzipped } from './read-image.ts';

// utif is CommonJS: under Node's ESM loader its functions sit on the namespace's `default`
const UTIF = (UTIFModule as unknown as { default?: typeof UTIFModule }).default ?? UTIFModule;

export type MaskImageFormat = 'tiff' | 'png' | 'edf' | 'cbf' | 'hdf5';

export interface MaskImage {
  /** [ny, nx] */
  shape: [number, number];
  /** 1 = masked (the image value was non-zero), row-major. */
  mask: Uint8Array;
  format: MaskImageFormat;
  /** The dataset read, for HDF5 files. */
  path?: string;
}

function err(
  code: 'WRONG_DTYPE' | 'TRUNCATED' | 'WRONG_SHAPE' | 'MISSING_PATH' | 'BAD_PARAMETER',
  message: string,
  file: string,
  path?: string,
): NxrError {
  return new NxrError({ code, message, file, ...(path !== undefined ? { path } : {}) });
}

type SampleKind = 'uint' | 'int' | 'float';

/**
 * 1 where a sample (or, with `spp` > 1, any of the first `colourSamples` samples of a pixel) is
 * non-zero. Integer samples are non-zero when any of their bytes is (so byte order does not
 * matter); floats are decoded (−0 is zero, NaN is not).
 */
function nonZeroSamples(
  bytes: Uint8Array,
  pixels: number,
  bytesPerSample: number,
  kind: SampleKind,
  littleEndian: boolean,
  spp = 1,
  colourSamples = spp,
): Uint8Array {
  const out = new Uint8Array(pixels);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stride = bytesPerSample * spp;
  for (let p = 0; p < pixels; p++) {
    for (let s = 0; s < colourSamples; s++) {
      const off = p * stride + s * bytesPerSample;
      let nz = false;
      if (kind === 'float') {
        const v =
          bytesPerSample === 4 ? view.getFloat32(off, littleEndian) : view.getFloat64(off, littleEndian);
        nz = v !== 0;
      } else {
        for (let b = 0; b < bytesPerSample; b++) if (bytes[off + b] !== 0) nz = true;
      }
      if (nz) {
        out[p] = 1;
        break;
      }
    }
  }
  return out;
}

function decodeTiffMask(bytes: Uint8Array, file: string): MaskImage {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let ifd: UTIFModule.IFD | undefined;
  try {
    ifd = UTIF.decode(buf)[0];
    if (ifd) UTIF.decodeImage(buf, ifd);
  } catch (e) {
    throw new NxrError(
      { code: 'TRUNCATED', message: `not a readable TIFF: ${String(e)}`, file },
      { cause: e },
    );
  }
  if (!ifd) throw err('TRUNCATED', 'TIFF without an image', file);
  const tag = (t: string): number | undefined => (ifd[t] as number[] | undefined)?.[0];
  const width = tag('t256');
  const height = tag('t257');
  const bits = tag('t258') ?? 1;
  const format = tag('t339') ?? 1; // 1 unsigned, 2 signed, 3 float
  const spp = tag('t277') ?? 1;
  const photometric = tag('t262') ?? 1; // 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 3 palette
  const extra = (ifd['t338'] as number[] | undefined)?.length ?? 0; // ExtraSamples (alpha)
  const raw = (ifd as unknown as { data?: Uint8Array }).data;
  if (width === undefined || height === undefined || !raw)
    throw err('TRUNCATED', 'TIFF image without size or data', file);
  const n = width * height;
  const shape: [number, number] = [height, width];
  if (bits === 1 && spp === 1) {
    const rowBytes = Math.ceil(width / 8);
    if (raw.byteLength < rowBytes * height)
      throw err('TRUNCATED', `TIFF data holds ${raw.byteLength} of ${rowBytes * height} bytes`, file);
    const mask = new Uint8Array(n);
    const one = photometric === 0 ? 0 : 1; // WhiteIsZero: a 0 bit is white = non-zero value
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const bit = (raw[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
        mask[y * width + x] = bit === one ? 1 : 0;
      }
    return { shape, mask, format: 'tiff' };
  }
  if (bits % 8 !== 0 || ![1, 2, 4, 8].includes(bits / 8) || (format === 3 && bits !== 32 && bits !== 64))
    throw err('WRONG_DTYPE', `unsupported TIFF sample type (${bits}-bit, format ${format})`, file);
  if (photometric === 3) throw err('WRONG_DTYPE', 'palette TIFFs are not supported as masks', file);
  const need = n * spp * (bits / 8);
  if (raw.byteLength < need)
    throw err('TRUNCATED', `TIFF data holds ${raw.byteLength} of ${need} bytes`, file);
  const kind: SampleKind = format === 3 ? 'float' : format === 2 ? 'int' : 'uint';
  const mask = nonZeroSamples(raw, n, bits / 8, kind, bytes[0] === 0x49, spp, Math.max(1, spp - extra));
  if (photometric === 0 && spp === 1 && kind === 'uint' && bits === 8)
    // WhiteIsZero 8-bit: 255 is black (zero)
    for (let i = 0; i < n; i++) mask[i] = raw[i] === 255 ? 0 : 1;
  return { shape, mask, format: 'tiff' };
}

function decodePngMask(bytes: Uint8Array, file: string): MaskImage {
  let png;
  try {
    png = decodePng(bytes);
  } catch (e) {
    throw new NxrError(
      { code: 'TRUNCATED', message: `not a readable PNG: ${String(e)}`, file },
      { cause: e },
    );
  }
  const { width, height, depth, channels, data, palette } = png;
  const n = width * height;
  const mask = new Uint8Array(n);
  // colour channels: grey (1), grey+alpha (2 → 1), RGB (3), RGBA (4 → 3)
  const colour = channels === 2 ? 1 : channels === 4 ? 3 : channels;
  if (depth >= 8) {
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < colour; c++) {
        const v = data[p * channels + c]!;
        const masked = palette ? (palette[v] ?? [0, 0, 0]).slice(0, 3).some((x) => x !== 0) : v !== 0;
        if (masked) {
          mask[p] = 1;
          break;
        }
      }
    }
    return { shape: [height, width], mask, format: 'png' };
  }
  // 1, 2 or 4 bits per sample, packed, each row starting on a byte (grey or palette: one channel)
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const bitMask = (1 << depth) - 1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const bitPos = x * depth;
      const byte = data[y * rowBytes + (bitPos >> 3)]!;
      const v = (byte >> (8 - depth - (bitPos & 7))) & bitMask;
      mask[y * width + x] = (palette ? (palette[v] ?? [0, 0, 0]).slice(0, 3).some((c) => c !== 0) : v !== 0)
        ? 1
        : 0;
    }
  return { shape: [height, width], mask, format: 'png' };
}

const EDF_TYPES: Record<string, [number, SampleKind]> = {
  unsignedbyte: [1, 'uint'],
  unsigned8: [1, 'uint'],
  signedbyte: [1, 'int'],
  signed8: [1, 'int'],
  unsignedshort: [2, 'uint'],
  unsigned16: [2, 'uint'],
  signedshort: [2, 'int'],
  signed16: [2, 'int'],
  unsignedinteger: [4, 'uint'],
  unsignedint: [4, 'uint'],
  unsigned32: [4, 'uint'],
  signedinteger: [4, 'int'],
  signedint: [4, 'int'],
  signed32: [4, 'int'],
  unsignedlong: [4, 'uint'],
  signedlong: [4, 'int'],
  unsigned64: [8, 'uint'],
  signed64: [8, 'int'],
  floatvalue: [4, 'float'],
  float: [4, 'float'],
  floatieee32: [4, 'float'],
  real: [4, 'float'],
  doublevalue: [8, 'float'],
  double: [8, 'float'],
  floatieee64: [8, 'float'],
};

function decodeEdfMask(bytes: Uint8Array, file: string): MaskImage {
  // header: '{' … '}' followed by a newline; the binary block follows it
  let end = -1;
  for (let i = 1; i < Math.min(bytes.length, 1 << 20); i++)
    if (bytes[i] === 0x7d) {
      end = i;
      break;
    }
  if (end < 0) throw err('TRUNCATED', 'EDF header without its closing }', file);
  const header = new TextDecoder('latin1').decode(bytes.subarray(1, end));
  const keys: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) keys[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  let start = end + 1;
  if (bytes[start] === 0x0d) start++;
  if (bytes[start] === 0x0a) start++;
  const nx = Number(keys['dim_1']);
  const ny = Number(keys['dim_2'] ?? 1);
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 1 || ny < 1)
    throw err('WRONG_SHAPE', `EDF header has Dim_1 = ${keys['dim_1']}, Dim_2 = ${keys['dim_2']}`, file);
  if (keys['dim_3'] !== undefined && Number(keys['dim_3']) !== 1)
    throw err('WRONG_SHAPE', `EDF image is 3-D (Dim_3 = ${keys['dim_3']})`, file);
  const comp = (keys['compression'] ?? 'none').toLowerCase();
  if (comp !== 'none' && comp !== '')
    throw err('WRONG_DTYPE', `compressed EDF (${keys['compression']}) is not supported`, file);
  const type = EDF_TYPES[(keys['datatype'] ?? '').toLowerCase()];
  if (!type) throw err('WRONG_DTYPE', `unknown EDF DataType '${keys['datatype'] ?? ''}'`, file);
  const [size, kind] = type;
  const need = nx * ny * size;
  // the data are the last `Size` bytes (headers are padded to 512-byte blocks)
  const declared = Number(keys['size'] ?? need);
  const dataStart =
    Number.isFinite(declared) && bytes.length - declared >= start ? bytes.length - declared : start;
  if (bytes.length - dataStart < need)
    throw err('TRUNCATED', `EDF data hold ${bytes.length - dataStart} of ${need} bytes`, file);
  const little = (keys['byteorder'] ?? 'LowByteFirst').toLowerCase() !== 'highbytefirst';
  const mask = nonZeroSamples(bytes.subarray(dataStart, dataStart + need), nx * ny, size, kind, little);
  return { shape: [ny, nx], mask, format: 'edf' };
}

/** Candidate 2-D numeric datasets of a tree (path, shape). */
function twoDimensionalDatasets(node: NxNode, out: Array<{ path: string; shape: number[] }> = []) {
  if (node.kind === 'dataset') {
    const s = node.shape ?? [];
    const numeric = node.type !== undefined && ['integer', 'float', 'enum'].includes(node.type.class);
    if (numeric && (s.length === 2 || (s.length === 3 && s[0] === 1)) && !node.dangling)
      out.push({ path: node.path, shape: s });
  }
  for (const c of node.children ?? []) twoDimensionalDatasets(c, out);
  return out;
}

async function readHdf5Mask(file: string, path: string | undefined): Promise<MaskImage> {
  const f = await openNexusFile(file);
  try {
    let target = path;
    if (target === undefined) {
      const tree = f.tree({ attrs: false });
      const all = twoDimensionalDatasets(tree);
      const pm = all.find((d) => /\/instrument\/detector\/pixel_mask$/.test(d.path));
      if (pm) target = pm.path;
      else if (all.length === 1) target = all[0]!.path;
      else
        throw err(
          'MISSING_PATH',
          all.length === 0
            ? 'no 2-D dataset to read a mask from'
            : `${all.length} 2-D datasets (${all
                .slice(0, 5)
                .map((d) => d.path)
                .join(', ')}${all.length > 5 ? ', …' : ''}): say which (FILE:/path)`,
          file,
        );
    }
    if (!f.has(target)) throw err('MISSING_PATH', 'no such dataset', file, target);
    const node = f.entity(target, { attrs: false, maxDepth: 0 });
    const s = node.shape ?? [];
    if (node.kind !== 'dataset' || !(s.length === 2 || (s.length === 3 && s[0] === 1)))
      throw err(
        'WRONG_SHAPE',
        `a mask must be a 2-D dataset, found ${node.kind}${node.shape ? ` of shape [${s.join(', ')}]` : ''}`,
        file,
        target,
      );
    const v = f.readValue(target);
    const ny = s[s.length - 2]!;
    const nx = s[s.length - 1]!;
    // numbers come as a typed array; booleans (an HDF5 enum) as nested arrays
    const a = (
      ArrayBuffer.isView(v) ? v : Array.isArray(v) ? (v as unknown[]).flat(2) : null
    ) as ArrayLike<unknown> | null;
    if (a === null || a.length !== ny * nx || !['number', 'bigint', 'boolean'].includes(typeof a[0]))
      throw err('WRONG_DTYPE', 'the dataset is not numeric', file, target);
    const mask = new Uint8Array(ny * nx);
    for (let i = 0; i < mask.length; i++) {
      const x = a[i];
      mask[i] = typeof x === 'bigint' ? (x !== 0n ? 1 : 0) : x ? 1 : 0;
    }
    return { shape: [ny, nx], mask, format: 'hdf5', path: target };
  } finally {
    f.close();
  }
}

function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  return sig.every((b, i) => bytes[i] === b);
}

/**
 * Reads a mask image (see the module comment). `path` picks the dataset of an HDF5 file.
 * @throws NxrError naming the file (and path) when the file is missing, unreadable or not a 2-D image.
 */
export async function readMaskImage(file: string, path?: string): Promise<MaskImage> {
  let head: Uint8Array;
  try {
    head = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NxrError(
      {
        code: code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'BAD_PARAMETER',
        message: code === 'ENOENT' ? 'no such file' : String(e),
        file,
      },
      { cause: e },
    );
  }
  if (findHdf5Signature(file) >= 0) return readHdf5Mask(file, path);
  if (path !== undefined) throw err('BAD_PARAMETER', `'${path}': a dataset path needs an HDF5 file`, file);
  const bytes = new Uint8Array(head.buffer, head.byteOffset, head.byteLength);
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return decodePngMask(bytes, file);
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return decodeTiffMask(bytes, file);
  // EDF: '{' then (optionally) a newline and header keys
  if (bytes[0] === 0x7b) return decodeEdfMask(bytes, file);
  const unzipped = await readMaybeGzipped(file);
  const text = new TextDecoder('latin1').decode(unzipped.subarray(0, 4096));
  if (text.includes('CBF') || text.includes('_array_data')) {
    const cbf = decodeCbf(unzipped, { file });
    const mask = new Uint8Array(cbf.data.length);
    for (let i = 0; i < mask.length; i++) mask[i] = cbf.data[i] !== 0 ? 1 : 0;
    return { shape: cbf.shape, mask, format: 'cbf' };
  }
  throw err('WRONG_DTYPE', 'not a mask image (TIFF, PNG, EDF, CBF or HDF5)', file);
}

/** Reads a mask image and checks it has the detector's shape [ny, nx]. */
export async function readDetectorMaskImage(
  file: string,
  shape: readonly [number, number],
  path?: string,
): Promise<MaskImage> {
  const img = await readMaskImage(file, path);
  if (img.shape[0] !== shape[0] || img.shape[1] !== shape[1])
    throw err(
      'WRONG_SHAPE',
      `the mask image is ${img.shape[0]} × ${img.shape[1]} pixels (ny × nx), the detector ${shape[0]} × ${shape[1]}`,
      file,
      img.path,
    );
  return img;
}
