// End to end, as a user would: `nxr serve` (its JS API, in-process) on a tiny simulated scan after
// Find Maximum, driven in Debian Chromium. The tree's context menu (right-click and Shift+F10):
// Copy Path (the clipboard), View Data of a 1-D field (its values against h5py, paged), Plot of 1-D
// fields and NXdata groups as line plots (values, axis titles, log y, read-out), Set as Parent (the
// link on disk), Reload; and the file rewritten from outside (h5py) showing up in the tree without
// any action. Screenshots: docs/screenshots/tree-context-menu.png, view-data.png, line-plot.png.
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { updateNexusFile } from '../../src/engine/io/nexus-writer.ts';
import { findMaximum } from '../../src/engine/jobs/find-maximum.ts';
import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { simulateExperiment } from '../../src/engine/simulate/simulate-experiment.ts';
import { pyRun } from '../helpers/python.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';
import { h5py } from './refine-fixture.ts';

const screenshots = join(repoRoot, 'docs', 'screenshots');
const realdata = resolve(repoRoot, '..', 'shared', 'realdata');
const SCAN = 'sim/xtal1/sim_300K.nxs';
const FRAMES = 40;

describe('tree context menu, View Data, line plots, files changed on disk (browser mode)', () => {
  let dir: string;
  let scan: string;
  let server: BrowserServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  const rowAt = (path: string): Locator => page.locator(`[role=treeitem][data-path="${path}"]`);
  const menu = (): Locator => page.getByRole('menu');
  const item = (name: string): Locator => menu().getByRole('menuitem', { name, exact: true });
  const notice = (): Locator => page.getByTestId('tree-notice');
  const linePane = (): Locator => page.getByRole('region', { name: 'Line plot' });
  const shot = async (name: string): Promise<void> => {
    // an old notice ("Copied …") would only clutter the picture
    if ((await notice().count()) > 0) await page.getByRole('button', { name: 'Dismiss notice' }).click();
    await page.screenshot({ path: join(screenshots, name) });
  };

  /** Expands every group on the way to `path` (clicking rows, Right arrow). */
  const reveal = async (path: string): Promise<void> => {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const p = `/${parts.slice(0, i).join('/')}`;
      if ((await rowAt(p).getAttribute('aria-expanded')) !== 'true') {
        await rowAt(p).click();
        await page.keyboard.press('ArrowRight');
      }
    }
    await rowAt(path).waitFor();
  };
  const rightClick = async (path: string): Promise<void> => {
    await reveal(path);
    await rowAt(path).click({ button: 'right' });
    await menu().waitFor();
  };
  /** The line plot's first trace as plotly holds it, and its axis titles and y scale. */
  const lineFigure = () =>
    page.evaluate(() => {
      const el = document.querySelector('[data-testid=line-plot]') as HTMLElement & {
        data: Array<{ x: ArrayLike<number>; y: ArrayLike<number> }>;
        layout: { xaxis: { title: { text: string } }; yaxis: { title: { text: string }; type: string } };
      };
      return {
        x: Array.from(el.data[0]!.x),
        y: Array.from(el.data[0]!.y),
        xTitle: el.layout.xaxis.title.text,
        yTitle: el.layout.yaxis.title.text,
        yType: el.layout.yaxis.type,
      };
    });
  const waitDrawn = async (points: number): Promise<void> => {
    await expect.poll(() => linePane().getAttribute('data-points'), { timeout: 30_000 }).toBe(String(points));
    await expect.poll(async () => Number(await linePane().getAttribute('data-drawn'))).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    await ensureBuild();
    dir = mkdtempSync(join(tmpdir(), 'nxr-e2e-tree-'));
    await simulateExperiment({
      outDir: dir,
      preset: 'tiny',
      seed: 3,
      cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
      spaceGroup: 'P m m m',
      entries: 1,
      nframes: FRAMES,
      compression: 'bslz4',
      dtype: 'int32',
      sample: 'sim',
      label: 'xtal1',
      scan: '300K',
    });
    scan = join(dir, SCAN);
    // Find Maximum writes f1/summed_frames, f1/radial_sum; monitor_weight as Transform writes it
    await findMaximum({ file: scan, entry: 'f1', workers: 1, first: 0, last: FRAMES });
    await updateNexusFile(scan, (w) =>
      w.field(
        '/f1/data/monitor_weight',
        Float64Array.from({ length: FRAMES }, (_, i) => 1 + 0.01 * i),
        { attrs: { axes: 'frame_number' } },
      ),
    );
    server = await startBrowserServer({ root: dir, rendererDir, version: '0.1.0' });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1400, height: 860 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(server.url);
    mkdirSync(screenshots, { recursive: true });
    // File ▸ Open… through the served folder
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open NeXus file' });
    for (const d of SCAN.split('/').slice(0, -1)) await dialog.getByRole('button', { name: `${d}/` }).click();
    await dialog.getByRole('button', { name: /^sim_300K\.nxs/ }).click();
    await rowAt('/f1').waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('right-click opens NeXpy’s menu; items that do not apply are disabled; Escape gives focus back', async () => {
    await rightClick('/f1/start_time');
    expect(await menu().getAttribute('aria-label')).toBe('Actions for start_time');
    expect(await menu().getByRole('menuitem').allTextContents()).toEqual([
      'Plot',
      'View Data',
      'Copy Path',
      'Set as Parent',
      'Reload',
    ]);
    // a string field: no Plot; not the whole file: no Set as Parent
    expect(await item('Plot').getAttribute('aria-disabled')).toBe('true');
    expect(await item('Plot').getAttribute('title')).toMatch(/not numbers/);
    expect(await item('View Data').getAttribute('aria-disabled')).toBeNull();
    expect(await item('Set as Parent').getAttribute('aria-disabled')).toBe('true');
    // focus is on the first item; a disabled item does nothing
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Plot');
    await page.keyboard.press('Enter');
    expect(await menu().count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => menu().count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe(
      '/f1/start_time',
    );

    await rightClick('/f1/radial_sum');
    expect(await item('Plot').getAttribute('aria-disabled')).toBeNull();
    expect(await item('View Data').getAttribute('aria-disabled')).toBe('true');
    await item('View Data').hover();
    await shot('tree-context-menu.png');
    await page.keyboard.press('Escape');
  });

  it('Copy Path from the keyboard (Shift+F10, Down, Enter) puts the HDF5 path on the clipboard', async () => {
    await reveal('/f1/data/data');
    await rowAt('/f1/data/data').click();
    await page.keyboard.press('Shift+F10');
    await menu().waitFor();
    await page.keyboard.press('ArrowDown'); // View Data
    await page.keyboard.press('ArrowDown'); // Copy Path
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Copy Path');
    await page.keyboard.press('Enter');
    await expect.poll(() => notice().textContent()).toContain('Copied /f1/data/data');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('/f1/data/data');
    // the ContextMenu key opens it too; a letter jumps to an item
    await rowAt('/f1/data/frame_number').click();
    await page.keyboard.press('ContextMenu');
    await menu().waitFor();
    await page.keyboard.press('c');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe('/f1/data/frame_number');
  });

  it('View Data shows the real values of a 1-D field, paged (h5py reads the same)', async () => {
    await rightClick('/f1/summed_frames/summed_frames');
    await item('View Data').click();
    const dialog = page.getByRole('dialog', { name: 'View Data: /f1/summed_frames/summed_frames' });
    const table = dialog.getByRole('table', { name: 'Values of /f1/summed_frames/summed_frames' });
    await table.waitFor();
    const want = h5py<number[]>(scan, "print(json.dumps(f['f1/summed_frames/summed_frames'][()].tolist()))");
    expect(want).toHaveLength(FRAMES);
    const cells = await table.locator('tbody td').allTextContents();
    expect(cells.map(Number)).toEqual(want);
    expect(await table.locator('tbody th').allTextContents()).toEqual(want.map((_, i) => String(i)));
    expect(want.some((v) => v > 0)).toBe(true);
    await shot('view-data.png');
    await dialog.getByRole('button', { name: 'Close View Data' }).click();

    // 2048 polar angles: pages of 100 rows, the next page and a jump to a row
    await rightClick('/f1/radial_sum/polar_angle');
    await item('View Data').click();
    const d2 = page.getByRole('dialog', { name: 'View Data: /f1/radial_sum/polar_angle' });
    const t2 = d2.getByRole('table');
    await t2.waitFor();
    const angles = h5py<number[]>(scan, "print(json.dumps(f['f1/radial_sum/polar_angle'][()].tolist()))");
    expect(await d2.getByTestId('rows-range').textContent()).toBe(`Rows 0–99 of ${angles.length}`);
    expect((await t2.locator('tbody td').allTextContents()).map(Number)).toEqual(angles.slice(0, 100));
    await d2.getByRole('button', { name: 'Next rows' }).click();
    expect((await t2.locator('tbody td').allTextContents()).map(Number)).toEqual(angles.slice(100, 200));
    await d2.getByRole('textbox', { name: 'Go to row' }).fill('2047');
    await d2.getByRole('textbox', { name: 'Go to row' }).press('Enter');
    expect(await d2.getByTestId('rows-range').textContent()).toBe(`Rows 2000–2047 of ${angles.length}`);
    expect(Number(await t2.locator('tbody td').last().textContent())).toBe(angles[2047]);
    await page.keyboard.press('Escape');
    await expect.poll(() => d2.count()).toBe(0);
  });

  it('Plot of an NXdata group with a 1-D signal draws it against its axis, with titles, log y and a read-out', async () => {
    await rightClick('/f1/radial_sum');
    await item('Plot').click();
    const want = h5py<{ y: number[]; x: number[] }>(
      scan,
      "g = f['f1/radial_sum']; print(json.dumps({'y': g['radial_sum'][()].tolist(), 'x': g['polar_angle'][()].tolist()}))",
    );
    await waitDrawn(want.y.length);
    const fig = await lineFigure();
    expect(fig.y).toEqual(want.y);
    expect(fig.x).toEqual(want.x);
    // h5py: polar_angle @units 'degrees'
    expect(fig.xTitle).toBe('polar_angle (degrees)');
    expect(fig.yTitle).toBe('radial_sum');
    expect(fig.yType).toBe('linear');
    // the read-out: the point under the pointer
    const i = want.y.indexOf(Math.max(...want.y));
    const at = await page.evaluate(
      ([x, y]) => {
        const el = document.querySelector('[data-testid=line-plot]') as HTMLElement & {
          _fullLayout: Record<'xaxis' | 'yaxis', { d2p: (v: number) => number; _offset: number }>;
        };
        const r = el.getBoundingClientRect();
        const { xaxis, yaxis } = el._fullLayout;
        return { x: r.left + xaxis._offset + xaxis.d2p(x!), y: r.top + yaxis._offset + yaxis.d2p(y!) };
      },
      [want.x[i]!, want.y[i]!],
    );
    await page.mouse.move(at.x, at.y);
    const readout = page.getByTestId('line-readout');
    await expect.poll(() => readout.textContent()).toMatch(/^point \d+/);
    const shown = Number(/^point (\d+)/.exec((await readout.textContent()) ?? '')?.[1]);
    // within a pixel's worth of points of the maximum (2048 points on ~1200 px)
    expect(Math.abs(shown - i)).toBeLessThanOrEqual(2);
    expect(await readout.textContent()).toContain('polar_angle (degrees)');
    await page.getByRole('radio', { name: 'log y' }).click();
    await expect.poll(async () => (await lineFigure()).yType).toBe('log');
    await page.mouse.move(at.x, at.y);
    await shot('line-plot.png');
    await page.getByRole('radio', { name: 'linear y' }).click();
  });

  it('Plot of a 1-D field uses its @axes (monitor_weight vs frame_number); a 3-D stack goes back to the frame plot', async () => {
    await reveal('/f1/data/monitor_weight');
    await rowAt('/f1/data/monitor_weight').click();
    await page.keyboard.press('Enter');
    await waitDrawn(FRAMES);
    await expect.poll(() => linePane().textContent()).toContain('/f1/data/monitor_weight');
    const fig = await lineFigure();
    const want = h5py<{ y: number[]; x: number[] }>(
      scan,
      "g = f['f1/data']; print(json.dumps({'y': g['monitor_weight'][()].tolist(), 'x': g['frame_number'][()].tolist()}))",
    );
    expect(fig.y).toEqual(want.y);
    expect(fig.x).toEqual(want.x);
    expect(fig.xTitle).toBe('frame_number');
    // a frame plot replaces the line plot
    await rowAt('/f1/data/data').dblclick();
    await page.getByRole('region', { name: 'Frame plot' }).waitFor();
    expect(await linePane().count()).toBe(0);
  });

  it('Set as Parent makes <sample>_parent.nxs link to the file and records it', async () => {
    const link = join(dir, 'sim', 'xtal1', 'sim_parent.nxs');
    expect(existsSync(link)).toBe(false);
    await rowAt('/').click({ button: 'right' });
    await item('Set as Parent').click();
    await expect
      .poll(() => notice().textContent(), { timeout: 30_000 })
      .toContain('sim_300K.nxs is now the parent: sim_parent.nxs → sim_300K.nxs');
    expect(readlinkSync(link)).toBe('sim_300K.nxs');
    const record = h5py<string>(
      scan,
      "v = f['entry/nxcopy/parent'][()]; print(json.dumps(v.decode() if isinstance(v, bytes) else str(v)))",
    );
    expect(record).toBe('sim_300K.nxs');
    // the tree was read again: /entry/nxcopy is there
    await reveal('/entry/nxcopy');
  });

  it('a file rewritten by h5py shows its new node without any action, keeping the tree open; a vanished file is reported', async () => {
    await reveal('/entry/instrument');
    await rowAt('/f1/summed_frames').click();
    const expandedBefore = await page
      .locator('[role=treeitem][aria-expanded=true]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    pyRun(
      [
        'import sys, h5py',
        "with h5py.File(sys.argv[1], 'a') as f:",
        "    g = f.create_group('/entry/added_by_h5py')",
        "    g.attrs['NX_class'] = 'NXnote'",
        "    g['data'] = 'written from outside'",
      ].join('\n'),
      [scan],
    );
    const t0 = Date.now();
    await rowAt('/entry/added_by_h5py').waitFor({ timeout: 15_000 });
    const latency = Date.now() - t0;
    await expect
      .poll(() => notice().textContent())
      .toContain('sim_300K.nxs changed on disk and was reloaded');
    expect(
      await page
        .locator('[role=treeitem][aria-expanded=true]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-path'))),
    ).toEqual(expandedBefore);
    expect(await page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-path')).toBe(
      '/f1/summed_frames',
    );
    console.log(`file rewritten by h5py → new row shown: ${latency} ms (engine polls every 2 s)`);

    // moved away: a clear message, the tree stays; moved back: reloaded
    const away = `${scan}.away`;
    renameSync(scan, away);
    await expect.poll(() => notice().getAttribute('role'), { timeout: 15_000 }).toBe('alert');
    expect(await notice().textContent()).toMatch(/sim_300K\.nxs is gone from disk .*deleted or moved away/);
    expect(await rowAt('/entry/added_by_h5py').count()).toBe(1);
    renameSync(away, scan);
    await expect
      .poll(() => notice().textContent(), { timeout: 15_000 })
      .toContain('changed on disk and was reloaded');
  });

  it('Reload from the menu keeps the expanded groups (the 703-dataset 4n8z.h5: time printed)', async () => {
    const other = await startBrowserServer({
      root: join(realdata, 'nexus-exampledata', 'nxpdb', 'hdf5'),
      rendererDir,
      version: '0.1.0',
    });
    const p2 = await context.newPage();
    try {
      await p2.goto(other.url);
      await p2.getByRole('button', { name: 'Open…' }).click();
      await p2
        .getByRole('dialog', { name: 'Open NeXus file' })
        .getByRole('button', { name: /^4n8z\.h5/ })
        .click();
      await p2.getByRole('treeitem').nth(1).waitFor();
      await p2.getByRole('button', { name: 'Expand all' }).click();
      const rows = p2.locator('[role=treeitem]');
      await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(774);
      const times: number[] = [];
      for (let k = 0; k < 3; k++) {
        await p2
          .getByTestId('tree-notice')
          .count()
          .then(async (n) => {
            if (n > 0) await p2.getByRole('button', { name: 'Dismiss notice' }).click();
          });
        await p2.locator('[role=treeitem][data-path="/"]').click({ button: 'right' });
        const t0 = Date.now();
        await p2.getByRole('menu').getByRole('menuitem', { name: 'Reload' }).click();
        await p2.getByTestId('tree-notice').filter({ hasText: 'Reloaded 4n8z.h5' }).waitFor();
        times.push(Date.now() - t0);
        expect(await rows.count()).toBe(774);
      }
      console.log(
        `4n8z.h5 (774 rows expanded): Reload from the menu → tree shown again in ${times.join(', ')} ms`,
      );
    } finally {
      await p2.close();
      await other.close();
    }
  });

  it('logged no console errors or warnings', () => {
    expect(problems).toEqual([]);
  });
});
