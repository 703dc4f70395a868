/** New Configuration and New Scan values: defaults, checks and the file content they describe. */
import { describe, expect, it } from 'vitest';

import { countFrames } from '../../../src/refine/experiment/checks.ts';
import {
  checkConfiguration,
  configurationDefaults,
  configurationPlan,
  type ConfigurationSettings,
} from '../../../src/refine/experiment/configuration.ts';
import type { PlanNode } from '../../../src/refine/experiment/nexus-plan.ts';
import { checkScan, scanDefaults, scanPlan } from '../../../src/refine/experiment/scan.ts';
import { parseSettingsIni, withDefaults } from '../../../src/refine/settings/settings-ini.ts';

const at = (plan: PlanNode[], path: string): PlanNode | undefined => plan.find((n) => n.path === path);
const valueAt = (plan: PlanNode[], path: string): unknown => {
  const n = at(plan, path);
  return n?.kind === 'field' ? n.value : undefined;
};

function config(over: Partial<ConfigurationSettings> = {}): ConfigurationSettings {
  return { ...configurationDefaults(), ...over };
}

describe('New Configuration values', () => {
  it("start from the experiment's settings.ini, NXRefine's defaults filling the rest", () => {
    const settings = withDefaults(
      parseSettingsIni(
        '[instrument]\nsource = CHESS\ninstrument = QM2\n[nxrefine]\nwavelength = 0.3\nphi_end = 35\nchi = -90\n[nxreduce]\nmonitor = monitor2\nlast = 390\n',
      ),
    );
    const c = configurationDefaults(settings);
    expect(c).toMatchObject({
      facility: 'CHESS',
      instrument: 'QM2',
      wavelength: 0.3,
      distance: 500,
      phiStart: -5,
      phiEnd: 35,
      phiStep: 0.1,
      frameRate: 10,
      threshold: 50000,
      first: 10,
      last: 390,
      monitor: 'monitor2',
      radius: 0.2,
      detector: 'Pilatus CdTe 2M',
      detectorOrientation: '-y +z -x',
    });
    expect(c.positions).toEqual([{ chi: -90, omega: 0, theta: 0, x: 0, y: 0 }]);
    expect(checkConfiguration(c)).toEqual({});
    // no settings at all: an instrument name is still text
    expect(configurationDefaults()).toMatchObject({ facility: '', instrument: '', wavelength: 0.2 });
  });

  it('flag each bad value beside its field', () => {
    const errors = checkConfiguration(
      config({
        wavelength: -1,
        first: 20,
        last: 5,
        polarMax: 95,
        monitor: ' ',
        phiStart: 10,
        phiEnd: 0,
        frameRate: -1,
        distance: 0,
        detector: 'Pilatus 3M',
        detectorOrientation: '-y +y -x',
        beamCenterX: Number.NaN,
        positions: [{ chi: 0, omega: Number.POSITIVE_INFINITY, theta: 0, x: 0, y: 0 }],
      }),
    );
    expect(errors).toEqual({
      wavelength: 'a positive wavelength (Å)',
      last: 'must be greater than the first frame (20)',
      polarMax: 'an angle in (0, 90] degrees',
      monitor: 'the name of a monitor, e.g. monitor1',
      phiEnd: 'must be greater than φ start (10)',
      frameRate: 'frames per second ≥ 0',
      distance: 'a positive distance (mm)',
      detector: "not a detector of the list ('Pilatus 3M')",
      detectorOrientation: "three signed lab axes, e.g. '-y +z -x'",
      beamCenterX: 'a number',
      'positions.0.omega': 'a number',
    });
    expect(
      checkConfiguration(config({ positions: Array.from({ length: 9 }, () => config().positions[0]!) })),
    ).toEqual({
      positions: '0 to 8 detector positions',
    });
    expect(checkConfiguration(config({ phiStep: 0 }))).toEqual({
      phiStep: 'a positive step (degrees per frame)',
    });
  });

  it('describe the configuration file of spec §3.1', () => {
    const plan = configurationPlan(
      config({
        facility: 'CHESS',
        instrument: 'QM2',
        wavelength: 0.3,
        distance: 650,
        detector: 'Pilatus 100k',
        frameRate: 4,
        beamCenterX: 251.3,
        positions: [
          { chi: -90, omega: -10, theta: 0, x: 1.5, y: -2 },
          { chi: -90, omega: 10, theta: 0.5, x: 0, y: 0 },
        ],
      }),
    );
    expect(plan.filter((n) => n.kind === 'group' && /^\/[^/]+$/.test(n.path)).map((n) => n.path)).toEqual([
      '/entry',
      '/f1',
      '/f2',
    ]);
    expect(at(plan, '/entry/nxreduce')).toEqual({
      kind: 'group',
      path: '/entry/nxreduce',
      nxClass: 'NXparameters',
    });
    expect(at(plan, '/entry/nxreduce/first_frame')).toMatchObject({ value: 10, dtype: '<i8' });
    expect(at(plan, '/entry/nxreduce/threshold')).toMatchObject({ value: 50000, dtype: '<f8' });
    expect(at(plan, '/entry/nxreduce/monitor')).toMatchObject({ value: 'monitor1' });
    expect(valueAt(plan, '/entry/nxreduce/qmin')).toBeUndefined(); // New Configuration writes no qmin/qmax
    expect(valueAt(plan, '/entry/instrument/name')).toBe('QM2');
    expect(valueAt(plan, '/entry/instrument/source/name')).toBe('CHESS');
    expect(at(plan, '/entry/instrument/monochromator/wavelength')).toMatchObject({
      value: 0.3,
      units: 'Angstroms',
    });
    expect(at(plan, '/entry/instrument/monochromator/energy')).toMatchObject({
      value: 12.398419739640717 / 0.3,
      units: 'keV',
    });
    expect(valueAt(plan, '/entry/instrument/detector/description')).toBe('Pilatus 100k');
    expect(at(plan, '/entry/instrument/detector/distance')).toMatchObject({ value: 650, units: 'mm' });
    expect(at(plan, '/entry/instrument/detector/pixel_size')).toMatchObject({ value: 0.172, units: 'mm' });
    expect(valueAt(plan, '/entry/instrument/detector/shape')).toEqual([195, 487]);
    const mask = at(plan, '/entry/instrument/detector/pixel_mask');
    expect(mask).toMatchObject({ dtype: '<i1', shape: [195, 487] });
    for (const a of ['yaw', 'pitch', 'roll'])
      expect(valueAt(plan, `/entry/instrument/detector/${a}`)).toBe(0);
    expect(valueAt(plan, '/entry/instrument/detector/beam_center_x')).toBe(251.3);
    expect(at(plan, '/entry/instrument/detector/beam_center_y')).toBeUndefined();
    expect(at(plan, '/entry/instrument/detector/translation_x')).toBeUndefined();
    expect(at(plan, '/entry/instrument/goniometer/phi')).toMatchObject({
      value: -5,
      units: 'degree',
      attrs: { step: 0.1, end: 360 },
    });
    expect(at(plan, '/f1/instrument/detector/translation_x')).toMatchObject({ value: 1.5, units: 'mm' });
    expect(at(plan, '/f1/instrument/detector/translation_y')).toMatchObject({ value: -2, units: 'mm' });
    expect(at(plan, '/f2/instrument/detector/frame_time')).toMatchObject({ value: 0.25, units: 's' });
    expect(at(plan, '/f2/instrument/goniometer/omega')).toMatchObject({ value: 10, units: 'degree' });
    expect(valueAt(plan, '/f2/instrument/goniometer/theta')).toBe(0.5);
    expect(valueAt(plan, '/f1/instrument/goniometer/chi')).toBe(-90);
    expect(at(plan, '/f1/instrument/goniometer/phi')).toMatchObject({
      value: -5,
      attrs: { step: 0.1, end: 360 },
    });
    expect(valueAt(plan, '/f1/instrument/detector/description')).toBe('Pilatus 100k');
    // no mask for a detector pyFAI has none for; frame rate 0 → 0.1 s
    const perkin = configurationPlan(config({ detector: 'Perkin detector', frameRate: 0 }));
    expect(at(perkin, '/entry/instrument/detector/pixel_mask')).toBeUndefined();
    expect(valueAt(perkin, '/f1/instrument/detector/frame_time')).toBe(0.1);
  });
});

describe('New Scan values', () => {
  it('count frames as np.arange((end − start)/step) without floating-point noise', () => {
    expect(countFrames(-5, 360, 0.1)).toBe(3650);
    expect(countFrames(-5, 35, 0.1)).toBe(400);
    expect(countFrames(0, 0.3, 0.1)).toBe(3);
    expect(countFrames(0, 1, 0.3)).toBe(4);
    expect(countFrames(0, 1, 0)).toBe(0);
  });

  const summary = {
    phiStart: -5,
    phiEnd: 35,
    phiStep: 0.1,
    frameRate: 10,
    positions: [
      { chi: -90, omega: -10, theta: 0, x: 1, y: 2 },
      { chi: -90, omega: 10, theta: 0, x: 0, y: 0 },
    ],
  };

  it('check the scan label, temperature, rotation and each link', () => {
    const s = scanDefaults(summary);
    expect(s.positions.map((p) => [p.linkFile, p.linkPath])).toEqual([
      ['f1.h5', '/entry/data/data'],
      ['f2.h5', '/entry/data/data'],
    ]);
    expect(checkScan(s)).toEqual({});
    const bad = {
      ...s,
      scan: 'parent',
      temperature: -1,
      phiStep: -0.1,
      positions: [
        { ...s.positions[0]!, linkFile: '../f1.h5' },
        { ...s.positions[1]!, linkPath: 'entry/data' },
      ],
    };
    expect(checkScan(bad)).toEqual({
      scan: "'parent' is reserved (parent link, parent file or backup folder)",
      temperature: 'kelvin ≥ 0',
      phiStep: 'a positive step (degrees per frame)',
      'positions.0.linkFile': "no '.' or '..' components",
      'positions.1.linkPath': 'an HDF5 path such as /entry/data/data',
    });
  });

  it('describe what New Scan adds to the configuration (spec §3.2)', () => {
    const s = { ...scanDefaults(summary, '80K', 80), frameRate: 5 };
    const plan = scanPlan(s, { sample: 'CsV3Sb5', label: 'xtal1', shape: [195, 487] });
    expect(at(plan, '/entry/sample')).toMatchObject({ kind: 'group', nxClass: 'NXsample' });
    expect(valueAt(plan, '/entry/sample/name')).toBe('CsV3Sb5');
    expect(valueAt(plan, '/entry/sample/label')).toBe('xtal1');
    expect(at(plan, '/entry/sample/temperature')).toMatchObject({ value: 80, units: 'K' });
    expect(at(plan, '/f2/sample')).toEqual({ kind: 'link', path: '/f2/sample', target: '/entry/sample' });
    expect(at(plan, '/f1/data')).toMatchObject({
      kind: 'group',
      nxClass: 'NXdata',
      attrs: { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] },
    });
    expect(at(plan, '/f2/data/data')).toEqual({
      kind: 'external',
      path: '/f2/data/data',
      file: '80K/f2.h5',
      target: '/entry/data/data',
    });
    const frames = valueAt(plan, '/f1/data/frame_number') as Int32Array;
    expect(frames).toBeInstanceOf(Int32Array);
    expect([frames.length, frames[0], frames[399]]).toEqual([400, 0, 399]);
    expect((valueAt(plan, '/f1/data/x_pixel') as Int32Array).length).toBe(487);
    expect((valueAt(plan, '/f1/data/y_pixel') as Int32Array).length).toBe(195);
    for (const k of ['phi', 'phi_set']) expect(valueAt(plan, `/f1/instrument/goniometer/${k}`)).toBe(-5);
    expect(at(plan, '/f1/instrument/goniometer/phi')).toMatchObject({ attrs: { step: 0.1, end: 35 } });
    expect(valueAt(plan, '/f1/instrument/goniometer/omega_set')).toBe(-10);
    expect(valueAt(plan, '/f2/instrument/goniometer/omega_set')).toBe(10);
    expect(valueAt(plan, '/f2/instrument/goniometer/chi_set')).toBe(-90);
    expect(valueAt(plan, '/f1/instrument/detector/translation_y')).toBe(2);
    expect(valueAt(plan, '/f1/instrument/detector/frame_time')).toBe(0.2);
    expect(at(plan, '/')).toEqual({ kind: 'attrs', path: '/', attrs: { default: 'entry' } });
  });
});
