/**
 * One-call calibration of a powder image from a rough starting geometry (what `nxr calibrate`
 * does, and the dialog's Autogenerate Rings + Calibrate repeated): trace the first few well
 * separated rings, fit, then trace every ring on the detector with the improved geometry and fit
 * again, until the geometry stops changing.
 */
import { NxrError } from '../../shared/errors.ts';
import type { CalibrantLine } from './calibrant-lines.ts';
import { fitPowderGeometry, type PowderFitFlags, type PowderFitResult } from './fit-powder-geometry.ts';
import type { PowderGeometry, PowderImage, RingPoint } from './models.ts';
import { createPowderFrame, type PowderFrame } from './powder-geometry.ts';
import { autogenerateRings, estimateRingWidth, lineTwoThetas, type RingPickOptions } from './ring-picking.ts';

export interface CalibrateImageOptions extends RingPickOptions {
  /** Parameters to free. @default DEFAULT_POWDER_FIT */
  fit?: PowderFitFlags;
  /** Use at most the first `maxRings` lines. @default every line on the detector */
  maxRings?: number;
  /** @default 5 (see fitPowderGeometry) */
  outlierThreshold?: number;
  onProgress?: (fraction: number, message?: string) => void;
}

export interface CalibrationStage {
  /** Line indices traced. */
  rings: number[];
  points: number;
  /** rms 2θ residual after the stage's fit, degrees. */
  rms: number;
}

export interface CalibrateImageResult {
  geometry: PowderGeometry;
  fit: PowderFitResult;
  points: RingPoint[];
  stages: CalibrationStage[];
  /** Median FWHM of the rings across their points, pixels (NaN if it could not be measured). */
  ringWidth: number;
}

/** Smallest and largest 2θ (radians) over the detector (its border, and 0 if the beam hits it). */
export function detectorTwoThetaRange(frame: PowderFrame): [number, number] {
  const [ny, nx] = frame.geometry.shape;
  let lo = Infinity;
  let hi = -Infinity;
  const n = 64;
  const visit = (x: number, y: number): void => {
    const t = frame.twoTheta(x, y);
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  };
  for (let i = 0; i <= n; i++) {
    const fx = -0.5 + (nx * i) / n;
    const fy = -0.5 + (ny * i) / n;
    visit(fx, -0.5);
    visit(fx, ny - 0.5);
    visit(-0.5, fy);
    visit(nx - 0.5, fy);
  }
  const { beamCenterX: xc, beamCenterY: yc } = frame.geometry;
  if (xc >= -0.5 && yc >= -0.5 && xc <= nx - 0.5 && yc <= ny - 0.5) lo = 0;
  return [lo, hi];
}

/** Lines (indices) whose rings cross the detector, in increasing 2θ. */
function ringsOnDetector(frame: PowderFrame, twoThetas: number[]): number[] {
  const [lo, hi] = detectorTwoThetaRange(frame);
  return twoThetas
    .map((t, i) => [t, i] as const)
    .filter(([t]) => Number.isFinite(t) && t > lo && t < hi)
    .map(([, i]) => i);
}

export function calibratePowderImage(
  image: PowderImage,
  start: PowderGeometry,
  lines: readonly CalibrantLine[] | readonly number[],
  options: CalibrateImageOptions = {},
): CalibrateImageResult {
  const searchSize = options.searchSize ?? 10;
  const maxRings = options.maxRings ?? lines.length;
  const stages: CalibrationStage[] = [];
  let ringWidth = NaN;
  const fitOptions = (fit: PowderFitFlags) => ({
    lines,
    fit,
    ...(options.outlierThreshold !== undefined ? { outlierThreshold: options.outlierThreshold } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const flags = options.fit ?? {};

  // Stage 1: up to three rings far enough from their neighbours for a rough geometry.
  let frame = createPowderFrame(start);
  let twoThetas = lineTwoThetas(lines, start.wavelength).slice(0, maxRings);
  const onDetector = ringsOnDetector(frame, twoThetas);
  const scale = start.distance / start.pixelSize; // px per radian near the beam
  const isolated = onDetector.filter((i) => {
    const t = twoThetas[i]!;
    const gap = Math.min(
      ...[twoThetas[i - 1], twoThetas[i + 1]].map((u) =>
        u === undefined || !Number.isFinite(u) ? Infinity : (Math.abs(u - t) * scale) / Math.cos(t) ** 2,
      ),
    );
    return gap >= 2 * searchSize;
  });
  const first = (isolated.length >= 2 ? isolated : onDetector).slice(0, 3);
  if (first.length === 0)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message:
        'no calibrant ring falls on the detector for the starting geometry (check wavelength and distance)',
    });
  options.onProgress?.(0.05, `tracing rings ${first.map((i) => i + 1).join(', ')}`);
  let points = autogenerateRings(image, start, lines, { ...options, rings: first });
  if (points.length < 8)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `only ${points.length} points found on rings ${first.map((i) => i + 1).join(', ')}: check the starting geometry, the calibrant and the search size`,
    });
  let fit = fitPowderGeometry(points, start, fitOptions({ ...flags, wavelength: false }));
  stages.push({ rings: first, points: points.length, rms: fit.rms });

  // Rings wider than the defaults allow for: widen the centroid box (about ±1.3 σ) and the search
  // box (at least twice the ring's width), unless the caller chose them.
  const fwhm = estimateRingWidth(image, fit.geometry, points);
  const pick: RingPickOptions = { ...options };
  if (Number.isFinite(fwhm)) {
    const sigmaPx = fwhm / 2.3548;
    if (options.centroidHalfWidth === undefined)
      pick.centroidHalfWidth = Math.max(2, Math.round(1.3 * sigmaPx));
    if (options.searchSize === undefined) pick.searchSize = Math.max(10, Math.ceil(2 * fwhm));
  }
  ringWidth = fwhm;

  // Later stages: every ring on the detector, with the geometry of the last fit.
  for (let stage = 0; stage < 4; stage++) {
    options.onProgress?.(0.25 + 0.18 * stage, `all rings, pass ${stage + 1}`);
    const g = fit.geometry;
    frame = createPowderFrame(g);
    twoThetas = lineTwoThetas(lines, g.wavelength).slice(0, maxRings);
    const rings = ringsOnDetector(frame, twoThetas);
    points = autogenerateRings(image, g, lines, { ...pick, rings });
    const next = fitPowderGeometry(points, g, fitOptions(flags));
    stages.push({ rings, points: points.length, rms: next.rms });
    const moved =
      Math.abs(next.geometry.distance - g.distance) / g.distance +
      Math.hypot(next.geometry.beamCenterX - g.beamCenterX, next.geometry.beamCenterY - g.beamCenterY) / 100;
    fit = next;
    if (stage >= 1 && moved < 1e-6) break;
  }
  options.onProgress?.(1, 'calibrated');
  return { geometry: fit.geometry, fit, points, stages, ringWidth };
}
