import type { AbortSignalLike } from '../../shared/abort.ts';
import { NxrError } from '../../shared/errors.ts';
import type { Mat3, Vec3 } from '../geometry/models.ts';
import { angleBetweenVectors, determinantMat3, invertMat3, norm3 } from '../linalg/mat3.ts';
import { countIndexedPeaks } from './count-indexed.ts';
import { createFftMagnitudes } from './fft-magnitude.ts';
import { fitUBToQ } from './fit-ub-to-q.ts';
import { solve3 } from './solve3.ts';

export interface IndexFftOptions {
  /** Shortest and longest real-space lattice translation searched, Å (NXRefine's Dmin, Dmax: 1, 10). @default 1, 20 */
  dMin?: number;
  dMax?: number;
  /** A peak is indexed when each hkl component is within this of an integer. @default 0.12 */
  tolerance?: number;
  /** Angular step of the hemisphere of directions, radians. @default min(0.03, 1/(4·dMax·qMax of the scanned peaks)) */
  directionStep?: number;
  /** FFT length (power of two; raised so the longest translation is resolved). @default 512 */
  bins?: number;
  signal?: AbortSignalLike;
  onProgress?: (fraction: number, message?: string) => void;
}

export interface IndexFftResult {
  /** UB of a primitive cell found (1/d units): reduce and choose a conventional cell next. */
  UB: Mat3;
  indexed: number;
  fraction: number;
  /** Real-space basis vectors (rows, Å, sample frame) = UB⁻¹. */
  basis: Mat3;
  /** Directions searched and candidate translations kept. */
  directions: number;
  candidates: number;
}

interface Translation {
  v: Vec3;
  length: number;
  count: number;
}

/**
 * Indexing without a cell, as Mantid's FindUBUsingFFT (spec §4.14; NXRefine's "Orient by FFT"):
 * for each direction u on a hemisphere, the projections q·u of the peaks are periodic with period
 * 1/d when u is along a lattice translation of length d; the first maximum of the Fourier
 * transform of their histogram gives d. The directions with the strongest periodicity give
 * candidate translations, each refined by least squares on the integer projections q·t; the
 * right-handed triple of candidates indexing the most peaks (smallest volume among those indexing
 * ≥ 95% as many) is the cell, and UB is refined against the peaks it indexes.
 * @param qs Q_sample of the peaks, 1/d units (Å⁻¹, no 2π).
 */
export function indexWithFft(qs: readonly Vec3[], options: IndexFftOptions = {}): IndexFftResult {
  const dMin = options.dMin ?? 1;
  const dMax = options.dMax ?? 20;
  const tolerance = options.tolerance ?? 0.12;
  const fail = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `FFT indexing: ${message}` });
  };
  if (!(dMin > 0 && dMax > dMin)) fail(`need 0 < dMin < dMax (got ${dMin}, ${dMax})`);
  const peaks = qs.filter((q) => norm3(q) > 0 && q.every(Number.isFinite));
  if (peaks.length < 4) fail(`need at least 4 peaks, got ${peaks.length}`);
  // The direction scan uses the lowest-|q| peaks (at least 200, or a third): fewer projections and,
  // with a smaller q range, a coarser grid of directions resolves the same translations.
  const byLength = [...peaks].sort((a, b) => norm3(a) - norm3(b));
  const scanPeaks = byLength.slice(0, Math.min(peaks.length, Math.max(200, Math.ceil(peaks.length / 3))));
  const qMax = norm3(scanPeaks[scanPeaks.length - 1]!) * 1.0001;
  let bins = options.bins ?? 512;
  while (2 * qMax * dMax > bins / 4) bins *= 2;
  const half = bins / 2;
  const kMin = Math.max(5, Math.floor(2 * qMax * dMin));
  const kMax = Math.min(half - 2, Math.ceil(2 * qMax * dMax));
  if (kMin >= kMax) fail('the peaks do not reach far enough in Q to resolve translations in [dMin, dMax]');
  const step = options.directionStep ?? Math.min(0.03, 1 / (4 * dMax * qMax));

  // Directions on the upper hemisphere.
  const directions: Vec3[] = [];
  const nTheta = Math.max(1, Math.round(Math.PI / 2 / step));
  for (let i = 0; i <= nTheta; i++) {
    const theta = (i * Math.PI) / 2 / nTheta;
    const nPhi = Math.max(1, Math.round((2 * Math.PI * Math.sin(theta)) / step));
    for (let j = 0; j < nPhi; j++) {
      const phi = (j * 2 * Math.PI) / nPhi;
      if (i === nTheta && phi >= Math.PI) continue; // the equator once
      directions.push([Math.sin(theta) * Math.cos(phi), Math.sin(theta) * Math.sin(phi), Math.cos(theta)]);
    }
  }
  const px = Float64Array.from(scanPeaks, (q) => q[0]);
  const py = Float64Array.from(scanPeaks, (q) => q[1]);
  const pz = Float64Array.from(scanPeaks, (q) => q[2]);
  const hist = new Float64Array(bins);
  const mags = new Float64Array(half + 1);
  const fft = createFftMagnitudes(bins);
  const scale = bins / (2 * qMax);
  const scores = new Float64Array(directions.length);
  const spectrum = (u: Vec3): Float64Array => {
    hist.fill(0);
    for (let i = 0; i < px.length; i++) {
      const t = (px[i]! * u[0] + py[i]! * u[1] + pz[i]! * u[2] + qMax) * scale - 0.5;
      const i0 = Math.floor(t);
      const f = t - i0;
      if (i0 >= 0 && i0 < bins) hist[i0]! += 1 - f;
      if (i0 + 1 >= 0 && i0 + 1 < bins) hist[i0 + 1]! += f;
    }
    return fft(hist, mags);
  };
  for (let d = 0; d < directions.length; d++) {
    if (d % 2000 === 0) {
      if (options.signal?.aborted) throw new NxrError({ code: 'CANCELLED', message: 'indexing cancelled' });
      options.onProgress?.((0.8 * d) / directions.length, 'scanning directions');
    }
    const m = spectrum(directions[d]!);
    let best = 0;
    for (let k = kMin; k <= kMax; k++) if (m[k]! > best) best = m[k]!;
    scores[d] = best;
  }
  const order = Array.from(directions.keys()).sort((a, b) => scores[b]! - scores[a]!);
  const top = scores[order[0]!]!;
  const kept = order.filter((d) => scores[d]! >= 0.5 * top).slice(0, 1500);

  // Candidate translations: the first strong maximum of each kept direction, refined.
  const candidates: Translation[] = [];
  for (const d of kept) {
    const u = directions[d]!;
    const m = spectrum(u);
    const threshold = 0.5 * scores[d]!;
    let k0 = -1;
    for (let k = kMin; k <= kMax; k++) {
      if (m[k]! >= threshold && m[k]! >= m[k - 1]! && m[k]! >= m[k + 1]!) {
        k0 = k;
        break;
      }
    }
    if (k0 < 0) continue;
    // Sub-bin position from a parabola through three points.
    const a = m[k0 - 1]!;
    const b = m[k0]!;
    const c = m[k0 + 1]!;
    const den = a - 2 * b + c;
    const kk = k0 + (den !== 0 ? (0.5 * (a - c)) / den : 0);
    const length = kk / (2 * qMax);
    const t = refineTranslation([u[0] * length, u[1] * length, u[2] * length], peaks, tolerance);
    if (t && t.length >= dMin * 0.9 && t.length <= dMax * 1.1) candidates.push(t);
  }
  if (candidates.length < 3)
    fail('fewer than three lattice translations found (too few or too noisy peaks?)');

  // The shortest distinct translations that index (nearly) as many peaks as the best: duplicates
  // (same or opposite direction within 5°, length within 10%) removed.
  const maxTranslationCount = Math.max(...candidates.map((c) => c.count));
  candidates.sort((x, y) => x.length - y.length || y.count - x.count);
  const unique: Translation[] = [];
  for (const c of candidates) {
    if (c.count < 0.7 * maxTranslationCount) continue;
    const dup = unique.some((w) => {
      const angle = angleBetweenVectors(c.v, w.v);
      return Math.min(angle, 180 - angle) < 5 && Math.abs(c.length / w.length - 1) < 0.1;
    });
    if (!dup) unique.push(c);
    if (unique.length >= 30) break;
  }
  options.onProgress?.(0.85, 'choosing the cell');

  // The basis triple.
  const pool = unique;
  const triples: Array<{ R: Mat3; volume: number; count: number }> = [];
  for (let i = 0; i < pool.length; i++)
    for (let j = i + 1; j < pool.length; j++)
      for (let k = j + 1; k < pool.length; k++) {
        const R: Mat3 = [pool[i]!.v, pool[j]!.v, pool[k]!.v];
        let det = determinantMat3(R);
        const prod = pool[i]!.length * pool[j]!.length * pool[k]!.length;
        if (Math.abs(det) < 0.05 * prod) continue; // (nearly) coplanar
        if (det < 0) {
          R[2] = [-R[2][0], -R[2][1], -R[2][2]];
          det = -det;
        }
        const count = countIndexedPeaks(invertMat3(R), peaks, tolerance).count;
        triples.push({ R, volume: det, count });
      }
  if (triples.length === 0) fail('the translations found are coplanar');
  // The best few (smallest volumes among those indexing ≥ 80% of the most, and the most indexing)
  // are refined by least squares and judged at half the tolerance: a wrong lattice that happens to
  // index many peaks loosely does not index them tightly.
  const maxCount = Math.max(...triples.map((t) => t.count));
  const byVolume = triples.filter((t) => t.count >= 0.8 * maxCount).sort((x, y) => x.volume - y.volume);
  const byCount = [...triples].sort((x, y) => y.count - x.count || x.volume - y.volume);
  const shortlist = [...new Set([...byVolume.slice(0, 8), ...byCount.slice(0, 4)])];
  const refined = shortlist.map((t) => {
    const UBt = refineUB(invertMat3(t.R), peaks, tolerance);
    return { UB: UBt, volume: t.volume, tight: countIndexedPeaks(UBt, peaks, tolerance / 2).count };
  });
  const bestTight = Math.max(...refined.map((r) => r.tight));
  const UB = refined
    .filter((r) => r.tight >= 0.97 * bestTight)
    .sort((x, y) => x.volume - y.volume || y.tight - x.tight)[0]!.UB;
  const final = countIndexedPeaks(UB, qs, tolerance);
  options.onProgress?.(1, 'done');
  return {
    UB,
    indexed: final.count,
    fraction: final.count / qs.length,
    basis: invertMat3(UB),
    directions: directions.length,
    candidates: unique.length,
  };
}

/** Least-squares UB on the peaks it indexes, repeated with the grown set (5 rounds). */
function refineUB(UB0: Mat3, peaks: readonly Vec3[], tolerance: number): Mat3 {
  let UB = UB0;
  for (let r = 0; r < 5; r++) {
    const idx = countIndexedPeaks(UB, peaks, tolerance);
    if (idx.count < 4) break;
    let next: Mat3;
    try {
      next = fitUBToQ(
        idx.indices.map((i) => peaks[i]!),
        idx.indices.map((i) => idx.hkls[i]!),
      );
    } catch {
      break;
    }
    if (countIndexedPeaks(next, peaks, tolerance).count < idx.count) break;
    UB = next;
  }
  return UB;
}

/** Least-squares translation t with q·t ≈ integer for the peaks within tolerance (4 rounds). */
function refineTranslation(t0: Vec3, qs: readonly Vec3[], tolerance: number): Translation | undefined {
  let t = t0;
  let count = 0;
  for (let round = 0; round < 4; round++) {
    const A = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    const b = [0, 0, 0];
    count = 0;
    for (const q of qs) {
      const p = q[0] * t[0] + q[1] * t[1] + q[2] * t[2];
      const n = Math.round(p);
      if (Math.abs(p - n) > tolerance) continue;
      count++;
      for (let i = 0; i < 3; i++) {
        b[i]! += n * q[i]!;
        for (let j = 0; j < 3; j++) A[i]![j]! += q[i]! * q[j]!;
      }
    }
    if (count < 4) return undefined;
    const next = solve3(A as Mat3, b as Vec3);
    if (!next) return undefined;
    t = next;
  }
  count = 0;
  for (const q of qs) {
    const p = q[0] * t[0] + q[1] * t[1] + q[2] * t[2];
    if (Math.abs(p - Math.round(p)) <= tolerance) count++;
  }
  return { v: t, length: norm3(t), count };
}
