/**
 * HKL slice display times: `node --import ./bin/register-ts.mjs bench/hkl-slice.ts [--grid 401|default]`.
 *
 * Data: a synthetic hexagonal transform (test/helpers/hkl-transform.ts: v and n float32, chunks
 * 16 × 64 × 64 as Transform Data writes them, uncompressed) in .bench/hkl-slice-<grid>/, written on
 * first use: 401 × 401 × 401 (H, K, L −4…4 in 0.02; 2 × 258 MB), or NXRefine's default grid
 * 1201 × 1201 × 801 (H, K −6…6 in 0.01, L −4…4 in 0.01; 2 × 4.6 GB).
 *
 * Figures: (1) the engine's slab read (signal + weights, in-process) per direction and thickness;
 * (2) in Chromium through `nxr serve`: the time from the user's action (double-click on the
 * NXdata, a key press for the next plane, a click on another direction) to the slice drawn,
 * measured by the page (request → plot drawn) and by the driver (action → drawn).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { openNexusFile } from '../src/engine/io/nexus-file.ts';
import { readSlab } from '../src/engine/io/read-slab.ts';
import { startBrowserServer } from '../src/engine/server/index.ts';
import type { HklGrid } from '../src/refine/transform/models.ts';
import { launchChromium } from '../test/e2e/browser.ts';
import { writeSyntheticTransform } from '../test/helpers/hkl-transform.ts';

const { values } = parseArgs({ options: { grid: { type: 'string', default: '401' } } });
const root = resolve(import.meta.dirname, '..');
const big = values.grid === 'default';
const grid: HklGrid = big
  ? {
      h: { start: -6, step: 0.01, count: 1201 },
      k: { start: -6, step: 0.01, count: 1201 },
      l: { start: -4, step: 0.01, count: 801 },
    }
  : {
      h: { start: -4, step: 0.02, count: 401 },
      k: { start: -4, step: 0.02, count: 401 },
      l: { start: -4, step: 0.02, count: 401 },
    };
const dir = join(root, '.bench', `hkl-slice-${big ? 'default' : '401'}`);
const shape = `${grid.l.count} × ${grid.k.count} × ${grid.h.count}`;
const wrapper = join(dir, 'synth.nxs');
if (!existsSync(wrapper)) {
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  process.stdout.write(`writing a ${shape} synthetic transform into ${dir} … `);
  await writeSyntheticTransform(dir, {
    grid,
    cell: { a: 4, b: 4, c: 6, alpha: 90, beta: 90, gamma: 120 },
    unmeasuredAbove: 3.5,
    chunks: [16, 64, 64],
  });
  console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// (1) the engine's slab reads
const f = await openNexusFile(wrapper);
console.log(
  `\nslab reads (Σv/Σn, in-process): first read of a chunk layer, then the next plane (cached layer), ${shape}:`,
);
for (const [axis, name] of [
  [0, 'L'],
  [1, 'K'],
  [2, 'H'],
] as const) {
  const planes = [grid.l, grid.k, grid.h][axis]!.count;
  const time = (start: number, count: number, cacheLayers = true): number => {
    const t0 = performance.now();
    readSlab(f, '/f1/transform/data', axis, start, count, { weights: '/f1/transform/weights', cacheLayers });
    return performance.now() - t0;
  };
  // planes 16k+1, 16k+2, …: the first read fills the cache, the others hit it
  const base = Math.floor(planes / 2 / 64) * 64 + 1;
  const first = time(base, 1);
  const next = median([time(base + 1, 1), time(base + 2, 1), time(base + 3, 1)]);
  const uncached = median([time(base + 4, 1, false), time(base + 5, 1, false), time(base + 6, 1, false)]);
  const sixteen = time(base + 64, 16);
  console.log(
    `  ${name} = const: 1 plane ${first.toFixed(0)} ms, next plane ${next.toFixed(0)} ms (without the layer cache ${uncached.toFixed(0)} ms), 16 planes ${sixteen.toFixed(0)} ms`,
  );
}
f.close();

// (2) in the browser
const server = await startBrowserServer({
  root: dir,
  rendererDir: join(root, 'out', 'renderer'),
  initialFile: 'synth.nxs',
});
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(server.url);
  const pane = page.getByRole('region', { name: 'HKL slice' });
  const shown = async (prefix: string, t0: number): Promise<string> => {
    await page.locator(`[data-slice-shown^="${prefix}"]`).waitFor({ timeout: 300_000 });
    const wall = Date.now() - t0;
    return `${wall} ms (page: ${await pane.getAttribute('data-display-ms')} ms; ${await page.getByTestId('slice-timing').textContent()})`;
  };
  await page.getByRole('treeitem', { name: /^f1 NXentry/ }).click();
  await page.keyboard.press('ArrowRight');
  let t0 = Date.now();
  await page.getByRole('treeitem', { name: /^transform NXdata/ }).dblclick();
  const mid = Math.round((0 - grid.l.start) / grid.l.step);
  console.log(`\nbrowser (Chromium, nxr serve), ${shape}:`);
  console.log(`  open the NXdata → L = 0 slice drawn: ${await shown(`0:${mid}:1:`, t0)}`);
  await page.waitForTimeout(500);
  await pane.focus();
  for (let i = 1; i <= 3; i++) {
    t0 = Date.now();
    await page.keyboard.press('f');
    console.log(`  next plane (f): ${await shown(`0:${mid + i}:1:`, t0)}`);
    await page.waitForTimeout(300);
  }
  const thick = page.getByRole('textbox', { name: 'Thickness (planes)' });
  await thick.fill('16');
  t0 = Date.now();
  await thick.press('Enter');
  console.log(`  16 planes summed: ${await shown(`0:${mid + 3 - 7}:16:`, t0)}`);
  for (const [name, d] of [
    ['K', 1],
    ['H', 2],
  ] as const) {
    await page.waitForTimeout(300);
    t0 = Date.now();
    await page.getByRole('radio', { name, exact: true }).click();
    console.log(`  ${name} = 0 slice: ${await shown(`${d}:`, t0)}`);
  }
} finally {
  await browser.close();
  await server.close();
}
