import { sampleFrame } from './estimate-frame-background.ts';
import { findLocalMaxima } from './find-local-maxima.ts';
import { measurePeakBox } from './measure-peak-box.ts';
import type { FrameShape, FrameValues, LocalMaximum, PeakPiece, PeakSearchParameters } from './models.ts';

export interface PeakTrackerOptions {
  shape: FrameShape;
  /** 1 = masked pixel. */
  mask: Uint8Array | null;
  parameters: PeakSearchParameters;
  /**
   * Reads a frame before the first one processed (the leading margin of a track born on the first
   * frames of a range); null when the frame is outside the searched range.
   */
  readEarlierFrame?: (z: number) => FrameValues | null;
}

export interface PeakTracker {
  /** An owned frame (z increasing): detect, link, measure. */
  processFrame(z: number, data: FrameValues): void;
  /**
   * A frame after the owned ones: only the trailing margins of tracks are measured (detections
   * there belong to the next range).
   */
  processTrailingFrame(z: number, data: FrameValues): void;
  /** True while some track still wants trailing frames. */
  needsTrailingFrames(): boolean;
  /** Owned frames seen so far that held no finite value (missing, NaN-filled). */
  readonly missingFrames: readonly number[];
  /** Every track as a piece (finished ones and those still open at the end). */
  finish(): PeakPiece[];
}

interface Track {
  piece: PeakPiece;
  /** Where the next detection is expected (the last detection). */
  anchorX: number;
  anchorY: number;
  /** Usable (not missing) frames since the last detection. */
  age: number;
}

/** The frame has no finite value (QM2 fills missing images with NaN). */
export function isMissingFrame(data: FrameValues, mask: Uint8Array | null): boolean {
  return sampleFrame(data, mask).finite === 0;
}

/**
 * Links per-frame local maxima into 3-D peaks while the frames stream past (spec §5.1, with the
 * changes of docs/design/peak-search.md):
 *
 * - detections are the frame's local maxima (min distance m = minPixels, NXRefine's skimage rule)
 *   above the tracking level `min(T, max(trackFraction·T, median + 10·√median))`, so that a
 *   peak's faint leading and trailing frames belong to it; a track becomes a peak only if one of
 *   its detections exceeds T;
 * - a detection continues the track whose last detection is nearest (Chebyshev, ≤ m pixels) and at
 *   most `maxGapFrames` usable frames back — so the position need not stay within NXRefine's fixed
 *   10-pixel sphere around the brightest frame, and a long peak is never split;
 * - every frame of a track, plus `marginFrames` usable frames before its first and after its last
 *   detection, is measured with {@link measurePeakBox} (background-subtracted moments).
 *
 * Missing (NaN-filled) frames are skipped: they neither end a track nor count as margin.
 * Only the last few frames are kept (for the leading margins of new tracks).
 */
export function createPeakTracker(options: PeakTrackerOptions): PeakTracker {
  const { shape, mask } = options;
  const p = options.parameters;
  const m = p.minPixels;
  const G = p.marginFrames;
  const gap = p.maxGapFrames;
  const half = p.boxHalfWidth;
  const recent: Array<{ z: number; data: FrameValues }> = [];
  const missing: number[] = [];
  let active: Track[] = [];
  const done: PeakPiece[] = [];
  let firstProcessed: number | undefined;

  const measure = (t: Track, z: number, data: FrameValues, x: number, y: number, core: boolean): void => {
    t.piece.frames.push(measurePeakBox(data, shape, mask, x, y, half, z, core));
  };

  /** Up to G usable frames before z, oldest first (from memory, else read). */
  const framesBefore = (z: number): Array<{ z: number; data: FrameValues }> => {
    const out: Array<{ z: number; data: FrameValues }> = [];
    for (let zz = z - 1; out.length < G; zz--) {
      const kept = recent.find((f) => f.z === zz);
      if (kept) {
        out.push(kept);
        continue;
      }
      if (firstProcessed !== undefined && zz >= firstProcessed) continue; // a missing frame we skipped
      const f = options.readEarlierFrame?.(zz) ?? null;
      if (f === null) break;
      if (!isMissingFrame(f, mask)) out.push({ z: zz, data: f });
    }
    return out.reverse();
  };

  const retire = (): void => {
    const keep: Track[] = [];
    for (const t of active) {
      if (t.age >= G) done.push(t.piece);
      else keep.push(t);
    }
    active = keep;
  };

  const link = (detections: LocalMaximum[]): Array<LocalMaximum | null> => {
    const assigned: Array<LocalMaximum | null> = active.map(() => null);
    if (detections.length === 0 || active.length === 0) return assigned;
    // Tracks by grid cell of size m + 1: a detection within m lies in the same or a neighbouring cell.
    const cell = m + 1;
    const key = (cx: number, cy: number): number => cy * 1_000_003 + cx;
    const grid = new Map<number, number[]>();
    active.forEach((t, ti) => {
      if (t.age > gap) return;
      const k = key(Math.floor(t.anchorX / cell), Math.floor(t.anchorY / cell));
      const list = grid.get(k);
      if (list) list.push(ti);
      else grid.set(k, [ti]);
    });
    const pairs: Array<{ t: number; d: number; age: number; dist: number; value: number }> = [];
    detections.forEach((d, di) => {
      const cx = Math.floor(d.x / cell);
      const cy = Math.floor(d.y / cell);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          for (const ti of grid.get(key(cx + dx, cy + dy)) ?? []) {
            const t = active[ti]!;
            const dist = Math.max(Math.abs(d.x - t.anchorX), Math.abs(d.y - t.anchorY));
            if (dist <= m) pairs.push({ t: ti, d: di, age: t.age, dist, value: d.value });
          }
        }
      }
    });
    pairs.sort((a, b) => a.age - b.age || a.dist - b.dist || b.value - a.value || a.t - b.t || a.d - b.d);
    const used = new Set<number>();
    for (const q of pairs) {
      if (assigned[q.t] !== null || used.has(q.d)) continue;
      assigned[q.t] = detections[q.d]!;
      used.add(q.d);
    }
    return assigned;
  };

  return {
    missingFrames: missing,
    processFrame(z, data) {
      firstProcessed ??= z;
      const sample = sampleFrame(data, mask);
      if (sample.finite === 0) {
        missing.push(z);
        return;
      }
      const bg = sample.median;
      const level = Math.min(
        p.threshold,
        Math.max(p.trackFraction * p.threshold, bg + 10 * Math.sqrt(Math.max(bg, 1))),
      );
      const detections = findLocalMaxima(data, shape, { threshold: level, minDistance: m, mask });
      const assigned = link(detections);
      const taken = new Set<LocalMaximum>();
      active.forEach((t, ti) => {
        const d = assigned[ti];
        if (d) {
          taken.add(d);
          measure(t, z, data, d.x, d.y, true);
          t.anchorX = d.x;
          t.anchorY = d.y;
          t.age = 0;
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
          t.age++;
        }
      });
      const before = detections.some((d) => !taken.has(d)) ? framesBefore(z) : [];
      for (const d of detections) {
        if (taken.has(d)) continue;
        const t: Track = {
          anchorX: d.x,
          anchorY: d.y,
          age: 0,
          piece: {
            firstZ: z,
            lastZ: z,
            firstX: d.x,
            firstY: d.y,
            lastX: d.x,
            lastY: d.y,
            firstValue: d.value,
            maxValue: d.value,
            maxX: d.x,
            maxY: d.y,
            maxZ: z,
            frames: [],
          },
        };
        for (const f of before) measure(t, f.z, f.data, d.x, d.y, false);
        measure(t, z, data, d.x, d.y, true);
        active.push(t);
      }
      recent.push({ z, data });
      while (recent.length > G) recent.shift();
      retire();
    },
    processTrailingFrame(z, data) {
      if (isMissingFrame(data, mask)) return;
      for (const t of active) {
        measure(t, z, data, t.anchorX, t.anchorY, false);
        t.age++;
      }
      retire();
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
