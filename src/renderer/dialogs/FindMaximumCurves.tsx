/**
 * Find Maximum's curves (spec §5.2, §6.1: "Plot Summed Frames", "Plot Partial Frames", "Over?"),
 * plotted in the dialog from what the job wrote: summed_frames and partial_frames against
 * frame_number, the radial sum against polar angle, and the transmission. A button is enabled
 * when its group is in the file. "Over?" adds the curve to the plot instead of replacing it (for
 * curves with the same x axis).
 */
import { useEffect, useMemo, useState } from 'react';

import { toErrorInfo, formatNxrError, type NxrErrorInfo } from '../../shared/errors.ts';
import type { FrameArray, NxrBridge } from '../../shared/ipc.ts';
import { readEntryMonitor, readValues } from '../bridge/read-data.ts';
import { useBridge } from '../state/store-context.tsx';
import styles from './Dialog.module.css';
import {
  addCurve,
  CURVES,
  divideByMonitor,
  type Curve,
  type CurveName,
  type CurveSpec,
} from './find-maximum-curves.ts';
import { SmallChart, type ChartTrace } from './SmallChart.tsx';

/** A curve; per-frame sums ÷ the monitor when the entry has it (`monitor` = the reduction parameter). */
async function readCurve(
  bridge: NxrBridge,
  fileId: string,
  entry: string,
  spec: CurveSpec,
  monitor: string | undefined,
): Promise<Curve> {
  const read = async (rel: string): Promise<number[]> => {
    const v = await readValues(bridge, fileId, `/${entry}/${rel}`);
    if (!ArrayBuffer.isView(v.data)) throw new Error(`/${entry}/${rel} is not numeric`);
    return Array.from(v.data as FrameArray, Number);
  };
  const [x, y] = await Promise.all([read(spec.x), read(spec.y)]);
  if (spec.perMonitor && monitor) {
    const m = await readEntryMonitor(bridge, fileId, entry, monitor, y.length);
    if (m.path !== null)
      return { name: `${spec.name} ÷ ${monitor}`, xTitle: spec.xTitle, x, y: divideByMonitor(y, m.values) };
    return { name: `${spec.name} (${m.reason})`, xTitle: spec.xTitle, x, y };
  }
  return { name: spec.name, xTitle: spec.xTitle, x, y };
}

export function FindMaximumCurves({
  fileId,
  entry,
  version,
  monitor,
}: {
  fileId: string;
  entry: string;
  /** The `monitor` reduction parameter (NXmonitor name); per-frame curves are divided by it. */
  monitor?: string | undefined;
  /** Changes when the file was rewritten (the groups are looked up again). */
  version: string;
}) {
  const bridge = useBridge();
  const [present, setPresent] = useState<Set<string>>(new Set());
  const [curves, setCurves] = useState<Curve[]>([]);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<NxrErrorInfo | null>(null);
  useEffect(() => {
    let live = true;
    const groups = [...new Set(Object.values(CURVES).map((c) => c.group))];
    void Promise.all(
      groups.map((g) =>
        bridge.getEntity(fileId, `/${entry}/${g}`).then(
          (e) => (e.kind === 'group' ? g : null),
          () => null,
        ),
      ),
    ).then((found) => {
      if (live) setPresent(new Set(found.filter((g): g is string => g !== null)));
    });
    return () => {
      live = false;
    };
  }, [bridge, fileId, entry, version]);
  useEffect(() => setCurves([]), [fileId, entry]);
  const show = async (name: CurveName): Promise<void> => {
    setError(null);
    try {
      const c = await readCurve(bridge, fileId, entry, CURVES[name], monitor);
      setCurves((old) => addCurve(old, c, over));
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };
  const { traces, layout } = useMemo(() => {
    const t: ChartTrace[] = curves.map((c) => ({
      type: 'scatter',
      mode: 'lines',
      name: c.name,
      x: c.x,
      y: c.y,
      line: { width: 1.2 },
    }));
    return {
      traces: t,
      layout: {
        xaxis: { title: { text: curves[0]?.xTitle ?? '' } },
        yaxis: { title: { text: curves.length === 1 ? curves[0]!.name : 'counts' }, exponentformat: 'e' },
      } as Record<string, unknown>,
    };
  }, [curves]);
  return (
    <>
      <div className={styles.buttons} style={{ justifyContent: 'flex-start' }}>
        {(Object.keys(CURVES) as CurveName[]).map((k) => (
          <button key={k} type="button" disabled={!present.has(CURVES[k].group)} onClick={() => void show(k)}>
            {CURVES[k].button}
          </button>
        ))}
        <label>
          <input type="checkbox" checked={over} onChange={(e) => setOver(e.target.checked)} /> Over?
        </label>
      </div>
      {error ? (
        <div role="alert" className={styles.error}>
          {formatNxrError(error)}
        </div>
      ) : null}
      {curves.length > 0 ? (
        <SmallChart traces={traces} layout={layout} testId="find-maximum-plot" label="Find Maximum curves" />
      ) : null}
    </>
  );
}
