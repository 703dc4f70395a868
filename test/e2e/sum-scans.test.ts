// End to end in browser mode (`nxr serve`'s JS API, Debian Chromium): Experiment ▸ Import Scans on
// a read-only CHESS QM2 raw tree (CBF and TIFF images written by fabio, a QM2 SPEC file), then
// Experiment ▸ Sum Scans of two simulated scans (nxr simulate), both checked on disk with h5py.
// Screenshots: docs/screenshots/import-scans.png, sum-scans.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { qm2Spec, snapshotTree, writeQm2Tree } from '../engine/beamlines/qm2-fixture.ts';
import { simulateScan } from '../engine/jobs/simulated.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';
import { h5py } from './refine-fixture.ts';

const screenshots = join(repoRoot, 'docs', 'screenshots');

describe('Import Scans and Sum Scans end to end (browser mode)', () => {
  let root: string;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  let rawBefore: Record<string, string>;
  const problems: string[] = [];

  const experiment = async (item: string): Promise<Locator> => {
    await page.getByRole('button', { name: 'Experiment ▾' }).click();
    await page.getByRole('menuitem', { name: `${item}…` }).click();
    const d = page.getByRole('dialog', { name: item });
    await d.waitFor();
    return d;
  };

  beforeAll(async () => {
    await ensureBuild();
    root = mkdtempSync(join(tmpdir(), 'nxr-e2e-sum-'));
    await writeQm2Tree({
      root,
      experiment: 'qm2-2024-1',
      sample: 'LaB6',
      label: 'xtal1',
      scans: {
        '300K': [
          { nnn: 7, indices: [1, 2, 3, 4, 6] }, // image 5 missing → a NaN frame
          { nnn: 8, indices: [1, 2, 3, 4, 5, 6], format: 'tif' },
        ],
        '100K': [{ nnn: 9, indices: [1, 2, 3, 4, 5, 6] }],
      },
      spec: qm2Spec('LaB6', [
        { number: 7, frames: 6, chi: 90.5, th: 1, phi0: -5, step: 0.1, temp: 300 },
        { number: 8, frames: 6, chi: 90.5, th: 1, phi0: -5, step: 0.1, temp: 300 },
        { number: 9, frames: 6, chi: 90.5, th: 1, phi0: -5, step: 0.1, temp: 100 },
      ]),
    });
    rawBefore = snapshotTree(join(root, 'raw'));
    for (const [scan, seed] of [
      ['a', 51],
      ['b', 52],
    ] as const)
      await simulateScan(join(root, 'sim'), { scan, seed, frames: 30, entries: 2 });
    server = await startBrowserServer({ root, rendererDir, version: '0.1.0' });
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
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('Import Scans: finds the raw scans of a sample and imports them, leaving the raw tree untouched', async () => {
    const d = await experiment('Import Scans');
    await d.getByRole('textbox', { name: 'Experiment directory' }).fill('analysis/qm2-2024-1');
    const sample = d.getByRole('combobox', { name: 'Sample' });
    await expect
      .poll(() => sample.locator('option').allTextContents(), { timeout: 30_000 })
      .toContain('LaB6/xtal1');
    await sample.selectOption('LaB6/xtal1');
    const list = d.getByRole('list', { name: 'Raw scans' });
    await expect.poll(() => list.getByRole('checkbox').count(), { timeout: 30_000 }).toBe(2);
    expect(await d.getByRole('combobox', { name: 'Configuration' }).inputValue()).toBe('default.nxs');
    expect(await list.textContent()).toContain('f1: scan 7, 6 frames (1 missing)');
    await d.getByRole('button', { name: 'Import', exact: true }).click();
    const result = d.getByRole('status', { name: 'Result' });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toContain('2 scans imported (QM2)');
    await page.screenshot({ path: join(screenshots, 'import-scans.png') });
    const f = h5py<{ shape: number[]; nan: number[]; monitor: number[]; chi: number; temp: number }>(
      join(root, 'analysis/qm2-2024-1/LaB6/xtal1/LaB6_300K.nxs'),
      `d = f['f1/data/data'][()]
out = {'shape': list(d.shape), 'nan': [int(z) for z in range(d.shape[0]) if np.isnan(d[z]).all()],
       'monitor': f['f1/monitor1/flyc1'][()].tolist(), 'chi': float(f['f1/instrument/goniometer/chi'][()]),
       'temp': float(f['entry/sample/temperature'][()])}
print(json.dumps(out))`,
    );
    expect(f.shape).toEqual([6, 12, 10]);
    expect(f.nan).toEqual([4]);
    expect(f.monitor).toEqual([100020, 100020, 100020, 100030, 100030, 100030]);
    expect(f.chi).toBeCloseTo(0.5, 12);
    expect(f.temp).toBeCloseTo(300.01, 10);
    // the checklist now marks both as imported and ticks none
    await expect.poll(() => list.textContent(), { timeout: 30_000 }).toMatch(/imported.*imported/s);
    expect(snapshotTree(join(root, 'raw'))).toEqual(rawBefore);
    await d.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('Sum Scans: ticks scans by prefix, sums them, and the sum on disk is the voxel-wise sum', async () => {
    const d = await experiment('Sum Scans');
    await d.getByRole('textbox', { name: 'Sample directory' }).fill('sim/sim/xtal1');
    const list = d.getByRole('list', { name: 'Scans' });
    await expect.poll(() => list.getByRole('checkbox').count(), { timeout: 30_000 }).toBe(2);
    const sumButton = d.getByRole('button', { name: 'Sum Scans', exact: true });
    // as in NXRefine, the common prefix ticks every file; a longer prefix ticks fewer
    expect(await d.getByRole('textbox', { name: 'Prefix' }).inputValue()).toBe('sim_');
    expect(await list.getByRole('checkbox', { checked: true }).count()).toBe(2);
    await d.getByRole('textbox', { name: 'Prefix' }).fill('sim_b');
    await expect.poll(() => list.getByRole('checkbox', { checked: true }).count()).toBe(1);
    expect(await sumButton.isDisabled()).toBe(true);
    await d.getByRole('textbox', { name: 'Prefix' }).fill('sim_');
    await expect.poll(() => list.getByRole('checkbox', { checked: true }).count()).toBe(2);
    expect(await d.getByRole('textbox', { name: 'Summed scan' }).inputValue()).toBe('sum');
    await sumButton.click();
    const result = d.getByRole('status', { name: 'Result' });
    await result.waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toContain('sim_sum.nxs = a + b');
    await page.screenshot({ path: join(screenshots, 'sum-scans.png') });
    const check = h5py<{ diff: number[]; monitors: boolean; scans: string }>(
      join(root, 'sim/sim/xtal1/sim_sum.nxs'),
      `a = h5py.File(sys.argv[1].replace('sim_sum', 'sim_a'), 'r')
b = h5py.File(sys.argv[1].replace('sim_sum', 'sim_b'), 'r')
diff = [float(np.abs(f[e + '/data/data'][()].astype(np.int64) - a[e + '/data/data'][()] - b[e + '/data/data'][()]).max()) for e in ['f1', 'f2']]
mon = bool(np.array_equal(f['f1/monitor1/MCS1'][()], a['f1/monitor1/MCS1'][()] + b['f1/monitor1/MCS1'][()]))
out = {'diff': diff, 'monitors': mon, 'scans': f['f1/nxsum/note/data'][()].decode()}
print(json.dumps(out))`,
    );
    expect(check.diff).toEqual([0, 0]);
    expect(check.monitors).toBe(true);
    expect(check.scans).toContain('Scans: a,b');
    // the new sum shows in the list, and summing again under that name needs Update or Overwrite
    await expect.poll(() => list.getByRole('checkbox').count(), { timeout: 30_000 }).toBe(3);
    expect(await list.getByRole('checkbox', { checked: true }).count()).toBe(2); // the choice is kept
    await expect.poll(() => d.textContent()).toContain('exists: choose Update or Overwrite Existing Sums');
    await d.getByRole('button', { name: 'Open Sum' }).click();
    await page.getByRole('treeitem', { name: /^f1 NXentry/ }).waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
  });
});
