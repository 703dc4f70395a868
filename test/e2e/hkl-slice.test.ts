// End to end, as a user would view an HKL slice: `nxr serve` (its JS API, in-process) on a
// simulated hexagonal rotation (γ* = 60°) transformed by Transform Data, driven in Debian
// Chromium. Opens the scan, plots f1/transform (shown as slices: L = 0, skewed), points at a Bragg
// reflection and reads its (H, K, L) and v/n (checked against h5py), steps to another plane, sums
// three planes, switches to K = const (orthogonal, L stretched by c*/a*). Display times printed;
// screenshot docs/screenshots/hkl-slice.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { transformData } from '../../src/engine/jobs/transform.ts';
import { startBrowserServer, type BrowserServer } from '../../src/engine/server/index.ts';
import { skewAngleOf, sliceGeometry, toPlot, type SliceGeometry } from '../../src/nexus/nxdata/hkl-slice.ts';
import {
  simulateHexagonalScan,
  strongHexagonalReflections,
  type HexagonalTruth,
} from '../helpers/hexagonal-scan.ts';
import { launchChromium } from './browser.ts';
import { ensureBuild, rendererDir, repoRoot } from './ensure-build.ts';
import { h5py } from './refine-fixture.ts';

const screenshots = join(repoRoot, 'docs', 'screenshots');
const SCAN = 'hex/sim/xtal1/sim_300K.nxs';
/** H, K from −4 to 4 in 0.02, L from −6 to 6 in 0.05 r.l.u. */
const GRID = { h: [-4, 0.02, 4], k: [-4, 0.02, 4], l: [-6, 0.05, 6] } as const;
const lPlane = (l: number): number => Math.round((l + 6) / 0.05);

interface Readout {
  H: number;
  K: number;
  L: number;
  value: string;
}

describe('HKL slices end to end (browser mode, a simulated hexagonal transform)', () => {
  let dir: string;
  let truth: HexagonalTruth;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  /** @angles and @scaling_factor as h5py reads them from the wrapper. */
  let attrs: { angles: number[]; a: number; b: number; c: number };
  const problems: string[] = [];
  const wrapper = (): string => join(dir, SCAN);

  const row = (name: string | RegExp): Locator => page.getByRole('treeitem', { name });
  const pane = (): Locator => page.getByRole('region', { name: 'HKL slice' });
  const sliceShown = async (prefix: string): Promise<number> => {
    await page.locator(`[data-slice-shown^="${prefix}"]`).waitFor({ timeout: 60_000 });
    return Number(await pane().getAttribute('data-display-ms'));
  };

  /** Screen position of plot point (u, v) through plotly's axes. */
  const screenOf = (u: number, v: number): Promise<{ x: number; y: number }> =>
    page.evaluate(
      ([pu, pv]) => {
        const el = document.querySelector('[data-testid=hkl-slice-plot]') as HTMLElement & {
          _fullLayout: Record<'xaxis' | 'yaxis', { d2p: (v: number) => number; _offset: number }>;
        };
        const r = el.getBoundingClientRect();
        const { xaxis, yaxis } = el._fullLayout;
        return { x: r.left + xaxis._offset + xaxis.d2p(pu!), y: r.top + yaxis._offset + yaxis.d2p(pv!) };
      },
      [u, v],
    );

  const readout = async (): Promise<Readout | null> => {
    const t = (await page.getByTestId('hkl-readout').textContent()) ?? '';
    const m = /H (−?[\d.]+)\s*K (−?[\d.]+)\s*L (−?[\d.]+)\s*v\/n (\S+)/.exec(t);
    if (!m) return null;
    const num = (s: string): number => Number(s.replace('−', '-'));
    return { H: num(m[1]!), K: num(m[2]!), L: num(m[3]!), value: m[4]!.replace(/read.*/, '') };
  };

  /** Points at plot position (u, v); returns the read-out. */
  const pointAt = async (u: number, v: number): Promise<Readout> => {
    const at = await screenOf(u, v);
    await page.mouse.move(at.x, at.y);
    await expect.poll(readout).not.toBeNull();
    return (await readout())!;
  };

  /** Drags a zoom box from plot point (u0, v0) to (u1, v1). */
  const zoomTo = async (u0: number, v0: number, u1: number, v1: number): Promise<void> => {
    const a = await screenOf(u0, v0);
    const b = await screenOf(u1, v1);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.up();
  };

  /** Width (plot units) of the part of the slice the image shows. */
  const imageSpan = async (): Promise<number> => {
    const [u0, u1] = ((await pane().getAttribute('data-image-window')) ?? '').split(' ').map(Number);
    return u1! - u0!;
  };

  /** Double-click: plotly's reset to the whole slice (the image is drawn again for it). */
  const resetZoom = async (): Promise<void> => {
    const box = (await page.getByTestId('hkl-slice-plot').boundingBox())!;
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(imageSpan).toBeGreaterThan(12);
  };

  /** Σv/Σn of planes l0…l1 at voxel (ih, ik), as h5py computes it (NaN where Σn = 0). */
  const ratioFromH5py = (l0: number, l1: number, ih: number, ik: number): number =>
    h5py<number | null>(
      wrapper(),
      [
        `v = f['f1/transform/data'][${l0}:${l1 + 1}, ${ik}, ${ih}].astype(np.float64).sum()`,
        `n = f['f1/transform/weights'][${l0}:${l1 + 1}, ${ik}, ${ih}].astype(np.float64).sum()`,
        'print(json.dumps(None if n == 0 else v / n))',
      ].join('\n'),
    ) ?? NaN;

  /** What the read-out prints for a value (formatValue of src/renderer/plot/readout.ts). */
  const shownValue = (v: number): string =>
    Number.isInteger(v)
      ? String(v)
      : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3
        ? v.toExponential(3)
        : v.toPrecision(5);

  const lGeometry = (): SliceGeometry => sliceGeometry(skewAngleOf(attrs.angles, 0), attrs.a, attrs.b);

  beforeAll(async () => {
    await ensureBuild();
    dir = mkdtempSync(join(tmpdir(), 'nxr-e2e-hkl-'));
    const scan = await simulateHexagonalScan(join(dir, 'hex'));
    truth = scan.truth;
    await transformData({ file: scan.wrapper, entry: 'f1', grid: GRID });
    attrs = h5py(
      scan.wrapper,
      [
        "g = f['f1/transform']",
        "s = lambda a: float(g[a].attrs['scaling_factor'])",
        "print(json.dumps({'angles': [float(x) for x in g.attrs['angles']], 'a': s('Qh'), 'b': s('Qk'), 'c': s('Ql')}))",
      ].join('\n'),
    );
    server = await startBrowserServer({ root: dir, rendererDir, version: '0.1.0' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
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

  it('opens the scan and shows f1/transform as the L = 0 slice, skewed by γ* = 60°', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open NeXus file' });
    for (const d of SCAN.split('/').slice(0, -1)) await dialog.getByRole('button', { name: `${d}/` }).click();
    await dialog.getByRole('button', { name: /^sim_300K\.nxs/ }).click();
    await row(/^f1 NXentry/).click();
    await page.keyboard.press('ArrowRight');
    await row(/^transform NXdata/).dblclick();
    const first = await sliceShown(`0:${lPlane(0)}:1:skewed`);
    console.log(
      `HKL slice 401 × 401 (of 241 × 401 × 401 float32, v and n): first display ${first} ms; ${await page.getByTestId('slice-timing').textContent()}`,
    );
    expect(attrs.angles[0]).toBeCloseTo(60, 9);
    const text = (await pane().textContent()) ?? '';
    expect(text).toContain('241 × 401 × 401');
    expect(text).toContain('signal ÷ weights');
    expect(await page.getByRole('textbox', { name: 'L value' }).inputValue()).toBe('0');
    expect(await page.getByRole('checkbox', { name: /True shape \(γ\* 60°\)/ }).isChecked()).toBe(true);
    const titles = await page
      .locator('[data-testid=hkl-slice-plot] .g-xtitle, [data-testid=hkl-slice-plot] .g-ytitle')
      .allTextContents();
    expect(titles).toEqual(['H (r.l.u.)', 'K (r.l.u.)']);
    expect(problems).toEqual([]);
  });

  it('points at a Bragg reflection: the read-out shows its hkl and v/n as h5py computes it', async () => {
    const g = lGeometry();
    const strong = strongHexagonalReflections(truth).filter((r) => r.l === 0);
    expect(strong.length).toBeGreaterThan(0);
    const r = strong.sort((a, b) => b.counts - a.counts)[0]!;
    const [u, v] = toPlot(g, r.h, r.k);
    // at full view a screen pixel is about one voxel: the read-out is within a voxel of (h, k)
    const coarse = await pointAt(u, v);
    expect(Math.abs(coarse.H - r.h)).toBeLessThan(0.02);
    expect(Math.abs(coarse.K - r.k)).toBeLessThan(0.02);
    expect(coarse.L).toBe(0);
    // zoomed to ±0.3 around it (the image is drawn again for the view): a screen pixel is 1/20 voxel
    // (plotly ignores zoom boxes under 20 screen pixels: at full view 0.3 units is about 17)
    await zoomTo(u - 0.3, v + 0.3, u + 0.3, v - 0.3);
    await expect.poll(imageSpan).toBeLessThan(3); // 12 units across the whole slice
    const fine = await pointAt(u, v);
    expect(Math.abs(fine.H - r.h)).toBeLessThan(0.004);
    expect(Math.abs(fine.K - r.k)).toBeLessThan(0.004);
    const ih = Math.round((r.h + 4) / 0.02);
    const ik = Math.round((r.k + 4) / 0.02);
    const expected = ratioFromH5py(lPlane(0), lPlane(0), ih, ik);
    expect(expected).toBeGreaterThan(1000); // a peak: the diffuse level is a few counts
    expect(fine.value).toBe(shownValue(expected));
    console.log(
      `Bragg reflection ${r.h} ${r.k} ${r.l}: read-out H ${fine.H} K ${fine.K} L ${fine.L} v/n ${fine.value}`,
    );
    // a point halfway between two reflections along the skewed K direction: its own voxel's v/n
    const [u2, v2] = toPlot(g, r.h + 0.06, r.k - 0.1);
    const mid = await pointAt(u2, v2);
    const ih2 = Math.round((mid.H + 4) / 0.02);
    const ik2 = Math.round((mid.K + 4) / 0.02);
    expect(Math.abs(mid.H - (r.h + 0.06))).toBeLessThan(0.004);
    expect(Math.abs(mid.K - (r.k - 0.1))).toBeLessThan(0.004);
    const there = ratioFromH5py(lPlane(0), lPlane(0), ih2, ik2);
    expect(mid.value).toBe(Number.isNaN(there) ? 'NaN' : shownValue(there));
    await resetZoom();
  });

  it('steps to another plane (snapped to the grid) and sums three planes (Σv/Σn)', async () => {
    const value = page.getByRole('textbox', { name: 'L value' });
    await value.fill('0.51');
    await value.press('Enter');
    await sliceShown(`0:${lPlane(0.5)}:1:`);
    expect(await value.inputValue()).toBe('0.5');
    await page.getByRole('textbox', { name: 'Thickness (planes)' }).fill('3');
    await page.getByRole('textbox', { name: 'Thickness (planes)' }).press('Enter');
    const t3 = await sliceShown(`0:${lPlane(0.5) - 1}:3:`);
    console.log(`3-plane slice: display ${t3} ms; ${await page.getByTestId('slice-timing').textContent()}`);
    const g = lGeometry();
    // a measured point of the slice: where the first strong reflection's column crosses L = 0.5
    const r = strongHexagonalReflections(truth)[0]!;
    const [u, v] = toPlot(g, r.h, r.k);
    const at = await pointAt(u, v);
    expect(at.L).toBeCloseTo(0.5, 3);
    const ih = Math.round((at.H + 4) / 0.02);
    const ik = Math.round((at.K + 4) / 0.02);
    const expected = ratioFromH5py(lPlane(0.5) - 1, lPlane(0.5) + 1, ih, ik);
    expect(at.value).toBe(Number.isNaN(expected) ? 'NaN' : shownValue(expected));
  });

  it('K = const: H across, L up, orthogonal (β* = 90°), one r.l.u. of L drawn c*/a* as long as one of H', async () => {
    await page.getByRole('radio', { name: 'K', exact: true }).click();
    await sliceShown('1:');
    expect(await pane().getAttribute('data-slice-shown')).toMatch(/:orthogonal$/);
    const titles = await page
      .locator('[data-testid=hkl-slice-plot] .g-xtitle, [data-testid=hkl-slice-plot] .g-ytitle')
      .allTextContents();
    expect(titles).toEqual(['H (r.l.u.)', 'L (r.l.u.)']);
    const o = await screenOf(0, 0);
    const h1 = await screenOf(1, 0);
    const l1 = await screenOf(0, 1);
    const ratio = Math.abs(l1.y - o.y) / Math.abs(h1.x - o.x);
    expect(ratio).toBeCloseTo(attrs.c / attrs.a, 2);
    expect(await page.getByRole('checkbox', { name: /True shape/ }).isChecked()).toBe(true);
  });

  it('screenshot: the L = 0 slice in true shape, the read-out at a reflection', async () => {
    await page.getByRole('radio', { name: 'L', exact: true }).click();
    await sliceShown(`0:${lPlane(0)}:1:skewed`);
    expect(await imageSpan()).toBeGreaterThan(12); // the whole slice again (a new figure)
    const g = lGeometry();
    const r = strongHexagonalReflections(truth)
      .filter((x) => x.l === 0)
      .sort((a, b) => b.counts - a.counts)[0]!;
    // colour limits 1 … 2000: the diffuse level and the peaks both in the table
    for (const [name, value] of [
      ['Colour min', '1'],
      ['Colour max', '2000'],
    ] as const) {
      await page.getByRole('textbox', { name }).fill(value);
      await page.getByRole('textbox', { name }).press('Enter');
    }
    await expect.poll(() => page.getByTestId('color-limits').textContent()).toBe('1 … 2000');
    await pointAt(...toPlot(g, r.h, r.k));
    await page.screenshot({ path: join(screenshots, 'hkl-slice.png') });
    expect(problems).toEqual([]);
  });
});
