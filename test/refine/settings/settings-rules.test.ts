/** NXSettings' clean-up (defaults filled, unknown keys dropped, server sections) and the value rules of Edit Settings. */
import { describe, expect, it } from 'vitest';

import {
  checkSettings,
  checkSettingValue,
  canonicalInstrument,
} from '../../../src/refine/settings/setting-rules.ts';
import {
  DEFAULT_SETTINGS,
  experimentSettingsFromServer,
  formatSettingsIni,
  normalizeSettings,
  parseSettingsIni,
  parseSettingValue,
} from '../../../src/refine/settings/settings-ini.ts';

const ctx = { instruments: ['QM2', '6-ID-D'] };

const SERVER_FILE = `[setup]
directory = /nfs/chess/nxserver

[server]
type = multinode
cores = 8
concurrent = spawn
run_command = pdsh
template = None
cctw = /usr/local/bin/cctw
obsolete = 3

[nodes]
lnx201
lnx202

[instrument]
source = CHESS
instrument = QM2
raw_home = /nfs/chess/raw

[nxrefine]
wavelength = 0.1665
phi_step = 0.1

[nxreduce]
threshold = 20000
first = 25
monitor = monitor2
norm = 1e5
qmin = 4.0
unknown_key = 7
`;

describe('settings.ini values', () => {
  it("parses as NXSettings.get does, Python's float() specials included", () => {
    expect(parseSettingValue('1e5')).toBe(100000);
    expect(parseSettingValue('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseSettingValue('Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseSettingValue('nan')).toBeNaN();
    expect(parseSettingValue('none')).toBeNull();
    expect(parseSettingValue('Yes')).toBe(true);
    expect(parseSettingValue('spawn')).toBe('spawn');
    expect(parseSettingValue('6-ID-D')).toBe('6-ID-D');
  });

  it('reads bare keys (configparser allow_no_value: the [nodes] host names) as None and writes them back bare', () => {
    const s = parseSettingsIni(SERVER_FILE);
    expect(s['nodes']).toEqual({ lnx201: null, lnx202: null });
    expect(formatSettingsIni({ nodes: s['nodes']! })).toBe('[nodes]\nlnx201\nlnx202\n');
    expect(formatSettingsIni({ instrument: { raw_path: null } })).toBe('[instrument]\nraw_path = None\n');
  });
});

describe('normalizeSettings', () => {
  it('server file: [server] first, defaults filled, unknown keys dropped, [setup]/[nodes] kept', () => {
    const n = normalizeSettings(parseSettingsIni(SERVER_FILE), 'server');
    expect(Object.keys(n.settings)).toEqual([
      'server',
      'instrument',
      'nxrefine',
      'nxreduce',
      'setup',
      'nodes',
    ]);
    expect(n.settings['server']).toEqual({
      type: 'multinode',
      cores: 8,
      concurrent: 'spawn',
      run_command: 'pdsh',
      template: null,
      cctw: '/usr/local/bin/cctw',
    });
    expect(n.dropped).toEqual([
      { section: 'server', key: 'obsolete', value: 3 },
      { section: 'nxreduce', key: 'unknown_key', value: 7 },
    ]);
    expect(n.filled).toContainEqual({ section: 'nxreduce', key: 'last' });
    expect(n.filled).not.toContainEqual({ section: 'nxreduce', key: 'first' });
    expect(n.settings['nxreduce']!['norm']).toBe(100000);
    expect(n.settings['nxreduce']!['qmax']).toBe(10);
    expect(checkSettings(n.settings, 'server', ctx)).toEqual([]);
  });

  it('an experiment file copied from the server drops [setup], [server] and [nodes]', () => {
    const e = experimentSettingsFromServer(parseSettingsIni(SERVER_FILE));
    expect(Object.keys(e)).toEqual(['instrument', 'nxrefine', 'nxreduce']);
    expect(e['instrument']).toEqual({
      source: 'CHESS',
      instrument: 'QM2',
      raw_home: '/nfs/chess/raw',
      raw_path: null,
      analysis_home: null,
      analysis_path: null,
      experiment: null,
    });
    expect(e['nxrefine']!['wavelength']).toBe(0.1665);
    expect(e['nxrefine']!['distance']).toBe(500);
    expect(Object.keys(e['nxreduce']!)).toEqual([
      'threshold',
      'first',
      'monitor',
      'norm',
      'qmin',
      'min_pixels',
      'last',
      'polar_max',
      'hkl_tolerance',
      'polarization',
      'qmax',
      'radius',
    ]);
    expect(experimentSettingsFromServer(undefined)).toEqual(DEFAULT_SETTINGS);
    // the text round-trips
    expect(parseSettingsIni(formatSettingsIni(e))).toEqual(e);
  });
});

describe('setting rules', () => {
  const all = normalizeSettings({}, 'server').settings;
  it('accept the defaults', () => {
    expect(checkSettings(all, 'server', ctx)).toEqual([]);
  });

  it('refuse bad values with the message shown beside the field', () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['server', 'type', 'cluster', 'direct, multicore or multinode'],
      ['server', 'cores', 2.5, 'a whole number of cores ≥ 1'],
      ['server', 'concurrent', 'threads', 'True, False, spawn, fork or forkserver'],
      ['server', 'run_command', 'srun', "None, or a command starting with 'pdsh' or 'qsub'"],
      ['instrument', 'instrument', 'ID28', 'not a registered beamline (QM2, 6-ID-D)'],
      ['instrument', 'raw_home', 'raw', 'an absolute directory (or None)'],
      ['instrument', 'raw_path', '../up', "no '.' or '..' components"],
      ['instrument', 'experiment', 'a b', 'letters, digits, _ - . + only, starting with a letter or digit'],
      ['nxrefine', 'wavelength', 'abc', 'a positive wavelength (Å)'],
      ['nxrefine', 'detector_orientation', '-y +z', "three signed lab axes, e.g. '-y +z -x'"],
      ['nxrefine', 'phi_end', -10, 'must be greater than phi (-5)'],
      ['nxrefine', 'nsteps', 0, 'a whole number ≥ 1'],
      ['nxreduce', 'last', 5, 'must be greater than the first frame (10)'],
      ['nxreduce', 'polar_max', 91, 'an angle in (0, 90] degrees'],
      ['nxreduce', 'polarization', 1.5, 'a factor between 0 and 1'],
      ['nxreduce', 'qmax', 5, 'must be greater than qmin (5)'],
      ['nxreduce', 'monitor', null, 'the name of a monitor, e.g. monitor1'],
      ['nxreduce', 'norm', Number.NaN, 'a positive number'],
    ];
    for (const [section, key, value, message] of cases)
      expect(checkSettingValue(section, key, value as never, all, ctx), `${section}.${key}`).toBe(message);
    expect(checkSettingValue('instrument', 'instrument', 'QM2', all, ctx)).toBeUndefined();
    expect(checkSettingValue('instrument', 'instrument', null, all, ctx)).toBeUndefined();
    expect(checkSettingValue('server', 'concurrent', false, all, ctx)).toBeUndefined();
    expect(canonicalInstrument('qm2', ctx.instruments)).toBe('QM2');
    expect(canonicalInstrument('6-id-d ', ctx.instruments)).toBe('6-ID-D');
  });
});
