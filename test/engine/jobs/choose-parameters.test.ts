/**
 * Choose Parameters: NXRefine's cascade (command line → parent → own /entry/nxreduce →
 * settings.ini → defaults) with origins, frame corrections, validation naming file and path, and
 * what is stored in /entry/nxreduce as Debian h5py reads it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chooseParameters } from '../../../src/engine/jobs/choose-parameters.ts';
import { makeParent } from '../../../src/engine/jobs/parent.ts';
import { readReductionParameters } from '../../../src/engine/jobs/reduction-parameters.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson, pyRun } from '../../helpers/python.ts';
import { abortOnCheck, sha256, simulateScan } from './simulated.ts';

let dir: string;
let parent: string;
let child: string;

/** Write /entry/nxreduce fields with h5py, as nexusformat would (ints int64, floats float64, str). */
function writeNxreduceWithH5py(file: string, fields: Record<string, number | string>): void {
  pyRun(
    `import sys, json, h5py
f = h5py.File(sys.argv[1], 'a')
g = f['entry'].require_group('nxreduce')
g.attrs['NX_class'] = 'NXparameters'
for k, v in json.loads(sys.argv[2]).items():
    if k in g: del g[k]
    g[k] = v
f.close()`,
    [file, JSON.stringify(fields)],
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-choose-'));
  parent = (await simulateScan(dir, { scan: '300K', seed: 21, frames: 50 })).wrapper;
  child = (await simulateScan(dir, { scan: '200K', seed: 22, frames: 50 })).wrapper;
  // experiment settings with some keys only; last = 3640 exceeds the 50 frames
  writeFileSync(
    join(dir, 'tasks', 'settings.ini'),
    '[nxreduce]\nthreshold = 1234\npolar_max = 7.5\nhkl_tolerance = 0.07\nlast = 3640\nmonitor = monitor2\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reduction parameter cascade', () => {
  it('takes command line, then own file, then settings.ini, then defaults, and corrects last > frames', async () => {
    writeNxreduceWithH5py(child, { threshold: 2222.0, qmin: 3.0, first_frame: 5 });
    const r = await readReductionParameters(child, { overrides: { radius: 0.3 } });
    expect(r.nframes).toBe(50);
    expect(r.parentFile).toBeUndefined();
    expect(r.values).toEqual({
      threshold: 2222,
      first: 5,
      last: 40,
      polar_max: 7.5,
      hkl_tolerance: 0.07,
      monitor: 'monitor2',
      norm: 50000,
      qmin: 3,
      qmax: 10,
      radius: 0.3,
      min_pixels: 10,
    });
    expect(r.origins.radius.source).toBe('command line');
    expect(r.origins.threshold).toEqual({ source: 'file', file: child, path: '/entry/nxreduce/threshold' });
    expect(r.origins.first).toMatchObject({ source: 'file', path: '/entry/nxreduce/first_frame' });
    expect(r.origins.polar_max).toMatchObject({
      source: 'settings.ini',
      file: join(dir, 'tasks', 'settings.ini'),
    });
    expect(r.origins.last).toMatchObject({
      source: 'settings.ini',
      note: 'last 3640 > 50 frames → nframes − 10',
    });
    expect(r.origins.norm.source).toBe('default');
    expect(r.origins.qmax.source).toBe('default');
  });

  it("puts the parent's /entry/nxreduce above the file's own once a parent is designated", async () => {
    writeNxreduceWithH5py(parent, { threshold: 3333.0, polar_max: 12.0, first_frame: -4 });
    await makeParent({ file: parent });
    const r = await readReductionParameters(child, { overrides: { radius: 0.3 } });
    expect(r.parentFile).toBe(parent);
    expect(r.values.threshold).toBe(3333); // parent over own 2222
    expect(r.origins.threshold).toEqual({
      source: 'parent',
      file: parent,
      path: '/entry/nxreduce/threshold',
    });
    expect(r.values.polar_max).toBe(12); // parent over settings.ini 7.5
    expect(r.values.first).toBe(10); // parent's −4 corrected as NXRefine does
    expect(r.origins.first).toMatchObject({ source: 'parent', note: 'first -4 < 0 → 10' });
    expect(r.values.qmin).toBe(3); // own over settings/defaults
    expect(r.origins.qmin.source).toBe('file');
    expect(r.values.radius).toBe(0.3); // command line over everything
    // the parent itself does not take its values from itself first…
    const p = await readReductionParameters(parent);
    expect(p.parentFile).toBeUndefined();
    expect(p.origins.threshold.source).toBe('file');
    // …and the parent can be left out
    const own = await readReductionParameters(child, { parent: null });
    expect(own.values.threshold).toBe(2222);
    // without settings.ini the built-in defaults apply (last 3640 → 40)
    const bare = await readReductionParameters(child, { parent: null, settingsFile: null });
    expect(bare.values).toMatchObject({ polar_max: 10, hkl_tolerance: 0.05, monitor: 'monitor1', last: 40 });
    expect(bare.origins.last).toMatchObject({
      source: 'default',
      note: 'last 3640 > 50 frames → nframes − 10',
    });
  });
});

describe('chooseParameters', () => {
  it('stores the effective values in /entry/nxreduce with NXRefine names and dtypes (h5py)', async () => {
    const r = await chooseParameters({
      file: child,
      values: { threshold: 25000, last: 45, monitor: 'monitor1' },
      parent: null,
    });
    expect(r.written).toBe(true);
    const py = pyJson<Record<string, [string, string | number]> & { cls: string }>(
      `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
g = f['entry/nxreduce']
out = {k: [g[k].dtype.kind + str(g[k].dtype.itemsize), g[k].asstr()[()] if g[k].dtype.kind == 'O' else g[k][()].item()] for k in g}
out['cls'] = g.attrs['NX_class']
print(json.dumps(out))`,
      [child],
    );
    expect(py).toEqual({
      cls: 'NXparameters',
      threshold: ['f8', 25000],
      first_frame: ['i8', 5],
      last_frame: ['i8', 45],
      polar_max: ['f8', 7.5],
      hkl_tolerance: ['f8', 0.07],
      monitor: ['O8', 'monitor1'],
      norm: ['f8', 50000],
      qmin: ['f8', 3],
      qmax: ['f8', 10],
      radius: ['f8', 0.2],
      min_pixels: ['i8', 10],
    });
    // read back through the cascade: everything now comes from the file
    const back = await readReductionParameters(child, { parent: null });
    expect(back.values).toEqual(r.values);
    expect(Object.values(back.origins).every((o) => o.source === 'file')).toBe(true);
  });

  it('refuses invalid values, naming the parameter, its origin, file and path', async () => {
    const fail = async (values: object, opts: object = {}): Promise<NxrError> => {
      const e = await chooseParameters({ file: child, values, parent: null, write: false, ...opts }).catch(
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(NxrError);
      expect((e as NxrError).code).toBe('BAD_PARAMETER');
      return e as NxrError;
    };
    expect((await fail({ last: 51 })).message).toContain('last = 51: must be ≤ the number of frames (50)');
    expect((await fail({ first: 30, last: 20 })).message).toContain(
      'last = 20: must be greater than first (30)',
    );
    expect((await fail({ first: 46 })).message).toMatch(
      /first = 46: must be less than last \(45, file .*sim_200K\.nxs:\/entry\/nxreduce\/last_frame\)/,
    );
    expect((await fail({ threshold: -1 })).message).toContain('threshold = -1: must be positive');
    expect((await fail({ polar_max: 95 })).message).toContain('polar-max = 95: must be in (0, 90] degrees');
    expect((await fail({ polar_max: 0 })).message).toContain('polar-max = 0');
    expect((await fail({ hkl_tolerance: 0 })).message).toContain('hkl-tolerance = 0: must be positive');
    expect((await fail({ qmin: 10, qmax: 5 })).message).toContain('qmax = 5: must be greater than qmin (10)');
    expect((await fail({ min_pixels: 2.5 })).message).toContain('min-pixels = 2.5');
    expect((await fail({ first: 1.5 })).message).toContain('first = 1.5: must be a frame index');
    // an invalid stored value names the file and the field
    writeNxreduceWithH5py(child, { hkl_tolerance: -0.5 });
    const stored = await fail({});
    expect(stored.file).toBe(child);
    expect(stored.path).toBe('/entry/nxreduce/hkl_tolerance');
    expect(stored.message).toContain('hkl-tolerance = -0.5 (stored in the file): must be positive');
    writeNxreduceWithH5py(child, { hkl_tolerance: 0.07 });
  });

  it('writes nothing with write: false, and nothing when the update is aborted midway', async () => {
    const before = sha256(child);
    const r = await chooseParameters({ file: child, values: { threshold: 1 }, parent: null, write: false });
    expect(r.written).toBe(false);
    expect(r.values.threshold).toBe(1);
    expect(sha256(child)).toBe(before);
    // the second look at the signal is inside the update, after /entry/nxreduce was rewritten
    const e = await chooseParameters(
      { file: child, values: { threshold: 1 }, parent: null },
      { signal: abortOnCheck(2) },
    ).catch((x: unknown) => x);
    expect((e as NxrError).code).toBe('CANCELLED');
    expect(sha256(child)).toBe(before);
    const back = await readReductionParameters(child, { parent: null });
    expect(back.values.threshold).toBe(25000);
  });

  it('"Set As Parent" makes the file the parent after saving', async () => {
    const r = await chooseParameters({ file: child, setParent: true, parent: null });
    expect(r.parent?.file).toBe(child);
    expect(r.parent?.previous).toBe(parent);
    const again = await readReductionParameters(parent);
    expect(again.parentFile).toBe(child);
  });
});
