/**
 * Steps of the Experiment menu e2e (test/e2e/experiment.test.ts), exported so later steps (Sum
 * Scans …) can be appended to that walk: open an Experiment dialog from the window's menu, reach
 * its fields by their labels, wait for its result.
 */
import type { Locator, Page } from 'playwright-core';

/** Experiment ▸ <item>… from the window's menu; the dialog. */
export async function experimentDialog(page: Page, item: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Experiment ▾' }).click();
  await page.getByRole('menuitem', { name: `${item}…` }).click();
  const d = page.getByRole('dialog', { name: item });
  await d.waitFor();
  return d;
}

/** A text field of a dialog by its label (grid rows, path fields, per-position cells 'Omega (deg) f1'). */
export const textField = (d: Locator, label: string): Locator =>
  d.getByRole('textbox', { name: label, exact: true });

/** A select of a dialog by its label. */
export const choice = (d: Locator, label: string): Locator =>
  d.getByRole('combobox', { name: label, exact: true });

/** The dialog's result line once its job has ended well. */
export async function resultOf(d: Locator, timeout = 60_000): Promise<string> {
  const r = d.getByRole('status', { name: 'Result' });
  await r.waitFor({ timeout });
  return (await r.textContent()) ?? '';
}

/** The message shown beside a field (its aria-describedby element). */
export async function fieldMessage(field: Locator): Promise<string> {
  const id = await field.getAttribute('aria-describedby');
  if (id === null) return '';
  return (await field.page().locator(`[id="${id}"]`).textContent()) ?? '';
}

export const closeDialog = (d: Locator): Promise<void> =>
  d.getByRole('button', { name: 'Close', exact: true }).click();

/** Frame `n` drawn in the frame plot. */
export const frameShown = (page: Page, n: number): Promise<void> =>
  page.locator(`[data-frame-shown="${n}"]`).waitFor({ timeout: 60_000 });

/**
 * Points at frame pixel (x, y) of the frame plot (through plotly's axes, at the pixel's centre
 * rounded to whole CSS pixels: a frame pixel is wider than one here) and returns the pixel read-out
 * once it shows that pixel.
 */
export async function readPixel(page: Page, x: number, y: number): Promise<string> {
  const at = await page.evaluate(
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
  await page.mouse.move(Math.round(at.x), Math.round(at.y));
  const readout = page.getByTestId('pixel-readout');
  // the spans run together in textContent: 'x 120y 60counts 17…'
  const shows = async (): Promise<boolean> =>
    ((await readout.textContent()) ?? '').startsWith(`x ${x}y ${y}counts`);
  for (let i = 0; i < 100 && !(await shows()); i++) await page.waitForTimeout(50);
  return (await readout.textContent()) ?? '';
}
