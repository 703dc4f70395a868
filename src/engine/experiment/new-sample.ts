/**
 * Experiment ▸ New Sample (nxrefine-spec.md §7): makes `<sample>/<label>` in an experiment
 * directory. An existing sample directory is kept as it is (`created: false`).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { planNewSample } from '../../refine/experiment/layout.ts';
import { NxrError } from '../../shared/errors.ts';
import type { JobContext } from '../jobs/job-context.ts';
import { throwIfAborted } from '../jobs/job-context.ts';
import { requireExperimentDirectory, requireName } from './experiment-directory.ts';

export interface NewSampleOptions {
  /** The experiment directory. */
  directory: string;
  sample: string;
  label: string;
}

export interface NewSampleResult {
  /** Absolute `<experiment>/<sample>/<label>`. */
  labelDir: string;
  /** `<sample>/<label>` */
  relative: string;
  /** False when the directory existed already. */
  created: boolean;
}

export async function newSample(o: NewSampleOptions, ctx: JobContext = {}): Promise<NewSampleResult> {
  throwIfAborted(ctx.signal);
  const dir = requireExperimentDirectory(o.directory);
  const sample = requireName('sample', o.sample);
  const label = requireName('label', o.label);
  const plan = planNewSample(sample, label);
  let created = false;
  for (const folder of plan.folders) {
    const p = join(dir, ...folder.split('/'));
    if (existsSync(p)) {
      if (!statSync(p).isDirectory())
        throw new NxrError({ code: 'BAD_PARAMETER', message: 'exists and is not a directory', file: p });
      continue;
    }
    try {
      mkdirSync(p);
    } catch (e) {
      throw new NxrError(
        { code: 'WRITE_FAILED', message: `cannot create the directory: ${(e as Error).message}`, file: p },
        { cause: e },
      );
    }
    created = true;
  }
  const relative = `${sample}/${label}`;
  const labelDir = join(dir, sample, label);
  ctx.onLog?.(created ? `New sample ${relative}` : `Sample ${relative} exists already`);
  ctx.onProgress?.(1);
  return { labelDir, relative, created };
}
