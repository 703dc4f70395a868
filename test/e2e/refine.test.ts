// End to end, as a new user would: `nxr serve` (its JS API, in-process) on simulated experiments,
// driven in Debian Chromium. Plots a Pilatus 2M frame (display time printed), opens a tiny
// simulated scan, walks the tree, plots a frame with its read-out, and runs Choose Parameters →
// Find Maximum (and its curves) → Find Peaks → Define Lattice → Calculate Angles → Refine Lattice
// (peak list with H, K, L against the truth, Orient Manually, residual plot) → Prepare 3D Mask →
// Transform Data → Copy Parameters through their dialogs, checking what they show and what they
// wrote against h5py, `nxr find-peaks` and the simulation's truth; cancels a job; opens a truncated
// file. Screenshots go to docs/screenshots.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { computePolarAngle } from '../../src/refine/geometry/angles.ts';
import { pixelToQSample } from '../../src/refine/geometry/pixel-to-q-sample.ts';
import { angleBetweenVectors } from '../../src/refine/linalg/mat3.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';
import { h5py, makeExperiments, truthHklOf, type Experiments } from './refine-fixture.ts';

const screenshots = join(repoRoot, 'docs', 'screenshots');

describe('Refine menu end to end (browser mode, simulated scans)', () => {
  let dir: string;
  let ex: Experiments;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const abs = (rel: string): string => join(ex.root, rel);

  const row = (name: string | RegExp): Locator => page.getByRole('treeitem', { name });
  const plotPane = (): Locator => page.getByRole('region', { name: 'Frame plot' });
  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(screenshots, name) });
  };

  /** File ▸ Open… through the served folder's browser. */
  const openFile = async (rel: string): Promise<number> => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open NeXus file' });
    const parts = rel.split('/');
    for (const d of parts.slice(0, -1)) await dialog.getByRole('button', { name: `${d}/` }).click();
    const t0 = Date.now();
    await dialog.getByRole('button', { name: new RegExp(`^${parts.at(-1)!.replace('.', '\\.')}`) }).click();
    await expect.poll(() => page.locator('header').first().textContent()).toContain(rel);
    await row(/^entry NXentry/).waitFor();
    return Date.now() - t0;
  };

  /** Refine ▸ <item>… from the window's menu; the dialog. */
  const refine = async (item: string): Promise<Locator> => {
    await page.getByRole('button', { name: 'Refine ▾' }).click();
    await page.getByRole('menuitem', { name: `${item}…` }).click();
    const d = page.getByRole('dialog', { name: item });
    await d.waitFor();
    return d;
  };
  const close = (d: Locator): Promise<void> => d.getByRole('button', { name: 'Close', exact: true }).click();
  const field = (d: Locator, label: string): Locator => d.getByRole('textbox', { name: label, exact: true });
  /** Waits until the dialog's fields hold the values read from the file. */
  const filled = async (d: Locator, label: string): Promise<void> => {
    await expect.poll(() => field(d, label).inputValue(), { timeout: 30_000 }).not.toBe('');
  };
  const result = (d: Locator): Locator => d.getByRole('status', { name: 'Result' });

  /** Frame `n` drawn; returns its display time (request → plot drawn), ms. */
  const frameShown = async (n: number): Promise<number> => {
    await page.locator(`[data-frame-shown="${n}"]`).waitFor({ timeout: 60_000 });
    return Number(await plotPane().getAttribute('data-display-ms'));
  };

  /** Screen position of frame pixel (x, y) through plotly's axes. */
  const screenOf = (x: number, y: number): Promise<{ x: number; y: number }> =>
    page.evaluate(
      ([px, py]) => {
        const el = document.querySelector('[data-testid=frame-plot]') as HTMLElement & {
          _fullLayout: Record<'xaxis' | 'yaxis', { d2p: (v: number) => number; _offset: number }>;
        };
        const r = el.getBoundingClientRect();
        const { xaxis, yaxis } = el._fullLayout;
        return { x: r.left + xaxis._offset + xaxis.d2p(px!), y: r.top + yaxis._offset + yaxis.d2p(py!) };
      },
      [x, y],
    );

  beforeAll(async () => {
    await ensureBuild();
    dir = mkdtempSync(join(tmpdir(), 'nxr-e2e-refine-'));
    ex = await makeExperiments(dir);
    server = await startBrowserServer({ root: ex.root, rendererDir, version: '0.1.0' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(server.url);
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plots frames of a 1475 × 1679 Pilatus 2M stack (display times printed)', async () => {
    await openFile(ex.pilatus2m);
    await row(/^f1 NXentry/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^data NXdata/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^data \(5, 1679, 1475\)/).dblclick();
    const times = [await frameShown(0)];
    await plotPane().focus();
    for (let i = 1; i < 5; i++) {
      await page.keyboard.press('f');
      times.push(await frameShown(i));
    }
    await page.keyboard.press('b');
    times.push(await frameShown(3));
    expect(await page.getByRole('slider', { name: 'Frame' }).inputValue()).toBe('3');
    const parts = await page.getByTestId('frame-timing').textContent();
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `Pilatus 2M frame (1475×1679 int32) display, request → drawn: first ${times[0]} ms, then ${times.slice(1).join(', ')} ms (median ${sorted[Math.floor(sorted.length / 2)]} ms); last: read + colour + encode + plotly = ${parts}`,
    );
    // the whole frame is in view and every pixel class is counted
    const legend = await page.getByRole('list', { name: 'Special colours' }).textContent();
    expect(legend).toMatch(/masked[\d,]+/);
    expect(times.every((t) => t > 0 && t < 10_000)).toBe(true);
    await shot('frame-plot-pilatus2m.png');
  });

  it('opens the tiny scan, walks the tree and plots a frame with the pixel read-out', async () => {
    const ms = await openFile(ex.scan300K);
    console.log(`tiny scan: opened and root shown in ${ms} ms`);
    await row(/^f1 NXentry/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^data NXdata/).waitFor();
    await row(/^data NXdata/).dblclick(); // an NXdata group plots its signal
    await frameShown(0);
    expect(await plotPane().textContent()).toContain('/f1/data/data');
    await page.getByRole('spinbutton', { name: 'Frame number' }).fill('42');
    await frameShown(42);
    // read-out: the counts h5py reads and the polar angle of the simulated geometry
    const [px, py] = [120, 60];
    const at = await screenOf(px, py);
    // mouse events carry whole CSS pixels: the pixel's centre, rounded (a frame pixel is > 1 px wide here)
    await page.mouse.move(Math.round(at.x), Math.round(at.y));
    const readout = page.getByTestId('pixel-readout');
    await expect.poll(() => readout.textContent()).toContain(`x ${px}`);
    const counts = h5py<number>(
      abs(ex.scan300K),
      `print(json.dumps(int(f['f1/data/data'][42, ${py}, ${px}])))`,
    );
    const text = (await readout.textContent()) ?? '';
    expect(text).toContain(`y ${py}`);
    expect(text).toContain(`counts ${counts}`);
    const twoTheta = computePolarAngle(ex.truth.entries[0]!.geometry, px, py, { frame: 42 });
    expect(text).toContain(`2θ ${twoTheta.toFixed(3)}°`);
    // linear / log and limits: a given maximum is used and shown on the colour bar
    await page.getByRole('radio', { name: 'linear' }).click();
    await page.getByRole('textbox', { name: 'Colour max' }).fill('50');
    await page.getByRole('textbox', { name: 'Colour max' }).press('Enter');
    await expect.poll(() => page.getByTestId('color-limits').textContent()).toMatch(/… 50$/);
    await page.getByRole('button', { name: 'Auto' }).click();
    await page.getByRole('radio', { name: 'log' }).click();
  });

  it('cancels a running job (Find Maximum) and leaves the file as it was', async () => {
    const d = await refine('Find Maximum');
    await filled(d, 'First Frame');
    await d.getByRole('button', { name: 'Find Maximum', exact: true }).click();
    await d.getByRole('progressbar', { name: 'Progress' }).waitFor();
    await d.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => d.getByRole('alert').textContent(), { timeout: 60_000 }).toBe('Cancelled.');
    expect(await d.getByRole('list', { name: 'Job log' }).textContent()).toContain(
      "'find-maximum' cancelled",
    );
    const written = h5py<boolean>(abs(ex.scan300K), "print(json.dumps('nxmax' in f['f1']))");
    expect(written).toBe(false);
    await close(d);
  });

  it('Choose Parameters: shows the cascade, checks fields, saves /entry/nxreduce and sets the parent', async () => {
    const d = await refine('Choose Parameters');
    await filled(d, 'Peak Threshold');
    // settings.ini of the simulated experiment
    expect(await field(d, 'Peak Threshold').inputValue()).toBe('50000');
    expect(await field(d, 'First Frame').inputValue()).toBe('10');
    expect(await field(d, 'Last Frame').inputValue()).toBe('390');
    expect(await d.textContent()).toContain('settings.ini');
    expect(await d.textContent()).toContain('400 frames per rotation');
    // a message beside a bad field, and no Save
    await field(d, 'Last Frame').fill('500');
    await expect.poll(() => d.locator('[data-field-error=last]').textContent()).toContain('≤ 400');
    expect(await d.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await field(d, 'Max. Polar Angle (deg)').fill('95');
    expect(await d.locator('[data-field-error=polar_max]').textContent()).toContain('(0, 90]');
    await field(d, 'Last Frame').fill('390');
    await field(d, 'Max. Polar Angle (deg)').fill('10');
    await field(d, 'Peak Threshold').fill('20000');
    await d.getByRole('checkbox', { name: 'Set As Parent' }).check();
    await shot('choose-parameters.png');
    await d.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => d.getByRole('status').textContent(), { timeout: 60_000 })
      .toContain('Parameters saved in /entry/nxreduce');
    expect(await d.getByRole('status').textContent()).toContain('sim_parent.nxs now links to this file');
    const stored = h5py<Record<string, number | string>>(
      abs(ex.scan300K),
      "g = f['entry/nxreduce']; print(json.dumps({k: (g[k][()].decode() if isinstance(g[k][()], bytes) else g[k][()].item()) for k in g}))",
    );
    expect(stored).toMatchObject({
      threshold: 20000,
      first_frame: 10,
      last_frame: 390,
      polar_max: 10,
      hkl_tolerance: 0.05,
      monitor: 'monitor1',
      norm: 50000,
      qmin: 5,
      qmax: 10,
      radius: 0.2,
      min_pixels: 10,
    });
    // the tree was read again: /entry/nxreduce is there
    await row(/^entry NXentry/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^nxreduce NXparameters/).waitFor();
    await close(d);
  });

  it('Find Maximum: shows the maximum of the unmasked pixels, as h5py finds it in the saved data', async () => {
    const d = await refine('Find Maximum');
    await filled(d, 'First Frame');
    // stored in the file by Choose Parameters: the annulus comes from it
    expect(await field(d, 'Minimum Scattering Q (Å⁻¹)').inputValue()).toBe('5');
    await d.getByRole('button', { name: 'Find Maximum', exact: true }).click();
    await result(d).waitFor({ timeout: 90_000 });
    const text = (await result(d).textContent()) ?? '';
    const shown = Number(/Maximum Value: (\d+)/.exec(text)?.[1]);
    const truth = h5py<{ max: number; attr: number; hot: number }>(
      abs(ex.scan300K),
      [
        "d = f['f1/data/data']",
        "m = f['f1/instrument/detector/pixel_mask'][()] != 0",
        "a = f['f1/data'].attrs",
        "mx = max(int(d[i][~m].max()) for i in range(int(a['first']), int(a['last'])))",
        "print(json.dumps({'max': mx, 'attr': float(a['maximum']), 'hot': int(m.sum())}))",
      ].join('\n'),
    );
    expect(shown).toBe(truth.max);
    expect(truth.attr).toBe(truth.max);
    expect(text).toContain('4 hot and 6 dead pixels masked'); // the simulation's defects
    // the curves the job wrote, plotted in the dialog: summed frames ÷ monitor (NXRefine's Plot
    // Summed Frames; the default monitor is monitor1) = h5py's per-frame sums ÷ f1/monitor1/MCS1
    const traces = async (): Promise<Array<{ name: string; x: number[]; y: number[] }>> =>
      page.evaluate(() => {
        const el = document.querySelector('[data-testid=find-maximum-plot]') as HTMLElement & {
          data?: Array<{ name: string; x: number[]; y: number[] }>;
        };
        return (el?.data ?? []).map((t) => ({ name: t.name, x: Array.from(t.x), y: Array.from(t.y) }));
      });
    await d.getByRole('button', { name: 'Plot Summed Frames' }).click();
    await expect.poll(async () => (await traces()).length, { timeout: 30_000 }).toBe(1);
    const sums = h5py<{ frames: number[]; nframes: number }>(
      abs(ex.scan300K),
      "s = f['f1/summed_frames']; m = f['f1/monitor1/MCS1'][()].astype('f8'); print(json.dumps({'frames': (s['summed_frames'][()] / m).tolist(), 'nframes': len(s['frame_number'])}))",
    );
    const [summed] = await traces();
    expect(summed!.name).toBe('summed frames ÷ monitor1');
    expect(summed!.x).toHaveLength(sums.nframes);
    expect(summed!.y).toEqual(sums.frames);
    expect(Math.max(...summed!.y)).toBeGreaterThan(0);
    await d.getByRole('checkbox', { name: 'Over?' }).check();
    await d.getByRole('button', { name: 'Plot Partial Frames' }).click();
    await expect
      .poll(async () => (await traces()).map((t) => t.name))
      .toEqual(['summed frames ÷ monitor1', 'partial frames ÷ monitor1']);
    await shot('find-maximum.png');
    // a curve with another x axis replaces them
    await d.getByRole('button', { name: 'Plot Radial Sum' }).click();
    await expect.poll(async () => (await traces()).map((t) => t.name)).toEqual(['radial sum']);
    const radial = (await traces())[0]!;
    expect(radial.x.length).toBe(2048);
    expect(radial.y.some((v) => v > 0)).toBe(true);
    await shot('find-maximum-radial-sum.png');
    await d.getByRole('button', { name: 'Plot Summed Data' }).click();
    await expect.poll(() => plotPane().textContent()).toContain('/f1/summed_data/summed_data');
    await close(d);
  });

  it('Find Peaks: finds as many peaks as `nxr find-peaks`, lists them and overlays them on the frames', async () => {
    const cli = JSON.parse(
      execFileSync(
        process.execPath,
        [
          join(repoRoot, 'bin', 'nxr.mjs'),
          'find-peaks',
          abs(ex.scan300K),
          '--entry',
          'f1',
          '--dry-run',
          '--json',
        ],
        {
          encoding: 'utf8',
        },
      ),
    ) as { peaks: unknown[] | number };
    const expected = Array.isArray(cli.peaks) ? cli.peaks.length : cli.peaks;
    const d = await refine('Find Peaks');
    await filled(d, 'Threshold');
    expect(await field(d, 'Threshold').inputValue()).toBe('20000');
    expect(await field(d, 'Minimum Pixels Between Peaks').inputValue()).toBe('10');
    await field(d, 'Minimum Pixels Between Peaks').fill('0');
    expect(await d.locator('[data-field-error=minPixels]').textContent()).toContain('1…200');
    await field(d, 'Minimum Pixels Between Peaks').fill('10');
    await d.getByRole('button', { name: 'Find Peaks', exact: true }).click();
    await result(d).waitFor({ timeout: 90_000 });
    expect(await result(d).textContent()).toContain(`${expected} peaks found`);
    expect(expected).toBeGreaterThan(20);
    const saved = h5py<{ n: number; x: number; y: number; z: number }>(
      abs(ex.scan300K),
      "p = f['f1/peaks']; print(json.dumps({'n': len(p['x']), 'x': float(p['x'][0]), 'y': float(p['y'][0]), 'z': float(p['z'][0])}))",
    );
    expect(saved.n).toBe(expected);
    await d.getByRole('button', { name: 'List Peaks' }).click();
    const table = d.getByRole('table', { name: 'Peaks (/f1/peaks)' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(expected);
    await shot('find-peaks.png');
    // double-click a row: the frame of that peak, with the peak circled
    await table.locator('tbody tr').first().dblclick();
    await frameShown(Math.round(saved.z));
    const near = await page.evaluate(() => {
      const el = document.querySelector('[data-testid=frame-plot]') as HTMLElement & {
        data: Array<{ x: number[]; y: number[] }>;
      };
      return { x: Array.from(el.data[1]!.x), y: Array.from(el.data[1]!.y) };
    });
    const i = near.x.findIndex(
      (x, k) => Math.abs(x - saved.x) < 1e-6 && Math.abs(near.y[k]! - saved.y) < 1e-6,
    );
    expect(i).toBeGreaterThanOrEqual(0);
    await close(d);
    await shot('frame-plot.png');
  });

  it('Define Lattice: looks the space group up as typed and saves the cell of the simulation', async () => {
    const d = await refine('Define Lattice');
    const cell = ex.truth.crystal.cell;
    await field(d, 'Space Group').fill('P 99 q');
    await expect
      .poll(() => d.locator('[data-field-error=spaceGroup]').textContent())
      .toContain('unknown space group');
    expect(await d.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await field(d, 'Space Group').fill(ex.truth.crystal.spaceGroup);
    expect(await d.getByTestId('laue-group').textContent()).toBe('mmm');
    expect(await d.getByTestId('lattice-system').textContent()).toBe('orthorhombic');
    await field(d, 'Chemical Formula').fill('La2CuO4');
    for (const [k, label] of [
      ['a', 'Unit Cell - a (Å)'],
      ['b', 'Unit Cell - b (Å)'],
      ['c', 'Unit Cell - c (Å)'],
      ['alpha', 'Unit Cell - alpha (deg)'],
      ['beta', 'Unit Cell - beta (deg)'],
      ['gamma', 'Unit Cell - gamma (deg)'],
    ] as const) {
      await field(d, label).fill(String(cell[k]));
    }
    await field(d, 'Unit Cell - gamma (deg)').fill('0');
    expect(await d.locator('[data-field-error=gamma]').textContent()).toContain('between 0 and 180');
    await field(d, 'Unit Cell - gamma (deg)').fill(String(cell.gamma));
    await d.getByRole('button', { name: 'Save' }).click();
    await result(d).waitFor({ timeout: 60_000 });
    expect(await result(d).textContent()).toContain('P m m m (No. 47) saved in /entry/sample');
    await shot('define-lattice.png');
    const sample = h5py<Record<string, number | string>>(
      abs(ex.scan300K),
      "g = f['entry/sample']; print(json.dumps({k: (g[k][()].decode() if isinstance(g[k][()], bytes) else g[k][()].item()) for k in ['space_group', 'laue_group', 'unit_cell_group', 'chemical_formula', 'unitcell_a', 'unitcell_b', 'unitcell_c', 'unitcell_alpha', 'unitcell_beta', 'unitcell_gamma']}))",
    );
    expect(sample).toEqual({
      space_group: 'P m m m',
      laue_group: 'mmm',
      unit_cell_group: 'orthorhombic',
      chemical_formula: 'La2CuO4',
      unitcell_a: cell.a,
      unitcell_b: cell.b,
      unitcell_c: cell.c,
      unitcell_alpha: cell.alpha,
      unitcell_beta: cell.beta,
      unitcell_gamma: cell.gamma,
    });
    await close(d);
  });

  it('Calculate Angles: plots the peaks against the powder rings and saves the angles', async () => {
    const d = await refine('Calculate Angles');
    await filled(d, 'Wavelength (Å)');
    const g = ex.truth.entries[0]!.geometry;
    expect(Number(await field(d, 'Wavelength (Å)').inputValue())).toBe(g.wavelength);
    expect(Number(await field(d, 'Detector Distance (mm)').inputValue())).toBe(g.distance);
    expect(Number(await field(d, 'Beam Center x (pixels)').inputValue())).toBe(g.beamCenterX);
    await d.getByRole('button', { name: 'Plot' }).click();
    await result(d).waitFor({ timeout: 60_000 });
    const angles = h5py<{ n: number; lo: number; hi: number }>(
      abs(ex.scan300K),
      "a = f['f1/peaks/polar_angle'][()]; print(json.dumps({'n': len(a), 'lo': float(a.min()), 'hi': float(a.max())}))",
    );
    const text = (await result(d).textContent()) ?? '';
    expect(text).toContain(
      `${angles.n} peaks: polar angles ${angles.lo.toFixed(3)}…${angles.hi.toFixed(3)}°`,
    );
    expect(text).toMatch(/\d+ powder rings up to \d+\.\d+°/);
    await d.getByTestId('angle-plot').locator('.main-svg').first().waitFor();
    await d.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => result(d).textContent(), { timeout: 60_000 }).toContain('saved in /f1/peaks');
    await shot('calculate-angles.png');
    await close(d);
  });

  it('Refine Lattice: lists the peaks, orients manually from two of them, refines (residual plot) and saves', async () => {
    const d = await refine('Refine Lattice');
    await filled(d, 'Max. Polar Angle (deg)');
    expect(await field(d, 'HKL Tolerance (Å⁻¹)').inputValue()).toBe('0.05');
    await d.getByRole('checkbox', { name: 'Distance (mm)' }).uncheck();
    // List: indexed with the starting orientation (the known cell), every peak of the file listed
    const peaks = h5py<{ x: number[]; y: number[]; z: number[] }>(
      abs(ex.scan300K),
      "p = f['f1/peaks']; print(json.dumps({k: p[k][()].tolist() for k in ['x', 'y', 'z']}))",
    );
    await d.getByRole('button', { name: 'List', exact: true }).click();
    await expect.poll(() => result(d).textContent(), { timeout: 90_000 }).toContain('orientation only');
    const table = d.getByRole('table', { name: 'Refine Lattice peaks' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(peaks.x.length);
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'Use',
      'i ▴',
      'x',
      'y',
      'z',
      'Polar',
      'Azi',
      'Intensity',
      'H',
      'K',
      'L',
      'Diff',
    ]);
    // rows beyond the polar maximum (10°, Choose Parameters) are greyed
    expect(await table.locator('tbody tr[data-excluded=true]').count()).toBeGreaterThan(0);

    // Orient Manually: two found peaks of the simulation, given their true hkls
    const truth = truthHklOf(ex.truth, peaks);
    const g = ex.truth.entries[0]!.geometry;
    const q = (i: number) => pixelToQSample(g, peaks.x[i]!, peaks.y[i]!, peaks.z[i]!);
    const matched = truth.map((t, i) => (t ? i : -1)).filter((i) => i >= 0);
    expect(matched.length).toBeGreaterThan(20);
    const lowAngle = matched.filter((i) => computePolarAngle(g, peaks.x[i]!, peaks.y[i]!) < 10);
    const primary = lowAngle[0]!;
    const secondary = lowAngle.find((i) => {
      const a = angleBetweenVectors(q(primary), q(i));
      return a > 30 && a < 150;
    })!;
    expect(secondary).toBeDefined();
    // sortable: by polar angle, ascending
    await table.getByRole('columnheader', { name: 'Polar' }).click();
    const polars = (await table.locator('tbody tr td:nth-child(6)').allTextContents()).map(Number);
    expect(polars).toEqual([...polars].sort((a, b) => a - b));
    const orient = d.getByRole('group', { name: 'Orient Manually' });
    await orient.getByRole('textbox', { name: 'Primary peak' }).fill(String(primary));
    // the secondary: select its row in the list and take it
    const secondaryRow = table.locator(`tbody tr[data-peak="${secondary}"]`);
    await secondaryRow.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await secondaryRow.click();
    await orient.getByRole('button', { name: '◂ selected' }).nth(1).click();
    expect(await orient.getByRole('textbox', { name: 'Secondary peak' }).inputValue()).toBe(
      String(secondary),
    );
    // the helper offers the classes of the primary peak's powder ring
    await expect
      .poll(() => orient.getByTestId('primary-ring').textContent())
      .toMatch(/^2θ \d+\.\d{3}°, ring \d+/);
    expect(
      await orient.getByRole('combobox', { name: 'Primary HKL candidates' }).locator('option').count(),
    ).toBeGreaterThan(1);
    await orient.getByRole('textbox', { name: 'Primary HKL' }).fill(truth[primary]!.join(' '));
    await orient.getByRole('textbox', { name: 'Secondary HKL' }).fill(truth[secondary]!.join(' '));
    // the true secondary hkl is one of the helper's candidates for the true primary
    expect(await orient.getByRole('combobox', { name: 'Secondary HKL candidates' }).inputValue()).toBe(
      truth[secondary]!.join(' '),
    );
    const check = (await orient.getByRole('status', { name: 'Angle check' }).textContent()) ?? '';
    const [measured, calculated] = [...check.matchAll(/(\d+\.\d{3})°/g)].map((m) => Number(m[1]));
    expect(Math.abs(measured! - calculated!)).toBeLessThan(0.05);
    await orient.getByRole('button', { name: 'Orient' }).click();
    await expect
      .poll(() => d.getByTestId('manual-check').textContent(), { timeout: 90_000 })
      .toContain(`peaks ${primary} (${truth[primary]!.join(' ')}) and ${secondary}`);
    expect(await d.getByRole('combobox', { name: 'Starting orientation' }).inputValue()).toBe('manual');

    /** H, K, L of the listed peaks that are simulated reflections: how many equal the truth. */
    const hklAgreement = async (): Promise<{ matched: number; equal: number; usedWrong: number }> => {
      const cells = await table.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          peak: Number(tr.getAttribute('data-peak')),
          excluded: tr.getAttribute('data-excluded') === 'true',
          cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''),
        })),
      );
      let equal = 0;
      let usedWrong = 0;
      for (const row of cells) {
        const t = truth[row.peak];
        if (!t) continue;
        const hkl = row.cells.slice(8, 11).map((v) => Math.round(Number(v)));
        const same = hkl.every((v, j) => v === t[j]);
        if (same) equal++;
        else if (!row.excluded) usedWrong++;
      }
      return { matched: matched.length, equal, usedWrong };
    };
    const oriented = await hklAgreement();
    expect(oriented.equal / oriented.matched).toBeGreaterThanOrEqual(0.95);
    expect(oriented.usedWrong).toBe(0);

    // Refine from the manual orientation: parameters, residuals before and after
    await d.getByRole('button', { name: 'Refine', exact: true }).click();
    await expect
      .poll(() => result(d).textContent(), { timeout: 90_000 })
      .toMatch(/Score: \d+\.\d{4} · \d+ of \d+ peaks indexed \(not saved\)/);
    const params = d.getByRole('table', { name: 'Refined parameters' });
    expect(await params.textContent()).toContain('a (Å)');
    expect(await params.textContent()).not.toContain('distance');
    const plotted = async (): Promise<Array<{ name: string; n: number }>> =>
      page.evaluate(() => {
        const el = document.querySelector('[data-testid=residual-plot]') as HTMLElement & {
          data?: Array<{ name: string; x: number[] }>;
        };
        return (el?.data ?? []).map((t) => ({ name: t.name, n: t.x.length }));
      });
    await expect.poll(async () => (await plotted()).length, { timeout: 30_000 }).toBe(2);
    const [beforeFit, afterFit] = await plotted();
    expect(beforeFit!.name).toMatch(/^before the fit/);
    expect(afterFit!.name).toMatch(/^after the fit/);
    expect(afterFit!.n).toBeGreaterThan(10);
    await d.getByTestId('residual-plot').locator('.main-svg').first().waitFor();
    const refined = await hklAgreement();
    expect(refined.equal / refined.matched).toBeGreaterThanOrEqual(0.95);
    expect(refined.usedWrong).toBe(0);
    expect(h5py<boolean>(abs(ex.scan300K), "print(json.dumps('nxrefine' in f['f1']))")).toBe(false);
    // screenshots with a taller window (the dialog scrolls)
    await page.setViewportSize({ width: 1400, height: 1500 });
    await shot('refine-lattice.png');
    await d.getByTestId('residual-plot').scrollIntoViewIfNeeded();
    await shot('refine-lattice-residuals.png');
    await page.setViewportSize({ width: 1400, height: 900 });
    // double-click a row: the peak's frame in the plot pane
    const row = table.locator(`tbody tr[data-peak="${primary}"]`);
    await row.evaluate((el) => el.scrollIntoView({ block: 'center' })); // not under the sticky header
    await row.dblclick();
    await frameShown(Math.round(peaks.z[primary]!));

    await d.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => result(d).textContent(), { timeout: 90_000 }).toContain('· saved');
    const saved = h5py<{
      a: number;
      c: number;
      u: number[][];
      record: boolean;
      primary: number;
      secondary: number;
    }>(
      abs(ex.scan300K),
      "print(json.dumps({'a': float(f['entry/sample/unitcell_a'][()]), 'c': float(f['entry/sample/unitcell_c'][()]), 'u': f['f1/instrument/detector/orientation_matrix'][()].tolist(), 'record': 'nxrefine' in f['f1'], 'primary': int(f['f1/peaks/primary_reflection'][()]), 'secondary': int(f['f1/peaks/secondary_reflection'][()])}))",
    );
    expect(saved.record).toBe(true);
    expect([saved.primary, saved.secondary]).toEqual([primary, secondary]);
    // the simulated crystal: the cell, and its orientation — the true one, as the true hkls were given
    // (orthorhombic: the stored matrix is U itself, so Uᵀ_truth·U_saved = I)
    expect(saved.a).toBeCloseTo(ex.truth.crystal.cell.a, 3);
    expect(saved.c).toBeCloseTo(ex.truth.crystal.cell.c, 3);
    const t = ex.truth.crystal.U;
    const r = [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) => [0, 1, 2].reduce((sum, k) => sum + t[k]![i]! * saved.u[k]![j]!, 0)),
    );
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(r[i]![j]!).toBeCloseTo(i === j ? 1 : 0, 3);

    // Export: the list as CSV, the table's columns and the Use ticks
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      d.getByRole('button', { name: 'Export…' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/_f1_peaks\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('i,x,y,z,Polar,Azi,Intensity,H,K,L,Diff,Included');
    expect(csv.length).toBe(peaks.x.length + 1);
    expect(Number(csv[1 + primary]!.split(',')[1])).toBeCloseTo(peaks.x[primary]!, 6);

    // Use: untick a peak used in the fit; the next Refine leaves it out
    const usedCount = async (): Promise<number> =>
      Number(/· (\d+) of \d+ peaks indexed/.exec((await result(d).textContent()) ?? '')![1]);
    const before = await usedCount();
    const usedRows = await table
      .locator('tbody tr:not([data-excluded])')
      .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-peak'))));
    const used = usedRows.find((i) => i !== primary && i !== secondary)!;
    expect(used).toBeDefined();
    const usedRow = table.locator(`tbody tr[data-peak="${used}"]`);
    await usedRow.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await usedRow.getByRole('checkbox', { name: `use peak ${used}` }).uncheck();
    expect(await usedRow.getAttribute('data-excluded')).toBe('true');
    await d.getByRole('button', { name: 'Refine', exact: true }).click();
    await expect.poll(() => usedCount(), { timeout: 90_000 }).toBeLessThan(before);
    expect(await usedRow.getAttribute('title')).toContain('excluded (unticked)');

    // Orient by FFT: the cell table includes the simulated cell; Select starts from it
    const fft = d.getByRole('group', { name: 'Orient by FFT' });
    await fft.getByRole('button', { name: 'Orient' }).click();
    const cells = fft.getByRole('table', { name: 'FFT cells' });
    await cells.waitFor({ timeout: 90_000 });
    const pickedRow = (await cells.locator('tbody tr[aria-selected=true] td').allTextContents()).slice(1);
    expect(pickedRow.slice(0, 2)).toEqual(['orthorhombic', 'P']);
    const truthCell = ex.truth.crystal.cell;
    [truthCell.a, truthCell.b, truthCell.c].forEach((v, j) =>
      expect(Math.abs(Number(pickedRow[2 + j]) / v - 1)).toBeLessThan(0.005),
    );
    await cells.scrollIntoViewIfNeeded();
    await shot('refine-lattice-fft.png');
    await fft.getByRole('button', { name: 'Select' }).click();
    await expect
      .poll(() => d.getByRole('combobox', { name: 'Starting orientation' }).inputValue())
      .toBe('fft');
    await expect.poll(() => result(d).textContent(), { timeout: 90_000 }).toContain('orientation from fft');
    await close(d);
  });

  it('Prepare 3D Mask: masks the frames around the peaks and plots the mask', async () => {
    const d = await refine('Prepare 3D Mask');
    await filled(d, 'First Frame');
    expect(await field(d, 'Threshold 1').inputValue()).toBe('2');
    expect(await field(d, 'Horizontal Size 2').inputValue()).toBe('51');
    await field(d, 'Threshold 2').fill('1.5');
    expect(await d.locator('[data-field-error=t2]').textContent()).toContain('0…1');
    await field(d, 'Threshold 2').fill('0.8');
    // the simulated peaks are sharp (σ 1 px): a smaller second box, as docs/guide/prepare-mask.md says
    await field(d, 'Threshold 1').fill('1');
    await field(d, 'Horizontal Size 2').fill('5');
    await field(d, 'Last Frame').fill('100');
    await d.getByRole('button', { name: 'Prepare Mask' }).click();
    await result(d).waitFor({ timeout: 90_000 });
    const text = (await result(d).textContent()) ?? '';
    expect(text).toContain('Mask complete');
    expect(text).toContain('f1_mask.nxs, linked as /f1/data/data_mask');
    const mask = h5py<{ shape: number[]; inside: number }>(
      abs(ex.scan300K),
      "m = f['f1/data/data_mask']; print(json.dumps({'shape': list(m.shape), 'inside': int(m[10:101].sum())}))",
    );
    expect(mask.shape).toEqual([400, 195, 487]);
    expect(mask.inside).toBeGreaterThan(0);
    expect(text).toContain(`${mask.inside.toLocaleString('en-US')} pixel-frames masked`);
    await d.getByRole('button', { name: 'Plot Mask' }).click();
    await expect.poll(() => plotPane().textContent()).toContain('/f1/data/data_mask');
    await page.getByRole('spinbutton', { name: 'Frame number' }).fill('28');
    await frameShown(28);
    await shot('prepare-mask.png');
    await close(d);
  });

  it('Transform Data: shows the default grid and transforms the frames into a coarser one', async () => {
    const d = await refine('Transform Data');
    await expect
      .poll(() => d.getByRole('textbox', { name: 'H Q' }).inputValue(), { timeout: 30_000 })
      .not.toBe('');
    // NXRefine's default grid for this cell and detector (nxr transform: H -4…4 step 0.01)
    expect(await d.getByRole('textbox', { name: 'H Q' }).inputValue()).toBe('4');
    expect(await d.getByRole('textbox', { name: 'H dQ' }).inputValue()).toBe('0.01');
    expect(await d.getByTestId('grid-n-h').textContent()).toBe('801');
    for (const [a, q, dq] of [
      ['H', '2', '0.05'],
      ['K', '2', '0.05'],
      ['L', '6', '0.1'],
    ] as const) {
      await d.getByRole('textbox', { name: `${a} Q` }).fill(q);
      await d.getByRole('textbox', { name: `${a} dQ` }).fill(dq);
    }
    expect(await d.getByTestId('grid-n-l').textContent()).toBe('121');
    await d.getByRole('button', { name: 'Save' }).click();
    await result(d).waitFor({ timeout: 120_000 });
    expect(await result(d).textContent()).toContain('f1_transform.nxs: 81 × 81 × 121 voxels');
    await shot('transform-data.png');
    const out = h5py<{ shape: number[]; h: number[] }>(
      join(ex.root, 'tiny', 'sim', 'xtal1', '300K', 'f1_transform.nxs'),
      "d = f['entry/data']; print(json.dumps({'shape': list(d['v'].shape), 'h': [float(d['Qh'][0]), float(d['Qh'][-1])]}))",
    );
    expect(out.shape).toEqual([121, 81, 81]);
    expect(out.h[0]).toBeCloseTo(-2, 9);
    expect(out.h[1]).toBeCloseTo(2, 9);
    await close(d);
  });

  it('Copy Parameters: copies the parent’s geometry, lattice and parameters into another scan', async () => {
    await openFile(ex.scan100K);
    const d = await refine('Copy Parameters');
    await d.getByRole('button', { name: 'Save' }).click();
    await result(d).waitFor({ timeout: 60_000 });
    expect(await result(d).textContent()).toContain('Copied from sim_300K.nxs into f1');
    await shot('copy-parameters.png');
    const copied = h5py<{ threshold: number; sg: string; nxcopy: boolean }>(
      abs(ex.scan100K),
      "print(json.dumps({'threshold': float(f['entry/nxreduce/threshold'][()]), 'sg': f['entry/sample/space_group'][()].decode(), 'nxcopy': 'nxcopy' in f['f1']}))",
    );
    expect(copied).toEqual({ threshold: 20000, sg: 'P m m m', nxcopy: true });
    await close(d);
  });

  it('names a truncated file and says what is wrong with it', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open NeXus file' });
    await dialog.getByRole('button', { name: 'broken/' }).click();
    await dialog.getByRole('button', { name: /^truncated\.nxs/ }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'truncated.nxs' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/truncated\.nxs: HDF5 file is truncated or corrupt/);
  });

  it('logged no console errors or warnings', () => {
    expect(problems).toEqual([]);
  });
});
