/**
 * HDF5 superblock sniffing. The format signature \x89HDF\r\n\x1a\n sits at offset 0 or, after a
 * user block, at 512, 1024, 2048, … (powers of two). Checked before h5wasm sees a file so that an
 * HDF4, TIFF or text file gives NOT_HDF5 instead of an HDF5 stack trace.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export const HDF5_SIGNATURE = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Byte offset of the HDF5 signature, or -1 when there is none. */
export function findHdf5Signature(file: string): number {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buf = new Uint8Array(8);
    for (let off = 0; off + 8 <= size; off = off === 0 ? 512 : off * 2) {
      const n = readSync(fd, buf, 0, 8, off);
      if (n === 8 && buf.every((b, i) => b === HDF5_SIGNATURE[i])) return off;
    }
    return -1;
  } finally {
    closeSync(fd);
  }
}

export function isHdf5File(file: string): boolean {
  try {
    return findHdf5Signature(file) >= 0;
  } catch {
    return false;
  }
}
