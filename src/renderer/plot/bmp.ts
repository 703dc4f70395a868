/**
 * An 8-bit palette BMP (top-down, uncompressed) from palette indices: what the frame plot hands to
 * plotly's image trace as a data URL. Measured in headless Chromium on a 1475 × 1679 frame: 16–25 ms
 * to build and base64-encode, against 380–430 ms for a deflated palette PNG (CompressionStream) and
 * 65–100 ms for the canvas's RGBA PNG; browsers decode it at once.
 */

const FILE_HEADER = 14;
const INFO_HEADER = 40;
const PALETTE_BYTES = 256 * 4;

/** Bytes per row: one index per pixel, padded to a multiple of 4. */
export const bmpRowStride = (width: number): number => (width + 3) & ~3;

/**
 * The BMP file: `indices` row-major (row 0 at the top), `palette` 3 × 256 bytes RGB.
 */
export function encodePaletteBmp(
  indices: Uint8Array,
  width: number,
  height: number,
  palette: Uint8Array,
): Uint8Array {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new RangeError(`bad image size ${width} × ${height}`);
  if (indices.length < width * height) throw new RangeError('fewer indices than pixels');
  const stride = bmpRowStride(width);
  const offset = FILE_HEADER + INFO_HEADER + PALETTE_BYTES;
  const out = new Uint8Array(offset + stride * height);
  const dv = new DataView(out.buffer);
  out[0] = 0x42; // 'B'
  out[1] = 0x4d; // 'M'
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, INFO_HEADER, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, -height, true); // negative: rows stored top-down
  dv.setUint16(26, 1, true); // planes
  dv.setUint16(28, 8, true); // bits per pixel
  dv.setUint32(30, 0, true); // BI_RGB, no compression
  dv.setUint32(34, stride * height, true);
  dv.setInt32(38, 2835, true); // 72 dpi
  dv.setInt32(42, 2835, true);
  dv.setUint32(46, 256, true); // colours used
  dv.setUint32(50, 0, true);
  for (let i = 0; i < 256; i++) {
    const p = FILE_HEADER + INFO_HEADER + 4 * i;
    out[p] = palette[3 * i + 2]!; // B
    out[p + 1] = palette[3 * i + 1]!; // G
    out[p + 2] = palette[3 * i]!; // R
  }
  if (stride === width) out.set(indices.subarray(0, width * height), offset);
  else
    for (let y = 0; y < height; y++)
      out.set(indices.subarray(y * width, (y + 1) * width), offset + y * stride);
  return out;
}
