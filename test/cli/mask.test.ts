/** `nxr mask`: counts printed, shapes in command-line order, the file checked with h5py, errors. */
import { mkdtempSync, rmSync } from 'node:fs';
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
  dir = mkdtempSync(join(tmpdir(), 'nxr-cli-mask-'));
  file = (await simulateScan(dir, { scan: '300K', seed: 12, frames: 3, entries: 2 })).wrapper;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const maskOf = (entry: string): { dtype: string; shape: number[]; sum: number; at: number[] } =>
  pyJson(
    "import sys, h5py, json; d = h5py.File(sys.argv[1], 'r')[sys.argv[2] + '/instrument/detector/pixel_mask']; m = d[()]; print(json.dumps({'dtype': str(d.dtype), 'shape': list(d.shape), 'sum': int(m.astype(int).sum()), 'at': [int(m[10, 10]), int(m[12, 12]), int(m[95, 95]), int(m[0, 0])]}))",
    [file, entry],
  );

describe('nxr mask', () => {
  it('prints the counts of a dry run and writes nothing', async () => {
    const before = sha256(file);
    const r = await run([
      'mask',
      `${file}:/f1`,
      '--rect',
      '10,10,5,5',
      '--remove-rect',
      '10,10,2,2',
      '--circle',
      '100,100,3',
      '--dry-run',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/detector 195 × 487 \(94965 pixels\), Pilatus 100K \(simulated\)/);
    expect(r.out).toMatch(/add rectangle 10,10,5,5 +25 /);
    expect(r.out).toMatch(/remove rectangle 10,10,2,2 +4 /);
    expect(r.out).toMatch(/add circle 100,100,3 +29 /); // Gauss N(3) = 29
    expect(r.out).toMatch(/dry run: nothing written/);
    expect(sha256(file)).toBe(before);
  });

  it('applies the shapes in command-line order and writes int8 to all entries', async () => {
    const base = maskOf('f1').sum;
    // the removal comes first here, so the rectangle stays whole
    const r = await run([
      'mask',
      file,
      '--entry',
      'f1',
      '--remove-rect',
      '10,10,2,2',
      '--rect',
      '10,10,5,5',
      '--polygon',
      '90,90,110,90,90,110',
      '--all-entries',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { counts: { shapes: number[]; after: number }; entries: string[] };
    expect(j.entries).toEqual(['f1', 'f2']);
    // triangle (90,90),(110,90),(90,110): rows i = 90…109 hold j − 90 + i − 90 < 20 → 210 centres
    expect(j.counts.shapes.slice(1)).toEqual([25, 210]);
    for (const e of ['f1', 'f2']) {
      const m = maskOf(e);
      expect(m.dtype).toBe('int8');
      expect(m.shape).toEqual([195, 487]);
      expect(m.at.slice(0, 3)).toEqual([1, 1, 1]);
      expect(m.sum).toBe(j.counts.after);
    }
    expect(j.counts.after).toBeGreaterThanOrEqual(base + 25 + 210 - 1);
  });

  it('refuses bad arguments with clear messages', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['mask', file], /say which entry/],
      [['mask', `${file}:/f1`, '--rect', '1,2,3'], /--rect needs 4 numbers/],
      [['mask', `${file}:/f1`, '--polygon', '1,2,3,4'], /3 points or more/],
      [['mask', `${file}:/f1`, '--negatives', 'some'], /--negatives must be/],
      [['mask', `${file}:/f1`, '--gaps', 'Pilatus 300k'], /Pilatus 300k is 619 × 487 .* 195 × 487/],
      [['mask', `${file}:/f1`, '--entry', 'f2'], /two entries given/],
      [['mask', `${file}:/f1`, '--import', join(dir, 'nope.tif')], /no such file/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err, args.join(' ')).toMatch(re);
    }
  });
});
