import { computeAzimuthalAngle } from '../geometry/angles.ts';
import type { Geometry, Mat3 } from '../geometry/models.ts';
import { pixelToQSample } from '../geometry/pixel-to-q-sample.ts';
import { invertMat3 } from '../linalg/mat3.ts';
import type { ObservedPeak, RefinedPeak } from './models.ts';

/** Why a peak of the table is not used in the fit (0 = used). */
export const PEAK_STATUS = { used: 0, polar: 1, tolerance: 2, absent: 3, outlier: 4, user: 5 } as const;

/** NXRefine's Refine Lattice peak list as columns, one element per peak. */
export interface PeakTableColumns {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** NaN when the peak has no intensity. */
  intensity: Float64Array;
  /** Polar (2θ) and azimuthal angles with the final geometry, degrees. */
  polar: Float64Array;
  azimuthal: Float64Array;
  /** Fractional hkl with the final model. */
  h: Float64Array;
  k: Float64Array;
  l: Float64Array;
  /** NXRefine `diff` = |B·(hkl − rint(hkl))|, Å⁻¹ (1/d units), with the final model. */
  diff: Float64Array;
  /** The same with the starting orientation, cell and geometry (before the fit). */
  diffStart: Float64Array;
  /** |(dx, dy)|, predicted − observed spot position after the fit, px; NaN when not indexed. */
  pixelResidual: Float64Array;
  /** PEAK_STATUS of each peak. */
  status: Int8Array;
  /** Q_sample with the starting geometry (1/d units): what Orient Manually measures angles on. */
  qx: Float64Array;
  qy: Float64Array;
  qz: Float64Array;
}

export interface PeakTableStart {
  /** The geometry the peaks were indexed with at the start (the file's). */
  geometry: Geometry;
  /** Starting UB = U·B (1/d units) and the B of the starting cell. */
  UB: Mat3;
  B: Mat3;
}

/**
 * Columns of the Refine Lattice peak list (spec §4.11, §6.1 List): each peak's centroid,
 * intensity, polar and azimuthal angle, fractional hkl and `diff` from a refinement's
 * `RefinedPeak`s (final model), with `diff` also before the fit (starting UB and geometry) for the
 * residual plot, and Q_sample with the starting geometry for Orient Manually.
 * @param peaks the observed peaks, in the order of `refined`.
 * @param refined the refinement's per-peak results (same length as `peaks`).
 * @param finalGeometry the refined geometry (angles).
 */
export function computePeakTable(
  peaks: readonly ObservedPeak[],
  refined: readonly RefinedPeak[],
  finalGeometry: Geometry,
  start: PeakTableStart,
): PeakTableColumns {
  const n = peaks.length;
  const col = (): Float64Array => new Float64Array(n);
  const t: PeakTableColumns = {
    x: col(),
    y: col(),
    z: col(),
    intensity: col(),
    polar: col(),
    azimuthal: col(),
    h: col(),
    k: col(),
    l: col(),
    diff: col(),
    diffStart: col(),
    pixelResidual: col(),
    status: new Int8Array(n),
    qx: col(),
    qy: col(),
    qz: col(),
  };
  const inv = invertMat3(start.UB);
  const B = start.B;
  for (let i = 0; i < n; i++) {
    const p = peaks[i]!;
    const r = refined[i]!;
    t.x[i] = p.x;
    t.y[i] = p.y;
    t.z[i] = p.frame;
    t.intensity[i] = p.intensity ?? NaN;
    t.polar[i] = r.polarAngle;
    t.azimuthal[i] = computeAzimuthalAngle(finalGeometry, p.x, p.y, { frame: p.frame });
    t.h[i] = r.hklFractional[0];
    t.k[i] = r.hklFractional[1];
    t.l[i] = r.hklFractional[2];
    t.diff[i] = r.qResidual;
    t.pixelResidual[i] = Math.hypot(r.dx, r.dy);
    t.status[i] = statusOf(r);
    const q = pixelToQSample(start.geometry, p.x, p.y, p.frame);
    t.qx[i] = q[0];
    t.qy[i] = q[1];
    t.qz[i] = q[2];
    const f0 = inv[0][0] * q[0] + inv[0][1] * q[1] + inv[0][2] * q[2];
    const f1 = inv[1][0] * q[0] + inv[1][1] * q[1] + inv[1][2] * q[2];
    const f2 = inv[2][0] * q[0] + inv[2][1] * q[1] + inv[2][2] * q[2];
    const d0 = f0 - Math.round(f0);
    const d1 = f1 - Math.round(f1);
    const d2 = f2 - Math.round(f2);
    t.diffStart[i] = Math.hypot(
      B[0][0] * d0 + B[0][1] * d1 + B[0][2] * d2,
      B[1][0] * d0 + B[1][1] * d1 + B[1][2] * d2,
      B[2][0] * d0 + B[2][1] * d1 + B[2][2] * d2,
    );
  }
  return t;
}

function statusOf(r: RefinedPeak): number {
  switch (r.excludedBy) {
    case undefined:
      return PEAK_STATUS.used;
    case 'polar':
      return PEAK_STATUS.polar;
    case 'tolerance':
      return PEAK_STATUS.tolerance;
    case 'outlier':
      return PEAK_STATUS.outlier;
    case 'user':
      return PEAK_STATUS.user;
    default:
      return PEAK_STATUS.absent;
  }
}
