/**
 * NXRefine's per-frame normalization weights (`data/monitor_weight`, spec §5.4), passed to the
 * transform as CCTW's `--weights`:
 *
 *   m = monitor[:nframes];  m[0] = m[1];  m[-1] = m[-2];  m = m / norm
 *   w = savgol_filter(m, 501 if nframes > 1000 else 101 if nframes > 200 else nframes, 2)
 *   w *= attenuator_transmission × filter transmission × sample transmission   (each when present)
 *   w[:first] = 0;  w[last+1:] = 0
 *
 * The first and last monitor values are replaced by their neighbours before smoothing (as NXRefine's
 * beamline `read_monitor` does). NXRefine falls back to ones when the monitor cannot be read or
 * smoothed (fewer than 3 frames: the quadratic needs a window of at least 3).
 */
import { savgolFilter } from './savitzky-golay.ts';

/** NXRefine's Savitzky–Golay window for the monitor of a scan of `nframes` frames. */
export function monitorFilterWindow(nframes: number): number {
  return nframes > 1000 ? 501 : nframes > 200 ? 101 : nframes;
}

/** Polynomial order of NXRefine's monitor smoothing. */
export const MONITOR_FILTER_ORDER = 2;

/**
 * The smoothed monitor/norm of NXRefine (before transmissions and the frame range), or undefined
 * when it cannot be smoothed (fewer than 3 frames; NXRefine then uses ones).
 * @param monitor counts per frame (at least `nframes` values; extra values are ignored)
 */
export function smoothedMonitor(
  monitor: ArrayLike<number>,
  norm: number,
  nframes: number,
): Float64Array | undefined {
  if (nframes < 3 || monitor.length < nframes) return undefined;
  const m = new Float64Array(nframes);
  for (let i = 0; i < nframes; i++) m[i] = monitor[i]!;
  m[0] = m[1]!;
  m[nframes - 1] = m[nframes - 2]!;
  for (let i = 0; i < nframes; i++) m[i] = m[i]! / norm;
  return savgolFilter(m, monitorFilterWindow(nframes), MONITOR_FILTER_ORDER);
}

export interface FrameWeightInputs {
  /** Monitor counts per frame, or undefined (missing monitor ⇒ ones, as NXRefine). */
  monitor: ArrayLike<number> | undefined;
  /** Monitor normalization (> 0). */
  norm: number;
  nframes: number;
  /** Frame range kept (inclusive); weights are 0 outside it. */
  first: number;
  last: number;
  /** Per-frame transmission factors (attenuator, filter, sample), each ≥ nframes values. */
  transmissions: readonly ArrayLike<number>[];
}

/** NXRefine's `monitor_weight` (spec §5.4). */
export function nxrefineFrameWeights(inputs: FrameWeightInputs): Float64Array {
  const { nframes, first, last } = inputs;
  const w =
    (inputs.monitor && smoothedMonitor(inputs.monitor, inputs.norm, nframes)) ??
    new Float64Array(nframes).fill(1);
  for (const t of inputs.transmissions) for (let i = 0; i < nframes; i++) w[i] = w[i]! * t[i]!;
  for (let i = 0; i < nframes; i++) if (i < first || i > last) w[i] = 0;
  return w;
}
