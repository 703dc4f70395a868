/** `nxr calculate-angles`: the peak table, the rings, --json, --write and argument errors. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import { pyJson, pyRun } from '../helpers/python.ts';
import { simulateScan, type Truth } from '../engine/jobs/simulated.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
let file: string;
let truth: Truth;
const pixels = [
  [300.5, 120.25, 3],
  [12, 180, 7.5],
  [486, 0, 9],
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-cli-angles-'));
  const sim = await simulateScan(dir, { scan: '300K', seed: 75, frames: 10 });
  file = sim.wrapper;
  truth = sim.truth;
  pyRun(
    `import sys, json, h5py
f = h5py.File(sys.argv[1], 'a')
g = f['f1'].create_group('peaks')
g.attrs['NX_class'] = 'NXreflections'
p = json.loads(sys.argv[2])
g['x'] = [q[0] for q in p]
g['y'] = [q[1] for q in p]
g['z'] = [q[2] for q in p]
f.close()`,
    [file, JSON.stringify(pixels)],
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nxr calculate-angles', () => {
  it("prints NXRefine's angles with --convention nxrefine", async () => {
    const g = truth.entries[0]!.geometry;
    const r = await run(['calculate-angles', file, '--entry', 'f1', '--convention', 'nxrefine']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('no lattice defined');
    expect(r.out).toContain('[nxrefine angles]');
    const rows = r.out.split('\n').filter((l) => /^\s+\d+\s+\d/.test(l));
    expect(rows.length).toBe(3);
    rows.forEach((row, i) => {
      const [x, y] = pixels[i]!;
      const cols = row.trim().split(/\s+/).map(Number);
      const polar =
        (Math.atan((g.pixelSize * Math.hypot(x! - g.beamCenterX, y! - g.beamCenterY)) / g.distance) * 180) /
        Math.PI;
      const azimuth = (Math.atan2(x! - g.beamCenterX, y! - g.beamCenterY) * 180) / Math.PI;
      expect(cols[4]).toBeCloseTo(polar, 4);
      expect(cols[5]).toBeCloseTo(azimuth, 4);
    });
    expect(r.out).toContain('no lattice in /entry/sample: no rings (nxr define-lattice)');
  });

  it('lists rings once a lattice is defined; --json and --write', async () => {
    expect(
      (await run(['define-lattice', file, '--cell', '3.82,3.89,11.68,90,90,90', '--space-group', 'Pmmm']))
        .code,
    ).toBe(0);
    const r = await run(['calculate-angles', file, '--entry', 'f1']);
    expect(r.out).toMatch(/rings of P m m m \(\d+\):/);
    expect(r.out).toMatch(/\n\s+0\s+0\.9811\s+11\.6800\s+\(0 0 1\)×2\n/);
    const j = JSON.parse(
      (await run(['calculate-angles', file, '--entry', 'f1', '--json', '--write'])).out,
    ) as {
      peaks: Array<{ polar_angle: number; ring: number | null }>;
      written: boolean;
    };
    expect(j.written).toBe(true);
    expect(j.peaks.every((p) => typeof p.ring === 'number')).toBe(true);
    const stored = pyJson<number[]>(
      `import sys, json, h5py
print(json.dumps(h5py.File(sys.argv[1], 'r')['f1/peaks/polar_angle'][()].tolist()))`,
      [file],
    );
    expect(stored).toEqual(j.peaks.map((p) => p.polar_angle));
  });

  it('needs --entry and a known convention', async () => {
    expect((await run(['calculate-angles', file])).err).toContain('--entry fN is required');
    const c = await run(['calculate-angles', file, '--entry', 'f1', '--convention', 'fancy']);
    expect(c.code).toBe(2);
    expect(c.err).toContain("--convention must be exact or nxrefine, got 'fancy'");
    const m = await run(['calculate-angles', file, '--entry', 'f2']);
    expect(m.code).toBe(1);
    expect(m.err).toContain('/f2/peaks');
  });
});
