// End to end: Experiment ▸ Create Mask in browser mode (`nxr serve`'s JS API, Debian Chromium) on
// a simulated Pilatus 300K scan with two entries: the module gaps found from the description, a
// rectangle and a circle added with typed numbers, the circle dragged on the plot, a removal,
// Save with copy to all entries; pixel_mask checked with h5py against numpy; screenshot
// docs/screenshots/create-mask.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { simulateExperiment } from '../../src/engine/simulate/simulate-experiment.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';
import { h5py } from './refine-fixture.ts';

const screenshots = join(repoRoot, 'docs', 'screenshots');

describe('Create Mask end to end (browser mode)', () => {
  let dir: string;
  let wrapper: string;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await ensureBuild();
    dir = mkdtempSync(join(tmpdir(), 'nxr-e2e-mask-'));
    wrapper = (
      await simulateExperiment({
        outDir: dir,
        preset: 'small',
        seed: 21,
        cell: { a: 3.82, b: 3.89, c: 11.68, alpha: 90, beta: 90, gamma: 90 },
        spaceGroup: 'P m m m',
        entries: 2,
        nframes: 3,
        compression: 'bslz4',
        dtype: 'int32',
        sample: 'sim',
        label: 'xtal1',
        scan: '300K',
      })
    ).wrapperFile;
    server = await startBrowserServer({ root: dir, rendererDir, version: '0.1.0' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(server.url);
    mkdirSync(screenshots, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const drawn = (d: Locator): Promise<void> =>
    d.locator('[data-testid=mask-plot][data-drawn=yes]').waitFor({ timeout: 60_000 });
  const counts = (d: Locator): Promise<string | null> =>
    d.getByRole('status', { name: 'Mask counts' }).textContent();
  const shapeField = (d: Locator, n: number, label: string): Locator =>
    d.getByRole('listitem', { name: `Shape ${n}` }).getByRole('textbox', { name: label, exact: true });

  /** Screen position of pixel (x, y) through plotly's axes. */
  const screenOf = (x: number, y: number): Promise<{ x: number; y: number }> =>
    page.evaluate(
      ([px, py]) => {
        const el = document.querySelector('[data-testid=mask-plot]') as HTMLElement & {
          _fullLayout: Record<'xaxis' | 'yaxis', { d2p: (v: number) => number; _offset: number }>;
        };
        const r = el.getBoundingClientRect();
        const { xaxis, yaxis } = el._fullLayout;
        return { x: r.left + xaxis._offset + xaxis.d2p(px!), y: r.top + yaxis._offset + yaxis.d2p(py!) };
      },
      [x, y],
    );

  it('adds shapes, drags one, saves to both entries; h5py reads the expected mask', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const open = page.getByRole('dialog', { name: 'Open NeXus file' });
    const rel = relative(dir, wrapper).split('/');
    for (const part of rel.slice(0, -1)) await open.getByRole('button', { name: `${part}/` }).click();
    await open.getByRole('button', { name: new RegExp(`^${rel.at(-1)!.replace('.', '\\.')}`) }).click();
    await page.getByRole('treeitem', { name: /^f1 NXentry/ }).waitFor();

    await page.getByRole('button', { name: 'Experiment ▾' }).click();
    await page.getByRole('menuitem', { name: 'Create Mask…' }).click();
    const d = page.getByRole('dialog', { name: 'Create Mask' });
    await d.waitFor();
    await drawn(d);
    expect(await d.getByTestId('gap-model').textContent()).toBe('Pilatus 300k (description)');
    // the simulator's mask is the gaps (16,558 px); the first frame's −1 pixels are the gaps too
    await expect.poll(() => counts(d)).toMatch(/masked: 16,558 now → 16,558 after save/);

    await d.getByRole('combobox', { name: 'Shape' }).selectOption('rectangle');
    await d.getByRole('button', { name: 'Add Shape' }).click();
    for (const [label, v] of [
      ['x', '100'],
      ['y', '50'],
      ['w', '40'],
      ['h', '20'],
    ] as const)
      await shapeField(d, 1, label).fill(v);
    await d.getByRole('combobox', { name: 'Shape' }).selectOption('circle');
    await d.getByRole('button', { name: 'Add Shape' }).click();
    for (const [label, v] of [
      ['x', '300'],
      ['y', '500'],
      ['r', '25'],
    ] as const)
      await shapeField(d, 2, label).fill(v);
    // rectangle 800 + circle 1961 (Gauss N(25)) newly masked
    await expect.poll(() => counts(d)).toMatch(/→ 19,319 after save/);
    await drawn(d);

    // drag the circle by its middle 40 pixels to the right (x 300 → 340)
    const from = await screenOf(300, 500);
    const to = await screenOf(340, 500);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, from.y, { steps: 5 });
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => shapeField(d, 2, 'x').inputValue(), { timeout: 10_000 }).not.toBe('300');
    const movedX = Number(await shapeField(d, 2, 'x').inputValue());
    expect(Math.abs(movedX - 340)).toBeLessThan(3);
    // put it exactly where the check below expects it
    await shapeField(d, 2, 'x').fill('340');
    expect(await shapeField(d, 2, 'r').inputValue()).toBe('25');

    // a removal inside the rectangle
    await d.getByRole('combobox', { name: 'Shape' }).selectOption('circle');
    await d.getByRole('button', { name: 'Add Removal' }).click();
    for (const [label, v] of [
      ['x', '120'],
      ['y', '60'],
      ['r', '5'],
    ] as const)
      await shapeField(d, 3, label).fill(v);
    await expect.poll(() => counts(d)).toMatch(/→ 19,238 after save .*shapes \+2,761 −81/);
    await drawn(d);
    await d.getByRole('checkbox', { name: /Copy the mask to all entries \(f2\)/ }).check();
    await page.screenshot({ path: join(screenshots, 'create-mask.png') });

    await d.getByRole('button', { name: 'Save' }).click();
    const result = d.getByRole('status', { name: 'Result' });
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/19,238 pixels masked in f1, f2/);
    // the dialog starts again from the saved mask
    await expect.poll(() => counts(d), { timeout: 30_000 }).toMatch(/masked: 19,238 now → 19,238 after save/);

    const py = h5py<{ dtype: string[]; shape: number[]; equal: boolean[]; sum: number }>(
      wrapper,
      String.raw`
import numpy as np
out = {'dtype': [], 'equal': []}
y, x = np.mgrid[0:619, 0:487]
exp = np.zeros((619, 487), bool)
exp[195:212] = True; exp[407:424] = True
exp |= (x >= 100) & (x < 140) & (y >= 50) & (y < 70)
exp |= (x - 340) ** 2 + (y - 500) ** 2 <= 25 ** 2
exp &= ~((x - 120) ** 2 + (y - 60) ** 2 <= 25)
exp |= f['f1/data/data'][0] < 0
for e in ('f1', 'f2'):
    d = f[e + '/instrument/detector/pixel_mask']
    out['dtype'].append(str(d.dtype)); out['shape'] = list(d.shape)
    out['equal'].append(bool((d[()].astype(bool) == exp).all()))
out['sum'] = int(exp.sum())
print(json.dumps(out))
`,
    );
    expect(py.dtype).toEqual(['int8', 'int8']);
    expect(py.shape).toEqual([619, 487]);
    expect(py.equal).toEqual([true, true]);
    expect(py.sum).toBe(19238);
    expect(problems).toEqual([]);
  }, 180_000);
});
