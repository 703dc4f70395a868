/**
 * The automated workflow (`nxr reduce`, NXReduce.nxreduce, spec §8): for each scan file and each
 * detector entry, in NXRefine's order
 *
 *   max (Find Maximum) → find (Find Peaks) → copy (from the parent) → refine (Refine Lattice)
 *   → prepare (3-D mask) → transform → masked-transform
 *
 * A step whose NXprocess record exists in the entry (nxmax, nxfind, nxcopy, nxrefine,
 * nxprepare_mask, nxtransform, nxmasked_transform) is skipped unless `overwrite` — task
 * completion is the existence of the group, as in NXRefine. Every step writes its file in one
 * atomic update, so a reduction killed at any point resumes where it stopped when run again.
 * While a file is reduced it holds `<file>.reduce.lock` (two reductions never run on one file; a
 * lock left by a dead process is taken over). Log lines go to `<experiment>/tasks/nxlogger.log`
 * (NXRefine's log) when the experiment has a tasks folder, else `<file>.log`.
 *
 * Gating as NXRefine: `copy` needs a parent that is not the file itself; `refine` needs Find Peaks;
 * `masked-transform` needs the 3-D mask. A failed step is logged and ends that entry's chain; the
 * other entries and files go on.
 */
import { appendFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { detectorEntries } from '../../nexus/schema/nxrefine-paths.ts';
import type { RefinableName } from '../../refine/fit/models.ts';
import { NxrError, toErrorInfo } from '../../shared/errors.ts';
import { acquireLock } from '../io/file-lock.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import type { FramePool } from '../pool/frame-pool.ts';
import { copyParameters } from './copy-parameters.ts';
import { findMaximum } from './find-maximum.ts';
import { findPeaks } from './find-peaks.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { prepareMask } from './prepare-mask.ts';
import { DEFAULT_FIT, refineLatticeJob } from './refine-lattice.ts';
import { findParentFor } from './reduction-parameters.ts';
import { isSameFile, scanLayout } from './scan-layout.ts';
import { transformData } from './transform.ts';

export const REDUCE_STEPS = [
  'max',
  'find',
  'copy',
  'refine',
  'prepare',
  'transform',
  'masked-transform',
] as const;
export type ReduceStep = (typeof REDUCE_STEPS)[number];

/** The NXprocess group whose existence marks a step done. */
export const STEP_RECORDS: Record<ReduceStep, string> = {
  max: 'nxmax',
  find: 'nxfind',
  copy: 'nxcopy',
  refine: 'nxrefine',
  prepare: 'nxprepare_mask',
  transform: 'nxtransform',
  'masked-transform': 'nxmasked_transform',
};

export interface ReduceOptions {
  /** A scan (wrapper) file, or a folder of them (`<sample>/<label>`). */
  target: string;
  /** Parent scan file. @default the classic `<sample>_parent.nxs` link */
  parent?: string;
  /** Entries to reduce. @default every fN of each file */
  entries?: string[];
  /** Steps to run (in NXRefine's order whatever order they are given in). @default all */
  steps?: ReduceStep[];
  /** Run steps already done again. @default false */
  overwrite?: boolean;
  /** Refine Lattice fit flags. @default lattice + U + distance + beam centre for the first entry, U + distance + beam for the others (NXRefine refines the lattice on f1 only) */
  fit?: RefinableName[];
  /** Peak threshold for Find Peaks. @default the reduction parameters */
  threshold?: number;
  /** A frame pool shared by the steps. @default one per step */
  pool?: FramePool;
}

export type StepStatus = 'done' | 'skipped' | 'failed' | 'not applicable';

export interface StepOutcome {
  file: string;
  entry: string;
  step: ReduceStep;
  status: StepStatus;
  /** Why skipped / not applicable, or the error. */
  message?: string;
  seconds: number;
}

export interface ReduceResult {
  files: string[];
  outcomes: StepOutcome[];
  /** Number of failed steps. */
  failures: number;
  logFile: string[];
}

/** The wrapper files of a target: the file itself, or the `*.nxs` of a folder (parent first, not the parent link). */
export function listScanFiles(target: string, parent?: string): string[] {
  const abs = resolve(target);
  if (!existsSync(abs))
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no such file or folder', file: target });
  if (!statSync(abs).isDirectory()) return [abs];
  const files = readdirSync(abs)
    .filter((n) => n.endsWith('.nxs') && !n.endsWith('_parent.nxs') && !n.startsWith('.'))
    .map((n) => join(abs, n))
    .filter((p) => statSync(p).isFile())
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  if (files.length === 0)
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'no .nxs scan files in the folder', file: target });
  const p = parent ?? (files[0] ? findParentFor(files[0]) : undefined);
  const first = p ? files.find((f) => isSameFile(f, p)) : undefined;
  return first ? [first, ...files.filter((f) => f !== first)] : files;
}

function logFileFor(file: string): string {
  const layout = scanLayout(file);
  const tasks = join(layout.experimentDir, 'tasks');
  return existsSync(tasks) ? join(tasks, 'nxlogger.log') : `${file}.log`;
}

/** Run the workflow (see the module comment). */
export async function reduce(options: ReduceOptions, ctx: JobContext = {}): Promise<ReduceResult> {
  const steps = REDUCE_STEPS.filter((s) => (options.steps ?? REDUCE_STEPS).includes(s));
  for (const s of options.steps ?? [])
    if (!(REDUCE_STEPS as readonly string[]).includes(s))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `unknown step '${String(s)}' (${REDUCE_STEPS.join(', ')})`,
      });
  const files = listScanFiles(options.target, options.parent);
  const outcomes: StepOutcome[] = [];
  const logFiles = new Set<string>();
  for (const [fi, file] of files.entries()) {
    throwIfAborted(ctx.signal, file);
    const logFile = logFileFor(file);
    logFiles.add(logFile);
    const layout = scanLayout(file);
    const log = (message: string, level: 'info' | 'warn' = 'info'): void => {
      const line = `${new Date().toISOString()} ${level.toUpperCase()} ${layout.sample}/${layout.label}/${layout.scan}: ${message}`;
      appendFileSync(logFile, `${line}\n`);
      ctx.onLog?.(`${layout.scan}: ${message}`, level);
    };
    const lock = acquireLock(`${file}.reduce`, { purpose: 'nxr reduce' });
    try {
      const entries = await entriesOf(file, options.entries);
      const parentFile = options.parent !== undefined ? resolve(options.parent) : findParentFor(file);
      const isParent = parentFile !== undefined && isSameFile(parentFile, file);
      for (const [ei, entry] of entries.entries()) {
        let chainBroken = false;
        for (const step of steps) {
          throwIfAborted(ctx.signal, file);
          ctx.onProgress?.(
            (fi + (ei + steps.indexOf(step) / steps.length) / entries.length) / files.length,
            `${layout.scan} ${entry} ${step}`,
          );
          const t0 = performance.now();
          const outcome = (status: StepStatus, message?: string): void => {
            outcomes.push({
              file,
              entry,
              step,
              status,
              ...(message !== undefined ? { message } : {}),
              seconds: (performance.now() - t0) / 1000,
            });
          };
          if (chainBroken) {
            outcome('not applicable', 'an earlier step failed');
            continue;
          }
          const records = await recordsOf(file, entry);
          if (records.has(STEP_RECORDS[step]) && !options.overwrite) {
            outcome('skipped', `${STEP_RECORDS[step]} exists`);
            continue;
          }
          const why = gate(step, { records, parentFile, isParent });
          if (why) {
            outcome('not applicable', why);
            if (step === 'refine' && !records.has('nxrefine'))
              log(`'${step}' not run on ${entry}: ${why}`, 'warn');
            continue;
          }
          log(`'${step}' started on ${entry}`);
          try {
            await runStep(step, file, entry, ei, parentFile, options, ctx);
            const seconds = (performance.now() - t0) / 1000;
            log(`'${step}' complete on ${entry} (${seconds.toFixed(1)} seconds)`);
            outcome('done');
          } catch (e) {
            const info = toErrorInfo(e);
            if (info.code === 'CANCELLED') {
              log(`'${step}' cancelled on ${entry}`, 'warn');
              throw e;
            }
            log(`'${step}' failed on ${entry}: ${info.message}`, 'warn');
            outcome('failed', info.message);
            chainBroken = true;
          }
        }
      }
    } finally {
      lock.release();
    }
  }
  ctx.onProgress?.(1, 'done');
  return {
    files,
    outcomes,
    failures: outcomes.filter((o) => o.status === 'failed').length,
    logFile: [...logFiles],
  };
}

async function entriesOf(file: string, wanted: string[] | undefined): Promise<string[]> {
  const f = await openNexusFile(file);
  try {
    const all = detectorEntries(f.children('/', { attrs: false }).map((c) => c.name));
    if (!wanted) return all;
    for (const e of wanted)
      if (!all.includes(e))
        throw new NxrError({ code: 'MISSING_PATH', message: `no entry '${e}'`, file, path: `/${e}` });
    return wanted;
  } finally {
    f.close();
  }
}

async function recordsOf(file: string, entry: string): Promise<Set<string>> {
  const f = await openNexusFile(file);
  try {
    return new Set(
      f
        .children(`/${entry}`, { attrs: true })
        .filter((c) => c.nxClass === 'NXprocess')
        .map((c) => c.name),
    );
  } finally {
    f.close();
  }
}

function gate(
  step: ReduceStep,
  s: { records: Set<string>; parentFile: string | undefined; isParent: boolean },
): string | undefined {
  if (step === 'copy') {
    if (s.parentFile === undefined) return 'no parent file';
    if (s.isParent) return 'this file is the parent';
  }
  if (step === 'refine' && !s.records.has('nxfind')) return 'Find Peaks has not run';
  if (step === 'masked-transform' && !s.records.has('nxprepare_mask')) return 'no 3-D mask (prepare)';
  return undefined;
}

async function runStep(
  step: ReduceStep,
  file: string,
  entry: string,
  entryIndex: number,
  parentFile: string | undefined,
  o: ReduceOptions,
  ctx: JobContext,
): Promise<void> {
  const pool = o.pool ? { pool: o.pool } : {};
  const sub: JobContext = {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onLog ? { onLog: ctx.onLog } : {}),
  };
  switch (step) {
    case 'max':
      await findMaximum({ file, entry, ...pool }, sub);
      return;
    case 'find':
      await findPeaks(
        { file, entry, ...pool, ...(o.threshold !== undefined ? { threshold: o.threshold } : {}) },
        sub,
      );
      return;
    case 'copy':
      await copyParameters({ file, from: parentFile!, entries: [entry], overwrite: true }, sub);
      return;
    case 'refine': {
      const fit =
        o.fit ??
        (entryIndex === 0
          ? [...DEFAULT_FIT]
          : DEFAULT_FIT.filter((n) => !['a', 'b', 'c', 'alpha', 'beta', 'gamma'].includes(n)));
      await refineLatticeJob(
        { file, entry, fit, ...(parentFile !== undefined ? { parent: parentFile } : { parent: null }) },
        sub,
      );
      return;
    }
    case 'prepare':
      await prepareMask({ file, entry, ...pool }, sub);
      return;
    case 'transform':
      await transformData({ file, entry, ...pool }, sub);
      return;
    case 'masked-transform':
      await transformData({ file, entry, masked: true, ...pool }, sub);
      return;
  }
}
