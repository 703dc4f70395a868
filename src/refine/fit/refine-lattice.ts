import type { AbortSignalLike } from '../../shared/abort.ts';
import { NxrError } from '../../shared/errors.ts';
import { pixelToQSample } from '../geometry/pixel-to-q-sample.ts';
import type { Mat3, Vec3 } from '../geometry/models.ts';
import { computeBMatrix } from '../lattice/b-matrix.ts';
import { checkCell } from '../lattice/check-cell.ts';
import { invertMat3, multiplyMat3, radToDeg, transposeMat3 } from '../linalg/mat3.ts';
import { formatFitReport } from './fit-report.ts';
import { buildParameterVector, rotationVectorOf } from './lattice-parameters.ts';
import { minimizeLeastSquares, type LevenbergMarquardtResult } from './levenberg-marquardt.ts';
import type {
  FitParameterResult,
  LatticeModel,
  ObservedPeak,
  RefinableName,
  RefinedPeak,
  RefinementStatistics,
} from './models.ts';
import { computeRobustScale } from './robust-scale.ts';
import { createSpotPredictor, type EwaldBranch } from './spot-predictor.ts';

export interface RefineLatticeOptions {
  /** What to vary (a flag that is off keeps that parameter fixed). Empty: only index and report. */
  fit: Iterable<RefinableName>;
  /** Largest |B·(hkl − rint(hkl))| of a peak to be indexed, Å⁻¹ in 1/d units (NXRefine hkl_tolerance). @default 0.05 */
  hklTolerance?: number;
  /** Peaks with a larger polar angle 2θ are not used, degrees (NXRefine polar_max). @default Infinity */
  polarMax?: number;
  /**
   * 'detector': residuals are predicted − observed spot positions, x and y in px and the frame,
   * each weighted by the robust scale of its kind (so px and frames are combined fairly).
   * 'reciprocal': residuals are Q_obs − UB·hkl (Å⁻¹), what NXRefine minimises (its `diff`).
   * @default 'detector'
   */
  objective?: 'detector' | 'reciprocal';
  /** Peaks whose residual exceeds this many robust standard deviations are rejected. @default 4 */
  outlierThreshold?: number;
  /**
   * Smallest standard deviations assumed for centroids when weighting and rejecting: x and y (px),
   * frame, and Q (Å⁻¹, reciprocal objective). Peak-search centroids of clean simulated peaks can
   * scatter far less than real ones, and a 4σ cut at σ = 0.005 px would reject true peaks.
   * @default [0.05, 0.05, 1e-4]
   */
  minimumSigma?: [number, number, number];
  /** Rounds of fit → re-index → reject outliers. @default 10 */
  maxRounds?: number;
  /** Least-squares iterations per round. @default 100 */
  maxIterations?: number;
  /** Reflections to leave unindexed (e.g. the space group's systematic absences). */
  isAbsent?: (hkl: Vec3) => boolean;
  /** Peaks (indices into `peaks`) never used in the fit (excludedBy 'user'). */
  exclude?: ReadonlySet<number>;
  signal?: AbortSignalLike;
  onProgress?: (fraction: number, message?: string) => void;
}

export interface RefineLatticeResult {
  /** The refined model (U a rotation, the cell obeying its lattice system). */
  model: LatticeModel;
  /** UB = U·B of the refined model, 1/d units. */
  UB: Mat3;
  parameters: FitParameterResult[];
  peaks: RefinedPeak[];
  statistics: RefinementStatistics;
  /** Correlations between varied parameters with |value| ≥ 0.5. */
  correlations: Array<{ a: string; b: string; value: number }>;
  /** Flags that were asked for but are fixed by the lattice system. */
  ignoredFlags: RefinableName[];
  /** Text report in the style of lmfit's fit_report (stored in the nxrefine NXprocess). */
  report: string;
}

interface Candidate {
  index: number;
  hkl: Vec3;
  q: Vec3;
}

const BIG_RESIDUAL = 1e3;

/**
 * Refine a lattice model against observed peaks (NXRefine Refine Lattice, spec §4.13, with
 * detector-space residuals): index every peak with the current model (nearest integer hkl within
 * `hklTolerance`, polar angle ≤ `polarMax`, not absent), minimise the residuals by
 * Levenberg–Marquardt over the flagged parameters (cell only where its lattice system leaves it
 * free; U through three rotation angles), then re-index and reject outliers (> `outlierThreshold`
 * robust σ) and repeat until the set of peaks no longer changes. Esds come from the covariance of
 * the last fit, scaled by the reduced χ².
 * @throws NxrError BAD_PARAMETER for bad options or when fewer peaks index than parameters vary.
 */
export function refineLattice(
  peaks: readonly ObservedPeak[],
  model: LatticeModel,
  options: RefineLatticeOptions,
): RefineLatticeResult {
  const tolerance = options.hklTolerance ?? 0.05;
  const polarMax = options.polarMax ?? Infinity;
  const threshold = options.outlierThreshold ?? 4;
  const maxRounds = options.maxRounds ?? 10;
  const objective = options.objective ?? 'detector';
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `refine lattice: ${message}` });
  };
  if (!(tolerance > 0)) bad(`hkl tolerance must be positive (got ${tolerance})`);
  if (!(polarMax > 0)) bad(`polar_max must be positive (got ${polarMax})`);
  if (!(threshold > 0)) bad(`outlier threshold must be positive (got ${threshold})`);
  if (objective !== 'detector' && objective !== 'reciprocal') bad(`unknown objective '${String(objective)}'`);
  checkCell(model.cell);
  const flags = [...options.fit];
  const initial = buildParameterVector(model, flags);

  const n = peaks.length;
  let current: LatticeModel = model;
  /** Indexing of every peak with a model. */
  const indexAll = (m: LatticeModel): { candidates: Candidate[]; peaks: RefinedPeak[] } => {
    const B = computeBMatrix(m.cell);
    const UBinv = invertMat3(multiplyMat3(m.U, B));
    const out: RefinedPeak[] = [];
    const candidates: Candidate[] = [];
    for (let i = 0; i < n; i++) {
      const p = peaks[i]!;
      const q = pixelToQSample(m.geometry, p.x, p.y, p.frame);
      const s = (m.geometry.wavelength * Math.hypot(q[0], q[1], q[2])) / 2;
      const polarAngle = 2 * radToDeg(Math.asin(Math.min(1, s)));
      const f: Vec3 = [
        UBinv[0][0] * q[0] + UBinv[0][1] * q[1] + UBinv[0][2] * q[2],
        UBinv[1][0] * q[0] + UBinv[1][1] * q[1] + UBinv[1][2] * q[2],
        UBinv[2][0] * q[0] + UBinv[2][1] * q[1] + UBinv[2][2] * q[2],
      ];
      const h: Vec3 = [Math.round(f[0]) || 0, Math.round(f[1]) || 0, Math.round(f[2]) || 0];
      const d0 = f[0] - h[0];
      const d1 = f[1] - h[1];
      const d2 = f[2] - h[2];
      const qResidual = Math.hypot(
        B[0][0] * d0 + B[0][1] * d1 + B[0][2] * d2,
        B[1][0] * d0 + B[1][1] * d1 + B[1][2] * d2,
        B[2][0] * d0 + B[2][1] * d1 + B[2][2] * d2,
      );
      let excludedBy: RefinedPeak['excludedBy'];
      if (options.exclude?.has(i)) excludedBy = 'user';
      else if (!(polarAngle <= polarMax)) excludedBy = 'polar';
      else if (!(qResidual <= tolerance)) excludedBy = 'tolerance';
      else if (h[0] === 0 && h[1] === 0 && h[2] === 0) excludedBy = 'origin';
      else if (options.isAbsent?.(h)) excludedBy = 'absent';
      out.push({
        h: excludedBy ? NaN : h[0],
        k: excludedBy ? NaN : h[1],
        l: excludedBy ? NaN : h[2],
        hklFractional: f,
        included: !excludedBy,
        ...(excludedBy ? { excludedBy } : {}),
        polarAngle,
        qResidual,
        dx: NaN,
        dy: NaN,
        dframe: NaN,
      });
      if (!excludedBy) candidates.push({ index: i, hkl: h, q });
    }
    return { candidates, peaks: out };
  };

  /**
   * Residual components of the candidates with a model: [dx, dy, ζ·dframe] (px, px, frames; the
   * frame residual weighted by |ζ| because a centroid's frame error grows as 1/|ζ|, DIALS's
   * Lorentz weighting) or [dqx, dqy, dqz] (Å⁻¹).
   */
  const residualsOf = (m: LatticeModel, cands: Candidate[], branches?: EwaldBranch[]): Float64Array[] => {
    const UB = multiplyMat3(m.U, computeBMatrix(m.cell));
    const out = [
      new Float64Array(cands.length),
      new Float64Array(cands.length),
      new Float64Array(cands.length),
    ];
    if (objective === 'detector') {
      const predictor = createSpotPredictor(m.geometry, UB);
      cands.forEach((c, j) => {
        const p = peaks[c.index]!;
        const s = predictor.predict(c.hkl[0], c.hkl[1], c.hkl[2], p.frame, branches?.[j]);
        out[0]![j] = s.x - p.x;
        out[1]![j] = s.y - p.y;
        out[2]![j] = (s.frame - p.frame) * Math.abs(s.zeta);
      });
    } else {
      cands.forEach((c, j) => {
        const p = peaks[c.index]!;
        const q = pixelToQSample(m.geometry, p.x, p.y, p.frame);
        const [h, k, l] = c.hkl;
        out[0]![j] = UB[0][0] * h + UB[0][1] * k + UB[0][2] * l - q[0];
        out[1]![j] = UB[1][0] * h + UB[1][1] * k + UB[1][2] * l - q[1];
        out[2]![j] = UB[2][0] * h + UB[2][1] * k + UB[2][2] * l - q[2];
      });
    }
    return out;
  };
  /** Robust scales: detector → [σxy, σframe]; reciprocal → [σq, σq]. */
  const [minPx, minFrames, minQ] = options.minimumSigma ?? [0.05, 0.05, 1e-4];
  const scalesOf = (r: Float64Array[]): [number, number] => {
    if (objective === 'detector') {
      const xy = new Float64Array(r[0]!.length * 2);
      xy.set(r[0]!);
      xy.set(r[1]!, r[0]!.length);
      return [
        Math.max(minPx, computeRobustScale(xy) || minPx),
        Math.max(minFrames, computeRobustScale(r[2]!) || minFrames),
      ];
    }
    const floor = minQ;
    const all = new Float64Array(r[0]!.length * 3);
    all.set(r[0]!);
    all.set(r[1]!, r[0]!.length);
    all.set(r[2]!, 2 * r[0]!.length);
    const s = Math.max(floor, computeRobustScale(all) || floor);
    return [s, s];
  };
  const chiOf = (r: Float64Array[], j: number, [s1, s2]: [number, number]): number => {
    const v = Math.hypot(r[0]![j]! / s1, r[1]![j]! / s1, r[2]![j]! / s2);
    return Number.isFinite(v) ? v : Infinity;
  };

  // Round 0: index with the starting model; drop gross outliers (> 2× threshold) before the first fit.
  let indexed = indexAll(current);
  let included = indexed.candidates;
  {
    const r = residualsOf(current, included);
    const scales = scalesOf(r);
    included = included.filter((_, j) => chiOf(r, j, scales) <= 2 * threshold);
  }
  let scales: [number, number] = [1, 1];
  let lm: LevenbergMarquardtResult | undefined;
  let parameterVector = initial;
  let rounds = 0;
  let iterations = 0;
  let evaluations = 0;
  for (let round = 1; round <= maxRounds; round++) {
    rounds = round;
    options.onProgress?.((round - 1) / maxRounds, `round ${round}: ${included.length} peaks`);
    if (included.length * 3 < initial.specs.length + 1 || included.length < 3)
      bad(
        `only ${included.length} peaks index within ${tolerance} Å⁻¹ (polar angle ≤ ${polarMax}°): too few to refine ${initial.specs.length} parameters`,
      );
    const cands = included;
    const r0 = residualsOf(current, cands);
    scales = scalesOf(r0);
    if (initial.specs.length > 0) {
      parameterVector = buildParameterVector(current, flags);
      const pv = parameterVector;
      const branches = objective === 'detector' ? branchesOf(current, cands, peaks) : undefined;
      const [s1, s2] = scales;
      const m = cands.length;
      lm = minimizeLeastSquares(
        (p, out) => {
          const r = residualsOf(pv.apply(p), cands, branches);
          for (let j = 0; j < m; j++) {
            const a = r[0]![j]! / s1;
            const b = r[1]![j]! / s1;
            const c = r[2]![j]! / s2;
            out[3 * j] = Number.isFinite(a) ? a : BIG_RESIDUAL;
            out[3 * j + 1] = Number.isFinite(b) ? b : BIG_RESIDUAL;
            out[3 * j + 2] = Number.isFinite(c) ? c : BIG_RESIDUAL;
          }
        },
        pv.values,
        {
          residualCount: 3 * m,
          steps: pv.specs.map((s) => s.step),
          lower: pv.specs.map((s) => s.lower),
          upper: pv.specs.map((s) => s.upper),
          maxIterations: options.maxIterations ?? 100,
          signal: options.signal,
        },
      );
      iterations += lm.iterations;
      evaluations += lm.evaluations;
      current = pv.apply(lm.parameters);
    }
    // Re-index with the refined model; reject outliers against the robust scale of the fitted set.
    indexed = indexAll(current);
    const rAll = residualsOf(current, indexed.candidates);
    const keep = new Set(included.map((c) => c.index));
    const fitted = indexed.candidates.map((c, j) => (keep.has(c.index) ? j : -1)).filter((j) => j >= 0);
    const rFit = rAll.map((a) => Float64Array.from(fitted, (j) => a[j]!));
    scales = scalesOf(rFit);
    const next = indexed.candidates.filter((_, j) => chiOf(rAll, j, scales) <= threshold);
    const same = next.length === included.length && next.every((c, j) => c.index === included[j]!.index);
    const sameHkls = same && next.every((c, j) => c.hkl.join() === included[j]!.hkl.join());
    included = next;
    if (sameHkls && (lm === undefined || round > 1)) break;
    if (initial.specs.length === 0) break;
  }
  options.onProgress?.(1, 'done');

  // Final bookkeeping.
  const finalPeaks = indexed.peaks;
  const includedSet = new Set(included.map((c) => c.index));
  let outliers = 0;
  const detectorResiduals = residualsOfDetector(current, indexed.candidates, peaks);
  indexed.candidates.forEach((c, j) => {
    const p = finalPeaks[c.index]!;
    p.dx = detectorResiduals[0]![j]!;
    p.dy = detectorResiduals[1]![j]!;
    p.dframe = detectorResiduals[2]![j]!;
    if (!includedSet.has(c.index)) {
      p.included = false;
      p.excludedBy = 'outlier';
      p.h = p.k = p.l = NaN;
      outliers++;
    }
  });
  const UB = multiplyMat3(current.U, computeBMatrix(current.cell));
  let sx = 0;
  let sy = 0;
  let sz = 0;
  let sq = 0;
  let wSum = 0;
  let wDiff = 0;
  indexed.candidates.forEach((c, j) => {
    if (!includedSet.has(c.index)) return;
    sx += detectorResiduals[0]![j]! ** 2;
    sy += detectorResiduals[1]![j]! ** 2;
    sz += detectorResiduals[2]![j]! ** 2;
    const [h, k, l] = c.hkl;
    const q = c.q;
    sq +=
      (UB[0][0] * h + UB[0][1] * k + UB[0][2] * l - q[0]) ** 2 +
      (UB[1][0] * h + UB[1][1] * k + UB[1][2] * l - q[1]) ** 2 +
      (UB[2][0] * h + UB[2][1] * k + UB[2][2] * l - q[2]) ** 2;
    const w = peaks[c.index]!.intensity ?? 1;
    wSum += w;
    wDiff += w * finalPeaks[c.index]!.qResidual;
  });
  const ni = includedSet.size;
  const specs = parameterVector.specs;
  const parameters: FitParameterResult[] = [];
  const names = specs.map((s) => s.name);
  const undetermined = lm ? lm.undetermined.map((j) => names[j]!) : [];
  // Every cell and geometry quantity, refined or not.
  const cellKeys = ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const;
  const esdOf = (name: string): number => {
    const j = names.indexOf(name);
    if (j < 0 || !lm) return 0;
    return undetermined.includes(name) ? NaN : lm.esds[j]!;
  };
  for (const key of cellKeys) {
    const follows = initial.constrained[key];
    const refinedIndex = names.indexOf(key);
    parameters.push({
      name: key,
      value: current.cell[key],
      initial: model.cell[key],
      esd: follows ? esdOf(follows) : esdOf(key),
      units: key.length === 1 ? 'Å' : 'deg',
      refined: refinedIndex >= 0,
      ...(follows ? { constrainedTo: follows } : {}),
    });
  }
  const g0 = model.geometry;
  const g = current.geometry;
  for (const key of [
    'wavelength',
    'distance',
    'beamCenterX',
    'beamCenterY',
    'yaw',
    'pitch',
    'roll',
    'phiStart',
    'chi',
    'omega',
    'theta',
  ] as const) {
    parameters.push({
      name: key,
      value: g[key],
      initial: g0[key],
      esd: esdOf(key),
      units: initial.specs.find((s) => s.name === key)?.units ?? unitsOf(key),
      refined: names.includes(key),
    });
  }
  (['xs', 'ys', 'zs'] as const).forEach((key, i) => {
    if (!names.includes(key) && !(g.sampleOffset && g.sampleOffset[i] !== 0)) return;
    parameters.push({
      name: key,
      value: g.sampleOffset?.[i] ?? 0,
      initial: g0.sampleOffset?.[i] ?? 0,
      esd: esdOf(key),
      units: 'mm',
      refined: names.includes(key),
    });
  });
  if (names.includes('U.x')) {
    // Total rotation from the starting U (rotation vector about the sample-frame axes, degrees);
    // esds from the last fit.
    const w = rotationVectorOf(multiplyMat3(current.U, transposeMat3(model.U)));
    ['x', 'y', 'z'].forEach((axis, i) =>
      parameters.push({
        name: `U.${axis}`,
        value: w[i]!,
        initial: 0,
        esd: esdOf(`U.${axis}`),
        units: 'deg',
        refined: true,
      }),
    );
  }
  const correlations: Array<{ a: string; b: string; value: number }> = [];
  if (lm) {
    for (let a = 0; a < names.length; a++)
      for (let b = 0; b < a; b++) {
        const v = lm.correlation[a]![b]!;
        if (Math.abs(v) >= 0.5) correlations.push({ a: names[b]!, b: names[a]!, value: v });
      }
    correlations.sort((x, y) => Math.abs(y.value) - Math.abs(x.value));
  }
  const statistics: RefinementStatistics = {
    peaks: n,
    inPolarRange: finalPeaks.filter((p) => p.excludedBy !== 'polar').length,
    indexed: ni,
    outliers,
    rmsdX: ni ? Math.sqrt(sx / ni) : NaN,
    rmsdY: ni ? Math.sqrt(sy / ni) : NaN,
    rmsdPixels: ni ? Math.sqrt((sx + sy) / ni) : NaN,
    rmsdFrames: ni ? Math.sqrt(sz / ni) : NaN,
    rmsdQ: ni ? Math.sqrt(sq / ni) : NaN,
    score: wSum > 0 ? wDiff / wSum : NaN,
    chiSquare: lm?.chiSquare ?? NaN,
    reducedChiSquare: lm?.reducedChiSquare ?? NaN,
    iterations,
    evaluations,
    rounds,
    converged: lm?.converged ?? true,
    message: lm?.message ?? 'nothing to refine',
    undetermined,
  };
  const result: Omit<RefineLatticeResult, 'report'> = {
    model: current,
    UB,
    parameters,
    peaks: finalPeaks,
    statistics,
    correlations,
    ignoredFlags: initial.ignored,
  };
  return {
    ...result,
    report: formatFitReport(result, {
      objective,
      variables: specs.length,
      dataPoints: 3 * ni,
      hklTolerance: tolerance,
      polarMax,
    }),
  };

  function residualsOfDetector(
    m: LatticeModel,
    cands: Candidate[],
    ps: readonly ObservedPeak[],
  ): Float64Array[] {
    const predictor = createSpotPredictor(m.geometry, multiplyMat3(m.U, computeBMatrix(m.cell)));
    const out = [
      new Float64Array(cands.length),
      new Float64Array(cands.length),
      new Float64Array(cands.length),
    ];
    cands.forEach((c, j) => {
      const p = ps[c.index]!;
      const s = predictor.predict(c.hkl[0], c.hkl[1], c.hkl[2], p.frame);
      out[0]![j] = s.x - p.x;
      out[1]![j] = s.y - p.y;
      out[2]![j] = s.frame - p.frame;
    });
    return out;
  }
}

/** The Ewald crossing nearest each observed frame, fixed for the duration of one fit. */
function branchesOf(m: LatticeModel, cands: Candidate[], peaks: readonly ObservedPeak[]): EwaldBranch[] {
  const predictor = createSpotPredictor(m.geometry, multiplyMat3(m.U, computeBMatrix(m.cell)));
  return cands.map((c) => predictor.predict(c.hkl[0], c.hkl[1], c.hkl[2], peaks[c.index]!.frame).branch);
}

function unitsOf(key: string): string {
  if (key === 'wavelength') return 'Å';
  if (key === 'distance') return 'mm';
  if (key === 'beamCenterX' || key === 'beamCenterY') return 'px';
  return 'deg';
}
