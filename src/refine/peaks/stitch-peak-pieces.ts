import type { PeakPiece, PeakSearchParameters } from './models.ts';

/** The pieces one frame range [start, stop) produced. */
export interface RangePieces {
  start: number;
  stop: number;
  pieces: PeakPiece[];
}

/**
 * Joins the pieces of consecutive frame ranges into whole peaks, so that a peak crossing a range
 * (chunk or worker) boundary is found exactly once. At a boundary b, a piece of the earlier range
 * still able to link (last detection ≥ b − marginFrames) continues with the nearest piece of the
 * later range whose first detection is close enough in frames (≤ marginFrames after it) and
 * within minPixels (Chebyshev) — the same rule the tracker applies inside a range. The joined
 * piece keeps the earlier piece's frames before b and the later piece's frames from b on.
 *
 * @param ranges sorted by start, contiguous
 */
export function stitchPeakPieces(
  ranges: readonly RangePieces[],
  parameters: Pick<PeakSearchParameters, 'minPixels' | 'marginFrames'>,
): PeakPiece[] {
  const m = parameters.minPixels;
  const G = parameters.marginFrames;
  const out: PeakPiece[] = [];
  let carried: PeakPiece[] = [];
  for (const range of ranges) {
    const b = range.start;
    const open = carried.filter((p) => p.lastZ >= b - G);
    for (const p of carried) if (p.lastZ < b - G) out.push(p);
    const next = range.pieces.map((q) => ({ ...q, frames: q.frames }));
    const pairs: Array<{ p: number; q: number; gap: number; dist: number }> = [];
    open.forEach((p, pi) => {
      next.forEach((q, qi) => {
        const gap = q.firstZ - p.lastZ - 1;
        if (q.firstZ >= b && q.firstZ - p.lastZ <= G) {
          const dist = Math.max(Math.abs(q.firstX - p.lastX), Math.abs(q.firstY - p.lastY));
          if (dist <= m) pairs.push({ p: pi, q: qi, gap, dist });
        }
      });
    });
    pairs.sort((a, c) => a.gap - c.gap || a.dist - c.dist || a.p - c.p || a.q - c.q);
    const usedP = new Set<number>();
    const usedQ = new Set<number>();
    for (const pr of pairs) {
      if (usedP.has(pr.p) || usedQ.has(pr.q)) continue;
      usedP.add(pr.p);
      usedQ.add(pr.q);
      next[pr.q] = joinPieces(open[pr.p]!, next[pr.q]!, b);
    }
    open.forEach((p, pi) => {
      if (!usedP.has(pi)) out.push(p);
    });
    carried = next;
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
