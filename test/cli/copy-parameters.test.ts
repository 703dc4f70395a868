/** `nxr copy-parameters`: copy from --from or the parent link, skip/overwrite, refusals. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import { sha256, simulateScan } from '../engine/jobs/simulated.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
let parent: string;
let child: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-cli-copy-'));
  parent = (await simulateScan(dir, { scan: '300K', seed: 76, frames: 30, entries: 2 })).wrapper;
  child = (await simulateScan(dir, { scan: '250K', seed: 77, frames: 30, entries: 2 })).wrapper;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nxr copy-parameters', () => {
  it('needs a parent', async () => {
    const r = await run(['copy-parameters', child]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no parent defined');
    expect(r.err).toContain('sim_parent.nxs does not exist');
  });

  it('copies from the parent link, then skips, then overwrites named entries', async () => {
    expect(
      (await run(['define-lattice', parent, '--cell', '3.82,3.89,11.68,90,90,90', '--space-group', 'Pmmm']))
        .code,
    ).toBe(0);
    expect((await run(['parent', parent])).code).toBe(0);
    const r = await run(['copy-parameters', child]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `from ${parent}`,
      '  f1: 18 fields copied (not in the parent: pixel_mask_applied, orientation_matrix, goniometer_pitch, transmission)',
      '  f2: 18 fields copied (not in the parent: pixel_mask_applied, orientation_matrix, goniometer_pitch, transmission)',
      '  /entry/sample: 10 lattice fields',
      '  /entry/nxreduce: reduction parameters',
    ]);
    const again = await run(['copy-parameters', child]);
    expect(again.out).toContain('f1: skipped (nxcopy already done (use overwrite))');
    expect(again.out).toContain('nothing copied');
    const one = await run([
      'copy-parameters',
      '--from',
      parent,
      '--entries',
      'f2',
      '--overwrite',
      child,
      '--json',
    ]);
    const j = JSON.parse(one.out) as { copied: Array<{ entry: string }> };
    expect(j.copied.map((c) => c.entry)).toEqual(['f2']);
    const self = await run(['copy-parameters', parent]);
    expect(self.out).toBe(`${parent}: set as parent; no parameters copied`);
  });

  it('refuses a different space group with exit 2 and the file untouched', async () => {
    expect((await run(['define-lattice', child, '--space-group', 'P 2 2 2'])).code).toBe(0);
    const before = sha256(child);
    const r = await run(['copy-parameters', '--overwrite', child]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("space group 'P 2 2 2' (No. 16) differs from the parent's 'P m m m' (No. 47");
    expect(sha256(child)).toBe(before);
    expect((await run(['copy-parameters', '--entries', ',', child])).err).toContain(
      '--entries needs entry names',
    );
  });
});
