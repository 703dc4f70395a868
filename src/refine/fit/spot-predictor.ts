import { computeDetectorFrame } from '../geometry/detector-frame.ts';
import type { Geometry, Mat3 } from '../geometry/models.ts';
import { multiplyMat3 } from '../linalg/mat3.ts';
import { rotationMatrix } from '../linalg/rotation-matrix.ts';

/** Which of the two Ewald crossings of a reflection: φ = α − δ (−1) or φ = α + δ (+1). */
export type EwaldBranch = -1 | 1;

export interface PredictedSpotNear {
  /** Detector column and row, px (pixel index = pixel centre). NaN if the ray misses the detector plane. */
  x: number;
  y: number;
  /** Fractional frame, unwrapped by whole turns to lie nearest the observed frame. */
  frame: number;
  branch: EwaldBranch;
  /**
   * The reflection does not cross the Ewald sphere with these parameters: the position is that of
   * its closest approach (the tangent point), which keeps least-squares residuals continuous.
   */
  tangent: boolean;
  /**
   * DIALS's ζ = m₂·unit(s₁ × s₀) (m₂ the rotation axis, s₀ and s₁ the incident and diffracted beam
   * directions): how fast the reflection crosses the Ewald sphere. Its rocking width in φ, and so
   * the error of its centroid frame, scales as 1/|ζ|; ζ → 0 near the tangent (blind region).
   */
  zeta: number;
}

export interface SpotPredictor {
  /**
   * Predicted spot of reflection (h, k, l) — the crossing on `branch`, or, without a branch, the
   * crossing whose frame is nearest `frameObserved` — with its frame unwrapped by whole turns
   * (360°/|phiStep| frames) to lie nearest `frameObserved`.
   */
  predict(h: number, k: number, l: number, frameObserved: number, branch?: EwaldBranch): PredictedSpotNear;
}

/**
 * A fast predictor of spot positions for one geometry and UB (1/d units), for least squares: the
 * same analytic Ewald solution and exact tilted-plane projection as `predictReflection`
 * (identical results where a crossing exists), with the matrices computed once, one crossing chosen
 * per observed peak, and the cosine clamped to ±1 when parameters move a reflection out of
 * reflection, so residuals stay continuous.
 */
export function createSpotPredictor(g: Geometry, UB: Mat3): SpotPredictor {
  const frame = computeDetectorFrame(g);
  const M = multiplyMat3(rotationMatrix(2, g.theta), rotationMatrix(3, g.omega), rotationMatrix(1, g.chi));
  const [m00, m01, m02] = M[0];
  const [[u00, u01, u02], [u10, u11, u12], [u20, u21, u22]] = UB;
  const lambda = g.wavelength;
  const invLambda = 1 / lambda;
  const n = frame.normal;
  const o = frame.origin;
  const L = frame.labToPixel;
  const S = frame.hasSampleOffset ? g.sampleOffset! : undefined;
  const perTurn = 360 / Math.abs(g.phiStep);
  const toRad = Math.PI / 180;
  const toDeg = 180 / Math.PI;
  const { phiStart, phiStep, beamCenterX, beamCenterY } = g;

  return {
    predict(h, k, l, frameObserved, branch) {
      const q0 = u00 * h + u01 * k + u02 * l;
      const q1 = u10 * h + u11 * k + u12 * l;
      const q2 = u20 * h + u21 * k + u22 * l;
      const qq = q0 * q0 + q1 * q1 + q2 * q2;
      const A = m00 * q0 + m01 * q1;
      const B = m01 * q0 - m00 * q1;
      const D = (-lambda * qq) / 2 - m02 * q2;
      const R = Math.hypot(A, B);
      let c = D / R;
      const tangent = !(Math.abs(c) <= 1);
      if (tangent) c = c > 0 ? 1 : -1;
      const alpha = Math.atan2(B, A);
      const delta = Math.acos(c);
      const frameOf = (phiRad: number): number => {
        const z0 = (phiRad * toDeg - phiStart) / phiStep;
        return z0 + perTurn * Math.round((frameObserved - z0) / perTurn);
      };
      let b: EwaldBranch;
      let z: number;
      if (branch === undefined) {
        const zm = frameOf(alpha - delta);
        const zp = frameOf(alpha + delta);
        b = Math.abs(zm - frameObserved) <= Math.abs(zp - frameObserved) ? -1 : 1;
        z = b < 0 ? zm : zp;
      } else {
        b = branch;
        z = frameOf(alpha + b * delta);
      }
      // φ of the spot (consistent with z) and the diffracted ray k = G(φ)·q + k_i, G(φ) = M·R3(φ).
      const phi = (phiStart + phiStep * z) * toRad;
      const cp = Math.cos(phi);
      const sp = Math.sin(phi);
      const r0 = cp * q0 - sp * q1;
      const r1 = sp * q0 + cp * q1;
      const k0 = M[0][0] * r0 + M[0][1] * r1 + M[0][2] * q2 + invLambda;
      const k1 = M[1][0] * r0 + M[1][1] * r1 + M[1][2] * q2;
      const k2 = M[2][0] * r0 + M[2][1] * r1 + M[2][2] * q2;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      if (S) {
        const t0 = cp * S[0] - sp * S[1];
        const t1 = sp * S[0] + cp * S[1];
        s0 = M[0][0] * t0 + M[0][1] * t1 + M[0][2] * S[2];
        s1 = M[1][0] * t0 + M[1][1] * t1 + M[1][2] * S[2];
        s2 = M[2][0] * t0 + M[2][1] * t1 + M[2][2] * S[2];
      }
      const kn = k0 * n[0] + k1 * n[1] + k2 * n[2];
      const gap = (o[0] - s0) * n[0] + (o[1] - s1) * n[1] + (o[2] - s2) * n[2];
      const t = gap / kn;
      // ζ with s₀ = x̂, s₁ = k/|k|, m₂ = M·ẑ: unit(s₁ × x̂) = (0, k2, −k1)/√(k1² + k2²).
      const kperp = Math.hypot(k1, k2);
      const zeta = kperp > 0 ? (M[1][2] * k2 - M[2][2] * k1) / kperp : 0;
      if (!(t > 0 && Number.isFinite(t))) return { x: NaN, y: NaN, frame: z, branch: b, tangent, zeta };
      const w0 = s0 + t * k0 - o[0];
      const w1 = s1 + t * k1 - o[1];
      const w2 = s2 + t * k2 - o[2];
      return {
        x: L[0][0] * w0 + L[0][1] * w1 + L[0][2] * w2 + beamCenterX,
        y: L[1][0] * w0 + L[1][1] * w1 + L[1][2] * w2 + beamCenterY,
        frame: z,
        branch: b,
        tangent,
        zeta,
      };
    },
  };
}
