/** The pixel read-out under the pointer: position, counts, and angles/hkl where the geometry allows. */
import { computePolarAngle } from '../../refine/geometry/angles.ts';
import { pixelToHkl } from '../../refine/geometry/pixel-to-hkl.ts';
import type { Mat3, Vec3 } from '../../refine/geometry/models.ts';
import { fromNxRefineOrientationMatrix } from '../../refine/orient/orientation-matrix-convention.ts';
import type { EntryGeometry, FrameArray } from '../../shared/ipc.ts';

export interface PixelReadout {
  x: number;
  y: number;
  /** Value of the pixel (NaN when outside). */
  value: number;
  masked: boolean;
  /** Polar angle 2θ, degrees (exact, tilted detector), when the geometry is known. */
  polarAngle?: number;
  /** Fractional hkl, when the entry is oriented and has a lattice. */
  hkl?: Vec3;
}

const ubCache = new WeakMap<EntryGeometry, Mat3 | null>();

function ubOf(g: EntryGeometry): Mat3 | null {
  let ub = ubCache.get(g);
  if (ub === undefined) {
    ub = g.orientationMatrix && g.cell ? fromNxRefineOrientationMatrix(g.orientationMatrix, g.cell).UB : null;
    ubCache.set(g, ub);
  }
  return ub;
}

export function readPixel(
  x: number,
  y: number,
  frame: number,
  shape: [number, number],
  values: FrameArray | null,
  mask: Uint8Array | null,
  geometry: EntryGeometry | null,
): PixelReadout | null {
  const col = Math.round(x);
  const row = Math.round(y);
  const [ny, nx] = shape;
  if (col < 0 || row < 0 || col >= nx || row >= ny) return null;
  const i = row * nx + col;
  const out: PixelReadout = {
    x: col,
    y: row,
    value: values && values.length === nx * ny ? Number(values[i]) : NaN,
    masked: mask !== null && mask.length === nx * ny && mask[i] !== 0,
  };
  const g = geometry?.geometry;
  if (g && g.shape[0] === ny && g.shape[1] === nx) {
    out.polarAngle = computePolarAngle(g, col, row, { frame });
    const ub = ubOf(geometry);
    if (ub) out.hkl = pixelToHkl(g, ub, col, row, frame);
  }
  return out;
}

/** Counts as users read them: integers plainly, others with 4 significant digits. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '−Inf';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(3) : v.toPrecision(5);
}
