/**
 * NXRefine's "List Peaks" table (spec §6.1): i, x, y, z (rounded), Polar, Azi, Intensity, read from
 * fN/peaks of the file; click a heading to sort, double-click a row to plot the peak's frame.
 */
import { useMemo, useState } from 'react';

import type { FrameArray, NxrBridge } from '../../shared/ipc.ts';
import { NxrError } from '../../shared/errors.ts';
import { readValues } from '../bridge/read-data.ts';
import styles from './Dialog.module.css';

export interface PeakRows {
  path: string;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  polar: Float64Array | null;
  azimuthal: Float64Array | null;
  intensity: Float64Array | null;
}

/** Reads the columns of fN/peaks (x, y, z required; angles and intensity when present). */
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
  const [x, y, z, polar, azimuthal, intensity] = await Promise.all([
    col('x', true),
    col('y', true),
    col('z', true),
    col('polar_angle', false),
    col('azimuthal_angle', false),
    col('intensity', false),
  ]);
  return { path, x: x!, y: y!, z: z!, polar, azimuthal, intensity };
}

type Column = 'i' | 'x' | 'y' | 'z' | 'polar' | 'azimuthal' | 'intensity';

const HEADINGS: Array<[Column, string]> = [
  ['i', 'i'],
  ['x', 'x'],
  ['y', 'y'],
  ['z', 'z'],
  ['polar', 'Polar'],
  ['azimuthal', 'Azi'],
  ['intensity', 'Intensity'],
];

export function PeakTable({ rows, onPlot }: { rows: PeakRows; onPlot: (frame: number) => void }) {
  const [sort, setSort] = useState<{ by: Column; up: boolean }>({ by: 'i', up: true });
  const n = rows.x.length;
  const value = (c: Column, i: number): number => (c === 'i' ? i : (rows[c]?.[i] ?? NaN));
  const order = useMemo(() => {
    const idx = Array.from({ length: n }, (_, i) => i);
    const by = sort.by;
    const v = (i: number): number => (by === 'i' ? i : (rows[by]?.[i] ?? NaN));
    idx.sort((a, b) => (sort.up ? v(a) - v(b) : v(b) - v(a)));
    return idx;
  }, [rows, n, sort]);
  const fmt = (c: Column, i: number): string => {
    const v = value(c, i);
    if (Number.isNaN(v)) return '';
    if (c === 'i') return String(v);
    if (c === 'z') return String(Math.round(v));
    if (c === 'x' || c === 'y') return v.toFixed(2);
    if (c === 'intensity') return v.toPrecision(3);
    return v.toFixed(3);
  };
  return (
    <div className={styles.table}>
      <table aria-label={`Peaks (${rows.path})`}>
        <thead>
          <tr>
            {HEADINGS.map(([c, label]) => (
              <th
                key={c}
                aria-sort={sort.by === c ? (sort.up ? 'ascending' : 'descending') : 'none'}
                onClick={() => setSort((s) => ({ by: c, up: s.by === c ? !s.up : true }))}
              >
                {label}
                {sort.by === c ? (sort.up ? ' ▴' : ' ▾') : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {order.map((i) => (
            <tr
              key={i}
              onDoubleClick={() => onPlot(Math.round(rows.z[i]!))}
              title="Double-click to plot this frame"
            >
              {HEADINGS.map(([c]) => (
                <td key={c}>{fmt(c, i)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className={styles.muted}>{n} peaks</div>
    </div>
  );
}
