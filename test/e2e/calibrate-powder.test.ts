// End to end: Experiment ▸ Calibrate Powder in browser mode (`nxr serve`'s JS API, Debian
// Chromium) on a configuration file and a simulated CeO2 image (Pilatus 1M, known geometry, TIFF):
// Import Powder Data, Autogenerate Rings from a rough start, Calibrate, Select Points by clicking a
// ring, more rings, Calibrate, Save (copied to f2); the file checked with h5py against the truth;
// screenshot docs/screenshots/calibrate-powder.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { computeCalibrantLines, twoThetaOfD } from '../../src/refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../src/refine/calibrate/calibrants.ts';
import type { PowderGeometry } from '../../src/refine/calibrate/models.ts';
import { createPowderFrame } from '../../src/refine/calibrate/powder-geometry.ts';
import { writeCalibrantTiff, writeConfigurationFile } from '../helpers/calibrant-files.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';
import { h5py } from './refine-fixture.ts';

const screenshots = join(repoRoot, 'docs', 'screenshots');

const truth: PowderGeometry = {
  wavelength: 0.5,
  distance: 250,
  beamCenterX: 470.3,
  beamCenterY: 530.7,
  yaw: 0.6,
  pitch: -0.4,
  roll: 0,
  pixelSize: 0.172,
  shape: [1043, 981],
  detectorOrientation: '-y +z -x',
};

describe('Calibrate Powder end to end (browser mode)', () => {
  let dir: string;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    await ensureBuild();
    dir = mkdtempSync(join(tmpdir(), 'nxr-e2e-calibrate-'));
    writeCalibrantTiff(join(dir, 'CeO2_0001.tif'), truth, { seed: 31 });
    // the configuration's rough values: 2 % off in distance, centre 4 px off, no tilts
    await writeConfigurationFile(join(dir, 'config.nxs'), {
      ...truth,
      distance: 255,
      beamCenterX: 474,
      beamCenterY: 527,
      yaw: 0,
      pitch: 0,
    });
    server = await startBrowserServer({ root: dir, rendererDir, version: '0.1.0' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${m.type()}: ${m.text()}`);
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

  const field = (d: Locator, label: string): Locator => d.getByRole('textbox', { name: label, exact: true });
  const pointCount = async (d: Locator): Promise<number> =>
    Number(await d.getByTestId('calibration-plot').getAttribute('data-points'));
  const idle = async (d: Locator): Promise<void> => {
    await expect
      .poll(() => d.getByRole('button', { name: 'Calibrate', exact: true }).isEnabled(), { timeout: 60_000 })
      .toBe(true);
  };

  it('imports the image, picks rings, calibrates and saves', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const open = page.getByRole('dialog', { name: 'Open NeXus file' });
    await open.getByRole('button', { name: /^config\.nxs/ }).click();
    await page.getByRole('treeitem', { name: /^f1 NXentry/ }).waitFor();

    await page.getByRole('button', { name: 'Experiment ▾' }).click();
    await page.getByRole('menuitem', { name: 'Calibrate Powder…' }).click();
    const d = page.getByRole('dialog', { name: 'Calibrate Powder' });
    await d.waitFor();
    await expect.poll(() => field(d, 'Detector Distance (mm)').inputValue(), { timeout: 30_000 }).toBe('255');
    expect(await field(d, 'Wavelength (Å)').inputValue()).toBe('0.5');
    expect(await d.getByRole('checkbox', { name: 'Fit Wavelength (Å)' }).isChecked()).toBe(false);
    expect(await d.getByRole('checkbox', { name: 'Fit Roll (degrees)' }).isDisabled()).toBe(true);

    await field(d, 'Powder data').fill('CeO2_0001.tif');
    await d.getByRole('button', { name: 'Import Powder Data' }).click();
    await d.locator('[data-testid=calibration-plot][data-drawn=yes]').waitFor({ timeout: 60_000 });
    expect(await d.getByTestId('calibration-source').textContent()).toContain(
      'CeO2_0001.tif · 1043 × 981 · tiff',
    );

    // Autogenerate Rings 1–3 from the rough values, Calibrate
    await d.getByRole('combobox', { name: 'Ring' }).selectOption('2');
    await d.getByRole('button', { name: 'Autogenerate Rings' }).click();
    await expect.poll(() => pointCount(d), { timeout: 60_000 }).toBeGreaterThan(100);
    await idle(d);
    await d.getByRole('button', { name: 'Calibrate', exact: true }).click();
    await d.getByRole('status', { name: 'Calibration result' }).waitFor({ timeout: 60_000 });
    const rough = Number(await field(d, 'Detector Distance (mm)').inputValue());
    expect(Math.abs(rough - 250)).toBeLessThan(0.5);

    // Select Points: click ring 5 where the fitted geometry puts it
    const before = await pointCount(d);
    const lines = computeCalibrantLines(findCalibrant('CeO2'), { wavelength: 0.5 });
    const g = {
      ...truth,
      distance: rough,
      beamCenterX: Number(await field(d, 'Beam Center - x').inputValue()),
      beamCenterY: Number(await field(d, 'Beam Center - y').inputValue()),
      yaw: Number(await field(d, 'Yaw (degrees)').inputValue()),
      pitch: Number(await field(d, 'Pitch (degrees)').inputValue()),
    };
    const p = createPowderFrame(g).ringPoint(twoThetaOfD(lines[4]!.d, 0.5), 0.7)!;
    await d.getByRole('combobox', { name: 'Ring' }).selectOption('4');
    await d.getByRole('button', { name: 'Select Points' }).click();
    const screen = await page.evaluate(
      ([px, py]) => {
        const el = document.querySelector('[data-testid=calibration-plot]') as HTMLElement & {
          _fullLayout: Record<'xaxis' | 'yaxis', { d2p: (v: number) => number; _offset: number }>;
        };
        const r = el.getBoundingClientRect();
        const { xaxis, yaxis } = el._fullLayout;
        return { x: r.left + xaxis._offset + xaxis.d2p(px!), y: r.top + yaxis._offset + yaxis.d2p(py!) };
      },
      [p.x, p.y],
    );
    await page.mouse.click(screen.x, screen.y);
    await expect.poll(() => pointCount(d), { timeout: 60_000 }).toBeGreaterThan(before + 50);
    await d.getByRole('button', { name: 'Select Points' }).click();
    await idle(d);

    // all rings up to Ring10, Calibrate again
    await d.getByRole('combobox', { name: 'Ring' }).selectOption('9');
    await d.getByRole('button', { name: 'Autogenerate Rings' }).click();
    await expect.poll(() => pointCount(d), { timeout: 60_000 }).toBeGreaterThan(before + 400);
    await idle(d);
    await d.getByRole('button', { name: 'Calibrate', exact: true }).click();
    await expect
      .poll(
        async () =>
          Number(await d.getByRole('status', { name: 'Calibration result' }).getAttribute('data-rms')),
        {
          timeout: 60_000,
        },
      )
      .toBeLessThan(0.002);
    await idle(d);
    const value = async (label: string): Promise<number> => Number(await field(d, label).inputValue());
    expect(Math.abs((await value('Detector Distance (mm)')) / 250 - 1)).toBeLessThan(5e-4);
    expect(Math.abs((await value('Beam Center - x')) - truth.beamCenterX)).toBeLessThan(0.1);
    expect(Math.abs((await value('Beam Center - y')) - truth.beamCenterY)).toBeLessThan(0.1);
    expect(Math.abs((await value('Yaw (degrees)')) - truth.yaw)).toBeLessThan(0.01);
    expect(Math.abs((await value('Pitch (degrees)')) - truth.pitch)).toBeLessThan(0.01);
    expect(
      await d.getByRole('table', { name: 'Residuals per ring' }).locator('tbody tr').count(),
    ).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: join(screenshots, 'calibrate-powder.png') });

    // Save, also to f2
    await d
      .getByRole('group', { name: 'Copy to other entries' })
      .getByRole('checkbox', { name: 'f2' })
      .check();
    await d.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => d.getByRole('status', { name: 'Saved' }).textContent(), { timeout: 60_000 })
      .toBe('saved in /f1, /f2');
    const saved = h5py<
      Record<
        string,
        {
          distance: number;
          xc: number;
          yc: number;
          yaw: number;
          calibrant: string;
          shape: number[];
          points: number;
        }
      >
    >(
      join(dir, 'config.nxs'),
      `out = {}
for e in ('f1', 'f2'):
    d = f[e]['instrument/detector']
    c = f[e]['instrument/calibration']
    out[e] = {'distance': float(d['distance'][()]), 'xc': float(d['beam_center_x'][()]), 'yc': float(d['beam_center_y'][()]),
              'yaw': float(d['yaw'][()]), 'calibrant': c['calibrant'][()].decode(), 'shape': list(c['z'].shape),
              'points': int(c['refinement/points'].shape[0])}
print(json.dumps(out))`,
    );
    for (const e of ['f1', 'f2']) {
      const s = saved[e]!;
      expect(Math.abs(s.distance / 250 - 1)).toBeLessThan(5e-4);
      expect(Math.abs(s.xc - truth.beamCenterX)).toBeLessThan(0.1);
      expect(Math.abs(s.yc - truth.beamCenterY)).toBeLessThan(0.1);
      expect(Math.abs(s.yaw - truth.yaw)).toBeLessThan(0.01);
      expect(s.calibrant).toBe('CeO2');
      expect(s.shape).toEqual([1043, 981]);
      expect(s.points).toBeGreaterThan(500);
    }
    expect(problems).toEqual([]);
  });
});
