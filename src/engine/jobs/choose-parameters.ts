/**
 * Choose Parameters (spec §6.1): the reduction parameters of a scan file, resolved through
 * NXRefine's cascade (command line → parent → own /entry/nxreduce → settings.ini → defaults),
 * validated, and stored in /entry/nxreduce (NXparameters; first_frame/last_frame). NXRefine records
 * no NXprocess for this step; with `setParent` the file is also made the parent (make_parent:
 * `nxcopy` record + `<sample>_parent.nxs` link).
 */
import { resolve } from 'node:path';

import { updateNexusFile } from '../io/nexus-writer.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { makeParent, type MakeParentResult } from './parent.ts';
import {
  checkReductionParameters,
  NXREDUCE_PATH,
  readReductionParameters,
  writeReductionParameters,
  type ReductionParameters,
  type ResolvedReductionParameters,
} from './reduction-parameters.ts';

export interface ChooseParametersOptions {
  /** The scan (wrapper) file. */
  file: string;
  /** Values given explicitly (command line / dialog); they win over every stored value. */
  values?: Partial<ReductionParameters>;
  /** Store the effective values in /entry/nxreduce. @default true (false: only resolve and check) */
  write?: boolean;
  /** Parent file for the cascade; undefined = the `<sample>_parent.nxs` link, null = none. */
  parent?: string | null;
  /** settings.ini for the cascade; undefined = `<experiment>/tasks/settings.ini`, null = none. */
  settingsFile?: string | null;
  /** Also make this file the parent ("Set As Parent"). @default false */
  setParent?: boolean;
}

export interface ChooseParametersResult extends ResolvedReductionParameters {
  file: string;
  /** Where the values are stored. */
  path: string;
  written: boolean;
  /** When `setParent` was asked. */
  parent?: MakeParentResult;
}

export async function chooseParameters(
  options: ChooseParametersOptions,
  ctx: JobContext = {},
): Promise<ChooseParametersResult> {
  const file = resolve(options.file);
  ctx.onProgress?.(0, 'reading parameters');
  const resolved = await readReductionParameters(file, {
    ...(options.values !== undefined ? { overrides: options.values } : {}),
    ...(options.parent !== undefined ? { parent: options.parent } : {}),
    ...(options.settingsFile !== undefined ? { settingsFile: options.settingsFile } : {}),
  });
  if (resolved.nframes === undefined)
    ctx.onLog?.('number of frames unknown (no fN/data/data): last frame not checked against it', 'warn');
  checkReductionParameters(file, resolved.values, resolved.origins, resolved.nframes);
  throwIfAborted(ctx.signal, file);
  const write = options.write !== false;
  if (write) {
    await updateNexusFile(
      file,
      (w) => {
        writeReductionParameters(w, resolved.values);
        throwIfAborted(ctx.signal, file);
      },
      { purpose: 'nxr choose-parameters' },
    );
    ctx.onLog?.(`parameters saved in ${file}:${NXREDUCE_PATH}`);
  }
  const result: ChooseParametersResult = { ...resolved, file, path: NXREDUCE_PATH, written: write };
  if (options.setParent === true) result.parent = await makeParent({ file }, ctx);
  ctx.onProgress?.(1, 'done');
  return result;
}
