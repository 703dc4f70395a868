/**
 * Export of a peak list (NXRefine's List ▸ Export) as CSV: the table's columns (i, x, y, z, Polar,
 * Azi, Intensity, H, K, L, Diff as shown) and, when the list has include ticks, a last column
 * "Included" (1 used, 0 unticked). Numbers at full precision; a missing value is an empty field.
 */
import { peakHeadings, peakValue, type PeakColumns } from './refine-peaks.ts';

/** The CSV text of a peak list, one row per peak in index order, lines ending in \n. */
export function peakListCsv(rows: PeakColumns, included?: (i: number) => boolean): string {
  const headings = peakHeadings(rows);
  const head = headings.map(([, text]) => text);
  if (included) head.push('Included');
  const lines = [head.join(',')];
  for (let i = 0; i < rows.x.length; i++) {
    const cells = headings.map(([c]) => {
      const v = peakValue(rows, c, i);
      return Number.isFinite(v) ? String(v) : '';
    });
    if (included) cells.push(included(i) ? '1' : '0');
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A file name for the export: `<file stem>_<entry>_peaks.csv`. */
export function peakListCsvName(fileName: string, entry: string): string {
  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'peaks';
  return `${stem}_${entry.replace(/^\/+/, '')}_peaks.csv`;
}
