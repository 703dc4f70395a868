/**
 * ESRF Data Format (EDF) images, as written by ESRF detectors, pyFAI and fabio: an ASCII header
 * `{ Key = Value ; … }` padded to a multiple of 512 bytes, then the raw binary image. Pure: takes
 * the (already gunzipped) file bytes. Only the first image of a file is read; compressed EDF is
 * refused.
 *
 * Keys used: Dim_1 (fast, columns), Dim_2 (slow, rows), DataType, ByteOrder (LowByteFirst /
 * HighByteFirst), Size (bytes of the image, optional), Compression (must be absent or None).
 */
import { NxrError } from '../../shared/errors.ts';

export interface EdfImage {
  /** [rows, columns] = [Dim_2, Dim_1]. */
  shape: [number, number];
  data:
    | Uint8Array
    | Int8Array
    | Uint16Array
    | Int16Array
    | Uint32Array
    | Int32Array
    | Float32Array
    | Float64Array;
  /** Every header key → value (trimmed, without the ';'). */
  header: Record<string, string>;
}

type Kind = 'u1' | 'i1' | 'u2' | 'i2' | 'u4' | 'i4' | 'f4' | 'f8';

const TYPES: Record<string, Kind> = {
  unsignedbyte: 'u1',
  unsignedchar: 'u1',
  signedbyte: 'i1',
  signedchar: 'i1',
  unsignedshort: 'u2',
  unsignedshortinteger: 'u2',
  signedshort: 'i2',
  signedshortinteger: 'i2',
  unsignedinteger: 'u4',
  unsignedint: 'u4',
  unsignedlong: 'u4',
  signedinteger: 'i4',
  signedint: 'i4',
  signedlong: 'i4',
  float: 'f4',
  floatvalue: 'f4',
  real: 'f4',
  double: 'f8',
  doublevalue: 'f8',
};

const BYTES: Record<Kind, number> = { u1: 1, i1: 1, u2: 2, i2: 2, u4: 4, i4: 4, f4: 4, f8: 8 };

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096)
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  return s;
}

/** Does the buffer start like an EDF file ('{' then a header with Dim_1)? */
export function looksLikeEdf(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] !== 0x7b) return false;
  const head = latin1(bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  return /\bDim_1\s*=/.test(head);
}

export function decodeEdf(bytes: Uint8Array, options: { file?: string } = {}): EdfImage {
  const fail = (code: 'TRUNCATED' | 'WRONG_DTYPE' | 'BAD_PARAMETER', message: string): NxrError =>
    new NxrError({ code, message, ...(options.file !== undefined ? { file: options.file } : {}) });
  if (!looksLikeEdf(bytes)) throw fail('BAD_PARAMETER', 'not an EDF file (no "{ … Dim_1 = …" header)');
  let close = -1;
  for (let i = 0; i < bytes.length; i++)
    if (bytes[i] === 0x7d) {
      close = i;
      break;
    }
  if (close < 0) throw fail('TRUNCATED', 'EDF header is not closed by "}"');
  let start = close + 1;
  if (bytes[start] === 0x0d) start++;
  if (bytes[start] === 0x0a) start++;
  const text = latin1(bytes.subarray(0, close));
  const header: Record<string, string> = {};
  for (const part of text.replace(/^\s*\{/, '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    header[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const key = (k: string): string | undefined =>
    Object.entries(header).find(([name]) => name.toLowerCase() === k.toLowerCase())?.[1];
  const nx = Number(key('Dim_1'));
  const ny = Number(key('Dim_2') ?? '1');
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx > 0 && ny > 0))
    throw fail(
      'BAD_PARAMETER',
      `EDF Dim_1/Dim_2 must be positive integers (got ${key('Dim_1')}, ${key('Dim_2')})`,
    );
  const compression = key('Compression');
  if (compression !== undefined && !/^(none|no)$/i.test(compression))
    throw fail('WRONG_DTYPE', `compressed EDF (${compression}) is not supported`);
  const typeName = (key('DataType') ?? '').replace(/\s+/g, '').toLowerCase();
  const kind = TYPES[typeName];
  if (!kind) throw fail('WRONG_DTYPE', `unsupported EDF DataType '${key('DataType') ?? ''}'`);
  const little = !/^HighByteFirst$/i.test(key('ByteOrder') ?? 'LowByteFirst');
  const n = nx * ny;
  const size = n * BYTES[kind];
  if (bytes.length - start < size)
    throw fail('TRUNCATED', `EDF data holds ${bytes.length - start} of ${size} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, size);
  const fill = <T extends EdfImage['data']>(out: T, get: (i: number) => number): T => {
    for (let i = 0; i < n; i++) out[i] = get(i);
    return out;
  };
  const data: EdfImage['data'] =
    kind === 'u1'
      ? fill(new Uint8Array(n), (i) => view.getUint8(i))
      : kind === 'i1'
        ? fill(new Int8Array(n), (i) => view.getInt8(i))
        : kind === 'u2'
          ? fill(new Uint16Array(n), (i) => view.getUint16(2 * i, little))
          : kind === 'i2'
            ? fill(new Int16Array(n), (i) => view.getInt16(2 * i, little))
            : kind === 'u4'
              ? fill(new Uint32Array(n), (i) => view.getUint32(4 * i, little))
              : kind === 'i4'
                ? fill(new Int32Array(n), (i) => view.getInt32(4 * i, little))
                : kind === 'f4'
                  ? fill(new Float32Array(n), (i) => view.getFloat32(4 * i, little))
                  : fill(new Float64Array(n), (i) => view.getFloat64(8 * i, little));
  return { shape: [ny, nx], data, header };
}
