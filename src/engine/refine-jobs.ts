/**
 * The Refine menu's engine jobs as the app runs them: each entry turns a JobRequest (which names an
 * open file by its fileId) into a call of the job function in src/engine/jobs, and the job's
 * result into the plain summary the UI shows (src/shared/jobs.ts; no absolute paths, no detector-
 * sized arrays). Adding a landed job = a JobRequest variant + one entry here (+ its dialog).
 */
import { basename } from 'node:path';

import { NxrError } from '../shared/errors.ts';
import type { ExperimentJobRequest } from '../shared/experiment-jobs.ts';
import type { JobRequest, JobResultMap, ReductionValues } from '../shared/jobs.ts';
import { calculateAngles } from './jobs/calculate-angles.ts';
import { chooseParameters } from './jobs/choose-parameters.ts';
import { copyParameters } from './jobs/copy-parameters.ts';
import { defineLattice } from './jobs/define-lattice.ts';
import { findMaximum } from './jobs/find-maximum.ts';
import { findPeaks } from './jobs/find-peaks.ts';
import { makeParent } from './jobs/parent.ts';
import type { JobContext as JobFunctionContext } from './jobs/job-context.ts';
import { prepareMask } from './jobs/prepare-mask.ts';
import { REDUCE_STEPS, reduce, type ReduceStep } from './jobs/reduce.ts';
import type { ParameterOrigin } from './jobs/reduction-parameters.ts';
import { orientByFftJob, refineLatticeJob } from './jobs/refine-lattice.ts';
import { readTransformInputs, resolveTransformGrid, transformData } from './jobs/transform.ts';
import { REFINABLE_NAMES, type RefinableName } from '../refine/fit/models.ts';
import type { FramePool } from './pool/frame-pool.ts';
import { checkRequestFields, type FieldKind } from './request-fields.ts';

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

type RefineRequest = Exclude<JobRequest, { kind: 'frame-stats' } | ExperimentJobRequest>;
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

  'set-parent': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const r = await makeParent({ file }, jobContext(ctx));
    // the record /entry/nxcopy was written into the file (the link is beside it)
    ctx.fileChanged(file);
    return {
      file: basename(r.file),
      link: basename(r.link),
      ...(r.previous !== undefined ? { previous: basename(r.previous) } : {}),
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
  'prepare-mask': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const params: { t1?: number; h1?: number; t2?: number; h2?: number } = {};
    for (const k of ['t1', 'h1', 't2', 'h2'] as const) if (req[k] !== undefined) params[k] = req[k];
    const r = await prepareMask(
      {
        file,
        entry: req.entry,
        pool: ctx.pool(),
        params,
        ...(req.first !== undefined ? { first: req.first } : {}),
        ...(req.last !== undefined ? { last: req.last } : {}),
      },
      jobContext(ctx),
    );
    ctx.fileChanged(file);
    return {
      entry: r.entry,
      maskFile: basename(r.maskFile),
      maskPath: `/${r.entry}/data/data_mask`,
      params: { ...r.params },
      first: r.first,
      last: r.last,
      nframes: r.nframes,
      maskedVoxels: r.maskedVoxels,
      maskedFraction: r.maskedFraction,
      seconds: r.seconds,
    };
  },

  'refine-lattice': async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const fit = req.fit?.map((n) => {
      if (!(REFINABLE_NAMES as readonly string[]).includes(n))
        throw new NxrError({ code: 'BAD_PARAMETER', message: `refine-lattice: cannot refine '${n}'` });
      return n as RefinableName;
    });
    const r = await refineLatticeJob(
      {
        file,
        entry: req.entry,
        ...(fit !== undefined ? { fit } : {}),
        ...(req.polarMax !== undefined ? { polarMax: req.polarMax } : {}),
        ...(req.hklTolerance !== undefined ? { hklTolerance: req.hklTolerance } : {}),
        ...(req.index !== undefined ? { index: req.index } : {}),
        ...(req.manual !== undefined ? { manual: req.manual } : {}),
        ...(req.fftCell !== undefined ? { fftCell: req.fftCell } : {}),
        ...(req.exclude !== undefined ? { exclude: req.exclude } : {}),
        ...(req.dryRun === true ? { dryRun: true } : {}),
      },
      jobContext(ctx),
    );
    if (r.written.length > 0) ctx.fileChanged(file);
    const st = r.refinement.statistics;
    return {
      entry: r.entry,
      ...(r.spaceGroup !== undefined ? { spaceGroup: r.spaceGroup } : {}),
      latticeSystem: r.latticeSystem,
      polarMax: r.polarMax,
      hklTolerance: r.hklTolerance,
      fit: r.fit,
      indexing: { ...r.indexing },
      parameters: r.refinement.parameters.map((p) => ({
        name: p.name,
        value: p.value,
        initial: p.initial,
        esd: p.esd,
        units: p.units,
        refined: p.refined,
      })),
      statistics: {
        peaks: st.peaks,
        inPolarRange: st.inPolarRange,
        indexed: st.indexed,
        outliers: st.outliers,
        rmsdPixels: st.rmsdPixels,
        rmsdFrames: st.rmsdFrames,
        score: st.score,
        converged: st.converged,
        message: st.message,
      },
      report: r.refinement.report,
      orientationMatrix: r.orientationMatrix,
      peakTable: r.peakTable,
      ...(r.manual ? { manual: r.manual } : {}),
      ...(r.storedReflections ? { storedReflections: r.storedReflections } : {}),
      written: r.written,
      seconds: r.seconds,
    };
  },

  'orient-fft': async (req, ctx) => {
    const r = await orientByFftJob(
      {
        file: ctx.filePath(req.fileId),
        entry: req.entry,
        ...(req.polarMax !== undefined ? { polarMax: req.polarMax } : {}),
        ...(req.dMin !== undefined ? { dMin: req.dMin } : {}),
        ...(req.dMax !== undefined ? { dMax: req.dMax } : {}),
        ...(req.exclude !== undefined ? { exclude: req.exclude } : {}),
      },
      jobContext(ctx),
    );
    const { file: _file, ...summary } = r;
    return summary;
  },

  transform: async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const axisOf = (a: { start: number; step: number; count: number }) => ({
      start: a.start,
      step: a.step,
      count: a.count,
    });
    if (req.plan === true) {
      const inputs = await readTransformInputs({
        file,
        entry: req.entry,
        ...(req.first !== undefined ? { first: req.first } : {}),
        ...(req.last !== undefined ? { last: req.last } : {}),
      });
      const { grid, source } = resolveTransformGrid(inputs, req.grid ?? {});
      return {
        entry: req.entry,
        masked: req.masked === true,
        grid: { h: axisOf(grid.h), k: axisOf(grid.k), l: axisOf(grid.l) },
        gridSource: source,
        planned: true,
        outputFile: '',
        first: inputs.first,
        last: inputs.last,
        framesUsed: 0,
        pixels: 0,
        sumCounts: 0,
        sumWeights: 0,
        seconds: 0,
      };
    }
    const r = await transformData(
      {
        file,
        entry: req.entry,
        pool: ctx.pool(),
        ...(req.masked === true ? { masked: true } : {}),
        ...(req.grid !== undefined ? { grid: req.grid } : {}),
        ...(req.first !== undefined ? { first: req.first } : {}),
        ...(req.last !== undefined ? { last: req.last } : {}),
      },
      jobContext(ctx),
    );
    ctx.fileChanged(file);
    return {
      entry: r.entry,
      masked: r.masked,
      grid: { h: axisOf(r.grid.h), k: axisOf(r.grid.k), l: axisOf(r.grid.l) },
      gridSource: r.gridSource,
      planned: false,
      outputFile: basename(r.outputFile),
      first: r.first,
      last: r.last,
      framesUsed: r.framesUsed,
      pixels: r.pixels,
      sumCounts: r.sumCounts,
      sumWeights: r.sumWeights,
      seconds: r.seconds.total,
    };
  },

  reduce: async (req, ctx) => {
    const file = ctx.filePath(req.fileId);
    const steps = req.steps?.map((s) => {
      if (!(REDUCE_STEPS as readonly string[]).includes(s))
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `reduce: unknown step '${s}' (${REDUCE_STEPS.join(', ')})`,
        });
      return s as ReduceStep;
    });
    const fit = req.fit?.map((n) => {
      if (!(REFINABLE_NAMES as readonly string[]).includes(n))
        throw new NxrError({ code: 'BAD_PARAMETER', message: `reduce: cannot refine '${n}'` });
      return n as RefinableName;
    });
    const r = await reduce(
      {
        target: file,
        pool: ctx.pool(),
        ...(req.entries !== undefined ? { entries: req.entries } : {}),
        ...(steps !== undefined ? { steps } : {}),
        ...(req.overwrite !== undefined ? { overwrite: req.overwrite } : {}),
        ...(fit !== undefined ? { fit } : {}),
      },
      jobContext(ctx),
    );
    ctx.fileChanged(file);
    return {
      files: r.files.map((f) => basename(f)),
      outcomes: r.outcomes.map((o) => ({
        file: basename(o.file),
        entry: o.entry,
        step: o.step,
        status: o.status,
        ...(o.message !== undefined ? { message: o.message } : {}),
        seconds: o.seconds,
      })),
      failures: r.failures,
    };
  },
};

/** Field types of each request (untrusted input: checked before the job starts). */
const REQUEST_FIELDS: { [K in RefineKind]: Record<string, FieldKind> } = {
  'choose-parameters': { values: 'object', write: 'boolean', setParent: 'boolean' },
  'copy-parameters': { overwrite: 'boolean' },
  'set-parent': {},
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
  'prepare-mask': {
    entry: 'string',
    first: 'number',
    last: 'number',
    t1: 'number',
    h1: 'number',
    t2: 'number',
    h2: 'number',
  },
  'refine-lattice': {
    entry: 'string',
    fit: 'array',
    polarMax: 'number',
    hklTolerance: 'number',
    index: 'string',
    manual: 'object',
    fftCell: 'object',
    exclude: 'numbers',
    dryRun: 'boolean',
  },
  'orient-fft': { entry: 'string', polarMax: 'number', dMin: 'number', dMax: 'number', exclude: 'numbers' },
  transform: {
    entry: 'string',
    masked: 'boolean',
    grid: 'object',
    first: 'number',
    last: 'number',
    plan: 'boolean',
  },
  reduce: { entries: 'array', steps: 'array', overwrite: 'boolean', fit: 'array' },
};

const REQUIRED: Partial<Record<RefineKind, string[]>> = {
  'choose-parameters': ['write'],
  'find-maximum': ['entry'],
  'find-peaks': ['entry'],
  'calculate-angles': ['entry'],
  'prepare-mask': ['entry'],
  'refine-lattice': ['entry'],
  'orient-fft': ['entry'],
  transform: ['entry'],
};

/** Throws BAD_PARAMETER for a request with unknown, missing or mistyped fields. */
export function checkRefineRequest(req: RefineRequest): void {
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `${req.kind}: ${message}` });
  };
  checkRequestFields(req, { fields: REQUEST_FIELDS[req.kind], required: REQUIRED[req.kind] ?? [] });
  // nested objects: only known keys, of the right type
  const numbers = (obj: object, keys: readonly string[], what: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (!keys.includes(k)) bad(`unknown ${what} '${k}'`);
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${what} '${k}' must be a finite number`);
    }
  };
  if (req.kind === 'choose-parameters' && req.values) {
    for (const [k, v] of Object.entries(req.values)) {
      if (k === 'monitor') {
        if (typeof v !== 'string') bad(`parameter 'monitor' must be a name`);
      } else numbers({ [k]: v }, REDUCTION_VALUE_KEYS, 'parameter');
    }
  }
  if (req.kind === 'define-lattice' && req.cell)
    numbers(req.cell, ['a', 'b', 'c', 'alpha', 'beta', 'gamma'], 'cell value');
  if (req.kind === 'calculate-angles' && req.geometry)
    numbers(
      req.geometry,
      ['wavelength', 'distance', 'beamCenterX', 'beamCenterY', 'pixelSize'],
      'geometry value',
    );
  if (
    req.kind === 'calculate-angles' &&
    req.convention !== undefined &&
    !['exact', 'nxrefine'].includes(req.convention)
  )
    bad(`convention must be exact or nxrefine`);
  if (
    req.kind === 'refine-lattice' &&
    req.index !== undefined &&
    !['auto', 'file', 'parent', 'known-cell', 'fft', 'manual'].includes(req.index)
  )
    bad(`index must be auto, file, parent, known-cell, fft or manual`);
  if (req.kind === 'refine-lattice' && req.manual) {
    const m = req.manual as unknown as Record<string, unknown>;
    for (const k of Object.keys(m))
      if (!['primary', 'secondary', 'hkl1', 'hkl2'].includes(k))
        bad(`unknown manual orientation field '${k}'`);
    for (const k of ['primary', 'secondary'])
      if (!Number.isInteger(m[k]) || (m[k] as number) < 0)
        bad(`manual '${k}' must be a peak index (0, 1, …)`);
    for (const k of ['hkl1', 'hkl2']) {
      const h = m[k];
      if (!Array.isArray(h) || h.length !== 3 || !h.every((v) => Number.isInteger(v)))
        bad(`manual '${k}' must be three integers [h, k, l]`);
    }
  }
  if ((req.kind === 'refine-lattice' || req.kind === 'orient-fft') && req.exclude !== undefined) {
    if (!req.exclude.every((i) => Number.isInteger(i) && i >= 0))
      bad(`exclude must be peak indices (0, 1, …)`);
  }
  if (req.kind === 'refine-lattice' && req.fftCell !== undefined) {
    if (req.index !== 'fft') bad(`fftCell is used only with index 'fft'`);
    const c = req.fftCell as unknown as Record<string, unknown>;
    for (const k of Object.keys(c))
      if (!['latticeSystem', 'centring', 'cell', 'U'].includes(k)) bad(`unknown fftCell field '${k}'`);
    if (typeof c.latticeSystem !== 'string' || typeof c.centring !== 'string')
      bad(`fftCell needs latticeSystem and centring`);
    if (typeof c.cell !== 'object' || c.cell === null) bad(`fftCell needs a cell`);
    numbers(c.cell as object, ['a', 'b', 'c', 'alpha', 'beta', 'gamma'], 'fftCell cell value');
    const U = c.U;
    if (
      !Array.isArray(U) ||
      U.length !== 3 ||
      !U.every(
        (row) =>
          Array.isArray(row) &&
          row.length === 3 &&
          row.every((v) => typeof v === 'number' && Number.isFinite(v)),
      )
    )
      bad(`fftCell U must be a 3×3 matrix of numbers`);
  }
  if (req.kind === 'transform' && req.grid) {
    for (const [k, v] of Object.entries(req.grid)) {
      if (!['h', 'k', 'l'].includes(k)) bad(`unknown grid axis '${k}'`);
      if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)))
        bad(`grid axis '${k}' must be [start, step, stop]`);
    }
  }
}

const REDUCTION_VALUE_KEYS = [
  'threshold',
  'first',
  'last',
  'polar_max',
  'hkl_tolerance',
  'norm',
  'qmin',
  'qmax',
  'radius',
  'min_pixels',
] as const;
