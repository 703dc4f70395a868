/**
 * The Calibrate Powder plot (NXRefine's "Powder Calibration" plot view): the calibrant image on a
 * log colour scale through the frame plot's colour-map worker, the predicted rings of the current
 * geometry as dotted lines, the picked points as circles in the colour of their ring (points the
 * last Calibrate dropped as outliers as grey crosses) and, while Select Points is on, a click on the
 * image passed to `onPick` in pixel coordinates. Axes in pixels, y down as the detector is read.
 */
import { useEffect, useRef, useState } from 'react';

import type { RingCurve } from '../../refine/calibrate/ring-curves.ts';
import type { PowderPoint } from '../../shared/experiment-jobs.ts';
import { colorizeInWorker } from '../plot/colormap-client.ts';
import { loadPlotly } from '../plot/load-plotly.ts';
import styles from '../dialogs/Dialog.module.css';
import { ringColor } from './calibrate-powder-form.ts';

export interface CalibrationImage {
  /** Names the image for the colour worker (changes when another image is imported). */
  key: string;
  shape: [number, number];
  data: Float32Array;
}

const MARGIN = { l: 48, r: 8, t: 8, b: 36 };

interface AxisLayout {
  _length: number;
  _offset: number;
  p2d: (px: number) => number;
}

const axesOf = (gd: HTMLElement): { xaxis?: AxisLayout; yaxis?: AxisLayout } | undefined =>
  (gd as unknown as { _fullLayout?: { xaxis?: AxisLayout; yaxis?: AxisLayout } })._fullLayout;

export function CalibrationImagePlot({
  image,
  points,
  used,
  rings,
  selecting,
  onPick,
  height = 380,
}: {
  image: CalibrationImage | null;
  points: readonly PowderPoint[];
  /** Per point: used by the last fit (undefined: all shown as picked). */
  used?: readonly boolean[] | undefined;
  rings: readonly RingCurve[];
  selecting: boolean;
  onPick: (x: number, y: number) => void;
  height?: number;
}) {
  const div = useRef<HTMLDivElement>(null);
  const [picture, setPicture] = useState<{
    key: string;
    url: string;
    x0: number;
    y0: number;
    bin: number;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef({ selecting, onPick, image });
  latest.current = { selecting, onPick, image };

  // Colour the image once per image (log scale, automatic limits), binned to about the plot's width.
  useEffect(() => {
    if (!image) {
      setPicture(null);
      return;
    }
    let live = true;
    const [ny, nx] = image.shape;
    const width = Math.max(200, (div.current?.clientWidth ?? 600) - MARGIN.l - MARGIN.r);
    const bin = Math.max(1, Math.floor(Math.max(nx / (width * (window.devicePixelRatio || 1)), 1)));
    colorizeInWorker(
      `calibration:${image.key}`,
      { data: image.data.slice(), width: nx, height: ny },
      { key: 'calibration:none', mask: null },
      { colormap: 'viridis', scale: 'log' },
      { x0: 0, y0: 0, x1: nx, y1: ny, bin },
    ).then(
      (r) => {
        if (live)
          setPicture({ key: image.key, url: r.url, x0: r.window.x0, y0: r.window.y0, bin: r.window.bin });
      },
      (e: unknown) => {
        if (live) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [image]);

  // Draw image, rings and points.
  useEffect(() => {
    const el = div.current;
    if (!el || !image || !picture || picture.key !== image.key) return;
    let live = true;
    void (async () => {
      const Plotly = await loadPlotly();
      if (!live) return;
      const [ny, nx] = image.shape;
      const data: Array<Record<string, unknown>> = [
        {
          type: 'image',
          source: picture.url,
          x0: picture.x0 + (picture.bin - 1) / 2,
          y0: picture.y0 + (picture.bin - 1) / 2,
          dx: picture.bin,
          dy: picture.bin,
          zsmooth: 'fast',
          hoverinfo: 'skip',
          name: 'image',
        },
        {
          type: 'scatter',
          mode: 'lines',
          name: 'predicted rings',
          x: rings.flatMap((r) => [...r.x, NaN]),
          y: rings.flatMap((r) => [...r.y, NaN]),
          line: { color: 'rgba(255,255,255,0.85)', width: 1, dash: 'dot' },
          hoverinfo: 'skip',
        },
      ];
      const byRing = new Map<number, number[]>();
      const dropped: number[] = [];
      points.forEach((p, i) => {
        if (used && used[i] === false) dropped.push(i);
        else byRing.set(p.ring, [...(byRing.get(p.ring) ?? []), i]);
      });
      for (const [ring, idx] of [...byRing.entries()].sort((a, b) => a[0] - b[0]))
        data.push({
          type: 'scatter',
          mode: 'markers',
          name: `Ring${ring + 1}`,
          x: idx.map((i) => points[i]!.x),
          y: idx.map((i) => points[i]!.y),
          marker: { symbol: 'circle-open', size: 7, color: ringColor(ring), line: { width: 1.5 } },
          hovertemplate: `Ring${ring + 1}<br>x %{x:.2f}, y %{y:.2f}<extra></extra>`,
        });
      if (dropped.length > 0)
        data.push({
          type: 'scatter',
          mode: 'markers',
          name: 'dropped',
          x: dropped.map((i) => points[i]!.x),
          y: dropped.map((i) => points[i]!.y),
          marker: { symbol: 'x-thin-open', size: 7, color: '#999', line: { width: 1.5 } },
          hovertemplate: 'dropped by the fit<br>x %{x:.2f}, y %{y:.2f}<extra></extra>',
        });
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
        uirevision: image.key,
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
      };
      await Plotly.react(el, data, layout, {
        displaylogo: false,
        scrollZoom: true,
        responsive: false,
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toImage'],
      });
    })();
    return () => {
      live = false;
    };
  }, [image, picture, points, used, rings]);

  // A click (not a drag) with Select Points on: the pixel under the pointer.
  useEffect(() => {
    const el = div.current;
    if (!el) return;
    let down: { x: number; y: number } | null = null;
    const onDown = (e: MouseEvent): void => {
      down = { x: e.clientX, y: e.clientY };
    };
    const onUp = (e: MouseEvent): void => {
      const start = down;
      down = null;
      const l = latest.current;
      if (!start || !l.selecting || !l.image) return;
      if (Math.hypot(e.clientX - start.x, e.clientY - start.y) > 4) return;
      const fl = axesOf(el);
      if (!fl?.xaxis || !fl.yaxis) return;
      const r = el.getBoundingClientRect();
      const px = e.clientX - r.left - fl.xaxis._offset;
      const py = e.clientY - r.top - fl.yaxis._offset;
      if (px < 0 || py < 0 || px > fl.xaxis._length || py > fl.yaxis._length) return;
      l.onPick(fl.xaxis.p2d(px), fl.yaxis.p2d(py));
    };
    // plotly covers the page while a drag may start, so the release is caught on the window
    el.addEventListener('mousedown', onDown, true);
    window.addEventListener('mouseup', onUp, true);
    return () => {
      el.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('mouseup', onUp, true);
    };
  }, []);

  useEffect(
    () => () => {
      const el = div.current;
      if (el) void loadPlotly().then((P) => P.purge(el));
    },
    [],
  );

  return (
    <div>
      {error ? (
        <div role="alert" className={styles.error}>
          {error}
        </div>
      ) : null}
      <div
        ref={div}
        data-testid="calibration-plot"
        data-points={points.length}
        data-rings={rings.length}
        data-drawn={picture && image && picture.key === image.key ? 'yes' : 'no'}
        style={{ height, cursor: selecting ? 'crosshair' : undefined }}
        aria-label="Powder calibration image"
        role="img"
      />
      {!image ? <div className={styles.muted}>Import powder data to show the calibrant image.</div> : null}
    </div>
  );
}
