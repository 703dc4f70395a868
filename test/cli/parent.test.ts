/** `nxr parent`: set, replace and show the parent link. */
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import { simulateScan } from '../engine/jobs/simulated.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
let a: string;
let b: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-cli-parent-'));
  a = (await simulateScan(dir, { scan: '300K', seed: 73, frames: 10 })).wrapper;
  b = (await simulateScan(dir, { scan: '100K', seed: 74, frames: 10 })).wrapper;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nxr parent', () => {
  it('shows no parent, sets one, replaces it and reports the stale record', async () => {
    const labelDir = dirname(a);
    const link = join(labelDir, 'sim_parent.nxs');
    const none = await run(['parent', labelDir, '--show']);
    expect(none.code).toBe(1);
    expect(none.out).toBe(`no parent: ${link} does not exist`);
    const set = await run(['parent', a]);
    expect(set.code).toBe(0);
    expect(set.out.split('\n')).toEqual([`${link} -> ${a}`, `recorded ${a}:/entry/nxcopy`]);
    expect(readlinkSync(link)).toBe('sim_300K.nxs');
    const again = await run(['parent', b]);
    expect(again.out.split('\n')).toEqual([`${link} -> ${b}`, `(was ${a})`, `recorded ${b}:/entry/nxcopy`]);
    const show = await run(['parent', a, '--show']);
    expect(show.code).toBe(0);
    expect(show.out.split('\n')[0]).toBe(`parent: ${b}  (${link} -> sim_100K.nxs)`);
    expect(show.out).toMatch(
      new RegExp(`stale: ${a} was made parent on \\d{4}-\\d\\d-\\d\\dT.* but the link points elsewhere`),
    );
    const j = JSON.parse((await run(['parent', labelDir, '--show', '--json'])).out) as {
      target: string;
      claims: unknown[];
    };
    expect(j.target).toBe(b);
    expect(j.claims.length).toBe(2);
  });

  it('fails clearly on a missing file', async () => {
    const r = await run(['parent', join(dir, 'missing.nxs')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('missing.nxs');
    expect(r.err).toContain('no such file');
  });
});
