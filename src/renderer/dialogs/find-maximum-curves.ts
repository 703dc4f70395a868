/**
 * Find Maximum's curves (no React): where each curve lives in the entry (what the find-maximum job
 * writes: summed_frames with partial_frames, radial_sum, instrument/sample/transmission) and how a
 * new curve joins the plot ("Over?").
 */
export type CurveName = 'summed_frames' | 'partial_frames' | 'radial_sum' | 'transmission';

export interface CurveSpec {
  button: string;
  /** Group, signal and axis, relative to the entry. */
  group: string;
  y: string;
  x: string;
  xTitle: string;
  name: string;
  /** Shown ÷ monitor, as NXRefine's Plot Summed/Partial Frames. */
  perMonitor?: boolean;
}

export const CURVES: Record<CurveName, CurveSpec> = {
  summed_frames: {
    button: 'Plot Summed Frames',
    group: 'summed_frames',
    y: 'summed_frames/summed_frames',
    x: 'summed_frames/frame_number',
    xTitle: 'Frame Number',
    name: 'summed frames',
    perMonitor: true,
  },
  partial_frames: {
    button: 'Plot Partial Frames',
    group: 'summed_frames',
    y: 'summed_frames/partial_frames',
    x: 'summed_frames/frame_number',
    xTitle: 'Frame Number',
    name: 'partial frames',
    perMonitor: true,
  },
  radial_sum: {
    button: 'Plot Radial Sum',
    group: 'radial_sum',
    y: 'radial_sum/radial_sum',
    x: 'radial_sum/polar_angle',
    xTitle: 'Polar Angle (deg)',
    name: 'radial sum',
  },
  transmission: {
    button: 'Plot Transmission',
    group: 'instrument/sample/transmission',
    y: 'instrument/sample/transmission/transmission',
    x: 'instrument/sample/transmission/frame_number',
    xTitle: 'Frame Number',
    name: 'transmission',
  },
};

export interface Curve {
  name: string;
  xTitle: string;
  x: number[];
  y: number[];
}

/** The plot after adding `next`: overplotted when asked and the x axis is the same, else alone. */
export function addCurve(shown: Curve[], next: Curve, over: boolean): Curve[] {
  if (!over || shown.length === 0 || shown[0]!.xTitle !== next.xTitle) return [next];
  return [...shown.filter((c) => c.name !== next.name), next];
}

/** y ÷ monitor frame by frame (NaN where the monitor is 0 or missing). */
export function divideByMonitor(y: readonly number[], monitor: ArrayLike<number>): number[] {
  return y.map((v, i) => {
    const m = monitor[i];
    return m !== undefined && m !== 0 ? v / m : Number.NaN;
  });
}
