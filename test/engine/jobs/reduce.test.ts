/**
 * nxr reduce on two simulated scans of one sample (tiny preset): the parent (300K) and a child
 * (301K). Steps max → find → copy → refine; then re-running skips everything, an interrupted run
 * resumes, a held lock refuses a second reduction, and the command line.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../src/cli/main.ts';
import { acquireLock } from '../../../src/engine/io/file-lock.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { defineLattice } from '../../../src/engine/jobs/define-lattice.ts';
import { makeParent } from '../../../src/engine/jobs/parent.ts';
import { reduce, STEP_RECORDS } from '../../../src/engine/jobs/reduce.ts';
import type { UnitCell } from '../../../src/refine/geometry/models.ts';
import { fromNxRefineOrientationMatrix } from '../../../src/refine/orient/orientation-matrix-convention.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { compareToTruth } from '../../refine/fit/compare-to-truth.ts';
import { simulateScan, type SimScan } from './simulated.ts';

const CELL: UnitCell = { a: 5.2, b: 5.2, c: 12.4, alpha: 90, beta: 90, gamma: 90 };
const STEPS = ['max', 'find', 'copy', 'refine'] as const;
let root: string;
let parent: SimScan;
let child: SimScan;
let pristine: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-reduce-'));
  const exp = join(root, 'exp');
  parent = await simulateScan(exp, { scan: '300K', seed: 51, cell: CELL, spaceGroup: 'P 4/m m m' });
  child = await simulateScan(exp, { scan: '301K', seed: 51, cell: CELL, spaceGroup: 'P 4/m m m' });
  await defineLattice({
    file: parent.wrapper,
    cell: { ...CELL, a: 5.21, b: 5.21, c: 12.38 },
    spaceGroup: 'P 4/m m m',
  });
  await makeParent({ file: parent.wrapper });
  pristine = join(root, 'pristine');
  cpSync(exp, pristine, { recursive: true, verbatimSymlinks: true });
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function recordsOf(file: string): Promise<string[]> {
  const f = await openNexusFile(file);
  try {
    return f
      .children('/f1', { attrs: true })
      .filter((c) => c.nxClass === 'NXprocess')
      .map((c) => c.name)
      .sort();
  } finally {
    f.close();
  }
}

describe('reduce (nxr reduce)', () => {
  it('runs max, find, copy and refine on the parent then the child, gated as NXRefine', async () => {
    const labelDir = dirname(parent.wrapper);
    const result = await reduce({ target: labelDir, steps: [...STEPS], threshold: 2000 });
    expect(result.files[0]).toBe(parent.wrapper);
    expect(result.files).toContain(child.wrapper);
    expect(result.failures).toBe(0);
    const status = (file: string, step: string): string | undefined =>
      result.outcomes.find((o) => o.file === file && o.step === step)?.status;
    expect(['max', 'find', 'refine'].map((s) => status(parent.wrapper, s))).toEqual(['done', 'done', 'done']);
    expect(status(parent.wrapper, 'copy')).toBe('not applicable');
    expect(STEPS.map((s) => status(child.wrapper, s))).toEqual(['done', 'done', 'done', 'done']);
    expect(await recordsOf(child.wrapper)).toEqual(['nxcopy', 'nxfind', 'nxmax', 'nxrefine']);
    // The child's orientation: refined from the parent's (copied), equal to its truth.
    const f = await openNexusFile(child.wrapper);
    let note: string;
    try {
      const m = Array.from(f.readValue('/f1/instrument/detector/orientation_matrix') as Float64Array);
      const cell = {
        a: f.readValue('/entry/sample/unitcell_a') as number,
        b: f.readValue('/entry/sample/unitcell_b') as number,
        c: f.readValue('/entry/sample/unitcell_c') as number,
        alpha: 90,
        beta: 90,
        gamma: 90,
      };
      const UB = fromNxRefineOrientationMatrix(
        [
          [m[0]!, m[1]!, m[2]!],
          [m[3]!, m[4]!, m[5]!],
          [m[6]!, m[7]!, m[8]!],
        ],
        cell,
      ).UB;
      expect(compareToTruth({ UB }, child.truth.crystal, [], []).orientationError).toBeLessThan(0.02);
      expect(Math.abs(cell.a / CELL.a - 1)).toBeLessThan(5e-4);
      note = String(f.readValue('/f1/nxrefine/note/data'));
    } finally {
      f.close();
    }
    expect(note).toContain('Fit report');
    const log = readFileSync(join(parent.experimentDir, 'tasks', 'nxlogger.log'), 'utf8');
    expect(log).toMatch(/'refine' started on f1/);
    expect(log).toMatch(/'refine' complete on f1/);

    // Everything is done: a second run skips every step.
    const again = await reduce({ target: labelDir, steps: [...STEPS] });
    expect(again.outcomes.filter((o) => o.status === 'done')).toEqual([]);
    expect(again.outcomes.filter((o) => o.status === 'skipped').length).toBe(7);
  });

  it('resumes after an interruption and refuses to run twice on one file', async () => {
    const dir = join(root, 'resume');
    cpSync(pristine, dir, { recursive: true, verbatimSymlinks: true });
    const file = join(dir, 'sim', 'xtal1', 'sim_300K.nxs');
    // Cancelled during a later step: what was done stays done.
    const controller = new AbortController();
    const err = await reduce(
      { target: file, steps: ['max', 'find', 'refine'], threshold: 2000 },
      { signal: controller.signal, onLog: (m) => m.includes("'max' complete") && controller.abort() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NxrError);
    expect((err as NxrError).code).toBe('CANCELLED');
    const done = await recordsOf(file);
    expect(done).toEqual(['nxmax']);
    expect(existsSync(`${file}.reduce.lock`)).toBe(false);
    const resumed = await reduce({ target: file, steps: ['max', 'find', 'refine'], threshold: 2000 });
    expect(
      resumed.outcomes
        .filter((o) => o.status === 'skipped')
        .map((o) => STEP_RECORDS[o.step])
        .sort(),
    ).toEqual(done);
    expect(await recordsOf(file)).toEqual(['nxfind', 'nxmax', 'nxrefine']);

    const lock = acquireLock(`${file}.reduce`, { purpose: 'test' });
    try {
      await expect(reduce({ target: file, steps: ['refine'], overwrite: true })).rejects.toThrow(
        /being written by process/,
      );
    } finally {
      lock.release();
    }
  });

  it('nxr reduce prints every step and exits 0; a failing step gives exit 1', async () => {
    const dir = join(root, 'cli');
    cpSync(pristine, dir, { recursive: true, verbatimSymlinks: true });
    const file = join(dir, 'sim', 'xtal1', 'sim_301K.nxs');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await main(['reduce', file, '--steps', 'max,find', '--threshold', '2000', '--json'], io)).toBe(0);
    const json = JSON.parse(out.join('\n')) as { outcomes: Array<{ step: string; status: string }> };
    expect(json.outcomes.map((o) => `${o.step}:${o.status}`)).toEqual(['max:done', 'find:done']);
    out.length = 0;
    // A parent that does not exist: the refine step fails with the reason, the exit code is 1.
    expect(await main(['reduce', file, '--steps', 'refine', '--parent', join(dir, 'missing.nxs')], io)).toBe(
      1,
    );
    expect(out.join('\n')).toMatch(/refine\s+failed \(parent file does not exist\)/);
    expect(await main(['reduce', file, '--steps', 'bogus'], io)).not.toBe(0);
    expect(err.join('\n')).toMatch(/unknown step 'bogus'/);
  });
});
