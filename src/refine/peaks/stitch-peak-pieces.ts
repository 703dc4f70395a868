import type { PeakPiece, PeakSearchParameters } from './models.ts';

/** What one frame range [start, stop) produced. */
export interface RangePieces {
  start: number;
  stop: number;
  pieces: PeakPiece[];
  /** Frames of the range without data (NaN-filled): they never end a peak. */
  missing?: readonly number[];
}

/**
 * Joins the pieces of consecutive frame ranges into whole peaks, so that a peak crossing range
 * (chunk or worker) boundaries is found exactly once, with the tracker's own rule: a piece whose
 * last detection is at most `maxGapFrames` usable frames before a boundary continues with the
 * nearest piece of a later range whose first detection is within `minPixels` (Chebyshev) and
 * at most `maxGapFrames` usable frames further on. The joined piece keeps the earlier piece's
 * frames before the boundary and the later piece's frames from it on.
 *
 * @param ranges contiguous, in any order
 */
export function stitchPeakPieces(
  ranges: readonly RangePieces[],
  parameters: Pick<PeakSearchParameters, 'minPixels' | 'maxGapFrames'>,
): PeakPiece[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  if (sorted.length === 0) return [];
  const m = parameters.minPixels;
  const gap = parameters.maxGapFrames;
  const first = sorted[0]!.start;
  const last = sorted[sorted.length - 1]!.stop;
  // usable[z − first + 1] = usable frames in [first, z]
  const usable = new Int32Array(last - first + 1);
  const missing = new Set<number>();
  for (const r of sorted) for (const z of r.missing ?? []) missing.add(z);
  for (let z = first; z < last; z++) usable[z - first + 1] = usable[z - first]! + (missing.has(z) ? 0 : 1);
  /** Usable frames strictly between a and b (a < b). */
  const between = (a: number, b: number): number =>
    b - 1 < a + 1
      ? 0
      : usable[Math.min(b - 1, last - 1) - first + 1]! - usable[Math.max(a + 1, first) - first]!;

  const out: PeakPiece[] = [];
  let carried: PeakPiece[] = [];
  for (const range of sorted) {
    const b = range.start;
    const open: PeakPiece[] = [];
    for (const p of carried) {
      if (between(p.lastZ, b) <= gap) open.push(p);
      else out.push(p);
    }
    const next = [...range.pieces];
    const pairs: Array<{ p: number; q: number; age: number; dist: number; value: number }> = [];
    // only pieces starting within the first usable frames of the range can continue an open one
    const starters = next.map((q, qi) => ({ q, qi })).filter(({ q }) => between(b - 1, q.firstZ) <= gap);
    open.forEach((p, pi) => {
      for (const { q, qi } of starters) {
        const age = between(p.lastZ, q.firstZ);
        if (age > gap) continue;
        const dist = Math.max(Math.abs(q.firstX - p.lastX), Math.abs(q.firstY - p.lastY));
        if (dist <= m) pairs.push({ p: pi, q: qi, age, dist, value: q.firstValue });
      }
    });
    pairs.sort((a, c) => a.age - c.age || a.dist - c.dist || c.value - a.value || a.p - c.p || a.q - c.q);
    const usedP = new Set<number>();
    const usedQ = new Set<number>();
    for (const pr of pairs) {
      if (usedP.has(pr.p) || usedQ.has(pr.q)) continue;
      usedP.add(pr.p);
      usedQ.add(pr.q);
      next[pr.q] = joinPieces(open[pr.p]!, next[pr.q]!, b);
    }
    // unmatched open pieces may still continue after a run of missing frames
    carried = [...open.filter((_, pi) => !usedP.has(pi)), ...next];
  }
  out.push(...carried);
  return out.sort((a, c) => a.firstZ - c.firstZ || a.firstY - c.firstY || a.firstX - c.firstX);
}

function joinPieces(p: PeakPiece, q: PeakPiece, boundary: number): PeakPiece {
  const brighter = q.maxValue > p.maxValue ? q : p;
  return {
    firstZ: p.firstZ,
    firstX: p.firstX,
    firstY: p.firstY,
    firstValue: p.firstValue,
    lastZ: q.lastZ,
    lastX: q.lastX,
    lastY: q.lastY,
    maxValue: brighter.maxValue,
    maxX: brighter.maxX,
    maxY: brighter.maxY,
    maxZ: brighter.maxZ,
    frames: [...p.frames.filter((f) => f.z < boundary), ...q.frames.filter((f) => f.z >= boundary)],
  };
}
