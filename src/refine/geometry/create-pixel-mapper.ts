import { NxrError } from '../../shared/errors.ts';
import { invertMat3, multiplyMat3, multiplyMat3Vec3, transposeMat3 } from '../linalg/mat3.ts';
import { computeDetectorFrame } from './detector-frame.ts';
import { computeGoniometerMatrix } from './goniometer.ts';
import type { Geometry, Mat3 } from './models.ts';

/** Three component arrays (e.g. Qx, Qy, Qz or h, k, l), each row-major over the mapped rows. */
export type PixelVectors = [Float64Array, Float64Array, Float64Array];

export interface PixelMapperOptions {
  /**
   * Added to pixel indices before mapping: 0 = NXRefine (pixel index = pixel centre),
   * 0.5 = CCTW's `(x + 0.5 − det0x)` convention (spec §4.6, §12.3).
   * @default 0
   */
  pixelOffset?: number;
}

export interface MapFrameOptions {
  /** Rows [y0, y1) to map (half-open). @default [0, ny) */
  rows?: [number, number];
  /** Arrays to fill (each at least (y1 − y0)·nx long); allocated if absent. */
  out?: PixelVectors;
}

export interface PixelMapper {
  readonly shape: [number, number];
  /** Q_sample (1/d units) of every pixel of (fractional) frame `frame`. */
  mapToQSample(frame: number, options?: MapFrameOptions): PixelVectors;
  /** Fractional (h, k, l) of every pixel of frame `frame`: (UB)⁻¹·Q_sample. */
  mapToHkl(UB: Mat3, frame: number, options?: MapFrameOptions): PixelVectors;
  /** Any linear map M·Q_sample of every pixel (M = I gives Q_sample, M = (UB)⁻¹ gives hkl). */
  mapLinear(M: Mat3, frame: number, options?: MapFrameOptions): PixelVectors;
  /** True scattering angle 2θ (degrees) of every pixel at `frame` (the frame matters only with a sample offset). */
  mapPolarAngles(frame?: number, options?: { rows?: [number, number]; out?: Float64Array }): Float64Array;
}

/**
 * Precomputes per-pixel lab vectors of a detector so that whole frames map to Q_sample or hkl in
 * a tight loop (spec §4.6, same chain as `pixelToQSample`).
 *
 * Without a sample offset the lab scattering vector of each pixel, Q_lab = k̂/λ − k_i, is frame-
 * independent and is stored (3 × 8 bytes per pixel); a frame then costs one 3×3 product per pixel
 * with M·G(φ)ᵀ. With a sample offset the lab position of each pixel is stored and the ray
 * is renormalised per frame.
 */
export function createPixelMapper(g: Geometry, options: PixelMapperOptions = {}): PixelMapper {
  const f = computeDetectorFrame(g);
  const [ny, nx] = g.shape;
  const n = ny * nx;
  const offset = options.pixelOffset ?? 0;
  const invLambda = 1 / g.wavelength;
  const hasOffset = f.hasSampleOffset;
  // Per-pixel lab vectors: positions (mm) if there is a sample offset, else Q_lab (1/d).
  const vx = new Float64Array(n);
  const vy = new Float64Array(n);
  const vz = new Float64Array(n);
  const P = f.pixelToLab;
  for (let y = 0; y < ny; y++) {
    const dy = y + offset - g.beamCenterY;
    for (let x = 0; x < nx; x++) {
      const dx = x + offset - g.beamCenterX;
      const px = f.origin[0] + P[0][0] * dx + P[0][1] * dy;
      const py = f.origin[1] + P[1][0] * dx + P[1][1] * dy;
      const pz = f.origin[2] + P[2][0] * dx + P[2][1] * dy;
      const i = y * nx + x;
      if (hasOffset) {
        vx[i] = px;
        vy[i] = py;
        vz[i] = pz;
      } else {
        const k = invLambda / Math.sqrt(px * px + py * py + pz * pz);
        vx[i] = px * k - invLambda;
        vy[i] = py * k;
        vz[i] = pz * k;
      }
    }
  }

  const checkRows = (rows: [number, number] | undefined): [number, number] => {
    const [y0, y1] = rows ?? [0, ny];
    if (!(Number.isInteger(y0) && Number.isInteger(y1) && y0 >= 0 && y1 <= ny && y0 <= y1))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `pixel mapper: rows must be integers 0 ≤ y0 ≤ y1 ≤ ${ny} (got ${JSON.stringify(rows)})`,
      });
    return [y0, y1];
  };
  const checkOut = (out: PixelVectors | undefined, len: number): PixelVectors => {
    if (!out) return [new Float64Array(len), new Float64Array(len), new Float64Array(len)];
    if (out.length !== 3 || out.some((a) => a.length < len))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `pixel mapper: out must be three Float64Arrays of at least ${len} elements`,
      });
    return out;
  };

  const mapLinear = (M: Mat3, frame: number, opts: MapFrameOptions = {}): PixelVectors => {
    const [y0, y1] = checkRows(opts.rows);
    const len = (y1 - y0) * nx;
    const out = checkOut(opts.out, len);
    const [ox, oy, oz] = out;
    const G = computeGoniometerMatrix(g, g.phiStart + g.phiStep * frame);
    // Q_s = Gᵀ·Q_lab, so the per-pixel matrix is R = M·Gᵀ.
    const R = multiplyMat3(M, transposeMat3(G));
    const [r00, r01, r02] = R[0];
    const [r10, r11, r12] = R[1];
    const [r20, r21, r22] = R[2];
    const start = y0 * nx;
    if (!hasOffset) {
      for (let j = 0; j < len; j++) {
        const i = start + j;
        const a = vx[i]!;
        const b = vy[i]!;
        const c = vz[i]!;
        ox[j] = r00 * a + r01 * b + r02 * c;
        oy[j] = r10 * a + r11 * b + r12 * c;
        oz[j] = r20 * a + r21 * b + r22 * c;
      }
    } else {
      const s = multiplyMat3Vec3(G, g.sampleOffset!);
      for (let j = 0; j < len; j++) {
        const i = start + j;
        const px = vx[i]! - s[0];
        const py = vy[i]! - s[1];
        const pz = vz[i]! - s[2];
        const k = invLambda / Math.sqrt(px * px + py * py + pz * pz);
        const a = px * k - invLambda;
        const b = py * k;
        const c = pz * k;
        ox[j] = r00 * a + r01 * b + r02 * c;
        oy[j] = r10 * a + r11 * b + r12 * c;
        oz[j] = r20 * a + r21 * b + r22 * c;
      }
    }
    return out;
  };

  const identity: Mat3 = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];

  return {
    shape: [ny, nx],
    mapLinear,
    mapToQSample: (frame, opts) => mapLinear(identity, frame, opts),
    mapToHkl: (UB, frame, opts) => mapLinear(invertMat3(UB), frame, opts),
    mapPolarAngles(frame = 0, opts = {}) {
      const [y0, y1] = checkRows(opts.rows);
      const len = (y1 - y0) * nx;
      const out = opts.out ?? new Float64Array(len);
      const s = hasOffset
        ? multiplyMat3Vec3(computeGoniometerMatrix(g, g.phiStart + g.phiStep * frame), g.sampleOffset!)
        : [0, 0, 0];
      const start = y0 * nx;
      const toDeg = 180 / Math.PI;
      for (let j = 0; j < len; j++) {
        const i = start + j;
        if (hasOffset) {
          const px = vx[i]! - s[0]!;
          out[j] = Math.atan2(Math.hypot(vy[i]! - s[1]!, vz[i]! - s[2]!), px) * toDeg;
        } else {
          // |Q|·λ = 2 sin θ.
          const q = Math.sqrt(vx[i]! * vx[i]! + vy[i]! * vy[i]! + vz[i]! * vz[i]!) * g.wavelength;
          out[j] = 2 * Math.asin(Math.min(1, q / 2)) * toDeg;
        }
      }
      return out;
    },
  };
}
