import { estimateFrameBackground } from './estimate-frame-background.ts';
import { findLocalMaxima } from './find-local-maxima.ts';
import { measurePeakBox } from './measure-peak-box.ts';
import type {
  FrameMoments,
  FrameShape,
  FrameValues,
  LocalMaximum,
  PeakPiece,
  PeakSearchParameters,
} from './models.ts';

export interface PeakTrackerOptions {
  shape: FrameShape;
  /** 1 = masked pixel. */
  mask: Uint8Array | null;
  parameters: PeakSearchParameters;
  /**
   * Reads a frame outside the frames pushed so far (the backward margin of a track born on the
   * first frames of a range); returns null when the frame is outside the searched range.
   */
  readEarlierFrame?: (z: number) => FrameValues | null;
}

export interface PeakTracker {
  /** An owned frame (z increasing by one each call): detect, link, measure. */
  processFrame(z: number, data: FrameValues): void;
  /**
   * A frame after the owned ones: only the trailing margins of tracks are measured (detections
   * there belong to the next range).
   */
  processTrailingFrame(z: number, data: FrameValues): void;
  /** True while some track still wants trailing frames. */
  needsTrailingFrames(): boolean;
  /** Every track as a piece (finished ones and those still open at the end). */
  finish(): PeakPiece[];
}

interface Track {
  piece: PeakPiece;
  /** Where the next frame's detection is expected (last detection). */
  anchorX: number;
  anchorY: number;
}

/**
 * Links per-frame local maxima into 3-D peaks while the frames stream past (spec §5.1, with the
 * fixes of docs/design/peak-search.md):
 *
 * - detections are the frame's local maxima (min distance m = minPixels) above the tracking level
 *   `min(T, max(trackFraction·T, median + 10·√median))`, so that a peak's faint leading and
 *   trailing frames belong to it (a track only becomes a peak if it exceeds T somewhere);
 * - a detection continues a track whose last detection is within m pixels (Chebyshev) and at most
 *   `marginFrames` frames back (closest first), so a peak is never split by a noisy frame and the
 *   position never has to stay within NXRefine's fixed 10-pixel sphere of its brightest frame;
 * - every frame of a track, plus `marginFrames` frames before its first and after its last
 *   detection, is measured with {@link measurePeakBox} (background-subtracted moments).
 *
 * Frames are not kept beyond the last `marginFrames` (for the leading margins of new tracks).
 */
export function createPeakTracker(options: PeakTrackerOptions): PeakTracker {
  const { shape, mask } = options;
  const p = options.parameters;
  const m = p.minPixels;
  const G = p.marginFrames;
  const half = p.boxHalfWidth;
  const recent: Array<{ z: number; data: FrameValues }> = [];
  let active: Track[] = [];
  const done: PeakPiece[] = [];

  const measure = (t: Track, z: number, data: FrameValues, x: number, y: number, core: boolean): void => {
    t.piece.frames.push(measurePeakBox(data, shape, mask, x, y, half, z, core));
  };

  const frameAt = (z: number): FrameValues | null => {
    for (const f of recent) if (f.z === z) return f.data;
    return options.readEarlierFrame?.(z) ?? null;
  };

  const retire = (z: number): void => {
    // Tracks whose last detection is G frames back have all their trailing margin.
    const keep: Track[] = [];
    for (const t of active) {
      if (z - t.piece.lastZ >= G) done.push(t.piece);
      else keep.push(t);
    }
    active = keep;
  };

  const remember = (z: number, data: FrameValues): void => {
    if (G === 0) return;
    recent.push({ z, data });
    while (recent.length > G) recent.shift();
  };

  const link = (detections: LocalMaximum[], z: number): Array<LocalMaximum | null> => {
    const assigned: Array<LocalMaximum | null> = active.map(() => null);
    if (detections.length === 0 || active.length === 0) return assigned;
    const pairs: Array<{ t: number; d: number; gap: number; dist: number; value: number }> = [];
    active.forEach((t, ti) => {
      const gap = z - t.piece.lastZ - 1;
      detections.forEach((d, di) => {
        const dist = Math.max(Math.abs(d.x - t.anchorX), Math.abs(d.y - t.anchorY));
        if (dist <= m) pairs.push({ t: ti, d: di, gap, dist, value: d.value });
      });
    });
    pairs.sort((a, b) => a.gap - b.gap || a.dist - b.dist || b.value - a.value || a.t - b.t || a.d - b.d);
    const used = new Set<number>();
    for (const q of pairs) {
      if (assigned[q.t] !== null || used.has(q.d)) continue;
      assigned[q.t] = detections[q.d]!;
      used.add(q.d);
    }
    return assigned;
  };

  return {
    processFrame(z, data) {
      const background = estimateFrameBackground(data, mask);
      const level = Math.min(
        p.threshold,
        Math.max(p.trackFraction * p.threshold, background + 10 * Math.sqrt(Math.max(background, 1))),
      );
      const detections = findLocalMaxima(data, shape, { threshold: level, minDistance: m, mask });
      const assigned = link(detections, z);
      const taken = new Set<LocalMaximum>();
      active.forEach((t, ti) => {
        const d = assigned[ti];
        if (d) {
          taken.add(d);
          measure(t, z, data, d.x, d.y, true);
          t.anchorX = d.x;
          t.anchorY = d.y;
          const pc = t.piece;
          pc.lastZ = z;
          pc.lastX = d.x;
          pc.lastY = d.y;
          if (d.value > pc.maxValue) {
            pc.maxValue = d.value;
            pc.maxX = d.x;
            pc.maxY = d.y;
            pc.maxZ = z;
          }
        } else {
          measure(t, z, data, t.anchorX, t.anchorY, false);
        }
      });
      for (const d of detections) {
        if (taken.has(d)) continue;
        const t: Track = {
          anchorX: d.x,
          anchorY: d.y,
          piece: {
            firstZ: z,
            lastZ: z,
            firstX: d.x,
            firstY: d.y,
            lastX: d.x,
            lastY: d.y,
            maxValue: d.value,
            maxX: d.x,
            maxY: d.y,
            maxZ: z,
            frames: [] as FrameMoments[],
          },
        };
        for (let zz = z - G; zz < z; zz++) {
          const f = frameAt(zz);
          if (f) measure(t, zz, f, d.x, d.y, false);
        }
        measure(t, z, data, d.x, d.y, true);
        active.push(t);
      }
      remember(z, data);
      retire(z);
    },
    processTrailingFrame(z, data) {
      for (const t of active) if (z - t.piece.lastZ <= G) measure(t, z, data, t.anchorX, t.anchorY, false);
      retire(z);
    },
    needsTrailingFrames() {
      return active.length > 0;
    },
    finish() {
      const out = [...done, ...active.map((t) => t.piece)];
      active = [];
      done.length = 0;
      recent.length = 0;
      return out.sort((a, b) => a.firstZ - b.firstZ || a.firstY - b.firstY || a.firstX - b.firstX);
    },
  };
}
