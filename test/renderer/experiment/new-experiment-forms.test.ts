// The New Experiment / New Configuration / New Scan / Edit Settings field checks agree with the
// engine's: the same values typed in a dialog and sent to the job are flagged and refused alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newConfiguration } from '../../../src/engine/experiment/new-configuration.ts';
import { newExperiment } from '../../../src/engine/experiment/new-experiment.ts';
import { editSettings, readSettings } from '../../../src/engine/experiment/settings.ts';
import { checkConfiguration, configurationDefaults } from '../../../src/refine/experiment/configuration.ts';
import { checkScan, scanDefaults } from '../../../src/refine/experiment/scan.ts';
import {
  checkExperimentForm,
  checkSettingsForm,
  fromForm,
  fromScanForm,
} from '../../../src/renderer/experiment/new-experiment-forms.ts';
import type { SettingsSummary } from '../../../src/shared/experiment-jobs.ts';

let root: string;
let exp: string;
const server = { env: {}, home: '/nonexistent' };
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nxr-experiment-forms-'));
  exp = join(root, 'exp');
  await newExperiment({ directory: exp, server });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const form = (over: Record<string, string> = {}): Record<string, string> => ({
  name: 'c1',
  facility: 'CHESS',
  instrument: 'QM2',
  wavelength: '0.2',
  threshold: '50000',
  first: '10',
  last: '3640',
  polarMax: '10',
  hklTolerance: '0.05',
  monitor: 'monitor1',
  norm: '50000',
  radius: '0.2',
  phiStart: '-5',
  phiEnd: '360',
  phiStep: '0.1',
  frameRate: '10',
  distance: '500',
  detectorOrientation: '-y +z -x',
  beamCenterX: '',
  beamCenterY: '',
  ...over,
});
const position = { chi: '0', omega: '0', theta: '0', x: '0', y: '0' };

describe('New Configuration fields', () => {
  it('typed values become the job values; the blank optional beam centre is left out', () => {
    const c = fromForm(form({ wavelength: ' 0.3 ', beamCenterX: '700' }) as never, 'Pilatus 100k', [
      position,
    ]);
    expect(c).toEqual({
      ...configurationDefaults(),
      facility: 'CHESS',
      instrument: 'QM2',
      wavelength: 0.3,
      detector: 'Pilatus 100k',
      beamCenterX: 700,
      positions: [{ chi: 0, omega: 0, theta: 0, x: 0, y: 0 }],
    });
    expect(checkConfiguration(c)).toEqual({});
  });

  it('a value flagged beside its field is refused by the job with the same words', async () => {
    for (const [over, key, message] of [
      [{ wavelength: 'abc' }, 'wavelength', 'a number'],
      [{ last: '5' }, 'last', 'must be greater than the first frame (10)'],
      [{ detectorOrientation: 'x y' }, 'detectorOrientation', "three signed lab axes, e.g. '-y +z -x'"],
      [{ phiEnd: '-10' }, 'phiEnd', 'must be greater than φ start (-5)'],
    ] as const) {
      const c = fromForm(form(over) as never, 'Pilatus 100k', [position]);
      expect(checkConfiguration(c)[key], key).toBe(message);
      await expect(newConfiguration({ directory: exp, name: 'c1', values: c }), key).rejects.toThrow(
        new RegExp(`^${key} = .*: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
      );
    }
  });
});

describe('New Scan fields', () => {
  it('per-position link fields and numbers', () => {
    const s = fromScanForm(
      { scan: ' 300K ', temperature: '300', phiStart: '-5', phiEnd: '1', phiStep: '0.1', frameRate: '10' },
      [{ ...position, chi: '-90', linkFile: ' f1.h5 ', linkPath: '/entry/data/data' }],
    );
    const summary = {
      phiStart: -5,
      phiEnd: 1,
      phiStep: 0.1,
      frameRate: 10,
      positions: [{ chi: -90, omega: 0, theta: 0, x: 0, y: 0 }],
    };
    expect(s).toEqual(scanDefaults(summary, '300K', 300));
    expect(checkScan(s)).toEqual({});
  });
});

describe('New Experiment fields', () => {
  it('home required under Electron, not in browser mode (the served folder); instrument in any case', () => {
    const v = {
      source: '',
      instrument: 'qm2',
      rawHome: '',
      rawPath: '',
      analysisPath: '',
      experiment: 'exp1',
    };
    expect(checkExperimentForm(v, '', ['QM2'], false)).toEqual({
      home: 'choose the analysis home directory',
    });
    expect(checkExperimentForm(v, '', ['QM2'], true)).toEqual({});
    expect(
      checkExperimentForm(
        { ...v, instrument: 'ID28', rawHome: 'raw', analysisPath: '../x' },
        '/data',
        ['QM2'],
        false,
      ),
    ).toEqual({
      instrument: 'a registered beamline: QM2',
      rawHome: 'an absolute directory on the machine with the raw data',
      analysisPath: "no '.' or '..' components",
    });
  });
});

describe('Edit Settings fields', () => {
  it('flag what the job refuses, with the same message', async () => {
    const view = (await readSettings({ scope: 'experiment', directory: exp })) as unknown as SettingsSummary;
    const texts: Record<string, string> = {};
    for (const s of view.sections) for (const e of s.entries) texts[`${s.name}.${e.key}`] = e.text;
    expect(checkSettingsForm(view, texts)).toEqual({});
    for (const [key, value, flagged, message] of [
      [
        'nxreduce.first',
        '4000',
        'nxreduce.last',
        '[nxreduce] last = 3640: must be greater than the first frame (4000)',
      ],
      [
        'instrument.instrument',
        'ID28',
        'instrument.instrument',
        '[instrument] instrument = ID28: not a registered beamline (QM2)',
      ],
      [
        'nxrefine.phi_step',
        '-0.1',
        'nxrefine.phi_step',
        '[nxrefine] phi_step = -0.1: a positive step (degrees per frame)',
      ],
    ] as const) {
      const errors = checkSettingsForm(view, { ...texts, [key]: value });
      expect(Object.keys(errors)).toEqual([flagged]);
      expect(message.endsWith(errors[flagged]!)).toBe(true);
      await expect(
        editSettings({ scope: 'experiment', directory: exp, values: { [key]: value } }),
      ).rejects.toThrow(`${join(exp, 'tasks', 'settings.ini')}: ${message}`);
    }
  });
});
