/** Naming rules and the planned experiment tree (nxrefine-spec.md §2.1). */
import { describe, expect, it } from 'vitest';

import {
  experimentDirectoryOf,
  planNewExperiment,
  planNewSample,
  planNewScan,
  rawLinkFile,
  reconcileExperimentDirectory,
} from '../../../src/refine/experiment/layout.ts';
import {
  checkName,
  checkSubpath,
  configurationFileName,
  configurationStem,
  scanNameForValue,
} from '../../../src/refine/experiment/names.ts';

describe('names', () => {
  it('accepts plain names NXRefine can split back from paths', () => {
    for (const [kind, name] of [
      ['sample', 'CsV3Sb5'],
      ['label', 'xtal1'],
      ['scan', '300K'],
      ['scan', 'm12p5K'],
      ['scan', '100K_2'],
      ['configuration', 'pilatus-2m.v2'],
      ['experiment', 'osborn-3946-a'],
    ] as const)
      expect(checkName(kind, name), `${kind} ${name}`).toBeUndefined();
  });

  it('refuses separators, spaces, dots first, reserved folders and reserved scan names', () => {
    expect(checkName('sample', '')).toBe('give a sample name');
    expect(checkName('sample', 'a/b')).toBe('one name, without / or \\');
    expect(checkName('label', ' x')).toBe('no spaces before or after the name');
    expect(checkName('label', 'my label')).toMatch(/letters, digits/);
    expect(checkName('scan', '..')).toMatch(/letters, digits/);
    expect(checkName('scan', '.hidden')).toMatch(/letters, digits/);
    expect(checkName('sample', 'tasks')).toBe("'tasks' is a folder of the experiment itself");
    expect(checkName('sample', 'Configurations')).toMatch(/folder of the experiment/);
    expect(checkName('label', 'tasks')).toBeUndefined();
    expect(checkName('scan', 'parent')).toMatch(/reserved/);
    expect(checkName('scan', 'scans')).toMatch(/reserved/);
    expect(checkName('sample', 'x'.repeat(101))).toBe('at most 100 characters');
  });

  it('configuration file names and sub-paths', () => {
    expect(configurationFileName('pil2m')).toBe('pil2m.nxs');
    expect(configurationFileName('pil2m.nxs')).toBe('pil2m.nxs');
    expect(configurationStem('pil2m.NXS')).toBe('pil2m');
    expect(checkSubpath('')).toBeUndefined();
    expect(checkSubpath('nxrefine')).toBeUndefined();
    expect(checkSubpath('raw/run1')).toBeUndefined();
    expect(checkSubpath('/abs')).toMatch(/relative/);
    expect(checkSubpath('a/../b')).toMatch(/'\.\.'/);
  });

  it("HEAD's scan names for a temperature", () => {
    expect(scanNameForValue(300)).toBe('300K');
    expect(scanNameForValue(-12.5)).toBe('m12p5K');
    expect(scanNameForValue(80.25, 'K', 'sample')).toBe('sample_80p25K');
    expect(scanNameForValue(0.1 + 0.2)).toBe('0p3K');
  });
});

describe('layout', () => {
  it('New Experiment makes the four folders and tasks/settings.ini (no nxdatabase.db)', () => {
    expect(planNewExperiment()).toEqual({
      folders: ['configurations', 'tasks', 'calibrations', 'scripts'],
      files: ['tasks/settings.ini'],
    });
  });

  it('New Sample and New Scan paths', () => {
    expect(planNewSample('CsV3Sb5', 'xtal1').folders).toEqual(['CsV3Sb5', 'CsV3Sb5/xtal1']);
    expect(planNewScan('CsV3Sb5', 'xtal1', '300K')).toEqual({
      labelDir: 'CsV3Sb5/xtal1',
      scanDir: 'CsV3Sb5/xtal1/300K',
      wrapperFile: 'CsV3Sb5/xtal1/CsV3Sb5_300K.nxs',
      folders: ['CsV3Sb5/xtal1/300K'],
      files: ['CsV3Sb5/xtal1/CsV3Sb5_300K.nxs'],
    });
    expect(rawLinkFile('300K', 2)).toBe('300K/f2.h5');
    expect(rawLinkFile('300K', 2, 'det2.h5')).toBe('300K/det2.h5');
  });

  it('experiment directory from home, name and sub-directory, and back', () => {
    expect(
      experimentDirectoryOf({ analysisHome: '/nfs/chess/aux', experiment: 'exp1', analysisPath: '' }),
    ).toBe('/nfs/chess/aux/exp1');
    expect(
      experimentDirectoryOf({
        analysisHome: '/nfs/chess/aux/',
        experiment: 'exp1',
        analysisPath: 'nxrefine',
      }),
    ).toBe('/nfs/chess/aux/exp1/nxrefine');
    expect(experimentDirectoryOf({ analysisHome: 'C:\\data', experiment: 'exp1', analysisPath: 'a/b' })).toBe(
      'C:\\data\\exp1\\a\\b',
    );
    expect(reconcileExperimentDirectory('/nfs/chess/aux/exp1/nxrefine', 'nxrefine')).toEqual({
      analysisHome: '/nfs/chess/aux',
      experiment: 'exp1',
      analysisPath: 'nxrefine',
    });
    expect(reconcileExperimentDirectory('/nfs/chess/aux/exp1/', 'nxrefine')).toEqual({
      analysisHome: '/nfs/chess/aux',
      experiment: 'exp1',
      analysisPath: '',
    });
    expect(reconcileExperimentDirectory('runs/exp2')).toEqual({
      analysisHome: 'runs',
      experiment: 'exp2',
      analysisPath: '',
    });
    expect(reconcileExperimentDirectory('/exp')).toEqual({
      analysisHome: '/',
      experiment: 'exp',
      analysisPath: '',
    });
    expect(reconcileExperimentDirectory('exp')).toBeUndefined();
  });
});
