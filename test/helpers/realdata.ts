/**
 * The real files in ../shared/realdata (beside the repository; never copied into it). HDF5 files
 * are found by walking the folder and sniffing the signature, so none is forgotten.
 */
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const realdataDir = resolve(repoRoot, '..', 'shared', 'realdata');

/** Absolute path of a file under realdata, e.g. realdata('nexus-exampledata/hdf5/simple3D.h5'). */
export function realdata(rel: string): string {
  const p = join(realdataDir, rel);
  if (!existsSync(p)) throw new Error(`real data file missing: ${p}`);
  return p;
}

export function walkFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walkFiles(p) : [p];
    });
}

const SIG = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Independent of the app's sniffer: offsets 0, 512, 1024, 2048, … */
export function hasHdf5Signature(file: string): boolean {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(8);
    for (let off = 0; off + 8 <= size; off = off === 0 ? 512 : off * 2) {
      readSync(fd, buf, 0, 8, off);
      if (SIG.every((b, i) => buf[i] === b)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Every HDF5 file under realdata (relative paths, sorted). */
export function realdataHdf5Files(): string[] {
  return walkFiles(realdataDir)
    .filter(hasHdf5Signature)
    .map((p) => p.slice(realdataDir.length + 1));
}
