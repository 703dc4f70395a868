/**
 * View Data, the pure part: pages of a table (rows and, for 2-D data, columns), the value of a
 * cell in row-major data, and cell text (integers exactly, float64 to the shortest text that reads
 * back the same number, float32 to 7 significant digits, as numpy prints them).
 */

/** Rows of a page. */
export const ROWS_PER_PAGE = 100;
/** Columns of a page (2-D data). */
export const COLUMNS_PER_PAGE = 10;

export interface Page {
  /** This page (0-based) and the number of pages. */
  index: number;
  count: number;
  /** Elements [first, end) of the dimension on this page. */
  first: number;
  end: number;
}

/** Page `index` (clamped) of a dimension of `total` elements, `size` per page. */
export function pageOf(total: number, size: number, index: number): Page {
  const count = Math.max(1, Math.ceil(total / size));
  const i = Math.max(0, Math.min(count - 1, Math.floor(Number.isFinite(index) ? index : 0)));
  return { index: i, count, first: i * size, end: Math.min(total, (i + 1) * size) };
}

/** The page that shows element `element` (clamped into the data). */
export function pageHolding(total: number, size: number, element: number): number {
  return pageOf(total, size, Math.floor(Math.max(0, Math.min(total - 1, element)) / size)).index;
}

/** A table of data: rows × columns (1-D data is one column, a scalar one cell). */
export function tableShape(shape: readonly number[]): { rows: number; columns: number } {
  if (shape.length === 0) return { rows: 1, columns: 1 };
  if (shape.length === 1) return { rows: shape[0]!, columns: 1 };
  return { rows: shape[shape.length - 2]!, columns: shape[shape.length - 1]! };
}

/** Text of one value as stored with `dtype` ('<f4', '<f8', '<i4', 'string', …). */
export function formatCell(v: unknown, dtype: string): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (/f4$/.test(dtype) && !Number.isInteger(v)) return String(Number(v.toPrecision(7)));
    return String(v);
  }
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** Row-major values of any nesting (strings, numbers, typed arrays) as one flat list. */
export function flatValues(data: unknown): ArrayLike<unknown> {
  if (ArrayBuffer.isView(data)) return data as unknown as ArrayLike<unknown>;
  if (Array.isArray(data)) return data.flat(Infinity);
  return [data];
}
