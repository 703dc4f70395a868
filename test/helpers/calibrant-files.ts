/**
 * Files for the Calibrate Powder tests: a minimal TIFF writer (one strip, no compression, either
 * byte order), a configuration-like NeXus file with detector entries, and a simulated calibrant
 * image written as TIFF.
 */
import { writeFileSync } from 'node:fs';

import { createNexusFile } from '../../src/engine/io/nexus-writer.ts';
import { computeCalibrantLines } from '../../src/refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../src/refine/calibrate/calibrants.ts';
import type { PowderGeometry } from '../../src/refine/calibrate/models.ts';
import { simulateCalibrantImage, type CalibrantImage } from '../../src/refine/simulate/calibrant-image.ts';

export type TiffSample = 'int32' | 'uint16' | 'float32';

/** A baseline TIFF of one grey channel: 8-byte header, the pixels, then one IFD. */
export function encodeTiff(
  shape: [number, number],
  data: ArrayLike<number>,
  sample: TiffSample,
  bigEndian = false,
): Uint8Array {
  const [ny, nx] = shape;
  const bytesPer = sample === 'uint16' ? 2 : 4;
  const imageBytes = nx * ny * bytesPer;
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, 4, nx], // ImageWidth
    [257, 4, ny], // ImageLength
    [258, 3, bytesPer * 8], // BitsPerSample
    [259, 3, 1], // Compression: none
    [262, 3, 1], // Photometric: black is zero
    [273, 4, 8], // StripOffsets
    [277, 3, 1], // SamplesPerPixel
    [278, 4, ny], // RowsPerStrip
    [279, 4, imageBytes], // StripByteCounts
    [339, 3, sample === 'float32' ? 3 : sample === 'int32' ? 2 : 1], // SampleFormat
  ];
  const ifdOffset = 8 + imageBytes + (imageBytes % 2);
  const out = new Uint8Array(ifdOffset + 2 + 12 * entries.length + 4);
  const v = new DataView(out.buffer);
  const le = !bigEndian;
  out[0] = out[1] = bigEndian ? 0x4d : 0x49;
  v.setUint16(2, 42, le);
  v.setUint32(4, ifdOffset, le);
  for (let i = 0; i < nx * ny; i++) {
    const o = 8 + i * bytesPer;
    if (sample === 'int32') v.setInt32(o, data[i]!, le);
    else if (sample === 'uint16') v.setUint16(o, data[i]!, le);
    else v.setFloat32(o, data[i]!, le);
  }
  v.setUint16(ifdOffset, entries.length, le);
  entries.forEach(([tag, type, value], k) => {
    const o = ifdOffset + 2 + 12 * k;
    v.setUint16(o, tag, le);
    v.setUint16(o + 2, type, le);
    v.setUint32(o + 4, 1, le);
    if (type === 3) v.setUint16(o + 8, value, le);
    else v.setUint32(o + 8, value, le);
  });
  return out;
}

export function writeTiff(
  path: string,
  shape: [number, number],
  data: ArrayLike<number>,
  sample: TiffSample,
  bigEndian = false,
): void {
  writeFileSync(path, encodeTiff(shape, data, sample, bigEndian));
}

/**
 * A configuration-like file (spec §3.1): /entry and detector entries with monochromator and
 * detector fields for `start` (beam centre and tilts only when given).
 */
export async function writeConfigurationFile(
  path: string,
  start: Partial<PowderGeometry> & {
    wavelength: number;
    distance: number;
    pixelSize: number;
    shape: [number, number];
  },
  entries: string[] = ['entry', 'f1', 'f2'],
): Promise<void> {
  const w = await createNexusFile(path, { overwrite: true });
  try {
    for (const e of entries) {
      w.group(`/${e}`, 'NXentry');
      w.group(`/${e}/instrument`, 'NXinstrument');
      w.group(`/${e}/instrument/monochromator`, 'NXmonochromator');
      w.field(`/${e}/instrument/monochromator/wavelength`, start.wavelength, {
        dtype: '<f4',
        units: 'Angstroms',
      });
      const d = `/${e}/instrument/detector`;
      w.group(d, 'NXdetector');
      w.field(`${d}/description`, 'Pilatus 1M');
      w.field(`${d}/distance`, start.distance, { dtype: '<f8', units: 'mm' });
      w.field(`${d}/pixel_size`, start.pixelSize, { dtype: '<f8', units: 'mm' });
      w.field(`${d}/shape`, Int32Array.from(start.shape));
      w.field(`${d}/detector_orientation`, '-y +z -x');
      if (start.beamCenterX !== undefined) w.field(`${d}/beam_center_x`, start.beamCenterX, { dtype: '<f8' });
      if (start.beamCenterY !== undefined) w.field(`${d}/beam_center_y`, start.beamCenterY, { dtype: '<f8' });
      for (const k of ['yaw', 'pitch', 'roll'] as const)
        w.field(`${d}/${k}`, start[k] ?? 0, { dtype: '<f8' });
    }
  } finally {
    w.close();
  }
}

/** A simulated CeO2 (or other) image of `truth` written as a little-endian int32 TIFF. */
export function writeCalibrantTiff(
  path: string,
  truth: PowderGeometry,
  options: { calibrant?: string; seed?: number } = {},
): CalibrantImage {
  const lines = computeCalibrantLines(findCalibrant(options.calibrant ?? 'CeO2'), {
    wavelength: truth.wavelength,
  });
  const image = simulateCalibrantImage({ geometry: truth, lines, seed: options.seed ?? 1 });
  writeTiff(path, image.shape, image.data, 'int32');
  return image;
}
