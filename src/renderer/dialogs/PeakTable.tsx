/**
 * NXRefine's peak list (spec §6.1 Find Peaks "List Peaks", Refine Lattice "List"): i, x, y, z
 * (rounded), Polar, Azi, Intensity and, once the peaks are indexed, H, K, L (2 dp) and Diff
 * (Å⁻¹, 3 dp). Click a heading to sort, click a row to select it, double-click a row to plot the
 * peak's frame. Rows not used in the refinement are greyed (the reason in their tooltip); the
 * primary and secondary peaks of a manual orientation are marked. With `included`, a first column
 * of checkboxes (NXRefine's column 0): an unticked peak is left out of the next refinement.
 */
import { memo, useCallback, useMemo, useRef, useState } from 'react';

import type { FrameArray, NxrBridge } from '../../shared/ipc.ts';
import { NxrError } from '../../shared/errors.ts';
import { readValues } from '../bridge/read-data.ts';
import styles from './Dialog.module.css';
import local from './RefineLattice.module.css';
import {
  formatPeakCell,
  peakHeadings,
  sortPeakRows,
  type PeakColumn,
  type PeakColumns,
} from './refine-peaks.ts';

export interface PeakRows extends PeakColumns {
  path: string;
  /** Per row: why it is greyed (null: used / nothing to say). */
  excluded?: (i: number) => string | null;
}

/** Reads the columns of fN/peaks (x, y, z required; angles, intensity, h, k, l and diff when present). */
export async function readPeakTable(bridge: NxrBridge, fileId: string, entry: string): Promise<PeakRows> {
  const path = `/${entry}/peaks`;
  const col = async (name: string, required: boolean): Promise<Float64Array | null> => {
    try {
      const v = await readValues(bridge, fileId, `${path}/${name}`);
      if (!ArrayBuffer.isView(v.data))
        throw new NxrError({ code: 'WRONG_DTYPE', message: 'not numeric', path: v.path });
      return Float64Array.from(v.data as FrameArray);
    } catch (e) {
      if (required) throw e;
      return null;
    }
  };
  const [x, y, z, polar, azimuthal, intensity, h, k, l, diff] = await Promise.all([
    col('x', true),
    col('y', true),
    col('z', true),
    col('polar_angle', false),
    col('azimuthal_angle', false),
    col('intensity', false),
    col('h', false),
    col('k', false),
    col('l', false),
    col('diff', false),
  ]);
  const n = x!.length;
  const same = (c: Float64Array | null): Float64Array | null => (c && c.length === n ? c : null);
  const indexed = same(h) && same(k) && same(l);
  return {
    path,
    x: x!,
    y: y!,
    z: z!,
    polar: same(polar),
    azimuthal: same(azimuthal),
    intensity: same(intensity),
    ...(indexed ? { h, k, l, diff: same(diff) } : {}),
  };
}

interface RowProps {
  i: number;
  rows: PeakRows;
  headings: Array<[PeakColumn, string]>;
  why: string | null;
  mark: string | undefined;
  selected: boolean;
  /** Ticked (used) or not; undefined: no checkbox column. */
  include: boolean | undefined;
  onSelect: (i: number) => void;
  onPlot: (i: number) => void;
  onInclude: (i: number, on: boolean) => void;
}

/** One row; memoised so that selecting a row redraws two rows, not thousands. */
const PeakRow = memo(function PeakRow({
  i,
  rows,
  headings,
  why,
  mark,
  selected,
  include,
  onSelect,
  onPlot,
  onInclude,
}: RowProps) {
  const classes = [why ? local.excluded : '', mark ? local.marked : '', selected ? local.selected : ''].join(
    ' ',
  );
  return (
    <tr
      className={classes}
      data-peak={i}
      data-excluded={why ? 'true' : undefined}
      aria-selected={selected}
      onClick={() => onSelect(i)}
      onDoubleClick={() => onPlot(i)}
      title={[mark, why, 'double-click to plot this frame'].filter(Boolean).join(' · ')}
    >
      {include !== undefined ? (
        <td>
          <input
            type="checkbox"
            aria-label={`use peak ${i}`}
            checked={include}
            onClick={(e) => e.stopPropagation()}
            onChange={(e) => onInclude(i, e.target.checked)}
          />
        </td>
      ) : null}
      {headings.map(([c]) => (
        <td key={c}>{formatPeakCell(rows, c, i)}</td>
      ))}
    </tr>
  );
});

export function PeakTable({
  rows,
  onPlot,
  selected,
  onSelect,
  marks,
  label,
  included,
  onInclude,
}: {
  rows: PeakRows;
  onPlot: (frame: number) => void;
  /** The selected row (highlighted). */
  selected?: number | null;
  onSelect?: (i: number) => void;
  /** Rows to mark, e.g. { 12: 'primary', 40: 'secondary' }. */
  marks?: Partial<Record<number, string>>;
  /** Accessible name. @default `Peaks (${rows.path})` */
  label?: string;
  /** Per row: ticked (used in the refinement). With it, a checkbox column. */
  included?: (i: number) => boolean;
  onInclude?: (i: number, on: boolean) => void;
}) {
  const [sort, setSort] = useState<{ by: PeakColumn; up: boolean }>({ by: 'i', up: true });
  const n = rows.x.length;
  const headings = useMemo(() => peakHeadings(rows), [rows]);
  const order = useMemo(() => sortPeakRows(rows, sort.by, sort.up), [rows, sort]);
  const reasons = useMemo(() => Array.from({ length: n }, (_, i) => rows.excluded?.(i) ?? null), [rows, n]);
  const greyed = reasons.reduce((m, r) => m + (r ? 1 : 0), 0);
  // Stable handlers for the memoised rows (the latest callbacks are called).
  const latest = useRef({ onPlot, onSelect, onInclude });
  latest.current = { onPlot, onSelect, onInclude };
  const select = useCallback((i: number) => latest.current.onSelect?.(i), []);
  const include = useCallback((i: number, on: boolean) => latest.current.onInclude?.(i, on), []);
  const unticked = included ? Array.from({ length: n }, (_, i) => i).filter((i) => !included(i)).length : 0;
  const plot = useCallback((i: number) => latest.current.onPlot(Math.round(rows.z[i]!)), [rows]);
  return (
    <div className={`${styles.table} ${local.peakTable}`}>
      <table aria-label={label ?? `Peaks (${rows.path})`}>
        <thead>
          <tr>
            {included ? <th title="Use the peak in the refinement">Use</th> : null}
            {headings.map(([c, text]) => (
              <th
                key={c}
                aria-sort={sort.by === c ? (sort.up ? 'ascending' : 'descending') : 'none'}
                onClick={() => setSort((s) => ({ by: c, up: s.by === c ? !s.up : true }))}
              >
                {text}
                {sort.by === c ? (sort.up ? ' ▴' : ' ▾') : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {order.map((i) => (
            <PeakRow
              key={i}
              i={i}
              rows={rows}
              headings={headings}
              why={reasons[i] ?? null}
              mark={marks?.[i]}
              selected={selected === i}
              include={included ? included(i) : undefined}
              onSelect={select}
              onPlot={plot}
              onInclude={include}
            />
          ))}
        </tbody>
      </table>
      <div className={styles.muted}>
        {n} peaks{greyed > 0 ? ` · ${greyed} greyed (not used)` : ''}
        {unticked > 0 ? ` · ${unticked} unticked` : ''}
      </div>
    </div>
  );
}
