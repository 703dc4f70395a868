/**
 * The frame plot: one frame of a 3-D stack (or a 2-D image) as a plotly `image` trace fed by the
 * colour-map worker's PNG, axes in pixels (y down, as the detector is read), the peaks of fN/peaks
 * near the frame as open circles, a frame slider with ◀ ▶ (keys f / b when the plot has focus, l
 * toggles log), colour limits (empty = automatic) and the pixel read-out under the pointer.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

import { formatNxrError } from '../../shared/errors.ts';
import { usePlot, usePlotStore } from '../state/store-context.tsx';
import { ColorBar } from './ColorBar.tsx';
import { ColorScaleControls } from './ColorScaleControls.tsx';
import { loadPlotly } from './load-plotly.ts';
import { formatValue, readPixel, type PixelReadout } from './readout.ts';
import styles from './Plot.module.css';

/** Peaks are drawn on frames within this many frames of their centroid. */
export const PEAK_FRAME_WINDOW = 3;

const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

const MARGIN = { l: 56, r: 8, t: 8, b: 44 };

interface AxisLayout {
  range: [number, number];
  _length: number;
  _offset: number;
  p2d: (px: number) => number;
}

const axesOf = (gd: HTMLElement): { xaxis?: AxisLayout; yaxis?: AxisLayout } | undefined =>
  (gd as unknown as { _fullLayout?: { xaxis?: AxisLayout; yaxis?: AxisLayout } })._fullLayout;

/** The axis ranges in view and the plot area in device pixels, from plotly's full layout. */
function viewOf(gd: HTMLElement): { x: [number, number]; y: [number, number]; px: [number, number] } | null {
  const fl = axesOf(gd);
  const xa = fl?.xaxis;
  const ya = fl?.yaxis;
  if (!xa || !ya) return null;
  const dpr = window.devicePixelRatio || 1;
  return {
    x: [xa.range[0], xa.range[1]],
    y: [ya.range[0], ya.range[1]],
    px: [xa._length * dpr, ya._length * dpr],
  };
}

function LimitInput({
  label,
  value,
  placeholder,
  onCommit,
}: {
  label: string;
  value: number | null;
  placeholder: string;
  onCommit: (v: number | null) => void;
}) {
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => setText(value === null ? '' : String(value)), [value]);
  const commit = (): void => {
    const t = text.trim();
    if (t === '') onCommit(null);
    else if (Number.isFinite(Number(t))) onCommit(Number(t));
    else setText(value === null ? '' : String(value));
  };
  return (
    <label className={styles.limit}>
      {label}
      <input
        type="text"
        inputMode="decimal"
        aria-label={`Colour ${label.toLowerCase()}`}
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </label>
  );
}

export function FramePlot() {
  const target = usePlot((s) => s.target);
  const image = usePlot((s) => s.image);
  const frame = usePlot((s) => s.frame);
  const frameCount = usePlot((s) => s.frameCount);
  const shape = usePlot((s) => s.shape);
  const dtype = usePlot((s) => s.dtype);
  const colormap = usePlot((s) => s.colormap);
  const scale = usePlot((s) => s.scale);
  const min = usePlot((s) => s.min);
  const max = usePlot((s) => s.max);
  const showMask = usePlot((s) => s.showMask);
  const showPeaks = usePlot((s) => s.showPeaks);
  const values = usePlot((s) => s.values);
  const mask = usePlot((s) => s.mask);
  const geometry = usePlot((s) => s.geometry);
  const peaks = usePlot((s) => s.peaks);
  const loading = usePlot((s) => s.loading);
  const error = usePlot((s) => s.error);
  const displayMs = usePlot((s) => s.displayMs);
  const plotMs = usePlot((s) => s.plotMs);
  const store = usePlotStore();
  const actions = store.getState();
  const plotDiv = useRef<HTMLDivElement>(null);
  const [readout, setReadout] = useState<PixelReadout | null>(null);
  const [shownFrame, setShownFrame] = useState<number | null>(null);
  const latest = useRef({ image, values, mask, geometry, shape });
  latest.current = { image, values, mask, geometry, shape };
  const hooked = useRef(false);

  // Draw (or redraw) the figure whenever the image or the overlay changes.
  useEffect(() => {
    const el = plotDiv.current;
    if (!el || !image || !target) return;
    let live = true;
    void (async () => {
      const Plotly = await loadPlotly();
      if (!live) return;
      const near: number[] = [];
      if (peaks && showPeaks) {
        for (let i = 0; i < peaks.z.length; i++) {
          if (Math.abs(peaks.z[i]! - image.frame) <= PEAK_FRAME_WINDOW) near.push(i);
        }
      }
      const w = image.window;
      const data: Array<Record<string, unknown>> = [
        {
          type: 'image',
          source: image.url,
          // image pixel i covers frame pixels window.x0 + i·bin … + bin − 1
          x0: w.x0 + (w.bin - 1) / 2,
          y0: w.y0 + (w.bin - 1) / 2,
          dx: w.bin,
          dy: w.bin,
          // 'fast': plotly shows our image as it is (no per-pixel redraw into a canvas and a PNG);
          // Plot.module.css keeps its pixels sharp when zoomed in.
          zsmooth: 'fast',
          // the read-out below the plot follows the pointer itself (plotly's image hover would
          // read colours back from a canvas)
          hoverinfo: 'skip',
          name: 'frame',
        },
        {
          type: 'scatter',
          mode: 'markers',
          name: 'peaks',
          x: near.map((i) => peaks!.x[i]!),
          y: near.map((i) => peaks!.y[i]!),
          customdata: near.map((i) => [i, peaks!.z[i]!]),
          hovertemplate:
            'peak %{customdata[0]}<br>x %{x:.1f}, y %{y:.1f}, z %{customdata[1]:.1f}<extra></extra>',
          marker: { symbol: 'circle-open', size: 14, color: '#ff2d55', line: { width: 2 } },
        },
      ];
      const [ny, nx] = latest.current.shape ?? [image.height, image.width];
      const layout: Record<string, unknown> = {
        margin: MARGIN,
        xaxis: {
          title: { text: 'x (pixels)' },
          range: [-0.5, nx - 0.5],
          constrain: 'domain',
          zeroline: false,
          showgrid: false,
        },
        yaxis: {
          title: { text: 'y (pixels)' },
          range: [ny - 0.5, -0.5],
          scaleanchor: 'x',
          constrain: 'domain',
          zeroline: false,
          showgrid: false,
        },
        showlegend: false,
        dragmode: 'zoom',
        hovermode: 'closest',
        // keep the zoom while stepping through frames of the same stack
        uirevision: `${target.fileId}:${target.path}`,
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
      };
      const config = {
        displaylogo: false,
        scrollZoom: true,
        responsive: false,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toImage'],
      };
      const tPlot = performance.now();
      const gd = await Plotly.react(el, data, layout, config);
      const plotMs = performance.now() - tPlot;
      if (!hooked.current) {
        hooked.current = true;
        // Zoom, pan and reset: draw the part in view at the screen's resolution.
        gd.on('plotly_relayout', () => {
          const v = viewOf(gd);
          const shape = latest.current.shape;
          if (!v || !shape) return;
          const whole =
            Math.min(...v.x) <= -0.5 &&
            Math.max(...v.x) >= shape[1] - 0.5 &&
            Math.min(...v.y) <= -0.5 &&
            Math.max(...v.y) >= shape[0] - 0.5;
          store.getState().setView(whole ? null : { x: v.x, y: v.y }, v.px);
        });
      }
      await nextFrame();
      await nextFrame();
      if (!live) return;
      store.getState().reportDisplay(performance.now() - image.requestedAt, plotMs);
      setShownFrame(image.frame);
    })();
    return () => {
      live = false;
    };
  }, [image, peaks, showPeaks, target, store]);

  // The pixel read-out: the pointer's position through plotly's axes, the values kept here.
  useEffect(() => {
    const el = plotDiv.current;
    if (!el) return;
    const onMove = (e: MouseEvent): void => {
      const fl = axesOf(el);
      const l = latest.current;
      if (!fl?.xaxis || !fl.yaxis || !l.image || !l.shape) return;
      const r = el.getBoundingClientRect();
      const px = e.clientX - r.left - fl.xaxis._offset;
      const py = e.clientY - r.top - fl.yaxis._offset;
      if (px < 0 || py < 0 || px > fl.xaxis._length || py > fl.yaxis._length) {
        setReadout(null);
        return;
      }
      setReadout(
        readPixel(fl.xaxis.p2d(px), fl.yaxis.p2d(py), l.image.frame, l.shape, l.values, l.mask, l.geometry),
      );
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
    const estimate = (): [number, number] => {
      const dpr = window.devicePixelRatio || 1;
      return [
        Math.max(50, (el.clientWidth - MARGIN.l - MARGIN.r) * dpr),
        Math.max(50, (el.clientHeight - MARGIN.t - MARGIN.b) * dpr),
      ];
    };
    // Before the first figure the plot area is estimated from the element's size.
    if (!el.querySelector('.main-svg')) store.getState().setView(store.getState().view, estimate());
    const ro = new ResizeObserver(() => {
      void loadPlotly().then(async (P) => {
        if (!el.querySelector('.main-svg')) return;
        await P.Plots.resize(el);
        const v = viewOf(el);
        if (v) store.getState().setView(store.getState().view, v.px);
      });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [store]);

  useEffect(
    () => () => {
      const el = plotDiv.current;
      hooked.current = false;
      if (el) void loadPlotly().then((P) => P.purge(el));
    },
    [],
  );

  if (!target) return null;
  const stack = target.rank === 3;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'f' && stack) actions.step(1);
    else if (e.key === 'b' && stack) actions.step(-1);
    else if (e.key === 'l') actions.setScale(scale === 'log' ? 'linear' : 'log');
    else return;
    e.preventDefault();
  };
  const stats = image?.stats;
  const nearCount =
    peaks && image
      ? Array.from(peaks.z).filter((z) => Math.abs(z - image.frame) <= PEAK_FRAME_WINDOW).length
      : 0;

  return (
    <div
      className={styles.pane}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-label="Frame plot"
      role="region"
      data-frame-shown={shownFrame ?? ''}
      data-display-ms={displayMs !== null ? displayMs.toFixed(0) : ''}
    >
      <div className={styles.toolbar}>
        <span className={styles.plotTitle} title={target.path}>
          {target.path}
          {shape ? (
            <span className={styles.muted}>
              {' '}
              {stack ? `${frameCount} × ` : ''}
              {shape[0]} × {shape[1]} {dtype}
            </span>
          ) : null}
        </span>
        <button type="button" onClick={() => actions.close()} aria-label="Close plot" title="Close plot">
          ✕
        </button>
      </div>
      {stack ? (
        <div className={styles.toolbar}>
          <button
            type="button"
            onClick={() => actions.step(-1)}
            disabled={frame <= 0}
            aria-label="Previous frame"
            title="Previous frame (b)"
          >
            ◀
          </button>
          <input
            className={styles.slider}
            type="range"
            min={0}
            max={Math.max(0, frameCount - 1)}
            value={frame}
            aria-label="Frame"
            onChange={(e) => actions.setFrame(Number(e.target.value))}
          />
          <button
            type="button"
            onClick={() => actions.step(1)}
            disabled={frame >= frameCount - 1}
            aria-label="Next frame"
            title="Next frame (f)"
          >
            ▶
          </button>
          <label className={styles.frameLabel}>
            Frame
            <input
              type="number"
              min={0}
              max={Math.max(0, frameCount - 1)}
              value={frame}
              aria-label="Frame number"
              onChange={(e) => actions.setFrame(Number(e.target.value))}
            />
            <span className={styles.muted}>of {frameCount}</span>
          </label>
        </div>
      ) : null}
      <div className={styles.toolbar}>
        <ColorScaleControls
          scale={scale}
          colormap={colormap}
          onScale={(v) => actions.setScale(v)}
          onColormap={(c) => actions.setColormap(c)}
        />
        <LimitInput
          label="Min"
          value={min}
          placeholder={stats ? `auto ${formatValue(stats.autoLo)}` : 'auto'}
          onCommit={(v) => actions.setLimits(v, max)}
        />
        <LimitInput
          label="Max"
          value={max}
          placeholder={stats ? `auto ${formatValue(stats.autoHi)}` : 'auto'}
          onCommit={(v) => actions.setLimits(min, v)}
        />
        <button
          type="button"
          onClick={() => actions.setLimits(null, null)}
          disabled={min === null && max === null}
        >
          Auto
        </button>
        <label className={styles.check}>
          <input type="checkbox" checked={showMask} onChange={(e) => actions.setShowMask(e.target.checked)} />
          Mask
        </label>
        <label
          className={styles.check}
          title={peaks ? `${peaks.path}: ${peaks.x.length} peaks` : 'no peaks in this entry'}
        >
          <input
            type="checkbox"
            checked={showPeaks}
            disabled={!peaks}
            onChange={(e) => actions.setShowPeaks(e.target.checked)}
          />
          Peaks{peaks ? ` (${nearCount} near)` : ''}
        </label>
      </div>
      {error ? (
        <div role="alert" className={styles.error}>
          {formatNxrError(error)}
        </div>
      ) : null}
      <div className={styles.figure}>
        <div ref={plotDiv} className={styles.plotly} data-testid="frame-plot" aria-busy={loading} />
        {stats ? <ColorBar colormap={colormap} scale={scale} stats={stats} /> : null}
      </div>
      <div className={styles.readout} aria-live="off" data-testid="pixel-readout">
        {readout ? (
          <>
            <span>x {readout.x}</span>
            <span>y {readout.y}</span>
            <span>
              counts {formatValue(readout.value)}
              {readout.masked ? ' (masked)' : ''}
            </span>
            {readout.polarAngle !== undefined ? <span>2θ {readout.polarAngle.toFixed(3)}°</span> : null}
            {readout.hkl ? <span>hkl ({readout.hkl.map((v) => v.toFixed(2)).join(', ')})</span> : null}
          </>
        ) : (
          <span className={styles.muted}>
            {geometry ? 'Point at a pixel for x, y, counts and 2θ' : 'Point at a pixel for x, y and counts'}
          </span>
        )}
        {image ? (
          <span
            className={styles.timing}
            data-testid="frame-timing"
            title="read the frame + colour map round trip (in the worker: colours, image) + plotly, ms · total from request to drawn"
          >
            read {image.readMs.toFixed(0)} + colour {image.workerMs.toFixed(0)} ({image.colorMs.toFixed(0)},{' '}
            {image.encodeMs.toFixed(0)}) + plot {plotMs !== null ? plotMs.toFixed(0) : '…'} ms ·{' '}
            {displayMs !== null ? `${displayMs.toFixed(0)} ms` : ''}
          </span>
        ) : null}
      </div>
    </div>
  );
}
