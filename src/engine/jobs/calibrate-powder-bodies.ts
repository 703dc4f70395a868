/**
 * The Calibrate Powder dialog's engine jobs (src/shared/experiment-jobs.ts, Calibrate Powder
 * section): requests checked, then src/engine/jobs/calibrate-powder.ts called; summaries carry
 * file names, never absolute paths.
 */
import { basename } from 'node:path';

import { listCalibrantNames } from '../../refine/calibrate/calibrants.ts';
import {
  POWDER_PARAMETER_NAMES,
  type PowderGeometry,
  type PowderParameterName,
  type RingPoint,
} from '../../refine/calibrate/models.ts';
import type { Mat3 } from '../../refine/geometry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import type {
  CalibratePowderRequest,
  CalibratePowderSummary,
  FitPowderRequest,
  FitPowderSummary,
  PickRingsRequest,
  PickRingsSummary,
  PowderImageRequest,
  PowderImageSummary,
  PowderPoniRequest,
  PowderPoniSummary,
  PowderStateRequest,
  PowderStateSummary,
} from '../../shared/experiment-jobs.ts';
import type { RefineJobContext } from '../refine-jobs.ts';
import {
  exportPoni,
  fitPowder,
  importPoni,
  loadPowderImage,
  pickPowderRings,
  readPowderState,
  savePowderCalibration,
  stateGeometry,
  type PowderImageRef,
} from './calibrate-powder.ts';
import type { JobContext } from './job-context.ts';

const jobContext = (ctx: RefineJobContext): JobContext => ({
  signal: ctx.signal,
  onProgress: (f) => ctx.progress(f),
  onLog: (m, level) => ctx.log(m, level),
});

function bad(kind: string, message: string): never {
  throw new NxrError({ code: 'BAD_PARAMETER', message: `${kind}: ${message}` });
}

/** A geometry from a request: every number finite, shape two positive integers, orientation a string or 3×3. */
function checkGeometryField(kind: string, g: unknown): PowderGeometry {
  if (typeof g !== 'object' || g === null) bad(kind, "'geometry' must be an object");
  const o = g as Record<string, unknown>;
  for (const k of [
    'wavelength',
    'distance',
    'beamCenterX',
    'beamCenterY',
    'yaw',
    'pitch',
    'roll',
    'pixelSize',
  ])
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]))
      bad(kind, `geometry.${k} must be a finite number`);
  const shape = o.shape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((v) => Number.isInteger(v) && (v as number) > 0)
  )
    bad(kind, 'geometry.shape must be [ny, nx] positive integers');
  const orientation = o.detectorOrientation ?? '-y +z -x';
  const isMatrix =
    Array.isArray(orientation) &&
    orientation.length === 3 &&
    orientation.every((r) => Array.isArray(r) && r.length === 3 && r.every((v) => typeof v === 'number'));
  if (typeof orientation !== 'string' && !isMatrix)
    bad(kind, 'geometry.detectorOrientation must be a string such as "-y +z -x" or a 3×3 matrix');
  return {
    wavelength: o.wavelength as number,
    distance: o.distance as number,
    beamCenterX: o.beamCenterX as number,
    beamCenterY: o.beamCenterY as number,
    yaw: o.yaw as number,
    pitch: o.pitch as number,
    roll: o.roll as number,
    pixelSize: o.pixelSize as number,
    shape: [shape[0] as number, shape[1] as number],
    detectorOrientation: orientation as string | Mat3,
  };
}

function checkPoints(kind: string, points: unknown): RingPoint[] {
  if (!Array.isArray(points)) bad(kind, "'points' must be a list");
  return points.map((p, i) => {
    const q = p as Record<string, unknown> | null;
    if (
      !q ||
      typeof q.x !== 'number' ||
      typeof q.y !== 'number' ||
      !Number.isFinite(q.x) ||
      !Number.isFinite(q.y) ||
      !Number.isInteger(q.ring) ||
      (q.ring as number) < 0
    )
      bad(kind, `point ${i} must be {x, y, ring} with finite x, y and a ring index ≥ 0`);
    return { x: q.x, y: q.y, ring: q.ring as number };
  });
}

function checkCalibrant(kind: string, name: unknown): string {
  if (typeof name !== 'string' || !listCalibrantNames().includes(name))
    bad(kind, `unknown calibrant '${String(name)}' (known: ${listCalibrantNames().join(', ')})`);
  return name;
}

function imageRef(req: { image?: string; imagePath?: string; frame?: number }): PowderImageRef | undefined {
  if (req.image === undefined) return undefined;
  return {
    image: req.image,
    ...(req.imagePath !== undefined ? { imagePath: req.imagePath } : {}),
    ...(req.frame !== undefined ? { frame: req.frame } : {}),
  };
}

export async function powderStateJob(
  req: PowderStateRequest,
  ctx: RefineJobContext,
): Promise<PowderStateSummary> {
  const s = await readPowderState(ctx.filePath(req.fileId), req.entry);
  const { detectorOrientation, ...values } = stateGeometry(s);
  return {
    entry: s.entry,
    entries: s.entries,
    detectorEntries: s.detectorEntries,
    values: { ...values, ...(detectorOrientation !== undefined ? { detectorOrientation } : {}) },
    detector: s.detector ?? null,
    calibrants: listCalibrantNames(),
    calibration: s.calibration
      ? {
          calibrant: s.calibration.calibrant ?? null,
          title: s.calibration.title ?? null,
          shape: s.calibration.shape,
          points: s.calibration.points ?? [],
        }
      : null,
  };
}

export async function powderImageJob(
  req: PowderImageRequest,
  ctx: RefineJobContext,
): Promise<PowderImageSummary> {
  const ref = imageRef(req);
  const image = await loadPowderImage(ctx.filePath(req.fileId), req.entry, ref);
  const m = image.metadata;
  const metadata: PowderImageSummary['metadata'] = {};
  for (const k of ['wavelength', 'distance', 'beamCenterX', 'beamCenterY', 'pixelSize'] as const)
    if (m[k] !== undefined) metadata[k] = m[k];
  return {
    source: {
      name: basename(image.file),
      format: image.format,
      ...(image.path !== undefined ? { path: image.path } : {}),
      ...(image.frame !== undefined ? { frame: image.frame } : {}),
      frames: image.frames,
      stored: ref === undefined,
    },
    shape: image.shape,
    data: image.data,
    metadata,
  };
}

export async function pickRingsJob(req: PickRingsRequest, ctx: RefineJobContext): Promise<PickRingsSummary> {
  const geometry = checkGeometryField(req.kind, req.geometry);
  const calibrant = checkCalibrant(req.kind, req.calibrant);
  if (req.click !== undefined) {
    const c = req.click as unknown as Record<string, unknown>;
    if (
      typeof c !== 'object' ||
      c === null ||
      typeof c.x !== 'number' ||
      typeof c.y !== 'number' ||
      !Number.isInteger(c.ring) ||
      (c.ring as number) < 0
    )
      bad(req.kind, "'click' must be {x, y, ring} with a ring index ≥ 0");
  }
  if (req.rings !== undefined && !(Number.isInteger(req.rings) && req.rings >= 1 && req.rings <= 100))
    bad(req.kind, "'rings' must be an integer 1–100");
  const ref = imageRef(req);
  const points = await pickPowderRings(
    {
      file: ctx.filePath(req.fileId),
      entry: req.entry,
      ...(ref ? { image: ref } : {}),
      geometry,
      calibrant,
      ...(req.searchSize !== undefined ? { searchSize: req.searchSize } : {}),
      ...(req.rings !== undefined ? { rings: req.rings } : {}),
      ...(req.click !== undefined ? { click: req.click } : {}),
    },
    jobContext(ctx),
  );
  return { points };
}

export async function fitPowderJob(req: FitPowderRequest, ctx: RefineJobContext): Promise<FitPowderSummary> {
  ctx.filePath(req.fileId); // the file must be open
  const geometry = checkGeometryField(req.kind, req.geometry);
  const calibrant = checkCalibrant(req.kind, req.calibrant);
  const points = checkPoints(req.kind, req.points);
  const fit: Partial<Record<PowderParameterName, boolean>> = {};
  for (const [k, v] of Object.entries(req.fit ?? {})) {
    if (!(POWDER_PARAMETER_NAMES as readonly string[]).includes(k) || typeof v !== 'boolean')
      bad(req.kind, `fit.${k} is not a parameter flag (${POWDER_PARAMETER_NAMES.join(', ')})`);
    fit[k as PowderParameterName] = v;
  }
  const r = fitPowder({ geometry, calibrant, points, fit });
  for (const n of r.notes) ctx.log(n, 'warn');
  ctx.log(
    `calibrated on ${r.usedCount} of ${points.length} points: rms 2θ residual ${r.rms.toExponential(3)}°` +
      ` (${r.fitted.join(', ')})`,
  );
  return {
    geometry: r.geometry,
    fitted: r.fitted,
    esds: r.esds,
    rms: r.rms,
    residuals: Array.from(r.residuals),
    used: Array.from(r.used, (u) => u === 1),
    rings: r.rings,
    converged: r.converged,
    message: r.message,
    notes: r.notes,
  };
}

export async function calibratePowderJob(
  req: CalibratePowderRequest,
  ctx: RefineJobContext,
): Promise<CalibratePowderSummary> {
  const file = ctx.filePath(req.fileId);
  const geometry = checkGeometryField(req.kind, req.geometry);
  const calibrant = checkCalibrant(req.kind, req.calibrant);
  const points = req.points !== undefined ? checkPoints(req.kind, req.points) : undefined;
  if (
    req.copyTo !== undefined &&
    !(Array.isArray(req.copyTo) && req.copyTo.every((e) => typeof e === 'string'))
  )
    bad(req.kind, "'copyTo' must be a list of entry names");
  const ref = imageRef(req);
  const r = await savePowderCalibration(
    {
      file,
      entry: req.entry,
      ...(ref ? { image: ref } : {}),
      calibrant,
      geometry,
      ...(points ? { points } : {}),
      ...(req.rms !== undefined ? { rms: req.rms } : {}),
      ...(req.copyTo ? { copyTo: req.copyTo } : {}),
    },
    jobContext(ctx),
  );
  ctx.fileChanged(file);
  return { entries: r.entries, written: r.written };
}

export async function powderPoniJob(
  req: PowderPoniRequest,
  ctx: RefineJobContext,
): Promise<PowderPoniSummary> {
  const file = ctx.filePath(req.fileId);
  if (req.action === 'import') {
    const state = await readPowderState(file, req.entry);
    const geometry = importPoni(req.poni, state);
    ctx.log(`calibration imported from ${basename(req.poni)}`);
    return { geometry, name: basename(req.poni) };
  }
  if (req.action === 'export') {
    if (req.geometry === undefined) bad(req.kind, "export needs 'geometry'");
    exportPoni(req.poni, checkGeometryField(req.kind, req.geometry));
    ctx.log(`calibration exported to ${basename(req.poni)}`);
    return { name: basename(req.poni) };
  }
  return bad(req.kind, `'action' must be 'import' or 'export'`);
}
