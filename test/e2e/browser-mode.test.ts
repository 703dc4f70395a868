// End to end: `nxr serve` (started through its JS API, in-process) serving the built renderer,
// driven in Debian Chromium. Opens real files from ../shared/realdata through the UI, walks the
// tree with the keyboard, and checks the attributes panel against h5py readings of the same files.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';

const realdata = resolve(repoRoot, '..', 'shared', 'realdata');
const screenshots = join(repoRoot, 'docs', 'screenshots');

describe('browser mode UI', () => {
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const row = (name: string | RegExp) => page.getByRole('treeitem', { name });
  const selectedPath = () => page.locator('[role=treeitem][aria-selected=true]').getAttribute('data-path');
  const attr = (name: string) =>
    page
      .getByRole('table', { name: 'Attributes' })
      .locator('tr', { has: page.locator(`td:text-is("${name}")`) });

  beforeAll(async () => {
    await ensureBuild();
    server = await startBrowserServer({ root: realdata, rendererDir, version: '0.1.0' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('exposes no Node and no Electron bridge to the page', async () => {
    expect(await page.evaluate(() => typeof (window as unknown as { process?: unknown }).process)).toBe(
      'undefined',
    );
    expect(await page.evaluate(() => typeof (window as unknown as { nxr?: unknown }).nxr)).toBe('undefined');
    await expect.poll(() => page.locator('footer').textContent()).toContain('Browser mode · realdata');
  });

  it('opens chopper.nxs through the file browser, which stays inside the served folder', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open NeXus file' });
    await dialog.getByRole('button', { name: 'nexpy-examples/' }).click();
    // inside a sub-folder there is a way up, at the top there is none
    await expect.poll(() => dialog.getByRole('button', { name: '..' }).count()).toBe(1);
    await dialog.getByRole('button', { name: /^chopper\.nxs/ }).click();
    await row(/^entry NXentry/).waitFor();
    expect(await page.locator('header').textContent()).toContain('nexpy-examples/chopper.nxs');
  });

  it('expands lazily with the keyboard and shows NX_class, shape, dtype and NeXus link targets', async () => {
    await row(/^entry NXentry/).click();
    expect(await selectedPath()).toBe('/entry');
    // only the root is expanded when a file opens
    expect(await row(/^analysis/).count()).toBe(0);
    await page.keyboard.press('ArrowRight'); // expand /entry
    await row(/^analysis/).waitFor();
    expect(await selectedPath()).toBe('/entry');
    await page.keyboard.press('ArrowDown'); // analysis
    await page.keyboard.press('ArrowDown'); // data
    expect(await selectedPath()).toBe('/entry/data');
    await page.keyboard.press('ArrowRight'); // expand /entry/data
    await row(/^polar_angle/).waitFor();
    await page.keyboard.press('ArrowRight'); // first member
    expect(await selectedPath()).toBe('/entry/data/data');
    // h5py: entry/data/data (148, 750) int32
    await expect.poll(() => row(/^data \(148, 750\)/).textContent()).toContain('<i4');
    await page.keyboard.press('ArrowDown'); // polar_angle
    expect(await selectedPath()).toBe('/entry/data/polar_angle');
    expect(await row(/^polar_angle/).textContent()).toContain('→ /entry/instrument/detector/polar_angle');

    // attributes panel: real values (h5py: long_name 'Polar Angle [degrees]', units 'degrees')
    await attr('long_name').waitFor();
    expect(await attr('long_name').locator('td').nth(1).textContent()).toBe('Polar Angle [degrees]');
    expect(await attr('units').locator('td').nth(1).textContent()).toBe('degrees');
    expect(await attr('target').locator('td').nth(1).textContent()).toBe(
      '/entry/instrument/detector/polar_angle',
    );
    const info = page.getByRole('table', { name: 'Node information' });
    expect(await info.textContent()).toContain('NeXus link (hard link)');

    // Left goes to the parent, Left again collapses it; Home and End jump.
    await page.keyboard.press('ArrowLeft');
    expect(await selectedPath()).toBe('/entry/data');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => row(/^polar_angle/).count()).toBe(0);
    await page.keyboard.press('End');
    expect(await selectedPath()).toBe('/entry/title');
    await page.keyboard.press('Home');
    expect(await selectedPath()).toBe('/');
  });

  it('shows the value of small fields with their units', async () => {
    await row(/^sample NXsample/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^temperature/).click();
    // h5py: entry/sample/temperature = 8.0, units 'K'
    await attr('units').waitFor();
    expect(await attr('units').locator('td').nth(1).textContent()).toBe('K');
    expect(await page.locator('pre').textContent()).toBe('8');
    await row(/^data NXdata/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^data \(148, 750\)/).click();
    await attr('long_name').waitFor();
    await page.screenshot({ path: join(screenshots, 'tree.png') });
  });

  it('shows a dangling external link, marked missing, with its target', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open NeXus file' });
    await dialog.getByRole('button', { name: 'nxs-analysis-tools/' }).click();
    await dialog.getByRole('button', { name: /^CsV3Sb5_100\.nxs/ }).click();
    await row(/^entry NXentry/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^transform NXdata/).click();
    await page.keyboard.press('ArrowRight');
    const dangling = row(/^data/);
    await dangling.waitFor();
    // h5py: ExternalLink to "/entry/data/v" in file "100/transform.nxs" (the file is absent)
    expect(await dangling.textContent()).toContain('→ 100/transform.nxs:/entry/data/v');
    expect(await dangling.textContent()).toContain('missing');
    await dangling.click();
    const info = page.getByRole('table', { name: 'Node information' });
    await expect.poll(() => info.textContent()).toContain('External link');
    expect(await info.textContent()).toContain('100/transform.nxs:/entry/data/v');
    // the NXdata's attributes are real: angles [90, 90, 90], axes [Ql, Qk, Qh]
    await row(/^transform NXdata/).click();
    await attr('angles').waitFor();
    expect(await attr('angles').locator('td').nth(1).textContent()).toBe('[90,90,90]');
    expect(await attr('axes').locator('td').nth(1).textContent()).toBe('["Ql","Qk","Qh"]');
    await dangling.click();
    await page.getByText('No attributes').waitFor();
    expect(await info.textContent()).toContain('External link (target missing)');
    await page.screenshot({ path: join(screenshots, 'dangling-link.png') });
  });

  it('shows the whole 703-dataset tree of 4n8z.h5 (Expand all)', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open NeXus file' });
    const t0 = Date.now();
    await dialog.getByRole('button', { name: 'nexus-exampledata/' }).click();
    await dialog.getByRole('button', { name: 'nxpdb/' }).click();
    await dialog.getByRole('button', { name: 'hdf5/' }).click();
    const tOpen = Date.now();
    await dialog.getByRole('button', { name: /^4n8z\.h5/ }).click();
    await row(/^entry/)
      .first()
      .waitFor();
    const tRoot = Date.now();
    await page.getByRole('button', { name: 'Expand all' }).click();
    // h5py: 70 groups and 703 datasets reached by 773 links below the root
    await expect.poll(() => page.locator('[role=treeitem]').count(), { timeout: 60_000 }).toBe(774);
    const tAll = Date.now();
    expect(await page.locator('[role=treeitem][data-path] >> text=/^\\(/').count()).toBeGreaterThan(0);
    console.log(
      `4n8z.h5: open + root shown ${tRoot - tOpen} ms; Expand all to 774 rows ${tAll - tRoot} ms (dialog navigation ${tOpen - t0} ms)`,
    );
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'large-tree.png') });
  });

  it('logged no console errors or warnings', () => {
    expect(problems).toEqual([]);
  });
});
