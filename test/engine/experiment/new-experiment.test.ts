/**
 * New Experiment and Edit Settings on real directories: the tree made, tasks/settings.ini copied
 * from a server settings file (found through NX_SERVER, ~/.nxserver/settings.ini or given) and read
 * back with Python's configparser (as NXSettings reads it), refusals that leave nothing behind.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newExperiment } from '../../../src/engine/experiment/new-experiment.ts';
import { findExperimentSettings, findServerSettings } from '../../../src/engine/experiment/settings-files.ts';
import { editSettings, readSettings } from '../../../src/engine/experiment/settings.ts';
import { acquireLock } from '../../../src/engine/io/file-lock.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson } from '../../helpers/python.ts';
import { sha256 } from '../jobs/simulated.ts';

/** Every section and option as NXSettings.get returns them (configparser, allow_no_value). */
function readWithConfigparser(file: string): Record<string, Record<string, unknown>> {
  return pyJson(
    `import sys, json, configparser, math
c = configparser.ConfigParser(allow_no_value=True)
c.read(sys.argv[1])
def get(v):
    if v in (None, 'None', 'none', ''): return None
    if v in ('True','true','Yes','yes','Y','y'): return True
    if v in ('False','false','No','no','N','n'): return False
    try:
        f = float(v)
        return int(f) if f.is_integer() else f
    except ValueError:
        return v
print(json.dumps({s: {k: get(c.get(s, k)) for k in c.options(s)} for s in c.sections()}))`,
    [file],
  );
}

const SERVER_SETTINGS = `[server]
type = multicore
cores = 2
concurrent = True
run_command = None
template = None
cctw = cctw

[nodes]
lnx201

[instrument]
source = CHESS
instrument = QM2
raw_home = /nfs/chess/raw
raw_path = None
analysis_home = /nfs/chess/aux
analysis_path = nxrefine
experiment = None

[nxrefine]
wavelength = 0.1665
distance = 650
detector_orientation = -y +z -x
phi = -5
phi_end = 360
phi_step = 0.1
chi = -90
omega = 0
theta = 0
x = 0
y = 0
nsteps = 3
frame_rate = 10
stale = 1

[nxreduce]
threshold = 20000
min_pixels = 10
first = 25
last = 3625
polar_max = 10
hkl_tolerance = 0.05
monitor = monitor2
norm = 100000
polarization = 0.99
qmin = 5
qmax = 10
radius = 0.2
`;

let root: string;
let serverDir: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nxr-new-experiment-'));
  serverDir = join(root, 'server');
  mkdirSync(join(serverDir, 'nxserver'), { recursive: true });
  writeFileSync(join(serverDir, 'nxserver', 'settings.ini'), SERVER_SETTINGS);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('server settings look-up', () => {
  it('NX_SERVER, then [setup] directory of ~/.nxserver/settings.ini; an nxserver folder is used as it is', () => {
    const home = join(root, 'home');
    expect(findServerSettings({ env: {}, home })).toBeUndefined();
    expect(findServerSettings({ env: { NX_SERVER: serverDir }, home })).toEqual({
      directory: join(serverDir, 'nxserver'),
      file: join(serverDir, 'nxserver', 'settings.ini'),
      source: 'NX_SERVER',
    });
    mkdirSync(join(home, '.nxserver'), { recursive: true });
    writeFileSync(
      join(home, '.nxserver', 'settings.ini'),
      `[setup]\ndirectory = ${join(serverDir, 'nxserver')}\n`,
    );
    expect(findServerSettings({ env: {}, home })).toEqual({
      directory: join(serverDir, 'nxserver'),
      file: join(serverDir, 'nxserver', 'settings.ini'),
      source: '~/.nxserver/settings.ini',
    });
    expect(
      findServerSettings({ serverDirectory: '/elsewhere', env: { NX_SERVER: serverDir }, home })?.file,
    ).toBe('/elsewhere/nxserver/settings.ini');
  });
});

describe('new experiment', () => {
  it('makes the tree and copies the server settings with [instrument] filled', async () => {
    const dir = join(root, 'aux', 'exp1', 'nxrefine');
    const logs: string[] = [];
    const r = await newExperiment(
      {
        directory: dir,
        instrument: 'qm2',
        rawPath: 'run1',
        server: { env: { NX_SERVER: serverDir }, home: root },
      },
      { onLog: (m) => logs.push(m) },
    );
    expect(r.directory).toBe(dir);
    expect(r.created).toEqual([
      '.',
      'configurations',
      'tasks',
      'calibrations',
      'scripts',
      'tasks/settings.ini',
    ]);
    expect(r.serverSettingsFile).toBe(join(serverDir, 'nxserver', 'settings.ini'));
    expect(readdirSync(dir).sort()).toEqual(['calibrations', 'configurations', 'scripts', 'tasks']);
    expect(readdirSync(join(dir, 'tasks'))).toEqual(['settings.ini']); // no nxdatabase.db, no lock, no temp
    expect(findExperimentSettings(dir)).toBe(join(dir, 'tasks', 'settings.ini'));
    const py = readWithConfigparser(join(dir, 'tasks', 'settings.ini'));
    expect(Object.keys(py)).toEqual(['instrument', 'nxrefine', 'nxreduce']);
    expect(py['instrument']).toEqual({
      source: 'CHESS',
      instrument: 'QM2',
      raw_home: '/nfs/chess/raw',
      raw_path: 'run1',
      analysis_home: join(root, 'aux'),
      analysis_path: 'nxrefine',
      experiment: 'exp1',
    });
    expect(py['nxrefine']).toMatchObject({ wavelength: 0.1665, distance: 650, chi: -90, frame_rate: 10 });
    expect(py['nxrefine']!['stale']).toBeUndefined();
    expect(py['nxreduce']).toMatchObject({
      threshold: 20000,
      first: 25,
      last: 3625,
      monitor: 'monitor2',
      norm: 100000,
    });
    expect(logs).toEqual([
      'New experiment exp1: made ., configurations, tasks, calibrations, scripts, tasks/settings.ini; settings from the server settings (NX_SERVER)',
    ]);
  });

  it('without server settings uses the built-in defaults; DIR gives home and name', async () => {
    const dir = join(root, 'aux', 'exp2');
    const r = await newExperiment({
      directory: dir,
      source: 'CHESS',
      server: { env: {}, home: join(root, 'nohome') },
    });
    expect(r.serverSettingsFile).toBeUndefined();
    const py = readWithConfigparser(r.settingsFile);
    expect(py['instrument']).toEqual({
      source: 'CHESS',
      instrument: null,
      raw_home: null,
      raw_path: null,
      analysis_home: join(root, 'aux'),
      analysis_path: null,
      experiment: 'exp2',
    });
    expect(py['nxreduce']).toMatchObject({ threshold: 50000, first: 10, last: 3640, monitor: 'monitor1' });
  });

  it('refuses to overwrite an experiment, and mismatched or bad values, naming the path', async () => {
    const dir = join(root, 'aux', 'exp2');
    const file = join(dir, 'tasks', 'settings.ini');
    const before = sha256(file);
    const server = { env: {}, home: join(root, 'nohome') };
    await expect(newExperiment({ directory: dir, server })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      file,
    });
    expect(sha256(file)).toBe(before);
    const r = await newExperiment({ directory: dir, instrument: '6-ID-D', overwrite: true, server }).catch(
      (e: unknown) => e,
    );
    expect(r).toBeInstanceOf(NxrError);
    expect((r as NxrError).message).toBe('[instrument] instrument = 6-ID-D: not a registered beamline (QM2)');
    const fresh = join(root, 'aux', 'exp3');
    await expect(newExperiment({ directory: fresh, experiment: 'other', server })).rejects.toThrow(
      `${fresh}: the experiment is 'other', but the directory is named 'exp3'`,
    );
    await expect(newExperiment({ directory: fresh, analysisPath: 'nxrefine', server })).rejects.toThrow(
      "must end with the analysis subdirectory 'nxrefine'",
    );
    await expect(newExperiment({ directory: fresh, rawHome: 'relative/raw', server })).rejects.toThrow(
      "raw home 'relative/raw' must be an absolute directory",
    );
    await expect(newExperiment({ directory: join(root, 'aux', 'bad name'), server })).rejects.toThrow(
      /experiment name 'bad name'/,
    );
    expect(existsSync(fresh)).toBe(false);
    const over = await newExperiment({ directory: dir, source: 'APS', overwrite: true, server });
    expect(over.existing).toEqual(['configurations', 'tasks', 'calibrations', 'scripts']);
    expect(readWithConfigparser(file)['instrument']!['source']).toBe('APS');
  });
});

describe('edit settings', () => {
  const server = (): { serverDirectory: string } => ({ serverDirectory: join(root, 'server2') });

  it('reads every value with its origin, drops unknown keys, fills defaults', async () => {
    const dir = join(root, 'aux', 'exp4');
    await newExperiment({ directory: dir, server: { env: {}, home: root } });
    const file = join(dir, 'tasks', 'settings.ini');
    writeFileSync(file, '[nxreduce]\nthreshold = 1.5e4\nlast = 390\nbogus = 1\n[custom]\nkeep = yes\n');
    const written = sha256(file);
    const v = await readSettings({ scope: 'experiment', directory: dir });
    expect(v.file).toBe(file);
    expect(v.exists).toBe(true);
    expect(v.sections.map((s) => s.name)).toEqual(['instrument', 'nxrefine', 'nxreduce', 'custom']);
    const reduce = v.sections.find((s) => s.name === 'nxreduce')!.entries;
    expect(reduce.slice(0, 3)).toEqual([
      { key: 'threshold', value: 15000, text: '15000', origin: 'file', label: 'Peak Threshold' },
      { key: 'last', value: 390, text: '390', origin: 'file', label: 'Last Frame' },
      { key: 'min_pixels', value: 10, text: '10', origin: 'default', label: 'Minimum Pixels Between Peaks' },
    ]);
    expect(v.dropped).toEqual([{ section: 'nxreduce', key: 'bogus', value: 1 }]);
    expect(v.problems).toEqual([]);
    expect(sha256(file)).toBe(written); // reading writes nothing
  });

  it('writes checked values with %g, keeps other sections, and refuses bad ones leaving the file as it was', async () => {
    const dir = join(root, 'aux', 'exp4');
    const file = join(dir, 'tasks', 'settings.ini');
    const r = await editSettings({
      scope: 'experiment',
      directory: join(dir, 'tasks'),
      values: {
        'nxreduce.threshold': '123456789',
        'nxrefine.wavelength': 0.000123456,
        'instrument.instrument': 'qm2',
        'nxrefine.detector_orientation': '-y +z -x',
      },
    });
    expect(r.changed).toEqual([
      { section: 'nxreduce', key: 'threshold', from: 15000, to: 123456789 },
      { section: 'nxrefine', key: 'wavelength', from: 0.2, to: 0.000123456 },
      { section: 'instrument', key: 'instrument', from: null, to: 'QM2' },
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('threshold = 1.23457e+08\n');
    expect(text).toContain('wavelength = 0.000123456\n');
    expect(text).toContain('[custom]\nkeep = True\n');
    expect(text).not.toContain('bogus');
    const py = readWithConfigparser(file);
    expect(py['nxreduce']).toMatchObject({ threshold: 123457000, last: 390, min_pixels: 10, qmax: 10 });
    expect(py['instrument']!['instrument']).toBe('QM2');
    const before = sha256(file);
    await expect(
      editSettings({ scope: 'experiment', directory: dir, values: { 'nxreduce.first': '400' } }),
    ).rejects.toThrow(`${file}: [nxreduce] last = 390: must be greater than the first frame (400)`);
    await expect(
      editSettings({ scope: 'experiment', directory: dir, values: { 'nxreduce.qmn': '1' } }),
    ).rejects.toThrow(/nxreduce\.qmn: no key 'qmn' in \[nxreduce\]/);
    await expect(
      editSettings({ scope: 'experiment', directory: dir, values: { 'server.cores': '4' } }),
    ).rejects.toThrow(/no section \[server\] in experiment settings/);
    const lock = acquireLock(file, { purpose: 'test' });
    await expect(
      editSettings({ scope: 'experiment', directory: dir, values: { 'nxreduce.first': '5' } }),
    ).rejects.toMatchObject({ code: 'FILE_LOCKED' });
    lock.release();
    expect(sha256(file)).toBe(before);
    expect(readdirSync(join(dir, 'tasks'))).toEqual(['settings.ini']);
  });

  it('server settings: made where the server directory says, with [server] checked', async () => {
    const before = await readSettings({ scope: 'server', server: server() });
    expect(before.exists).toBe(false);
    expect(before.sections.map((s) => s.name)).toEqual(['server', 'instrument', 'nxrefine', 'nxreduce']);
    await expect(
      editSettings({ scope: 'server', server: server(), values: { 'server.type': 'slurm' } }),
    ).rejects.toThrow('[server] type = slurm: direct, multicore or multinode');
    const r = await editSettings({
      scope: 'server',
      server: server(),
      values: { 'server.cores': '8', 'nodes.lnx301': null, 'instrument.source': 'CHESS' },
    });
    expect(r.file).toBe(join(root, 'server2', 'nxserver', 'settings.ini'));
    const py = readWithConfigparser(r.file);
    expect(py['server']).toEqual({
      type: 'multicore',
      cores: 8,
      concurrent: true,
      run_command: null,
      template: null,
      cctw: 'cctw',
    });
    expect(py['nodes']).toEqual({ lnx301: null });
    await expect(
      readSettings({ scope: 'server', server: { env: {}, home: join(root, 'nohome') } }),
    ).rejects.toThrow(/no server settings directory: set the environment variable NX_SERVER/);
    await expect(readSettings({ scope: 'experiment', directory: root })).rejects.toThrow(
      `${root}: not an experiment directory (no tasks/ folder)`,
    );
  });
});
