/**
 * Calibrate: least-squares fit of the detector geometry to points picked on powder rings
 * (NXRefine calls pyFAI's GeometryRefinement.refine2 / refine2_wavelength, spec §7). The residual
 * of a point is 2θ(x, y) of the app's detector model minus the 2θ of its calibrant line at the
 * wavelength, radians; src/refine/fit's Levenberg–Marquardt minimises their sum of squares over
 * the freed parameters. The fit is then repeated with each point weighted by the robust scatter
 * of its ring's residuals and points more than `outlierThreshold` of those σ off dropped, until
 * neither changes. Roll (a rotation about the beam) maps every ring onto itself, so it cannot be fitted.
 */
import type { AbortSignalLike } from '../../shared/abort.ts';
import { NxrError } from '../../shared/errors.ts';
import { minimizeLeastSquares } from '../fit/levenberg-marquardt.ts';
import { computeRobustScale } from '../fit/robust-scale.ts';
import { radToDeg } from '../linalg/mat3.ts';
import { twoThetaOfD, type CalibrantLine } from './calibrant-lines.ts';
import type { PowderGeometry, PowderParameterName, RingPoint } from './models.ts';
import { createPowderFrame } from './powder-geometry.ts';

export type PowderFitFlags = Partial<Record<PowderParameterName, boolean>>;

/** What the dialog checks by default (NXRefine: Distance, Beam Center, Yaw/Pitch/Roll on; Wavelength off). */
export const DEFAULT_POWDER_FIT: Readonly<PowderFitFlags> = {
  distance: true,
  beamCenterX: true,
  beamCenterY: true,
  yaw: true,
  pitch: true,
  roll: false,
  wavelength: false,
};

export interface PowderFitOptions {
  /** Calibrant lines (or their d-spacings, Å); a point's `ring` indexes this list. */
  lines: readonly CalibrantLine[] | readonly number[];
  /** Parameters to free. @default DEFAULT_POWDER_FIT */
  fit?: PowderFitFlags;
  /** Drop points further than this many robust σ from their ring and refit; 0 = keep all. @default 5 */
  outlierThreshold?: number;
  /**
   * 'ring': weight each point by 1/σ of its ring's residuals (weak, noisy rings count less);
   * 'none': every point alike (pyFAI). @default 'ring'
   */
  weighting?: 'ring' | 'none';
  maxIterations?: number;
  signal?: AbortSignalLike;
}

export interface RingSummary {
  ring: number;
  /** d-spacing, Å, and 2θ at the fitted wavelength, degrees. */
  d: number;
  twoTheta: number;
  /** Points used in the fit, and their mean and rms 2θ residual, degrees. */
  count: number;
  mean: number;
  rms: number;
}

export interface PowderFitResult {
  geometry: PowderGeometry;
  /** Parameters fitted, in POWDER_PARAMETER order. */
  fitted: PowderParameterName[];
  /** Standard deviations of the fitted parameters (units of each: Å, mm, px, degrees). */
  esds: Partial<Record<PowderParameterName, number>>;
  /** Correlation matrix of the fitted parameters, in `fitted` order. */
  correlation: number[][];
  /** rms of the 2θ residuals of the points used, degrees. */
  rms: number;
  /** 2θ residual of every input point, degrees (observed − line). */
  residuals: Float64Array;
  /** 1 = used in the final fit, 0 = dropped as an outlier. */
  used: Uint8Array;
  usedCount: number;
  rings: RingSummary[];
  iterations: number;
  converged: boolean;
  message: string;
  /** Anything the user should know (roll not fitted, parameters the points do not determine). */
  notes: string[];
}

const ORDER: readonly PowderParameterName[] = [
  'distance',
  'beamCenterX',
  'beamCenterY',
  'yaw',
  'pitch',
  'roll',
  'wavelength',
];

/** Finite-difference steps (central differences) in each parameter's units. */
const STEP: Record<PowderParameterName, (g: PowderGeometry) => number> = {
  distance: (g) => 1e-6 * g.distance,
  beamCenterX: () => 1e-4,
  beamCenterY: () => 1e-4,
  yaw: () => 1e-5,
  pitch: () => 1e-5,
  roll: () => 1e-5,
  wavelength: (g) => 1e-7 * g.wavelength,
};

const LABEL: Record<PowderParameterName, string> = {
  distance: 'distance',
  beamCenterX: 'beam centre x',
  beamCenterY: 'beam centre y',
  yaw: 'yaw',
  pitch: 'pitch',
  roll: 'roll',
  wavelength: 'wavelength',
};

export function fitPowderGeometry(
  points: readonly RingPoint[],
  start: PowderGeometry,
  options: PowderFitOptions,
): PowderFitResult {
  const flags = { ...DEFAULT_POWDER_FIT, ...(options.fit ?? {}) };
  const notes: string[] = [];
  if (flags.roll) {
    notes.push('roll (rotation about the beam) does not change 2θ: kept at its value, not fitted');
  }
  const fitted = ORDER.filter((k) => flags[k] && k !== 'roll');
  if (fitted.length === 0)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'calibrate: no parameter is set to be fitted' });
  const ds = options.lines.map((l) => (typeof l === 'number' ? l : l.d));
  points.forEach((p, i) => {
    if (!(Number.isInteger(p.ring) && p.ring >= 0 && p.ring < ds.length))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `point ${i} is on ring ${p.ring + 1}, but the calibrant has ${ds.length} lines`,
      });
    if (!(Number.isFinite(p.x) && Number.isFinite(p.y)))
      throw new NxrError({ code: 'BAD_PARAMETER', message: `point ${i} has no finite position` });
    if (Number.isNaN(twoThetaOfD(ds[p.ring]!, start.wavelength)))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `ring ${p.ring + 1} (d = ${ds[p.ring]} Å) cannot diffract at λ = ${start.wavelength} Å`,
      });
  });
  if (points.length < fitted.length + 1)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `calibrate: ${points.length} points for ${fitted.length} parameters; pick more points`,
    });

  const used = new Uint8Array(points.length).fill(1);
  const threshold = options.outlierThreshold ?? 5;
  const weighting = options.weighting ?? 'ring';
  // σ of each point's residual, radians: 1 until the first fit has measured each ring's scatter.
  const sigma = new Float64Array(points.length).fill(1);
  let geometry = { ...start, shape: [start.shape[0], start.shape[1]] as [number, number] };
  let lm: ReturnType<typeof minimizeLeastSquares> | undefined;
  const apply = (p: ArrayLike<number>): PowderGeometry => {
    const g = { ...geometry };
    fitted.forEach((k, j) => {
      g[k] = p[j]!;
    });
    return g;
  };
  const residualsOf = (g: PowderGeometry, out: Float64Array): void => {
    const frame = createPowderFrame(g);
    const lineTth = ds.map((d) => twoThetaOfD(d, g.wavelength));
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const r = frame.twoTheta(p.x, p.y) - lineTth[p.ring]!;
      out[i] = Number.isFinite(r) ? r : Math.PI;
    }
  };
  const all = new Float64Array(points.length);
  for (let round = 0; round < 6; round++) {
    const index: number[] = [];
    used.forEach((u, i) => {
      if (u) index.push(i);
    });
    if (index.length < fitted.length + 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `calibrate: only ${index.length} points left after dropping outliers`,
      });
    const subset = index.map((i) => points[i]!);
    const weights = index.map((i) => 1 / sigma[i]!);
    const p0 = fitted.map((k) => geometry[k]);
    lm = minimizeLeastSquares(
      (p, out) => {
        const g = apply(p);
        const frame = createPowderFrame(g);
        const lineTth = ds.map((d) => twoThetaOfD(d, g.wavelength));
        for (let i = 0; i < subset.length; i++) {
          const q = subset[i]!;
          const r = frame.twoTheta(q.x, q.y) - lineTth[q.ring]!;
          out[i] = (Number.isFinite(r) ? r : Math.PI) * weights[i]!;
        }
      },
      p0,
      {
        residualCount: subset.length,
        steps: fitted.map((k) => STEP[k](geometry)),
        differences: 'central',
        lower: fitted.map((k) => (k === 'distance' || k === 'wavelength' ? 1e-6 : -Infinity)),
        maxIterations: options.maxIterations ?? 200,
        ftol: 1e-14,
        xtol: 1e-12,
        gtol: 1e-12,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    geometry = apply(lm.parameters);
    residualsOf(geometry, all);
    // Scatter of each ring (robust; the whole set's for rings with few points), kept within a
    // factor 4 of the whole set's so that a ring picked on the wrong feature (all its points off
    // by the same amount) is dropped rather than merely weighted down.
    const global = Math.max(computeRobustScale(index.map((i) => all[i]!)), 1e-9);
    const byRing = new Map<number, number[]>();
    for (const i of index) {
      const list = byRing.get(points[i]!.ring) ?? [];
      list.push(all[i]!);
      byRing.set(points[i]!.ring, list);
    }
    const ringScale = new Map<number, number>();
    for (const [ring, list] of byRing)
      ringScale.set(
        ring,
        list.length >= 8 ? Math.min(Math.max(computeRobustScale(list), global / 4), 4 * global) : global,
      );
    let changed = false;
    for (let i = 0; i < points.length; i++) {
      const s = weighting === 'ring' ? (ringScale.get(points[i]!.ring) ?? global) : global;
      if (Math.abs(s - sigma[i]!) > 0.1 * s) changed = true;
      sigma[i] = s;
      const keep = threshold > 0 && Math.abs(all[i]!) > threshold * s ? 0 : 1;
      if (keep !== used[i]) {
        used[i] = keep;
        changed = true;
      }
    }
    if (!changed && round > 0) break;
  }
  const result = lm!;
  const esds: Partial<Record<PowderParameterName, number>> = {};
  fitted.forEach((k, j) => {
    esds[k] = result.esds[j]!;
  });
  for (const j of result.undetermined)
    notes.push(`${LABEL[fitted[j]!]} is not determined by these points; pick more rings or fix it`);
  const residualsDeg = Float64Array.from(all, (r) => radToDeg(r));
  let sum = 0;
  let usedCount = 0;
  const rings = new Map<number, { sum: number; sum2: number; count: number }>();
  points.forEach((p, i) => {
    if (!used[i]) return;
    const r = residualsDeg[i]!;
    sum += r * r;
    usedCount++;
    const s = rings.get(p.ring) ?? { sum: 0, sum2: 0, count: 0 };
    s.sum += r;
    s.sum2 += r * r;
    s.count++;
    rings.set(p.ring, s);
  });
  return {
    geometry,
    fitted,
    esds,
    correlation: result.correlation,
    rms: Math.sqrt(sum / Math.max(1, usedCount)),
    residuals: residualsDeg,
    used,
    usedCount,
    rings: [...rings.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([ring, s]) => ({
        ring,
        d: ds[ring]!,
        twoTheta: radToDeg(twoThetaOfD(ds[ring]!, geometry.wavelength)),
        count: s.count,
        mean: s.sum / s.count,
        rms: Math.sqrt(s.sum2 / s.count),
      })),
    iterations: result.iterations,
    converged: result.converged,
    message: result.message,
    notes,
  };
}
