/** `nxr choose-parameters`: the table of values and origins, --print writes nothing, errors exit 2. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import { pyJson } from '../helpers/python.ts';
import { sha256, simulateScan } from '../engine/jobs/simulated.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-cli-choose-'));
  file = (await simulateScan(dir, { scan: '300K', seed: 71, frames: 30 })).wrapper;
  writeFileSync(join(dir, 'tasks', 'settings.ini'), '[nxreduce]\nthreshold = 777\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nxr choose-parameters', () => {
  it('--print shows each value and where it came from, and writes nothing', async () => {
    const before = sha256(file);
    const r = await run(['choose-parameters', file, '--print', '--qmax', '12']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^field\s+value\s+source$/);
    expect(lines).toContain(`threshold      777       settings.ini ${join(dir, 'tasks', 'settings.ini')}`);
    expect(lines).toContain('qmax           12        command line');
    expect(lines).toContain('last_frame     20        default (last 3640 > 30 frames → nframes − 10)');
    expect(lines).toContain('frames: 30');
    expect(r.out).not.toContain('saved in');
    expect(sha256(file)).toBe(before);
  });

  it('saves the values in /entry/nxreduce', async () => {
    const r = await run([
      'choose-parameters',
      file,
      '--threshold',
      '1500.5',
      '--first',
      '2',
      '--last',
      '25',
      '--monitor',
      'monitor2',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`saved in ${file}:/entry/nxreduce`);
    const py = pyJson<Record<string, unknown>>(
      `import sys, json, h5py
g = h5py.File(sys.argv[1], 'r')['entry/nxreduce']
print(json.dumps({'t': float(g['threshold'][()]), 'f': int(g['first_frame'][()]), 'l': int(g['last_frame'][()]), 'm': g['monitor'].asstr()[()]}))`,
      [file],
    );
    expect(py).toEqual({ t: 1500.5, f: 2, l: 25, m: 'monitor2' });
    const j = await run(['choose-parameters', file, '--print', '--json']);
    const parsed = JSON.parse(j.out) as {
      values: Record<string, unknown>;
      origins: Record<string, { source: string }>;
    };
    expect(parsed.values['threshold']).toBe(1500.5);
    expect(parsed.origins['threshold']!.source).toBe('file');
  });

  it('exits 2 with a clear message for bad values and usage', async () => {
    const before = sha256(file);
    const bad = await run(['choose-parameters', file, '--last', '31']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('last = 31: must be ≤ the number of frames (30)');
    const nan = await run(['choose-parameters', file, '--threshold', 'lots']);
    expect(nan.code).toBe(2);
    expect(nan.err).toContain("--threshold must be a number, got 'lots'");
    const none = await run(['choose-parameters']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('give exactly one scan file');
    const unknown = await run(['choose-parameters', file, '--thresold', '3']);
    expect(unknown.code).toBe(2);
    expect(sha256(file)).toBe(before);
    const missing = await run(['choose-parameters', join(dir, 'nope.nxs')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('nope.nxs');
  });

  it('--set-parent also designates the parent', async () => {
    const r = await run(['choose-parameters', file, '--set-parent']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`parent: ${join(dir, 'sim', 'xtal1', 'sim_parent.nxs')} -> ${file}`);
  });
});
