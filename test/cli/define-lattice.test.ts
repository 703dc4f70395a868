/** `nxr define-lattice`: printed summary, refusal with the nearest cell (exit 2), --constrain, --json. */
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
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-cli-lattice-'));
  file = (await simulateScan(dir, { scan: '300K', seed: 72, frames: 10 })).wrapper;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nxr define-lattice', () => {
  it('prints what it stored', async () => {
    const r = await run([
      'define-lattice',
      file,
      '--cell',
      '4.594,4.594,2.959,90,90,90',
      '--space-group',
      '136',
      '--formula',
      'TiO2',
    ]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'space_group       P 42/m n m  (No. 136)',
      'laue_group        4/mmm',
      'lattice_centring  P',
      'unit_cell_group   tetragonal',
      'cell              4.594,4.594,2.959,90,90,90',
      'chemical_formula  TiO2',
      `saved in ${file}:/entry/sample`,
    ]);
  });

  it('refuses an inconsistent cell with the nearest consistent one, and imposes it with --constrain', async () => {
    const before = sha256(file);
    const r = await run([
      'define-lattice',
      file,
      '--cell',
      '4.5,4.7,2.959,90,90,90',
      '--space-group',
      'P4_2/mnm',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "cell 4.5,4.7,2.959,90,90,90 is not tetragonal as space group 'P 42/m n m' requires (a = b, α = β = γ = 90°); nearest consistent cell: 4.6,4.6,2.959,90,90,90",
    );
    expect(sha256(file)).toBe(before);
    const c = await run([
      'define-lattice',
      file,
      '--cell',
      '4.5,4.7,2.959,90,90,90',
      '--space-group',
      'P4_2/mnm',
      '--constrain',
      '--json',
    ]);
    expect(c.code).toBe(0);
    const j = JSON.parse(c.out) as {
      cell: Record<string, number>;
      givenCell: Record<string, number>;
      formula: string;
    };
    expect(j.cell).toEqual({ a: 4.6, b: 4.6, c: 2.959, alpha: 90, beta: 90, gamma: 90 });
    expect(j.givenCell.b).toBe(4.7);
    expect(j.formula).toBe('TiO2');
  });

  it('changes only the space group when no cell is given; rejects bad input', async () => {
    const r = await run(['define-lattice', file, '--space-group', 'P 4/m m m']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('cell              4.6,4.6,2.959,90,90,90');
    expect((await run(['define-lattice', file, '--cell', '1,2,3'])).err).toContain(
      '--cell needs 6 numbers, got 3',
    );
    expect((await run(['define-lattice', file, '--space-group', 'X 9'])).err).toContain(
      "unknown space group 'X 9'",
    );
  });
});
