// End to end in browser mode (`nxr serve`'s JS API, Debian Chromium), as a new user sets up an
// experiment: Experiment ▸ New Experiment (defaults from the server settings, NX_SERVER) → New
// Configuration → New Sample → New Scan (twice) → Edit Settings → Sum Scans, each checked on disk
// (tree, settings.ini, h5py). The scans get simulated frames at their link targets (two seeds, so
// the frames differ) and one is opened and plotted; Sum Scans adds the two scans, the sum is checked
// voxel by voxel against the scans' frames with h5py/numpy, then opened and a frame plotted with the
// summed counts read out. The steps run in order and share `walk`; later steps can be appended with
// the helpers of ./experiment-steps.ts.
// Screenshots: docs/screenshots/new-experiment.png, new-configuration.png, new-sample.png,
// new-scan.png, edit-settings.png, experiment-sum-scans.png.
import {
  copyFileSync,
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

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { simulateScan, type SimScan } from '../engine/jobs/simulated.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';
import {
  choice,
  closeDialog,
  experimentDialog,
  fieldMessage,
  frameShown,
  readPixel,
  resultOf,
  textField,
} from './experiment-steps.ts';
import { h5py } from './refine-fixture.ts';

const screenshots = join(repoRoot, 'docs', 'screenshots');

/** What the walk has made so far (paths relative to the served folder `root`). */
export interface ExperimentWalk {
  root: string;
  /** 'analysis/exp1' */
  experiment: string;
  sample: string;
  label: string;
  configuration: string;
  /** Scan names made by New Scan, with simulated frames at their link targets. */
  scans: string[];
  /** The sum of `scans` made by Sum Scans: its wrapper, relative to the sample directory. */
  sum?: string;
}

describe('Experiment menu end to end (browser mode): New Experiment → Configuration → Sample → Scan, Edit Settings', () => {
  let tmp: string;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let sim: SimScan;
  /** The simulated frames placed at each scan's link target (different seeds: different counts). */
  const framesOf: Record<string, string> = {};
  const problems: string[] = [];
  const savedServer = process.env['NX_SERVER'];
  const walk: ExperimentWalk = {
    root: '',
    experiment: 'analysis/exp1',
    sample: 'sim',
    label: 'xtal1',
    configuration: 'pil100k',
    scans: [],
  };
  const abs = (rel: string): string => join(walk.root, rel);
  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(screenshots, name) });
  };

  beforeAll(async () => {
    await ensureBuild();
    tmp = mkdtempSync(join(tmpdir(), 'nxr-e2e-experiment-'));
    walk.root = join(tmp, 'served');
    mkdirSync(walk.root);
    // the server settings New Experiment copies (found through NX_SERVER, outside the served folder)
    mkdirSync(join(tmp, 'server', 'nxserver'), { recursive: true });
    writeFileSync(
      join(tmp, 'server', 'nxserver', 'settings.ini'),
      '[server]\ntype = multicore\ncores = 2\n\n[instrument]\nsource = CHESS\ninstrument = QM2\nraw_home = /nfs/chess/raw\n\n[nxreduce]\nthreshold = 20000\n',
    );
    process.env['NX_SERVER'] = join(tmp, 'server');
    // frames for the scans: a tiny simulated rotation (Pilatus 100K, 60 frames)
    sim = await simulateScan(join(tmp, 'sim'), { scan: '300K', seed: 21, frames: 60 });
    await simulateScan(join(tmp, 'sim'), { scan: '301K', seed: 22, frames: 60 });
    for (const scan of ['300K', '301K']) framesOf[scan] = join(tmp, 'sim', 'sim', 'xtal1', scan, 'f1.h5');
    server = await startBrowserServer({ root: walk.root, rendererDir, version: '0.1.0' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(server.url);
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    if (savedServer === undefined) delete process.env['NX_SERVER'];
    else process.env['NX_SERVER'] = savedServer;
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('New Experiment: server defaults, checks beside the fields, the tree and settings.ini on disk', async () => {
    const d = await experimentDialog(page, 'New Experiment');
    // the grid starts from the server settings' [instrument]
    await expect.poll(() => textField(d, 'Source Name').inputValue()).toBe('CHESS');
    expect(await textField(d, 'Instrument').inputValue()).toBe('QM2');
    expect(await textField(d, 'Raw Home Directory').inputValue()).toBe('/nfs/chess/raw');
    await textField(d, 'Choose Experiment Directory').fill(walk.experiment);
    expect(await textField(d, 'Analysis Home Directory').inputValue()).toBe('analysis');
    expect(await textField(d, 'Name of Experiment').inputValue()).toBe('exp1');
    await textField(d, 'Instrument').fill('ID28');
    expect(await fieldMessage(textField(d, 'Instrument'))).toBe('a registered beamline: QM2');
    expect(await d.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await textField(d, 'Instrument').fill('qm2');
    await textField(d, 'Raw Data Subdirectory').fill('run1');
    expect(await d.getByRole('button', { name: 'Save' }).isDisabled()).toBe(false);
    await d.getByRole('button', { name: 'Save' }).click();
    expect(await resultOf(d)).toContain(
      'Experiment created: configurations, tasks, calibrations, scripts, tasks/settings.ini',
    );
    await shot('new-experiment.png');
    await closeDialog(d);

    expect(readdirSync(abs(walk.experiment)).sort()).toEqual([
      'calibrations',
      'configurations',
      'scripts',
      'tasks',
    ]);
    expect(readdirSync(abs(`${walk.experiment}/tasks`))).toEqual(['settings.ini']);
    const ini = readFileSync(abs(`${walk.experiment}/tasks/settings.ini`), 'utf8');
    expect(ini).toContain(
      `[instrument]\nsource = CHESS\ninstrument = QM2\nraw_home = /nfs/chess/raw\nraw_path = run1\nanalysis_home = ${abs('analysis')}\nanalysis_path = None\nexperiment = exp1\n`,
    );
    expect(ini).toContain('[nxreduce]\nthreshold = 20000\n'); // from the server file
    expect(ini).not.toContain('[server]');
  });

  it('New Configuration: defaults from settings.ini, per-position table, the file as h5py reads it', async () => {
    const d = await experimentDialog(page, 'New Configuration');
    expect(await textField(d, 'Experiment Directory').inputValue()).toBe(walk.experiment);
    await expect.poll(() => textField(d, 'Peak Threshold').inputValue()).toBe('20000');
    expect(await textField(d, 'Instrument Name').inputValue()).toBe('QM2');
    expect(await choice(d, 'Detector').inputValue()).toBe('Pilatus CdTe 2M');
    await textField(d, 'Configuration Filename').fill(walk.configuration);
    await choice(d, 'Detector').selectOption('Pilatus 100k');
    await textField(d, 'Distance (mm)').fill('200');
    const g = sim.truth.entries[0]!.geometry;
    await textField(d, 'Beam Center X (pixels, optional)').fill(String(g.beamCenterX));
    await textField(d, 'Beam Center Y (pixels, optional)').fill(String(g.beamCenterY));
    await textField(d, 'Phi End (deg)').fill('1');
    await textField(d, 'Last Frame').fill('55');
    await choice(d, 'Number of Detector Positions').selectOption('2');
    await textField(d, 'Omega (deg) f2').fill('abc');
    expect(await d.locator('[data-field-error="positions.1.omega"]').textContent()).toBe('a number');
    expect(await d.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await choice(d, 'Number of Detector Positions').selectOption('1');
    await textField(d, 'Chi (deg) f1').fill('-90');
    await d.getByRole('button', { name: 'Save' }).click();
    expect(await resultOf(d)).toContain(`Saved configurations/${walk.configuration}.nxs: entry, f1`);
    expect(await resultOf(d)).toContain(
      'Pilatus 100k, 195 × 487 pixels, 0 gap pixels masked; 60 frames per rotation',
    );
    await d.getByRole('status', { name: 'Result' }).scrollIntoViewIfNeeded();
    await shot('new-configuration.png');
    await closeDialog(d);
    const c = h5py<Record<string, unknown>>(
      abs(`${walk.experiment}/configurations/${walk.configuration}.nxs`),
      `d = '/entry/instrument/detector/'
print(json.dumps({'description': f[d + 'description'][()].decode(), 'distance': float(f[d + 'distance'][()]),
  'shape': f[d + 'shape'][()].tolist(), 'bcx': float(f['/f1/instrument/detector/beam_center_x'][()]),
  'threshold': float(f['/entry/nxreduce/threshold'][()]), 'last': int(f['/entry/nxreduce/last_frame'][()]),
  'chi': float(f['/f1/instrument/goniometer/chi'][()]), 'end': float(f['/f1/instrument/goniometer/phi'].attrs['end']),
  'entries': sorted(f.keys())}))`,
    );
    expect(c).toEqual({
      description: 'Pilatus 100k',
      distance: 200,
      shape: [195, 487],
      bcx: g.beamCenterX,
      threshold: 20000,
      last: 55,
      chi: -90,
      end: 1,
      entries: ['entry', 'f1'],
    });
  });

  it('New Sample: <sample>/<label>', async () => {
    const d = await experimentDialog(page, 'New Sample');
    await textField(d, 'Sample Name').fill('tasks');
    expect(await fieldMessage(textField(d, 'Sample Name'))).toBe(
      "'tasks' is a folder of the experiment itself",
    );
    await textField(d, 'Sample Name').fill(walk.sample);
    await textField(d, 'Sample Label').fill(walk.label);
    await d.getByRole('button', { name: 'Save' }).click();
    expect(await resultOf(d)).toBe(`Made ${walk.sample}/${walk.label}`);
    await expect
      .poll(() => d.getByRole('list', { name: 'Samples' }).textContent())
      .toBe(`${walk.sample}/${walk.label}`);
    await shot('new-sample.png');
    await closeDialog(d);
    expect(existsSync(abs(`${walk.experiment}/${walk.sample}/${walk.label}`))).toBe(true);
  });

  it('New Scan: two scan files from the configuration, with simulated frames at their links; one opened and plotted', async () => {
    const d = await experimentDialog(page, 'New Scan');
    await expect.poll(() => choice(d, 'Sample').inputValue()).toBe(`${walk.sample}/${walk.label}`);
    expect(await choice(d, 'Configuration').inputValue()).toBe(walk.configuration);
    await expect.poll(() => textField(d, 'Phi End (deg)').inputValue()).toBe('1');
    expect(await textField(d, 'Detector Filename f1').inputValue()).toBe('f1.h5');
    expect(await textField(d, 'Chi (deg) f1').inputValue()).toBe('-90');
    for (const [scan, temperature] of [
      ['300K', '300'],
      ['301K', '301'],
    ] as const) {
      await textField(d, 'Scan Label').fill(scan);
      await textField(d, 'Temperature (K)').fill(temperature);
      await d.getByRole('button', { name: 'Make Scan File' }).click();
      await expect
        .poll(async () => (await d.getByRole('status', { name: 'Result' }).textContent()) ?? '')
        .toContain(`Made ${walk.sample}/${walk.label}/${walk.sample}_${scan}.nxs`);
      walk.scans.push(scan);
    }
    expect(await resultOf(d)).toContain('60 frames; f1 → 301K/f1.h5 (not there yet)');
    await textField(d, 'Scan Label').fill('300K');
    await expect.poll(() => fieldMessage(textField(d, 'Scan Label'))).toBe('exists already in this sample');
    await textField(d, 'Scan Label').fill('301K');
    await shot('new-scan.png');

    const labelDir = abs(`${walk.experiment}/${walk.sample}/${walk.label}`);
    expect(readdirSync(labelDir).sort()).toEqual(['300K', '301K', 'sim_300K.nxs', 'sim_301K.nxs']);
    for (const scan of walk.scans) copyFileSync(framesOf[scan]!, join(labelDir, scan, 'f1.h5'));
    const w = h5py<Record<string, unknown>>(
      join(labelDir, 'sim_301K.nxs'),
      `link = f.get('/f1/data/data', getlink=True)
print(json.dumps({'link': [link.filename, link.path], 'frames': list(f['/f1/data/data'].shape),
  'T': float(f['/entry/sample/temperature'][()]), 'name': f['/entry/sample/name'][()].decode(),
  'chi_set': float(f['/f1/instrument/goniometer/chi_set'][()]),
  'same_sample': f['/f1/sample'] == f['/entry/sample'], 'nframes': len(f['/f1/data/frame_number'])}))`,
    );
    expect(w).toEqual({
      link: ['301K/f1.h5', '/entry/data/data'],
      frames: [60, 195, 487],
      T: 301,
      name: 'sim',
      chi_set: -90,
      same_sample: true,
      nframes: 60,
    });

    // Open the file made last: the tree shows it and its data (through the external link) plots
    await d.getByRole('button', { name: 'Open' }).click();
    await expect
      .poll(() => page.locator('header').first().textContent())
      .toContain(`${walk.experiment}/${walk.sample}/${walk.label}/sim_301K.nxs`);
    await closeDialog(d);
    const row = (name: RegExp) => page.getByRole('treeitem', { name });
    await row(/^f1 NXentry/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^data NXdata/).dblclick();
    await frameShown(page, 0);
  });

  it('Edit Settings: values with their origin, a bad value refused beside its field, saved values on disk', async () => {
    const d = await experimentDialog(page, 'Edit Settings');
    expect(await textField(d, 'Experiment Directory').inputValue()).toBe(walk.experiment);
    const reduce = d.getByRole('region', { name: '[nxreduce]' });
    await expect.poll(() => textField(reduce, 'threshold').inputValue()).toBe('20000');
    expect(await fieldMessage(textField(reduce, 'threshold'))).toBe('Peak Threshold · file');
    await textField(reduce, 'first').fill('4000');
    expect(await fieldMessage(textField(reduce, 'last'))).toBe('must be greater than the first frame (4000)');
    expect(await d.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await textField(reduce, 'first').fill('5');
    await textField(reduce, 'threshold').fill('2.5e4');
    const inst = d.getByRole('region', { name: '[instrument]' });
    await textField(inst, 'instrument').fill('6-ID-D');
    expect(await fieldMessage(textField(inst, 'instrument'))).toBe('not a registered beamline (QM2)');
    await textField(inst, 'instrument').fill('QM2');
    await d.getByRole('button', { name: 'Save' }).click();
    expect(await resultOf(d)).toBe(
      'Saved tasks/settings.ini: [nxreduce] threshold = 25000, [nxreduce] first = 5',
    );
    await expect.poll(() => fieldMessage(textField(reduce, 'first'))).toBe('First Frame · file');
    await d.getByRole('status', { name: 'Result' }).scrollIntoViewIfNeeded();
    await shot('edit-settings.png');
    await closeDialog(d);
    const ini = readFileSync(abs(`${walk.experiment}/tasks/settings.ini`), 'utf8');
    expect(ini).toContain('[nxreduce]\nthreshold = 25000\nmin_pixels = 10\nfirst = 5\n');
  });

  it('Sum Scans: the two New Scans ticked and summed; the sum on disk is the voxel-wise sum, opened and plotted', async () => {
    const sampleDir = `${walk.experiment}/${walk.sample}/${walk.label}`;
    const files = walk.scans.map((scan) => `${walk.sample}_${scan}.nxs`);
    const d = await experimentDialog(page, 'Sum Scans');
    await textField(d, 'Sample directory').fill(sampleDir);
    const list = d.getByRole('list', { name: 'Scans' });
    await expect.poll(() => list.getByRole('checkbox').count(), { timeout: 30_000 }).toBe(2);
    expect(await d.textContent()).toContain(`Sample ${walk.sample}, label ${walk.label}: 2 scan files`);
    // tick exactly the two scans New Scan made (the common prefix ticks both; start from none)
    await d.getByRole('button', { name: 'Clear All' }).click();
    await expect.poll(() => list.getByRole('checkbox', { checked: true }).count()).toBe(0);
    for (const file of files) await list.getByRole('checkbox', { name: file }).check();
    expect(await list.getByRole('checkbox', { checked: true }).count()).toBe(2);
    const name = `${walk.scans.join('_')}_sum`;
    await textField(d, 'Summed scan').fill(name);
    expect(await d.textContent()).toContain(`${walk.sample}_${name}.nxs`);
    await d.getByRole('button', { name: 'Sum Scans', exact: true }).click();
    const result = await resultOf(d, 120_000);
    walk.sum = `${walk.sample}_${name}.nxs`;
    expect(result).toContain(`${walk.sum} = ${walk.scans.join(' + ')}`);
    expect(result).toContain(`f1: 60 frames (<i4) → ${name}/f1.h5`);

    // on disk: the wrapper with its fN entries, the frames the voxel-wise sum of the scans' frames
    // (all 60, ten at a time), every monitor signal the sum of the scans' (New Scan writes none)
    const labelDir = abs(sampleDir);
    expect(existsSync(join(labelDir, name, 'f1.h5'))).toBe(true);
    const [fileA, fileB] = files.map((file) => join(labelDir, file)) as [string, string];
    const check = h5py<{
      entries: string[];
      link: [string, string];
      shape: number[];
      dtype: string;
      maxDiff: number;
      differing: number;
      monitors: Record<string, boolean>;
      sumMonitors: string[];
      note: string;
      pixel: { z: number; y: number; x: number; sum: number; a: number; b: number };
    }>(
      join(labelDir, walk.sum),
      `a = h5py.File(${JSON.stringify(fileA)}, 'r')
b = h5py.File(${JSON.stringify(fileB)}, 'r')
s, da, db = f['f1/data/data'], a['f1/data/data'], b['f1/data/data']
max_diff, differing = 0, 0
for z in range(0, s.shape[0], 10):
    x, y = da[z:z + 10].astype(np.int64), db[z:z + 10].astype(np.int64)
    max_diff = max(max_diff, int(np.abs(s[z:z + 10].astype(np.int64) - x - y).max()))
    differing += int((x != y).sum())
monitors = lambda g: sorted(k for k, v in g.items() if isinstance(v, h5py.Group) and v.attrs.get('NX_class') in (b'NXmonitor', 'NXmonitor'))
mon = {}
for m in monitors(a['f1']):
    for k, v in a['f1'][m].items():
        if isinstance(v, h5py.Dataset) and k != 'frame_number':
            mon[m + '/' + k] = bool(np.array_equal(f['f1'][m][k][()], v[()] + b['f1'][m][k][()]))
z = 30
fa, fb = da[z].astype(np.int64), db[z].astype(np.int64)
dz = np.where((fa > 0) & (fb > 0), np.abs(fa - fb), -1)  # counts in both, as different as can be
py, px = (int(i) for i in np.unravel_index(int(np.argmax(dz)), dz.shape))
link = f.get('f1/data/data', getlink=True)
print(json.dumps({'entries': sorted(f.keys()), 'link': [link.filename, link.path], 'shape': list(s.shape),
  'dtype': str(s.dtype), 'maxDiff': max_diff, 'differing': differing, 'monitors': mon,
  'sumMonitors': monitors(f['f1']), 'note': f['f1/nxsum/note/data'][()].decode(),
  'pixel': {'z': z, 'y': py, 'x': px, 'sum': int(s[z, py, px]), 'a': int(da[z, py, px]), 'b': int(db[z, py, px])}}))`,
    );
    expect(check.entries).toEqual(['entry', 'f1']);
    expect(check.link).toEqual([`${name}/f1.h5`, '/entry/data/data']);
    expect(check.shape).toEqual([60, 195, 487]);
    expect(check.dtype).toBe('int32');
    expect(check.differing).toBeGreaterThan(0); // the two scans' frames differ, so the check can fail
    expect(check.maxDiff).toBe(0);
    expect(check.sumMonitors).toEqual([...new Set(Object.keys(check.monitors).map((k) => k.split('/')[0]))]);
    expect(Object.values(check.monitors).every((equal) => equal)).toBe(true);
    expect(check.note).toContain(`Scans: ${walk.scans.join(',')}`);
    const px = check.pixel;
    expect(px.sum).toBe(px.a + px.b);
    // a pixel where the sum differs from either scan's counts (and from twice either)
    expect(Math.min(px.a, px.b)).toBeGreaterThan(0);
    expect(px.a).not.toBe(px.b);

    // Open Sum: the tree shows the sum; its frame 30 plots with the summed counts under the pointer
    await d.getByRole('button', { name: 'Open Sum' }).click();
    await expect
      .poll(() => page.locator('header').first().textContent())
      .toContain(`${sampleDir}/${walk.sum}`);
    await closeDialog(d);
    const row = (n: RegExp) => page.getByRole('treeitem', { name: n });
    await row(/^f1 NXentry/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^data NXdata/).dblclick();
    await frameShown(page, 0);
    await page.getByRole('spinbutton', { name: 'Frame number' }).fill(String(px.z));
    await frameShown(page, px.z);
    const readout = await readPixel(page, px.x, px.y);
    expect(readout).toContain(`x ${px.x}y ${px.y}counts ${px.sum}`);
    await shot('experiment-sum-scans.png');
  });

  it('showed no console errors', () => {
    expect(problems).toEqual([]);
  });
});
