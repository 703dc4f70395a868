/**
 * HKL slices of a 3-D NXdata (a transform: signal (L, K, H), axes Ql, Qk, Qh): pick the dimension
 * held constant (H, K or L), the plane (slider and value in axis units, snapped to the grid), a
 * thickness in planes (summed), and see v/n (signal ÷ weights, NaN where never measured) in true
 * shape — axes at the NXdata @angles with their @scaling_factor lengths, as NeXpy skews them — with
 * grid lines along the skewed directions, colour scale and limits, and the (H, K, L, value) read-out
 * under the pointer. Keys (plot focused): f / b next and previous plane, l toggles log.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';

import {
  axisExtent,
  axisRangesInView,
  bottomTickPositions,
  gridLines,
  isSkewed,
  nearestSample,
  niceTicks,
  slabCentre,
  slabPlanes,
  sliceAxes,
  skewMatrix,
  SLICE_DIMS,
  type SliceDim,
} from '../../nexus/nxdata/hkl-slice.ts';
import { formatNxrError } from '../../shared/errors.ts';
import { useBridge, usePlot, usePlotStore } from '../state/store-context.tsx';
import { ColorBar } from './ColorBar.tsx';
import { ColorScaleControls } from './ColorScaleControls.tsx';
import { warmUpSliceWorker } from './hkl-slice-client.ts';
import { sliceValueAt } from './hkl-slice-raster.ts';
import { boundsOf, createHklSliceStore, geometryOf, stepOf, type HklSliceState } from './hkl-slice-store.ts';
import { loadPlotly } from './load-plotly.ts';
import { formatValue } from './readout.ts';
import styles from './Plot.module.css';

const MARGIN = { l: 64, r: 8, t: 8, b: 48 };

const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

interface AxisLayout {
  range: [number, number];
  _length: number;
  _offset: number;
  p2d: (px: number) => number;
}
const axesOf = (gd: HTMLElement): { xaxis?: AxisLayout; yaxis?: AxisLayout } | undefined =>
  (gd as unknown as { _fullLayout?: { xaxis?: AxisLayout; yaxis?: AxisLayout } })._fullLayout;

/** A tick label: up to 4 decimals, no trailing zeros, a true minus sign. */
function tickText(v: number): string {
  const s = Number(v.toFixed(4)).toString();
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

/** Axis value for the read-out, to a tenth of the voxel width. */
function axisText(v: number, step: number): string {
  const digits = Math.max(0, Math.min(6, Math.ceil(-Math.log10(Math.max(step, 1e-9) / 10))));
  const s = v.toFixed(digits);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

function NumberField({
  label,
  value,
  placeholder,
  step,
  width = 92,
  onCommit,
}: {
  label: string;
  value: number | null;
  placeholder?: string;
  step?: number;
  width?: number;
  onCommit: (v: number | null) => void;
}) {
  const shown = value === null ? '' : String(Number(value.toPrecision(10)));
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const commit = (): void => {
    const t = text.trim().replace('−', '-');
    if (t === shown) return;
    // back to the value in force (a snapped plane may be the one already shown); a new one follows
    setText(shown);
    if (t === '') onCommit(null);
    else if (Number.isFinite(Number(t))) onCommit(Number(t));
  };
  return (
    <input
      type="text"
      inputMode="decimal"
      aria-label={label}
      value={text}
      placeholder={placeholder}
      style={{ width }}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        else if (step !== undefined && value !== null && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
          e.preventDefault();
          onCommit(value + (e.key === 'ArrowUp' ? step : -step));
        }
      }}
    />
  );
}

interface Readout {
  /** Axis values per dimension (the constant one: the slab's centre). */
  coords: [number, number, number];
  value: number;
}

export function HklSlicePlot() {
  const bridge = useBridge();
  const target = usePlot((s) => s.target);
  const plotStore = usePlotStore();
  const store = useMemo(() => createHklSliceStore(bridge), [bridge]);
  const use = <T,>(sel: (s: HklSliceState) => T): T => useStore(store, sel);
  const source = use((s) => s.source);
  const constant = use((s) => s.constant);
  const plane = use((s) => s.plane);
  const thickness = use((s) => s.thickness);
  const trueShape = use((s) => s.trueShape);
  const showGrid = use((s) => s.showGrid);
  const colormap = use((s) => s.colormap);
  const scale = use((s) => s.scale);
  const min = use((s) => s.min);
  const max = use((s) => s.max);
  const view = use((s) => s.view);
  const image = use((s) => s.image);
  const values = use((s) => s.values);
  const loading = use((s) => s.loading);
  const error = use((s) => s.error);
  const displayMs = use((s) => s.displayMs);
  const plotMs = use((s) => s.plotMs);
  const actions = store.getState();
  const plotDiv = useRef<HTMLDivElement>(null);
  const [readout, setReadout] = useState<Readout | null>(null);
  const [shown, setShown] = useState('');
  const latest = useRef({ image, values, source });
  latest.current = { image, values, source };
  const hooked = useRef(false);
  /** The axes the figure was made for (slice direction, true shape). */
  const plotRevision = useRef<string | null>(null);

  useEffect(() => warmUpSliceWorker(), []);

  // A new target (or the same one after a job rewrote the file): read it.
  useEffect(() => {
    if (target) void store.getState().open(target.fileId, target.path);
  }, [target, store]);

  // Draw the figure whenever the image, the view's ticks or the grid change.
  useEffect(() => {
    const el = plotDiv.current;
    const src = source;
    if (!el || !image || !src) return;
    let live = true;
    void (async () => {
      const Plotly = await loadPlotly();
      if (!live) return;
      const g = image.geometry;
      const { x, y } = sliceAxes(image.constant);
      const bounds = boundsOf(src, image.constant, g);
      const inView = view ?? bounds;
      const xExt = axisExtent(src.dims[x].sampling);
      const yExt = axisExtent(src.dims[y].sampling);
      const r = axisRangesInView(g, inView.u, inView.v);
      const xTicks = niceTicks(Math.max(r.x[0], xExt[0]), Math.min(r.x[1], xExt[1]), 10);
      const yTicks = niceTicks(Math.max(r.y[0], yExt[0]), Math.min(r.y[1], yExt[1]), 10);
      const m = skewMatrix(g);
      const vBottom = Math.min(...inView.v);
      const uLo = Math.min(...inView.u);
      const uHi = Math.max(...inView.u);
      const xPos = bottomTickPositions(g, xTicks, vBottom);
      const xShown = xTicks.map((t, i) => [xPos[i]!, t] as const).filter(([p]) => p >= uLo && p <= uHi);
      const lines = showGrid ? gridLines(g, xTicks, yTicks, xExt, yExt) : { u: [], v: [] };
      const revision = `${src.fileId}:${src.signalPath}:${image.constant}:${isSkewed(g) ? 'skew' : 'flat'}:${m.aspect}`;
      const w = image.window;
      const du = (w.u1 - w.u0) / w.width;
      const dv = (w.v1 - w.v0) / w.height;
      const data: Array<Record<string, unknown>> = [
        {
          type: 'image',
          source: image.url,
          // raster row 0 is the top (v1), going down
          x0: w.u0 + du / 2,
          y0: w.v1 - dv / 2,
          dx: du,
          dy: -dv,
          zsmooth: 'fast',
          hoverinfo: 'skip',
          name: 'slice',
        },
        {
          type: 'scatter',
          mode: 'lines',
          name: 'grid',
          x: lines.u,
          y: lines.v,
          line: { color: 'rgba(150,150,150,0.6)', width: 1 },
          hoverinfo: 'skip',
          connectgaps: false,
        },
      ];
      const layout: Record<string, unknown> = {
        margin: MARGIN,
        xaxis: {
          title: { text: src.dims[x].label },
          range: [bounds.u[0], bounds.u[1]],
          autorange: false,
          constrain: 'domain',
          zeroline: false,
          showgrid: false,
          tickmode: 'array',
          tickvals: xShown.map(([p]) => p),
          ticktext: xShown.map(([, t]) => tickText(t)),
          ticks: 'outside',
        },
        yaxis: {
          title: { text: src.dims[y].label },
          range: [bounds.v[0], bounds.v[1]],
          autorange: false,
          scaleanchor: 'x',
          scaleratio: m.aspect,
          constrain: 'domain',
          zeroline: false,
          showgrid: false,
          tickmode: 'array',
          tickvals: yTicks.map((t) => t * m.vY),
          ticktext: yTicks.map(tickText),
          ticks: 'outside',
        },
        showlegend: false,
        dragmode: 'zoom',
        hovermode: false,
        uirevision: revision,
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgb(238,238,238)',
      };
      const config = {
        displaylogo: false,
        scrollZoom: true,
        responsive: false,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toImage'],
      };
      const tPlot = performance.now();
      if (plotRevision.current !== null && plotRevision.current !== revision) {
        // other axes: a new figure (plotly's react kept the old x range across a uirevision change)
        Plotly.purge(el);
        hooked.current = false;
      }
      plotRevision.current = revision;
      const gd = await Plotly.react(el, data, layout, config);
      const plotTook = performance.now() - tPlot;
      if (!hooked.current) {
        hooked.current = true;
        gd.on('plotly_relayout', () => {
          const fl = axesOf(gd);
          const l = latest.current;
          if (!fl?.xaxis || !fl.yaxis || !l.source || !l.image) return;
          const dpr = window.devicePixelRatio || 1;
          const u: [number, number] = [fl.xaxis.range[0], fl.xaxis.range[1]];
          const v: [number, number] = [fl.yaxis.range[0], fl.yaxis.range[1]];
          const b = boundsOf(l.source, l.image.constant, l.image.geometry);
          const whole =
            Math.min(...u) <= b.u[0] + 1e-9 &&
            Math.max(...u) >= b.u[1] - 1e-9 &&
            Math.min(...v) <= b.v[0] + 1e-9 &&
            Math.max(...v) >= b.v[1] - 1e-9;
          const cur = store.getState().view;
          const next = whole ? null : { u, v };
          const same =
            (cur === null && next === null) ||
            (cur !== null && next !== null && cur.u.join() === u.join() && cur.v.join() === v.join());
          const px: [number, number] = [fl.xaxis._length * dpr, fl.yaxis._length * dpr];
          if (!same || store.getState().viewport?.join() !== px.join()) store.getState().setView(next, px);
        });
      }
      await nextFrame();
      await nextFrame();
      if (!live) return;
      store.getState().reportDisplay(performance.now() - image.requestedAt, plotTook);
      setShown(`${image.constant}:${image.start}:${image.count}:${isSkewed(g) ? 'skewed' : 'orthogonal'}`);
    })();
    return () => {
      live = false;
    };
  }, [image, view, showGrid, source, store]);

  // The read-out: the pointer through plotly's axes → plot (u, v) → axis values → the voxel.
  useEffect(() => {
    const el = plotDiv.current;
    if (!el) return;
    const onMove = (e: MouseEvent): void => {
      const fl = axesOf(el);
      const { image: img, values: vals, source: src } = latest.current;
      if (!fl?.xaxis || !fl.yaxis || !img || !vals || !src) return;
      const r = el.getBoundingClientRect();
      const px = e.clientX - r.left - fl.xaxis._offset;
      const py = e.clientY - r.top - fl.yaxis._offset;
      if (px < 0 || py < 0 || px > fl.xaxis._length || py > fl.yaxis._length) {
        setReadout(null);
        return;
      }
      if (vals.constant !== img.constant || vals.start !== img.start || vals.count !== img.count) return;
      const at = sliceValueAt(vals, img.geometry, fl.xaxis.p2d(px), fl.yaxis.p2d(py));
      if (!at) {
        setReadout(null);
        return;
      }
      const { x, y } = sliceAxes(img.constant);
      const coords: [number, number, number] = [0, 0, 0];
      coords[img.constant] = slabCentre(src.dims[img.constant].sampling, img.start, img.count);
      coords[x] = at.x;
      coords[y] = at.y;
      setReadout({ coords, value: at.value });
    };
    const onLeave = (): void => setReadout(null);
    el.addEventListener('mousemove', onMove);
    el.addEventListener('mouseleave', onLeave);
    return () => {
      el.removeEventListener('mousemove', onMove);
      el.removeEventListener('mouseleave', onLeave);
    };
  }, []);

  // Plot area size: before the first figure estimated from the element, then plotly's.
  useEffect(() => {
    const el = plotDiv.current;
    if (!el) return;
    const dpr = window.devicePixelRatio || 1;
    if (!el.querySelector('.main-svg')) {
      store
        .getState()
        .setView(store.getState().view, [
          Math.max(50, (el.clientWidth - MARGIN.l - MARGIN.r) * dpr),
          Math.max(50, (el.clientHeight - MARGIN.t - MARGIN.b) * dpr),
        ]);
    }
    const ro = new ResizeObserver(() => {
      void loadPlotly().then(async (P) => {
        if (!el.querySelector('.main-svg')) return;
        await P.Plots.resize(el);
        const fl = axesOf(el);
        if (fl?.xaxis && fl.yaxis)
          store.getState().setView(store.getState().view, [fl.xaxis._length * dpr, fl.yaxis._length * dpr]);
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
  const planes = source ? source.shape[constant] : 1;
  const constAxis = source?.dims[constant];
  const step = constAxis ? stepOf(constAxis.sampling) : 1;
  const [slabStart, slabCount] = slabPlanes(plane, thickness, planes);
  const centreValue = constAxis ? slabCentre(constAxis.sampling, slabStart, slabCount) : null;
  const g = source ? geometryOf(source, constant, true) : null;
  const skewed = g !== null && isSkewed(g);
  const unequal = g !== null && Math.abs(skewMatrix(g).aspect - 1) > 1e-6;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'f') actions.setPlane(plane + 1);
    else if (e.key === 'b') actions.setPlane(plane - 1);
    else if (e.key === 'l') actions.setScale(scale === 'log' ? 'linear' : 'log');
    else return;
    e.preventDefault();
  };
  const stats = image?.stats;
  const angleName = ['γ*', 'β*', 'α*'][constant] ?? '';

  return (
    <div
      className={styles.pane}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-label="HKL slice"
      role="region"
      data-slice-shown={shown}
      data-image-window={
        image
          ? [image.window.u0, image.window.u1, image.window.v0, image.window.v1]
              .map((x) => x.toFixed(4))
              .join(' ')
          : ''
      }
      data-display-ms={displayMs !== null ? displayMs.toFixed(0) : ''}
    >
      <div className={styles.toolbar}>
        <span className={styles.plotTitle} title={target.path}>
          {source?.group ?? target.path}
          {source ? (
            <span className={styles.muted}>
              {' '}
              {source.shape.join(' × ')} {source.dtype}
              {source.weightsPath ? ' · signal ÷ weights' : ''}
            </span>
          ) : null}
        </span>
        <button
          type="button"
          onClick={() => void plotStore.getState().plot(target.fileId, target.node, 0, 'frames')}
          title="Show this data as frames of its first dimension"
        >
          Frames
        </button>
        <button
          type="button"
          onClick={() => plotStore.getState().close()}
          aria-label="Close plot"
          title="Close plot"
        >
          ✕
        </button>
      </div>
      {source ? (
        <div className={styles.toolbar}>
          <span>Slice at</span>
          <div role="radiogroup" aria-label="Constant axis" className={styles.segmented}>
            {SLICE_DIMS.map((d: SliceDim) => (
              <button
                key={d}
                type="button"
                role="radio"
                aria-checked={constant === d}
                className={constant === d ? styles.on : ''}
                onClick={() => actions.setConstant(d)}
                title={`Hold ${source.dims[d].short} constant`}
              >
                {source.dims[d].short}
              </button>
            ))}
          </div>
          <input
            className={styles.slider}
            type="range"
            min={0}
            max={Math.max(0, planes - 1)}
            value={plane}
            aria-label="Plane"
            onChange={(e) => actions.setPlane(Number(e.target.value))}
          />
          <label className={styles.limit}>
            {constAxis?.short ?? ''} =
            <NumberField
              label={`${constAxis?.short ?? ''} value`}
              value={constAxis ? constAxis.sampling.centres[plane]! : null}
              step={step}
              width={72}
              onCommit={(v) => {
                if (v !== null && constAxis) actions.setPlane(nearestSample(constAxis.sampling, v));
              }}
            />
          </label>
          <label
            className={styles.limit}
            title="Planes summed (signal and weights each), centred on the plane"
          >
            Thickness
            <NumberField
              label="Thickness (planes)"
              value={thickness}
              step={1}
              width={44}
              onCommit={(v) => {
                if (v !== null) actions.setThickness(v);
              }}
            />
            <span className={styles.muted}>
              planes = {tickText(slabCount * step)}
              {centreValue !== null && slabCount > 1 ? `, centre ${tickText(centreValue)}` : ''}
            </span>
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
        <label className={styles.limit}>
          Min
          <NumberField
            label="Colour min"
            value={min}
            placeholder={stats ? `auto ${formatValue(stats.autoLo)}` : 'auto'}
            onCommit={(v) => actions.setLimits(v, max)}
          />
        </label>
        <label className={styles.limit}>
          Max
          <NumberField
            label="Colour max"
            value={max}
            placeholder={stats ? `auto ${formatValue(stats.autoHi)}` : 'auto'}
            onCommit={(v) => actions.setLimits(min, v)}
          />
        </label>
        <button
          type="button"
          onClick={() => actions.setLimits(null, null)}
          disabled={min === null && max === null}
        >
          Auto
        </button>
        {skewed || unequal ? (
          <label
            className={styles.check}
            title={
              skewed
                ? `Draw the axes at ${angleName} = ${tickText(g!.angleDeg)}° with their lengths (@angles, @scaling_factor)`
                : 'Draw the axes with their lengths (@scaling_factor)'
            }
          >
            <input
              type="checkbox"
              checked={trueShape}
              onChange={(e) => actions.setTrueShape(e.target.checked)}
            />
            True shape{skewed ? ` (${angleName} ${tickText(g!.angleDeg)}°)` : ''}
          </label>
        ) : null}
        <label className={styles.check}>
          <input type="checkbox" checked={showGrid} onChange={(e) => actions.setShowGrid(e.target.checked)} />
          Grid
        </label>
      </div>
      {error ? (
        <div role="alert" className={styles.error}>
          {formatNxrError(error)}
        </div>
      ) : null}
      <div className={styles.figure}>
        <div ref={plotDiv} className={styles.plotly} data-testid="hkl-slice-plot" aria-busy={loading} />
        {stats ? <ColorBar colormap={colormap} scale={scale} stats={stats} /> : null}
      </div>
      <div className={styles.readout} aria-live="off" data-testid="hkl-readout">
        {readout && source ? (
          <>
            {[2, 1, 0].map((d) => (
              <span key={d}>
                {source.dims[d]!.short} {axisText(readout.coords[d]!, stepOf(source.dims[d]!.sampling))}
              </span>
            ))}
            <span>
              {source.weightsPath ? 'v/n' : 'value'} {formatValue(readout.value)}
            </span>
          </>
        ) : (
          <span className={styles.muted}>
            {source
              ? `Point at the slice for ${[2, 1, 0].map((d) => source.dims[d]!.short).join(', ')} and the value`
              : ''}
          </span>
        )}
        {image ? (
          <span
            className={styles.timing}
            data-testid="slice-timing"
            title="read the slab (signal and weights) + worker round trip (in the worker: resample, image) + plotly, ms · total from request to drawn"
          >
            read {image.readMs.toFixed(0)} + draw {image.workerMs.toFixed(0)} ({image.rasterMs.toFixed(0)},{' '}
            {image.encodeMs.toFixed(0)}) + plot {plotMs !== null ? plotMs.toFixed(0) : '…'} ms ·{' '}
            {displayMs !== null ? `${displayMs.toFixed(0)} ms` : ''}
          </span>
        ) : null}
      </div>
    </div>
  );
}
