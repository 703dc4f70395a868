/**
 * The Refine menu's engine jobs as the app runs them: each entry turns a JobRequest (which names an
 * open file by its fileId) into a call of the job function in src/engine/jobs, and the job's
 * result into the plain summary the UI shows (src/shared/jobs.ts; no absolute paths, no detector-
 * sized arrays). Adding a landed job = a JobRequest variant + one entry here (+ its dialog).
 */
import { basename } from 'node:path';

import { NxrError } from '../shared/errors.ts';
import type { JobRequest, JobResultMap, ReductionValues } from '../shared/jobs.ts';
import { calculateAngles } from './jobs/calculate-angles.ts';
import { chooseParameters } from './jobs/choose-parameters.ts';
import { copyParameters } from './jobs/copy-parameters.ts';
import { defineLattice } from './jobs/define-lattice.ts';
import { findMaximum } from './jobs/find-maximum.ts';
import { findPeaks } from './jobs/find-peaks.ts';
import type { JobContext as JobFunctionContext } from './jobs/job-context.ts';
import type { ParameterOrigin } from './jobs/reduction-parameters.ts';
import type { FramePool } from './pool/frame-pool.ts';

/** What the engine gives a Refine job body. */
export interface RefineJobContext {
  signal: AbortSignal;
  progress: (fraction: number) => void;
  log: (message: string, level?: 'info' | 'warn') => void;
  /** The path on disk of an open file (throws for an unknown fileId). */
  filePath: (fileId: string) => string;
  /** The engine's frame pool. */
  pool: () => FramePool;
  /** The job replaced this file on disk (the engine reopens it afterwards). */
  fileChanged: (fsPath: string) => void;
}

type RefineRequest = Exclude<JobRequest, { kind: 'frame-stats' }>;
type RefineKind = RefineRequest['kind'];

const jobContext = (ctx: RefineJobContext): JobFunctionContext => ({
  signal: ctx.signal,
  onProgress: (fraction) => ctx.progress(fraction),
  onLog: (message, level) => ctx.log(message, level),
});

function describeOrigin(o: ParameterOrigin): string {
  const where = o.source === 'file' || o.source === 'parent' ? (o.path ?? '') : '';
  const text = where ? `${o.source} ${where}` : o.source;
  return o.note !== undefined ? `${text} (${o.note})` : text;
}

/** Job bodies by kind (frame-stats lives in src/engine/index.ts). */
export const refineJobBodies: {
  [K in RefineKind]: (
    req: Extract<RefineRequest, { kind: K }>,
    ctx: RefineJobContext,
  ) => Promise<JobResultMap[K]>;
} = {
  'choose-parameters': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const r = await chooseParameters(
      {
        file,
        ...(req.values !== undefined ? { values: req.values } : {}),
        write: req.write,
        ...(req.setParent === true ? { setParent: true } : {}),
      },
      jobContext(ctx),
    );
    if (r.written) ctx.fileChanged(file);
    const origins = {} as Record<keyof ReductionValues, string>;
    for (const [k, o] of Object.entries(r.origins)) origins[k as keyof ReductionValues] = describeOrigin(o);
    return {
      values: r.values,
      origins,
      ...(r.nframes !== undefined ? { nframes: r.nframes } : {}),
      written: r.written,
      ...(r.parent
        ? {
            parent: {
              link: basename(r.parent.link),
              ...(r.parent.previous !== undefined ? { previous: basename(r.parent.previous) } : {}),
            },
          }
        : {}),
    };
  },

  'copy-parameters': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const r = await copyParameters(
      { file, ...(req.overwrite === true ? { overwrite: true } : {}) },
      jobContext(ctx),
    );
    const written = !r.isParent && r.copied.length > 0;
    if (written) ctx.fileChanged(file);
    return {
      parent: basename(r.parent),
      isParent: r.isParent,
      copied: r.copied.map((c) => ({ entry: c.entry, fields: c.fields.length, missing: c.missing })),
      skipped: r.skipped,
      written,
    };
  },

  'find-maximum': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const r = await findMaximum(
      {
        file,
        entry: req.entry,
        pool: ctx.pool(),
        ...(req.first !== undefined ? { first: req.first } : {}),
        ...(req.last !== undefined ? { last: req.last } : {}),
        ...(req.qmin !== undefined ? { qmin: req.qmin } : {}),
        ...(req.qmax !== undefined ? { qmax: req.qmax } : {}),
        ...(req.filterSize !== undefined ? { filterSize: req.filterSize } : {}),
        ...(req.write === false ? { write: false } : {}),
      },
      jobContext(ctx),
    );
    if (r.written) ctx.fileChanged(file);
    return {
      entry: r.entry,
      first: r.first,
      last: r.last,
      maximum: r.maximum,
      maximumX: r.maximumX,
      maximumY: r.maximumY,
      hotPixels: r.hotPixels.length,
      deadPixels: r.deadPixels.length,
      missingFrames: r.missingFrames.length,
      annulus: {
        qmin: r.annulus.qmin,
        qmax: r.annulus.qmax,
        source: r.annulus.source,
        pixels: r.annulus.pixels,
      },
      transmissionMedian: r.transmission ? r.transmission.median : null,
      written: r.written,
      paths: r.paths,
      seconds: r.seconds,
    };
  },

  'find-peaks': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const r = await findPeaks(
      {
        file,
        entry: req.entry,
        pool: ctx.pool(),
        ...(req.first !== undefined ? { first: req.first } : {}),
        ...(req.last !== undefined ? { last: req.last } : {}),
        ...(req.threshold !== undefined ? { threshold: req.threshold } : {}),
        ...(req.minPixels !== undefined ? { minPixels: req.minPixels } : {}),
        ...(req.write === false ? { write: false } : {}),
      },
      jobContext(ctx),
    );
    if (r.written) ctx.fileChanged(file);
    const col = (pick: (p: (typeof r.peaks)[number]) => number): Float64Array =>
      Float64Array.from(r.peaks, pick);
    return {
      entry: r.entry,
      first: r.first,
      last: r.last,
      threshold: r.parameters.threshold,
      minPixels: r.parameters.minPixels,
      count: r.peaks.length,
      peaks: {
        x: col((p) => p.x),
        y: col((p) => p.y),
        z: col((p) => p.z),
        intensity: col((p) => p.intensity),
        polarAngle: col((p) => p.polarAngle),
        azimuthalAngle: col((p) => p.azimuthalAngle),
      },
      written: r.written,
      paths: r.paths,
      seconds: r.seconds,
    };
  },

  'define-lattice': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const r = await defineLattice(
      {
        file,
        ...(req.cell !== undefined ? { cell: req.cell } : {}),
        ...(req.spaceGroup !== undefined ? { spaceGroup: req.spaceGroup } : {}),
        ...(req.formula !== undefined ? { formula: req.formula } : {}),
        ...(req.constrain === true ? { constrain: true } : {}),
      },
      jobContext(ctx),
    );
    ctx.fileChanged(file);
    return {
      cell: r.cell,
      ...(r.givenCell ? { givenCell: r.givenCell } : {}),
      spaceGroup: r.spaceGroup,
      spaceGroupNumber: r.spaceGroupNumber,
      laueGroup: r.laueGroup,
      centring: r.centring,
      unitCellGroup: r.unitCellGroup,
      ...(r.formula !== undefined ? { formula: r.formula } : {}),
      written: true,
    };
  },

  'calculate-angles': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const r = await calculateAngles(
      {
        file,
        entry: req.entry,
        ...(req.geometry !== undefined ? { geometry: req.geometry } : {}),
        ...(req.convention !== undefined ? { convention: req.convention } : {}),
        ...(req.write === true ? { write: true } : {}),
      },
      jobContext(ctx),
    );
    if (r.written) ctx.fileChanged(file);
    const g = r.geometry;
    return {
      entry: r.entry,
      convention: r.convention,
      geometry: {
        wavelength: g.wavelength,
        distance: g.distance,
        beamCenterX: g.beamCenterX,
        beamCenterY: g.beamCenterY,
        pixelSize: g.pixelSize,
      },
      twoThetaMax: r.twoThetaMax,
      peaks: {
        x: r.peaks.x,
        y: r.peaks.y,
        z: r.peaks.z,
        polarAngle: r.peaks.polarAngle,
        azimuthalAngle: r.peaks.azimuthalAngle,
        ring: r.peaks.ring,
      },
      rings:
        r.rings?.map((ring) => ({
          twoTheta: ring.twoTheta,
          hkl: ring.classes[0]?.hkl ?? [0, 0, 0],
          multiplicity: ring.classes.reduce((n, c) => n + c.multiplicity, 0),
        })) ?? null,
      written: r.written,
    };
  },
};

type FieldKind = 'string' | 'number' | 'boolean' | 'object';

/** Field types of each request (untrusted input: checked before the job starts). */
const REQUEST_FIELDS: { [K in RefineKind]: Record<string, FieldKind> } = {
  'choose-parameters': { values: 'object', write: 'boolean', setParent: 'boolean' },
  'copy-parameters': { overwrite: 'boolean' },
  'find-maximum': {
    entry: 'string',
    first: 'number',
    last: 'number',
    qmin: 'number',
    qmax: 'number',
    filterSize: 'number',
    write: 'boolean',
  },
  'find-peaks': {
    entry: 'string',
    threshold: 'number',
    first: 'number',
    last: 'number',
    minPixels: 'number',
    write: 'boolean',
  },
  'define-lattice': { cell: 'object', spaceGroup: 'string', formula: 'string', constrain: 'boolean' },
  'calculate-angles': { entry: 'string', geometry: 'object', convention: 'string', write: 'boolean' },
};

const REQUIRED: Partial<Record<RefineKind, string[]>> = {
  'choose-parameters': ['write'],
  'find-maximum': ['entry'],
  'find-peaks': ['entry'],
  'calculate-angles': ['entry'],
};

/** Throws BAD_PARAMETER for a request with unknown, missing or mistyped fields. */
export function checkRefineRequest(req: RefineRequest): void {
  const fields = REQUEST_FIELDS[req.kind];
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `${req.kind}: ${message}` });
  };
  for (const [key, value] of Object.entries(req)) {
    if (key === 'kind' || key === 'fileId' || value === undefined) continue;
    const want = fields[key];
    if (want === undefined) bad(`unknown field '${key}'`);
    const ok =
      want === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : want === 'object'
          ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : typeof value === want;
    if (!ok) bad(`'${key}' must be ${want === 'number' ? 'a finite number' : `a ${want}`}`);
  }
  for (const key of REQUIRED[req.kind] ?? []) {
    if ((req as unknown as Record<string, unknown>)[key] === undefined) bad(`'${key}' is required`);
  }
  if ('entry' in req && !/^[A-Za-z][A-Za-z0-9_]*$/.test(req.entry)) bad(`bad entry name '${req.entry}'`);
}
