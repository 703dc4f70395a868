/**
 * CBF (imgCIF) detector images with byte-offset compression, as Pilatus and Eiger frames are
 * written (CBFlib `x-CBF_BYTE_OFFSET`). Pure: takes the (already gunzipped) file bytes.
 *
 * Layout: an ASCII CIF header (for Pilatus "miniCBF" files a block of `# Key value` lines under
 * `_array_data.header_contents`), then a MIME section `--CIF-BINARY-FORMAT-SECTION--` with
 * `X-Binary-*` fields, then the 4-byte marker 0x0C 0x1A 0x04 0xD5 and `X-Binary-Size` bytes of
 * compressed data.
 *
 * Byte offset: each value is the previous one (starting at 0) plus a little-endian delta stored in
 * 1 byte; the byte 0x80 announces a 2-byte delta, 0x8000 a 4-byte one, 0x80000000 an 8-byte one.
 */
import { NxrError } from '../../shared/errors.ts';

/** The binary-section marker (CBFlib). */
export const CBF_BINARY_MARKER = [0x0c, 0x1a, 0x04, 0xd5] as const;

export interface CbfImage {
  /** [rows, columns] = [slow, fast] dimension. */
  shape: [number, number];
  /** Row-major pixel values (signed element types → Int32Array, unsigned → Uint32Array). */
  data: Int32Array | Uint32Array;
  /** X-Binary-Element-Type, e.g. 'signed 32-bit integer'. */
  elementType: string;
  /** MIME fields of the binary section, keys lower-cased (e.g. 'x-binary-size-fastest-dimension'). */
  mime: Record<string, string>;
  /** Pilatus header (`# Key value` lines), see {@link parsePilatusHeader}. */
  pilatus: PilatusHeader;
  /** The CIF text before the binary section. */
  headerText: string;
}

/** The values of a Pilatus "miniCBF" header that describe the experiment (SI units as written). */
export interface PilatusHeader {
  detector?: string;
  /** Pixel size, metres, [x, y]. */
  pixelSize?: [number, number];
  /** Å */
  wavelength?: number;
  /** Metres. */
  detectorDistance?: number;
  /** Beam centre, pixels, [x, y]. */
  beamXY?: [number, number];
  /** Degrees. */
  startAngle?: number;
  angleIncrement?: number;
  /** Seconds. */
  exposureTime?: number;
  countCutoff?: number;
  /** Every `# Key value` line: key → the rest of the line. */
  lines: Record<string, string>;
}

export interface DecodeCbfOptions {
  /** File name for error messages. */
  file?: string;
}

function fail(code: 'WRONG_DTYPE' | 'TRUNCATED' | 'BAD_PARAMETER', message: string, file?: string): NxrError {
  return new NxrError({ code, message, ...(file !== undefined ? { file } : {}) });
}

/** Index of the binary marker, or −1. */
export function findCbfMarker(bytes: Uint8Array, from = 0): number {
  const [a, b, c, d] = CBF_BINARY_MARKER;
  for (let i = from; i + 3 < bytes.length; i++) {
    if (bytes[i] === a && bytes[i + 1] === b && bytes[i + 2] === c && bytes[i + 3] === d) return i;
  }
  return -1;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return s;
}

/** `X-Binary-Size: 301453` etc. of the MIME header (continuation lines joined). */
export function parseCbfMime(text: string): Record<string, string> {
  const start = text.lastIndexOf('--CIF-BINARY-FORMAT-SECTION--');
  const section = start >= 0 ? text.slice(start) : text;
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const raw of section.split(/\r?\n/)) {
    if (/^\s+\S/.test(raw) && last !== undefined) {
      out[last] = `${out[last]} ${raw.trim()}`;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(raw);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    out[last] = m[2]!.trim();
  }
  return out;
}

function numbers(s: string): number[] {
  return (s.match(/[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/g) ?? []).map(Number);
}

/** The `# Key value` lines of a Pilatus header (PILATUS_1.2 convention). */
export function parsePilatusHeader(text: string): PilatusHeader {
  const lines: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^#\s*([A-Za-z][A-Za-z0-9_]*)[:=]?\s*(.*)$/.exec(raw.trim());
    if (!m) continue;
    if (!(m[1]! in lines)) lines[m[1]!] = m[2]!.trim();
  }
  const h: PilatusHeader = { lines };
  const one = (key: string): number | undefined => {
    const v = lines[key];
    const n = v !== undefined ? numbers(v) : [];
    return n.length > 0 ? n[0] : undefined;
  };
  const two = (key: string): [number, number] | undefined => {
    const v = lines[key];
    const n = v !== undefined ? numbers(v) : [];
    return n.length >= 2 ? [n[0]!, n[1]!] : undefined;
  };
  if (lines['Detector'] !== undefined) h.detector = lines['Detector'];
  const set = <K extends keyof PilatusHeader>(k: K, v: PilatusHeader[K] | undefined): void => {
    if (v !== undefined) h[k] = v;
  };
  set('pixelSize', two('Pixel_size'));
  set('wavelength', one('Wavelength'));
  set('detectorDistance', one('Detector_distance'));
  set('beamXY', two('Beam_xy'));
  set('startAngle', one('Start_angle'));
  set('angleIncrement', one('Angle_increment'));
  set('exposureTime', one('Exposure_time'));
  set('countCutoff', one('Count_cutoff'));
  return h;
}

/**
 * Decodes `count` byte-offset values from `src` into `out`; returns the number of bytes read.
 * Throws RangeError when the data end early.
 */
export function decodeByteOffset(src: Uint8Array, count: number, out: Int32Array | Uint32Array): number {
  const n = src.length;
  let pos = 0;
  let value = 0;
  for (let i = 0; i < count; i++) {
    if (pos >= n) throw new RangeError(`byte-offset data end after ${i} of ${count} values`);
    let delta = src[pos]!;
    pos += 1;
    if (delta === 0x80) {
      if (pos + 2 > n) throw new RangeError(`byte-offset data end after ${i} of ${count} values`);
      delta = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
      if (delta === 0x8000) {
        if (pos + 4 > n) throw new RangeError(`byte-offset data end after ${i} of ${count} values`);
        delta = src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24);
        pos += 4;
        if (delta === -0x80000000) {
          if (pos + 8 > n) throw new RangeError(`byte-offset data end after ${i} of ${count} values`);
          const lo = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24)) >>> 0;
          const hi = src[pos + 4]! | (src[pos + 5]! << 8) | (src[pos + 6]! << 16) | (src[pos + 7]! << 24);
          delta = hi * 4294967296 + lo;
          pos += 8;
        }
      } else if (delta >= 0x8000) delta -= 0x10000;
    } else if (delta >= 0x80) delta -= 0x100;
    value += delta;
    out[i] = value;
  }
  return pos;
}

/** Decodes a CBF file's bytes (gunzip first). Errors name the file. */
export function decodeCbf(bytes: Uint8Array, options: DecodeCbfOptions = {}): CbfImage {
  const file = options.file;
  const marker = findCbfMarker(bytes);
  const headStart = latin1(bytes.subarray(0, Math.min(bytes.length, 16)));
  if (!headStart.startsWith('###CBF') && !headStart.startsWith('data_'))
    throw fail('BAD_PARAMETER', 'not a CBF file (no ###CBF header)', file);
  if (marker < 0) throw fail('TRUNCATED', 'no binary section (marker 0C 1A 04 D5 missing)', file);
  const headerText = latin1(bytes.subarray(0, marker));
  const mime = parseCbfMime(headerText);
  const contentType = mime['content-type'] ?? '';
  if (!/x-CBF_BYTE_OFFSET/i.test(contentType))
    throw fail(
      'WRONG_DTYPE',
      `unsupported CBF compression (${contentType || 'none given'}); only x-CBF_BYTE_OFFSET`,
      file,
    );
  const elementType = (mime['x-binary-element-type'] ?? 'signed 32-bit integer').replace(/^"|"$/g, '');
  const et = /^(signed|unsigned) (8|16|32)-bit integer$/.exec(elementType);
  if (!et) throw fail('WRONG_DTYPE', `unsupported X-Binary-Element-Type '${elementType}'`, file);
  const order = mime['x-binary-element-byte-order'] ?? 'LITTLE_ENDIAN';
  if (!/LITTLE_ENDIAN/i.test(order)) throw fail('WRONG_DTYPE', `unsupported byte order '${order}'`, file);
  const fast = Number(mime['x-binary-size-fastest-dimension']);
  const slow = Number(mime['x-binary-size-second-dimension'] ?? 1);
  if (!Number.isInteger(fast) || fast <= 0 || !Number.isInteger(slow) || slow <= 0)
    throw fail(
      'BAD_PARAMETER',
      'X-Binary-Size-Fastest-Dimension / -Second-Dimension missing or invalid',
      file,
    );
  const third = mime['x-binary-size-third-dimension'];
  if (third !== undefined && Number(third) !== 1)
    throw fail('WRONG_DTYPE', `3-D CBF arrays are not supported (third dimension ${third})`, file);
  const count = fast * slow;
  const declared = mime['x-binary-number-of-elements'];
  if (declared !== undefined && Number(declared) !== count)
    throw fail('BAD_PARAMETER', `X-Binary-Number-of-Elements ${declared} ≠ ${fast} × ${slow}`, file);
  const size = Number(mime['x-binary-size']);
  const start = marker + 4;
  const avail = bytes.length - start;
  if (Number.isInteger(size) && size > avail)
    throw fail('TRUNCATED', `binary section has ${avail} of ${size} bytes (file cut short?)`, file);
  const src = bytes.subarray(start, Number.isInteger(size) && size > 0 ? start + size : bytes.length);
  const data = et[1] === 'unsigned' ? new Uint32Array(count) : new Int32Array(count);
  try {
    decodeByteOffset(src, count, data);
  } catch (e) {
    throw fail('TRUNCATED', e instanceof Error ? e.message : String(e), file);
  }
  return {
    shape: [slow, fast],
    data,
    elementType,
    mime,
    pilatus: parsePilatusHeader(headerText),
    headerText,
  };
}
