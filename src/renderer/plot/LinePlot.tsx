/**
 * The line plot: a 1-D field against its NXdata axis (plotly scatter), axis titles from long_name
 * and units, a linear/log y toggle (key l when the plot has focus), and the read-out of the point
 * nearest the pointer (its index, x and y). Curves longer than ~4000 points are drawn min/max
 * decimated; the read-out always uses every point.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

import { formatNxrError } from '../../shared/errors.ts';
import { useLinePlot, useLinePlotStore } from '../state/line-plot-store.ts';
import { decimateMinMax, nearestIndex } from './line-data.ts';
import { loadPlotly } from './load-plotly.ts';
import { formatValue } from './readout.ts';
import styles from './Plot.module.css';

const MARGIN = { l: 72, r: 16, t: 10, b: 48 };
/** Drawn points per curve: min and max of this many runs. */
const BUCKETS = 2000;

interface AxisLayout {
  _length: number;
  _offset: number;
  p2d: (px: number) => number;
}

const axesOf = (gd: HTMLElement): { xaxis?: AxisLayout; yaxis?: AxisLayout } | undefined =>
  (gd as unknown as { _fullLayout?: { xaxis?: AxisLayout; yaxis?: AxisLayout } })._fullLayout;

interface Readout {
  index: number;
  x: number;
  y: number;
}

export function LinePlot() {
  const target = useLinePlot((s) => s.target);
  const data = useLinePlot((s) => s.data);
  const loading = useLinePlot((s) => s.loading);
  const error = useLinePlot((s) => s.error);
  const logY = useLinePlot((s) => s.logY);
  const store = useLinePlotStore();
  const plotDiv = useRef<HTMLDivElement>(null);
  const [readout, setReadout] = useState<Readout | null>(null);
  const [drawn, setDrawn] = useState(0);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = plotDiv.current;
    if (!el || !data || !target) return;
    let live = true;
    void (async () => {
      const Plotly = await loadPlotly();
      if (!live) return;
      const d = decimateMinMax(data.x, data.y, BUCKETS);
      const n = data.y.length;
      const trace: Record<string, unknown> = {
        type: 'scatter',
        mode: n <= 200 ? 'lines+markers' : 'lines',
        x: d.x,
        y: d.y,
        name: target.signal,
        line: { width: 1.5, color: '#2f6fde' },
        marker: { size: 4, color: '#2f6fde' },
        hoverinfo: 'skip',
      };
      const layout: Record<string, unknown> = {
        margin: MARGIN,
        xaxis: { title: { text: data.xTitle }, zeroline: false, automargin: true },
        yaxis: {
          title: { text: data.yTitle },
          type: logY ? 'log' : 'linear',
          zeroline: false,
          exponentformat: 'power',
          automargin: true,
        },
        showlegend: false,
        dragmode: 'zoom',
        hovermode: false,
        // keep the zoom when the same curve is read again (file changed); a new curve resets it
        uirevision: `${target.fileId}:${target.signal}:${logY ? 'log' : 'lin'}`,
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
      };
      const config = {
        displaylogo: false,
        scrollZoom: true,
        responsive: false,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'],
      };
      await Plotly.react(el, [trace], layout, config);
      if (live) setDrawn((k) => k + 1);
    })();
    return () => {
      live = false;
    };
  }, [data, logY, target]);

  // The read-out: the pointer's x through plotly's axis, the nearest point of the whole curve.
  useEffect(() => {
    const el = plotDiv.current;
    if (!el) return;
    const onMove = (e: MouseEvent): void => {
      const fl = axesOf(el);
      const d = latest.current;
      if (!fl?.xaxis || !fl.yaxis || !d) return;
      const r = el.getBoundingClientRect();
      const px = e.clientX - r.left - fl.xaxis._offset;
      const py = e.clientY - r.top - fl.yaxis._offset;
      if (px < 0 || py < 0 || px > fl.xaxis._length || py > fl.yaxis._length) {
        setReadout(null);
        return;
      }
      const i = nearestIndex(d.x, fl.xaxis.p2d(px), d.direction);
      setReadout(i < 0 ? null : { index: i, x: d.x[i]!, y: d.y[i]! });
    };
    const onLeave = (): void => setReadout(null);
    el.addEventListener('mousemove', onMove);
    el.addEventListener('mouseleave', onLeave);
    return () => {
      el.removeEventListener('mousemove', onMove);
      el.removeEventListener('mouseleave', onLeave);
    };
  }, []);

  useEffect(() => {
    const el = plotDiv.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      void loadPlotly().then((P) => {
        if (el.querySelector('.main-svg')) void P.Plots.resize(el);
      });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(
    () => () => {
      const el = plotDiv.current;
      if (el) void loadPlotly().then((P) => P.purge(el));
    },
    [],
  );

  if (!target) return null;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key !== 'l') return;
    store.getState().setLogY(!logY);
    e.preventDefault();
  };
  const n = data?.y.length ?? 0;

  return (
    <div
      className={styles.pane}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-label="Line plot"
      role="region"
      data-drawn={drawn}
      data-points={n}
    >
      <div className={styles.toolbar}>
        <span className={styles.plotTitle} title={target.signal}>
          {target.signal}
          {data ? (
            <span className={styles.muted}>
              {' '}
              ({n},) {data.dtype}
              {data.xIsIndex ? ' vs index' : target.axis ? ` vs ${target.axis.split('/').pop()}` : ''}
            </span>
          ) : null}
        </span>
        <div role="radiogroup" aria-label="Y scale" className={styles.segmented}>
          {(['linear', 'log'] as const).map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={logY === (s === 'log')}
              className={logY === (s === 'log') ? styles.on : ''}
              onClick={() => store.getState().setLogY(s === 'log')}
              title={s === 'log' ? 'Logarithmic y axis (l)' : 'Linear y axis (l)'}
            >
              {s} y
            </button>
          ))}
        </div>
        <button
          type="button"
          onClick={() => store.getState().close()}
          aria-label="Close plot"
          title="Close plot"
        >
          ✕
        </button>
      </div>
      {error ? (
        <div role="alert" className={styles.error}>
          {formatNxrError(error)}
        </div>
      ) : null}
      {data?.note ? <div className={`${styles.toolbar} ${styles.muted}`}>{data.note}</div> : null}
      <div className={styles.figure}>
        <div ref={plotDiv} className={styles.plotly} data-testid="line-plot" aria-busy={loading} />
      </div>
      <div className={styles.readout} aria-live="off" data-testid="line-readout">
        {readout && data ? (
          <>
            <span>point {readout.index}</span>
            <span>
              {data.xIsIndex ? 'index' : data.xTitle} {formatValue(readout.x)}
            </span>
            <span>
              {data.yTitle} {formatValue(readout.y)}
            </span>
          </>
        ) : (
          <span className={styles.muted}>
            {loading ? 'Reading…' : 'Point at the curve for x and y; drag to zoom, double-click to reset'}
          </span>
        )}
      </div>
    </div>
  );
}
