/**
 * Detector images outside HDF5: CBF files (Pilatus, Eiger), gzip-compressed or not. The file is
 * read and, if it starts with the gzip magic bytes, gunzipped with node:zlib; decoding is the pure
 * src/nexus/formats/cbf.ts.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

import { decodeCbf, type CbfImage } from '../../nexus/formats/cbf.ts';
import { NxrError } from '../../shared/errors.ts';

/** The bytes of a file, gunzipped when it is gzip-compressed (magic 1F 8B). */
export async function readMaybeGzipped(file: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
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
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      const out = gunzipSync(raw);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      throw new NxrError(
        { code: 'TRUNCATED', message: `gzip data is corrupt or cut short (${(e as Error).message})`, file },
        { cause: e },
      );
    }
  }
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Reads and decodes a CBF image (`.cbf` or `.cbf.gz`). */
export async function readCbfImage(file: string): Promise<CbfImage> {
  return decodeCbf(await readMaybeGzipped(file), { file });
}
