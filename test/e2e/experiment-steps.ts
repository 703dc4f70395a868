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
