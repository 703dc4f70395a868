/**
 * The Experiment menu's engine jobs (spec §7): each entry turns an ExperimentJobRequest
 * (src/shared/experiment-jobs.ts) into a call of its job function and the function's result into
 * the plain summary the UI shows (paths relative to the request's `directory`, never absolute).
 * Adding a job = its request/summary types + kind in src/shared/experiment-jobs.ts, one body here
 * and its fields in EXPERIMENT_REQUEST_FIELDS (+ its dialog in src/renderer/experiment).
 *
 * Host paths (`directory` and the kind's hostPathFields) arrive absolute: under Electron the
 * dialogs send absolute paths, and the browser-mode server resolves relative ones inside its
 * served folder before the engine sees them.
 */
import { isAbsolute } from 'node:path';

import { NxrError } from '../shared/errors.ts';
import {
  hostPathFields,
  type ExperimentJobKind,
  type ExperimentJobRequest,
  type ExperimentJobResultMap,
} from '../shared/experiment-jobs.ts';
import type { RefineJobContext } from './refine-jobs.ts';
import { checkRequestFields, type RequestFieldSpec } from './request-fields.ts';
import {
  editSettingsJob,
  newConfigurationJob,
  newExperimentJob,
  newSampleJob,
  newScanJob,
  readExperimentJob,
  readSettingsJob,
} from './experiment/jobs.ts';
import { createMaskJob } from './jobs/create-mask.ts';
import {
  calibratePowderJob,
  fitPowderJob,
  pickRingsJob,
  powderImageJob,
  powderPoniJob,
  powderStateJob,
} from './jobs/calibrate-powder-bodies.ts';
import { importScansJob, listRawScansJob, listScanFilesJob, sumScansJob } from './jobs/scan-job-bodies.ts';

/** Job bodies by kind. */
export const experimentJobBodies: {
  [K in ExperimentJobKind]: (
    req: Extract<ExperimentJobRequest, { kind: K }>,
    ctx: RefineJobContext,
  ) => Promise<ExperimentJobResultMap[K]>;
} = {
  'powder-state': powderStateJob,
  'powder-image': powderImageJob,
  'pick-rings': pickRingsJob,
  'fit-powder': fitPowderJob,
  'calibrate-powder': calibratePowderJob,
  'powder-poni': powderPoniJob,
  'new-experiment': newExperimentJob,
  'new-configuration': newConfigurationJob,
  'new-sample': newSampleJob,
  'new-scan': newScanJob,
  'read-experiment': readExperimentJob,
  'read-settings': readSettingsJob,
  'edit-settings': editSettingsJob,
  'create-mask': createMaskJob,
  'list-raw-scans': listRawScansJob,
  'import-scans': importScansJob,
  'list-scan-files': listScanFilesJob,
  'sum-scans': sumScansJob,
};

/** Field types of each request; `directory` (directory jobs) and `entry` (file jobs) included. */
const EXPERIMENT_REQUEST_FIELDS: { [K in ExperimentJobKind]: RequestFieldSpec } = {
  'powder-state': { fields: { entry: 'string' }, required: ['entry'] },
  'powder-image': {
    fields: { entry: 'string', image: 'string', imagePath: 'string', frame: 'number' },
    required: ['entry'],
  },
  'pick-rings': {
    fields: {
      entry: 'string',
      image: 'string',
      imagePath: 'string',
      frame: 'number',
      geometry: 'object',
      calibrant: 'string',
      searchSize: 'number',
      rings: 'number',
      click: 'object',
    },
    required: ['entry', 'geometry', 'calibrant'],
  },
  'fit-powder': {
    fields: { entry: 'string', geometry: 'object', calibrant: 'string', points: 'list', fit: 'object' },
    required: ['entry', 'geometry', 'calibrant', 'points'],
  },
  'calibrate-powder': {
    fields: {
      entry: 'string',
      image: 'string',
      imagePath: 'string',
      frame: 'number',
      calibrant: 'string',
      geometry: 'object',
      points: 'list',
      rms: 'number',
      copyTo: 'array',
    },
    required: ['entry', 'calibrant', 'geometry'],
  },
  'powder-poni': {
    fields: { entry: 'string', action: 'string', poni: 'string', geometry: 'object' },
    required: ['entry', 'action', 'poni'],
  },
  'create-mask': {
    fields: {
      entry: 'string',
      shapes: 'list',
      gaps: 'string',
      negatives: 'string',
      importFile: 'string',
      importPath: 'string',
      keepExisting: 'boolean',
      allEntries: 'boolean',
      write: 'boolean',
      returnImage: 'boolean',
    },
    required: ['entry', 'write'],
  },
  'new-experiment': {
    fields: {
      directory: 'string',
      source: 'string',
      instrument: 'string',
      rawHome: 'string',
      rawPath: 'string',
      analysisPath: 'string',
      experiment: 'string',
      overwrite: 'boolean',
    },
    required: ['directory'],
  },
  'new-configuration': {
    fields: { directory: 'string', name: 'string', values: 'object', overwrite: 'boolean' },
    required: ['directory', 'name', 'values'],
  },
  'new-sample': {
    fields: { directory: 'string', sample: 'string', label: 'string' },
    required: ['directory', 'sample', 'label'],
  },
  'new-scan': {
    fields: {
      directory: 'string',
      sample: 'string',
      label: 'string',
      configuration: 'string',
      values: 'object',
      overwrite: 'boolean',
    },
    required: ['directory', 'sample', 'label', 'configuration', 'values'],
  },
  'read-experiment': { fields: { directory: 'string', configuration: 'string' } },
  'read-settings': { fields: { directory: 'string', scope: 'string' }, required: ['scope'] },
  'edit-settings': {
    fields: { directory: 'string', scope: 'string', values: 'object' },
    required: ['scope', 'values'],
  },
  'list-raw-scans': {
    fields: {
      directory: 'string',
      rawDirectory: 'string',
      beamline: 'string',
      sample: 'string',
      label: 'string',
    },
    required: ['directory'],
  },
  'import-scans': {
    fields: {
      directory: 'string',
      sample: 'string',
      label: 'string',
      configuration: 'string',
      rawDirectory: 'string',
      specFile: 'string',
      beamline: 'string',
      monitors: 'array',
      scans: 'array',
      overwrite: 'boolean',
    },
    required: ['directory', 'sample', 'label', 'configuration'],
  },
  'list-scan-files': { fields: { directory: 'string' }, required: ['directory'] },
  'sum-scans': {
    fields: {
      directory: 'string',
      scans: 'array',
      output: 'string',
      entries: 'array',
      update: 'boolean',
      overwrite: 'boolean',
    },
    required: ['directory', 'scans', 'output'],
  },
};

/**
 * Throws BAD_PARAMETER for a request with unknown, missing or mistyped fields, or a host path
 * that is not absolute (a relative path would resolve against the engine's working directory).
 */
export function checkExperimentRequest(req: ExperimentJobRequest): void {
  // (read through a plain type: with no kind registered yet, ExperimentJobRequest is never)
  const kind = (req as { kind: string }).kind as ExperimentJobKind;
  checkRequestFields(req, EXPERIMENT_REQUEST_FIELDS[kind]);
  const record = req as unknown as Record<string, unknown>;
  for (const key of ['directory', ...(hostPathFields[kind] ?? [])]) {
    const v = record[key];
    const paths = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
    for (const p of paths) {
      if (typeof p !== 'string' || p.includes('\0') || !isAbsolute(p)) {
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `${kind}: '${key}' must be an absolute path (got '${String(p)}')`,
        });
      }
    }
  }
}
