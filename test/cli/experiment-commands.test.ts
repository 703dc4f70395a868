/** `nxr new-experiment`, `new-configuration`, `new-sample`, `new-scan` and `settings`: output, files, exit codes. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import { CONFIGURATION_DETECTORS } from '../../src/refine/experiment/detectors.ts';
import { h5dump } from '../engine/experiment/h5dump.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let root: string;
let exp: string;
const savedEnv = process.env['NX_SERVER'];
const savedHome = process.env['HOME'];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nxr-cli-experiment-'));
  exp = join(root, 'aux', 'exp1', 'nxrefine');
  // no server settings for these commands: an empty home and no NX_SERVER
  delete process.env['NX_SERVER'];
  process.env['HOME'] = join(root, 'home');
});
afterAll(() => {
  if (savedEnv !== undefined) process.env['NX_SERVER'] = savedEnv;
  if (savedHome !== undefined) process.env['HOME'] = savedHome;
  rmSync(root, { recursive: true, force: true });
});

describe('nxr experiment commands', () => {
  it('new-experiment makes the tree and prints the [instrument] section', async () => {
    const r = await run([
      'new-experiment',
      exp,
      '--analysis-path',
      'nxrefine',
      '--source',
      'CHESS',
      '--instrument',
      'qm2',
      '--raw-home',
      '/nfs/chess/raw',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `experiment ${exp}`,
      'created: ., configurations, tasks, calibrations, scripts, tasks/settings.ini',
      `settings ${join(exp, 'tasks', 'settings.ini')} (from the built-in defaults)`,
      '  source = CHESS',
      '  instrument = QM2',
      '  raw_home = /nfs/chess/raw',
      '  raw_path = None',
      `  analysis_home = ${join(root, 'aux')}`,
      '  analysis_path = nxrefine',
      '  experiment = exp1',
    ]);
    const again = await run(['new-experiment', exp, '--analysis-path', 'nxrefine']);
    expect(again.code).toBe(1);
    expect(again.err).toBe(
      `nxr: ${join(exp, 'tasks', 'settings.ini')}: an experiment exists here already (its settings are not overwritten without overwrite)`,
    );
    const bad = await run(['new-experiment', join(root, 'x'), '--instrument', 'ID28']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('nxr: [instrument] instrument = ID28: not a registered beamline (QM2)');
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('new-configuration lists the detectors and writes per-position values', async () => {
    const list = await run(['new-configuration', '--list-detectors']);
    expect(list.code).toBe(0);
    expect(list.out.split('\n')).toHaveLength(CONFIGURATION_DETECTORS.length);
    expect(list.out).toContain('Pilatus CdTe 2M         1679 × 1475  0.172 mm  module gaps masked');
    const r = await run([
      'new-configuration',
      exp,
      'eiger',
      '--detector',
      'eiger2 cdte 4m',
      '--positions',
      '2',
      '--omega=-10,10',
      '--chi=-90',
      '--wavelength',
      '0.25',
      '--frame-rate',
      '5',
    ]);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      `configuration ${join(exp, 'configurations', 'eiger.nxs')}`,
      'entries: entry, f1, f2',
      'detector: Eiger2 CdTe 4M, 2162 × 2068 pixels of 0.075 mm, 268520 gap pixels masked',
      'rotation: -5° → 360° in 0.1° steps = 3650 frames',
    ]);
    const d = h5dump(join(exp, 'configurations', 'eiger.nxs'));
    expect([
      d['/f1/instrument/goniometer/omega']!.value,
      d['/f2/instrument/goniometer/omega']!.value,
    ]).toEqual([-10, 10]);
    expect([d['/f1/instrument/goniometer/chi']!.value, d['/f2/instrument/goniometer/chi']!.value]).toEqual([
      -90, -90,
    ]);
    expect(d['/f2/instrument/detector/frame_time']!.value).toBe(0.2);
    expect(d['/entry/instrument/name']!.value).toBe('QM2'); // from the experiment's settings
    const mismatch = await run(['new-configuration', exp, 'x', '--positions', '3', '--omega=-10,10']);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toBe('nxr: --omega needs one value or 3 (one per detector position), got 2');
    const unknown = await run(['new-configuration', exp, 'x', '--detector', 'Pilatus 3M']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(`nxr: detector = "Pilatus 3M": not a detector of the list ('Pilatus 3M')`);
  });

  it('new-sample and new-scan', async () => {
    expect((await run(['new-sample', exp, 'CsV3Sb5', 'xtal1'])).out).toBe(
      `made ${join(exp, 'CsV3Sb5', 'xtal1')}`,
    );
    expect((await run(['new-sample', exp, 'CsV3Sb5/xtal1'])).out).toBe(
      `exists already: ${join(exp, 'CsV3Sb5', 'xtal1')}`,
    );
    const r = await run([
      'new-scan',
      exp,
      'CsV3Sb5/xtal1',
      '15K',
      '--configuration',
      'eiger',
      '--temperature',
      '15',
      '--phi-end',
      '355',
      '--link-file',
      'a.h5,b.h5',
    ]);
    expect(r.err).toBe('');
    const wrapper = join(exp, 'CsV3Sb5', 'xtal1', 'CsV3Sb5_15K.nxs');
    expect(r.out.split('\n')).toEqual([
      `scan file ${wrapper}`,
      `scan directory ${join(exp, 'CsV3Sb5', 'xtal1', '15K')}`,
      '3600 frames, φ -5° → 355° in 0.1° steps',
      '  /f1/data/data → 15K/a.h5:/entry/data/data  (not there yet)',
      '  /f2/data/data → 15K/b.h5:/entry/data/data  (not there yet)',
    ]);
    const d = h5dump(wrapper);
    expect(d['/entry/sample/temperature']!.value).toBe(15);
    expect(d['/f2/data/data']).toMatchObject({ file: '15K/b.h5', path: '/entry/data/data' });
    const one = await run([
      'new-scan',
      exp,
      'CsV3Sb5/xtal1',
      '16K',
      '--configuration',
      'eiger',
      '--link-file',
      'a.h5',
    ]);
    expect(one.code).toBe(2);
    expect(one.err).toBe('nxr: --link-file needs one value per detector position (2)');
    const noConfig = await run(['new-scan', exp, 'CsV3Sb5/xtal1', '16K']);
    expect(noConfig.err).toBe('nxr: --configuration NAME is required');
  });

  it('settings prints values with their origin and sets checked values', async () => {
    const file = join(exp, 'tasks', 'settings.ini');
    const r = await run(['settings', exp]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`experiment settings ${file}`);
    expect(lines).toContain('[nxreduce]');
    expect(lines).toContain('  threshold     = 50000     file');
    const set = await run([
      'settings',
      exp,
      '--set',
      'nxreduce.threshold=2e4',
      '--set',
      'nxrefine.wavelength=0.3',
    ]);
    expect(set.code).toBe(0);
    expect(set.out.split('\n').at(-1)).toBe(
      `saved ${file}: [nxreduce] threshold 50000 → 20000; [nxrefine] wavelength 0.2 → 0.3`,
    );
    expect(readFileSync(file, 'utf8')).toContain('\nthreshold = 20000\n');
    const bad = await run(['settings', exp, '--set', 'nxreduce.polar_max=120']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`nxr: ${file}: [nxreduce] polar_max = 120: an angle in (0, 90] degrees`);
    const server = await run(['settings', '--server-dir', join(root, 'srv'), '--set', 'server.type=direct']);
    expect(server.code).toBe(0);
    expect(server.out).toContain(`server settings ${join(root, 'srv', 'nxserver', 'settings.ini')}`);
    expect(server.out).toContain('  type        = direct  file');
    const none = await run(['settings', '--server']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no server settings directory/);
  });
});
