import { NxrError } from '../../shared/errors.ts';
import type { AnnulusSample } from './accumulate-frames.ts';
import type { FrameShape } from './models.ts';

/** What the transmission annulus needs of the geometry (NXRefine's small-angle radius rule). */
export interface AnnulusGeometry {
  shape: FrameShape;
  beamCenterX: number;
  beamCenterY: number;
  /** Å */
  wavelength: number;
  /** mm */
  distance: number;
  /** mm */
  pixelSize: number;
}

export interface AnnulusLimits {
  /** Å⁻¹ in 2π units (Q = 4π sin θ / λ), as NXRefine's qmin / qmax. */
  qmin: number;
  qmax: number;
  /** Radii from the beam centre, pixels. */
  rmin: number;
  rmax: number;
  /** 'auto' (HEAD default) or 'given' (qmin / qmax from settings or the caller). */
  source: 'auto' | 'given';
}

/** k = 2π·p/(λ·L): Q (2π units) per pixel of radius in NXRefine's small-angle rule r = Q/k. */
function qPerPixel(g: AnnulusGeometry): number {
  return (2 * Math.PI * g.pixelSize) / (g.wavelength * g.distance);
}

/**
 * The annulus of Find Maximum's per-frame baseline (spec §5.2): from qmin / qmax when given, else
 * HEAD's default qmin = 0.3·Dy·k, qmax = 0.95·Dy·k with Dy = max(yc, ny − 1 − yc) pixels.
 */
export function computeAnnulusLimits(
  g: AnnulusGeometry,
  given?: { qmin?: number; qmax?: number },
): AnnulusLimits {
  const k = qPerPixel(g);
  if (!(k > 0) || !Number.isFinite(k))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: 'wavelength, distance and pixel size must be positive',
    });
  const dy = Math.max(g.beamCenterY, g.shape[0] - 1 - g.beamCenterY);
  const qmin = given?.qmin ?? 0.3 * dy * k;
  const qmax = given?.qmax ?? 0.95 * dy * k;
  if (!(qmin >= 0 && qmax > qmin))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `need 0 ≤ qmin < qmax, got qmin ${qmin}, qmax ${qmax}`,
    });
  const source = given?.qmin !== undefined || given?.qmax !== undefined ? 'given' : 'auto';
  return { qmin, qmax, rmin: qmin / k, rmax: qmax / k, source };
}

/**
 * The unmasked pixels with rmin ≤ r ≤ rmax, subsampled with a constant stride to at most
 * `maxPixels` (HEAD: 50 000).
 */
export function sampleAnnulus(
  g: Pick<AnnulusGeometry, 'shape' | 'beamCenterX' | 'beamCenterY'>,
  limits: Pick<AnnulusLimits, 'rmin' | 'rmax'>,
  mask: Uint8Array | null,
  maxPixels = 50_000,
): AnnulusSample {
  const [ny, nx] = g.shape;
  const r2min = limits.rmin * limits.rmin;
  const r2max = limits.rmax * limits.rmax;
  const all: number[] = [];
  for (let y = 0; y < ny; y++) {
    const dy2 = (y - g.beamCenterY) ** 2;
    for (let x = 0; x < nx; x++) {
      const r2 = (x - g.beamCenterX) ** 2 + dy2;
      const i = y * nx + x;
      if (r2 >= r2min && r2 <= r2max && (mask === null || mask[i] === 0)) all.push(i);
    }
  }
  const stride = Math.max(1, Math.ceil(all.length / maxPixels));
  const indices = new Int32Array(Math.ceil(all.length / stride));
  for (let j = 0, k = 0; j < all.length; j += stride) indices[k++] = all[j]!;
  return { indices, total: all.length };
}
