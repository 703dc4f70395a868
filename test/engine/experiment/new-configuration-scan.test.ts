/**
 * New Configuration, New Sample and New Scan writing real files, read back with Debian's h5py and
 * compared field by field with nxrefine-spec.md §3.1 / §3.2 (values, dtypes, units, NX classes,
 * links); refusals that leave nothing half-written; and a scan made by New Scan, with simulated
 * frames put at its link target, run through `nxr find-maximum` and `nxr find-peaks` — the same
 * peaks as the simulator's own scan file.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../src/cli/main.ts';
import {
  newConfiguration,
  readConfigurationDefaults,
} from '../../../src/engine/experiment/new-configuration.ts';
import { newExperiment } from '../../../src/engine/experiment/new-experiment.ts';
import { newSample } from '../../../src/engine/experiment/new-sample.ts';
import { newScan, readConfigurationSummary } from '../../../src/engine/experiment/new-scan.ts';
import type { ConfigurationSettings } from '../../../src/refine/experiment/configuration.ts';
import { pyJson } from '../../helpers/python.ts';
import { abortOnCheck, sha256, simulateScan } from '../jobs/simulated.ts';
import { h5dump, type H5Item } from './h5dump.ts';

let root: string;
let exp: string;
const server = { env: {}, home: '/nonexistent' };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-new-scan-'));
  exp = join(root, 'exp');
  await newExperiment({ directory: exp, source: 'CHESS', instrument: 'QM2', server });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function values(over: Partial<ConfigurationSettings> = {}): ConfigurationSettings {
  return { ...readConfigurationDefaults(exp), ...over };
}

const field = (d: Record<string, H5Item>, p: string): H5Item => {
  const item = d[p];
  if (item === undefined) throw new Error(`no ${p}`);
  return item;
};

describe('new configuration', () => {
  it('writes configurations/<name>.nxs as spec §3.1 (h5py, field by field)', async () => {
    const r = await newConfiguration({
      directory: exp,
      name: 'pil2m',
      values: values({
        wavelength: 0.3,
        distance: 650.5,
        threshold: 20000,
        last: 3600,
        frameRate: 4,
        positions: [
          { chi: -90, omega: -10, theta: 0, x: 1.5, y: -2 },
          { chi: -90, omega: 0, theta: 0, x: 0, y: 0 },
          { chi: -90, omega: 10, theta: 0.5, x: 0, y: 3 },
        ],
      }),
    });
    expect(r.file).toBe(join(exp, 'configurations', 'pil2m.nxs'));
    expect(r.entries).toEqual(['entry', 'f1', 'f2', 'f3']);
    expect(r.detector).toEqual({
      name: 'Pilatus CdTe 2M',
      shape: [1679, 1475],
      pixelSize: 0.172,
      maskedPixels: 211405,
    });
    expect(r.nframes).toBe(3650);
    expect(readdirSync(join(exp, 'configurations'))).toEqual(['pil2m.nxs']);

    const d = h5dump(r.file);
    const topLevel = Object.keys(d).filter((p) => /^\/[^/]+$/.test(p));
    expect(topLevel).toEqual(['/entry', '/f1', '/f2', '/f3']);
    for (const e of topLevel) expect(field(d, e).attrs['NX_class']).toBe('NXentry');
    const groups: Array<[string, string]> = [
      ['/entry/nxreduce', 'NXparameters'],
      ['/entry/instrument', 'NXinstrument'],
      ['/entry/instrument/source', 'NXsource'],
      ['/entry/instrument/monochromator', 'NXmonochromator'],
      ['/entry/instrument/goniometer', 'NXgoniometer'],
      ['/entry/instrument/detector', 'NXdetector'],
      ['/f3/instrument/detector', 'NXdetector'],
      ['/f3/instrument/goniometer', 'NXgoniometer'],
    ];
    for (const [p, cls] of groups) expect(field(d, p).attrs['NX_class'], p).toBe(cls);
    const expectField = (p: string, value: unknown, dtype: string, units?: string): void => {
      const f = field(d, p);
      expect(f.kind, p).toBe('dataset');
      expect(f.value, p).toEqual(value);
      expect(f.dtype, p).toBe(dtype);
      expect(f.attrs['units'], p).toBe(units);
    };
    expectField('/entry/nxreduce/threshold', 20000, '<f8');
    expectField('/entry/nxreduce/first_frame', 10, '<i8');
    expectField('/entry/nxreduce/last_frame', 3600, '<i8');
    expectField('/entry/nxreduce/polar_max', 10, '<f8');
    expectField('/entry/nxreduce/hkl_tolerance', 0.05, '<f8');
    expectField('/entry/nxreduce/monitor', 'monitor1', 'str');
    expectField('/entry/nxreduce/norm', 50000, '<f8');
    expectField('/entry/nxreduce/radius', 0.2, '<f8');
    expectField('/entry/instrument/name', 'QM2', 'str');
    expectField('/entry/instrument/source/name', 'CHESS', 'str');
    expectField('/entry/instrument/monochromator/wavelength', 0.3, '<f8', 'Angstroms');
    expectField('/entry/instrument/monochromator/energy', 12.398419739640717 / 0.3, '<f8', 'keV');
    expectField('/entry/instrument/detector/description', 'Pilatus CdTe 2M', 'str');
    expectField('/entry/instrument/detector/distance', 650.5, '<f8', 'mm');
    expectField('/entry/instrument/detector/detector_orientation', '-y +z -x', 'str');
    expectField('/entry/instrument/detector/pixel_size', 0.172, '<f8', 'mm');
    expectField('/entry/instrument/detector/shape', [1679, 1475], '<i8');
    for (const a of ['yaw', 'pitch', 'roll'])
      expectField(`/entry/instrument/detector/${a}`, 0, '<f8', 'degree');
    const mask = field(d, '/entry/instrument/detector/pixel_mask');
    expect([mask.dtype, mask.shape, mask.sum, mask.compression]).toEqual([
      '|i1',
      [1679, 1475],
      211405,
      'gzip',
    ]);
    const phi = field(d, '/entry/instrument/goniometer/phi');
    expect([phi.value, phi.dtype, phi.attrs]).toEqual([-5, '<f8', { units: 'degree', step: 0.1, end: 360 }]);
    expect(d['/entry/instrument/detector/translation_x']).toBeUndefined();
    expect(d['/entry/instrument/detector/beam_center_x']).toBeUndefined();
    // per position: a copy of /entry/instrument plus translation, frame time and angles
    expectField('/f1/instrument/detector/translation_x', 1.5, '<f8', 'mm');
    expectField('/f1/instrument/detector/translation_y', -2, '<f8', 'mm');
    expectField('/f3/instrument/detector/translation_y', 3, '<f8', 'mm');
    expectField('/f2/instrument/detector/frame_time', 0.25, '<f8', 's');
    expectField('/f1/instrument/goniometer/omega', -10, '<f8', 'degree');
    expectField('/f3/instrument/goniometer/omega', 10, '<f8', 'degree');
    expectField('/f3/instrument/goniometer/theta', 0.5, '<f8', 'degree');
    expectField('/f2/instrument/goniometer/chi', -90, '<f8', 'degree');
    expect(field(d, '/f2/instrument/goniometer/phi').attrs).toEqual({ units: 'degree', step: 0.1, end: 360 });
    expectField('/f2/instrument/monochromator/wavelength', 0.3, '<f8', 'Angstroms');
    expect(field(d, '/f3/instrument/detector/pixel_mask').sum).toBe(211405);
    expect(d['/entry/sample']).toBeUndefined();
    expect(d['/f1/data']).toBeUndefined();
  });

  it('refuses a second configuration of the same name, bad values and non-experiments, writing nothing', async () => {
    const file = join(exp, 'configurations', 'pil2m.nxs');
    const before = sha256(file);
    await expect(
      newConfiguration({ directory: exp, name: 'pil2m.nxs', values: values() }),
    ).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      file,
    });
    await expect(
      newConfiguration({ directory: exp, name: 'other', values: values({ detector: 'Pilatus 3M' }) }),
    ).rejects.toThrow(`detector = "Pilatus 3M": not a detector of the list ('Pilatus 3M')`);
    await expect(
      newConfiguration({
        directory: exp,
        name: 'other',
        values: values({ positions: [{ chi: 0, omega: Number.NaN, theta: 0, x: 0, y: 0 }] }),
      }),
    ).rejects.toThrow('positions.0.omega = null: a number');
    await expect(newConfiguration({ directory: exp, name: 'a b', values: values() })).rejects.toThrow(
      "configuration name 'a b'",
    );
    await expect(newConfiguration({ directory: root, name: 'x', values: values() })).rejects.toThrow(
      `${root}: not an experiment directory`,
    );
    // cancelled after everything was written in the temp file: no file, no temp, no lock
    await expect(
      newConfiguration({ directory: exp, name: 'cancelled', values: values() }, { signal: abortOnCheck(2) }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(readdirSync(join(exp, 'configurations'))).toEqual(['pil2m.nxs']);
    expect(sha256(file)).toBe(before);
  });
});

describe('new sample and new scan', () => {
  it('new sample makes <sample>/<label> once', async () => {
    expect(await newSample({ directory: exp, sample: 'CsV3Sb5', label: 'xtal1' })).toEqual({
      labelDir: join(exp, 'CsV3Sb5', 'xtal1'),
      relative: 'CsV3Sb5/xtal1',
      created: true,
    });
    expect((await newSample({ directory: exp, sample: 'CsV3Sb5', label: 'xtal1' })).created).toBe(false);
    await expect(newSample({ directory: exp, sample: 'tasks', label: 'x' })).rejects.toThrow(
      "sample name 'tasks': 'tasks' is a folder of the experiment itself",
    );
  });

  it('writes <sample>_<scan>.nxs as spec §3.2: the configuration plus sample, *_set values and data links', async () => {
    const summary = await readConfigurationSummary(join(exp, 'configurations', 'pil2m.nxs'));
    expect(summary).toMatchObject({
      entries: ['f1', 'f2', 'f3'],
      shape: [1679, 1475],
      phiStart: -5,
      phiEnd: 360,
    });
    expect(summary.frameRate).toBeCloseTo(4, 12);
    const r = await newScan({
      directory: exp,
      sample: 'CsV3Sb5',
      label: 'xtal1',
      configuration: 'pil2m',
      values: {
        scan: '80K',
        temperature: 80,
        phiEnd: 35,
        positions: [{ omega: -12 }, {}, { linkFile: 'det3.h5', linkPath: '/entry/instrument/detector/data' }],
      },
    });
    expect(r.relative).toEqual({
      wrapperFile: 'CsV3Sb5/xtal1/CsV3Sb5_80K.nxs',
      scanDir: 'CsV3Sb5/xtal1/80K',
    });
    expect(r.nframes).toBe(400);
    expect(r.links).toEqual([
      { entry: 'f1', file: '80K/f1.h5', path: '/entry/data/data', exists: false },
      { entry: 'f2', file: '80K/f2.h5', path: '/entry/data/data', exists: false },
      { entry: 'f3', file: '80K/det3.h5', path: '/entry/instrument/detector/data', exists: false },
    ]);
    expect(readdirSync(join(exp, 'CsV3Sb5', 'xtal1')).sort()).toEqual(['80K', 'CsV3Sb5_80K.nxs']);
    expect(readdirSync(join(exp, 'CsV3Sb5', 'xtal1', '80K'))).toEqual([]);

    const d = h5dump(r.wrapperFile);
    const c = h5dump(join(exp, 'configurations', 'pil2m.nxs'));
    expect(field(d, '/').attrs).toEqual({ default: 'entry' });
    // everything of the configuration is there, unchanged, except what New Scan sets
    const setByScan =
      /^\/f\d\/instrument\/(goniometer\/(phi|chi|omega|theta)|detector\/(translation_[xy]|frame_time))$/;
    for (const [p, item] of Object.entries(c)) {
      if (p === '/' || setByScan.test(p)) continue;
      const mine = field(d, p);
      // New Scan adds @default='data' to each fN (checked below)
      const { default: _default, ...attrs } = mine.attrs;
      expect(
        [mine.kind, mine.dtype, mine.shape, mine.value, mine.sum, /^\/f\d$/.test(p) ? attrs : mine.attrs],
        p,
      ).toEqual([item.kind, item.dtype, item.shape, item.value, item.sum, item.attrs]);
    }
    expect(field(d, '/entry/sample').attrs).toEqual({ NX_class: 'NXsample', target: '/entry/sample' });
    expect(field(d, '/entry/sample/name').value).toBe('CsV3Sb5');
    expect(field(d, '/entry/sample/label').value).toBe('xtal1');
    expect([
      field(d, '/entry/sample/temperature').value,
      field(d, '/entry/sample/temperature').attrs,
    ]).toEqual([80, { units: 'K' }]);
    for (const e of ['f1', 'f2', 'f3']) {
      expect(field(d, `/${e}/sample`).addr, `${e}/sample is /entry/sample`).toBe(
        field(d, '/entry/sample').addr,
      );
      expect(field(d, `/${e}`).attrs).toEqual({ NX_class: 'NXentry', default: 'data' });
      expect(field(d, `/${e}/data`).attrs).toEqual({
        NX_class: 'NXdata',
        signal: 'data',
        axes: ['frame_number', 'y_pixel', 'x_pixel'],
      });
      const frames = field(d, `/${e}/data/frame_number`);
      expect([frames.dtype, frames.shape, frames.sum]).toEqual(['<i4', [400], (399 * 400) / 2]);
      expect([field(d, `/${e}/data/x_pixel`).dtype, field(d, `/${e}/data/x_pixel`).shape]).toEqual([
        '<i4',
        [1475],
      ]);
      expect([field(d, `/${e}/data/y_pixel`).dtype, field(d, `/${e}/data/y_pixel`).shape]).toEqual([
        '<i4',
        [1679],
      ]);
      const phi = field(d, `/${e}/instrument/goniometer/phi`);
      expect([phi.value, phi.attrs]).toEqual([-5, { units: 'degree', step: 0.1, end: 35 }]);
      expect(field(d, `/${e}/instrument/goniometer/phi_set`).value).toBe(-5);
      expect(field(d, `/${e}/instrument/goniometer/chi_set`).value).toBe(-90);
      expect(field(d, `/${e}/instrument/detector/frame_time`).value).toBeCloseTo(0.25, 12);
    }
    expect(field(d, '/f1/instrument/goniometer/omega').value).toBe(-12);
    expect(field(d, '/f1/instrument/goniometer/omega_set').value).toBe(-12);
    expect(field(d, '/f3/instrument/goniometer/omega_set').value).toBe(10);
    expect(field(d, '/f3/instrument/goniometer/theta_set').attrs).toEqual({ units: 'degree' });
    expect(field(d, '/f1/instrument/detector/translation_x').value).toBe(1.5);
    expect(field(d, '/f1/data/data')).toEqual({
      kind: 'external',
      attrs: {},
      file: '80K/f1.h5',
      path: '/entry/data/data',
    });
    expect(field(d, '/f3/data/data')).toMatchObject({
      file: '80K/det3.h5',
      path: '/entry/instrument/detector/data',
    });
  });

  it('refuses an existing scan, an unknown sample or configuration and bad values', async () => {
    const wrapper = join(exp, 'CsV3Sb5', 'xtal1', 'CsV3Sb5_80K.nxs');
    const before = sha256(wrapper);
    const base = { directory: exp, sample: 'CsV3Sb5', label: 'xtal1', configuration: 'pil2m' };
    await expect(newScan({ ...base, values: { scan: '80K' } })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      file: wrapper,
    });
    await expect(newScan({ ...base, label: 'xtal9', values: { scan: '90K' } })).rejects.toThrow(
      `${join(exp, 'CsV3Sb5', 'xtal9')}: no such sample directory: make it with New Sample first`,
    );
    await expect(newScan({ ...base, configuration: 'none', values: { scan: '90K' } })).rejects.toThrow(
      `${join(exp, 'configurations', 'none.nxs')}: no such configuration`,
    );
    await expect(newScan({ ...base, values: { scan: '90K', phiStep: 0 } })).rejects.toThrow(
      'phiStep = 0: a positive step (degrees per frame)',
    );
    await expect(newScan({ ...base, values: { scan: '90K', positions: [{}] } })).rejects.toThrow(
      'the configuration has 3 detector positions, the scan gives 1',
    );
    await expect(newScan({ ...base, values: { scan: 'parent' } })).rejects.toThrow(
      /scan = "parent": 'parent' is reserved/,
    );
    expect(sha256(wrapper)).toBe(before);
    expect(readdirSync(join(exp, 'CsV3Sb5', 'xtal1')).sort()).toEqual(['80K', 'CsV3Sb5_80K.nxs']);
    const over = await newScan({ ...base, values: { scan: '80K', temperature: 81 }, overwrite: true });
    expect(h5dump(over.wrapperFile)['/entry/sample/temperature']!.value).toBe(81);
  });
});

describe('a New Scan file runs through the pipeline', () => {
  it("with simulated frames at its link target, find-maximum and find-peaks give the simulator's peaks", async () => {
    // the simulated scan: Pilatus 100K (195 × 487), λ 0.2 Å, 200 mm, φ −5° + 0.1°/frame, 60 frames
    const sim = await simulateScan(join(root, 'sim'), { scan: '300K', seed: 5, frames: 60 });
    const g = sim.truth.entries[0]!.geometry;
    expect([g.shape, g.wavelength, g.distance, g.phiStart, g.phiStep]).toEqual([
      [195, 487],
      0.2,
      200,
      -5,
      0.1,
    ]);
    let r = await run([
      'new-configuration',
      exp,
      'pil100k',
      '--detector',
      'Pilatus 100k',
      '--wavelength',
      '0.2',
      '--distance',
      '200',
      `--beam-center=${g.beamCenterX},${g.beamCenterY}`,
      '--phi-end=1',
      '--positions',
      '1',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    r = await run(['new-sample', exp, 'sim/xtal1']);
    expect(r.code).toBe(0);
    r = await run(['new-scan', exp, 'sim/xtal1', '300K', '--configuration', 'pil100k']);
    expect(r.code).toBe(0);
    const wrapper = join(exp, 'sim', 'xtal1', 'sim_300K.nxs');
    expect(r.out).toContain(`scan file ${wrapper}`);
    expect(r.out).toContain('60 frames, φ -5° → 1° in 0.1° steps');
    expect(r.out).toContain('/f1/data/data → 300K/f1.h5:/entry/data/data  (not there yet)');
    copyFileSync(
      join(sim.experimentDir, 'sim', 'xtal1', '300K', 'f1.h5'),
      join(exp, 'sim', 'xtal1', '300K', 'f1.h5'),
    );

    const args = ['--entry', 'f1', '--first', '2', '--last', '58', '--json'];
    const peaksOf = async (
      file: string,
    ): Promise<{ maximum: number; x: number[]; y: number[]; z: number[] }> => {
      const max = await run(['find-maximum', file, ...args]);
      expect(max.code, max.err).toBe(0);
      const find = await run(['find-peaks', file, ...args, '--threshold', '500', '--min-pixels', '5']);
      expect(find.code, find.err).toBe(0);
      const p = pyJson<{ x: number[]; y: number[]; z: number[] }>(
        `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({k: f['/f1/peaks/' + k][()].tolist() for k in ('x', 'y', 'z')}))`,
        [file],
      );
      return { maximum: (JSON.parse(max.out) as { maximum: number }).maximum, ...p };
    };
    const ours = await peaksOf(wrapper);
    const theirs = await peaksOf(sim.wrapper);
    expect(ours.x.length).toBeGreaterThan(5);
    expect(ours).toEqual(theirs);
    // the peaks are the simulated reflections: each found peak lies within 1.5 px / 1.5 frames of one
    const truth = sim.truth.entries[0]!.reflections;
    for (let i = 0; i < ours.x.length; i++) {
      const near = truth.some(
        (t) =>
          Math.abs(t.x - ours.x[i]!) < 1.5 &&
          Math.abs(t.y - ours.y[i]!) < 1.5 &&
          Math.abs(t.frame - ours.z[i]!) < 1.5,
      );
      expect(near, `peak ${i} at (${ours.x[i]}, ${ours.y[i]}, ${ours.z[i]})`).toBe(true);
    }
    expect(existsSync(join(exp, 'sim', 'xtal1', 'sim_300K.nxs'))).toBe(true);
  });
});
