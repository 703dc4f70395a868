/**
 * Create Mask's plot: the calibration image (or first frame, or zeros) through the colour-map
 * worker in grey, log scale; the mask over it in translucent red; the shapes as plotly shapes that
 * can be dragged and resized (polygon vertices too). Axes in pixels, y downwards, as the frame
 * plot shows detector images.
 */
import { useEffect, useRef, useState } from 'react';

import { colorizeInWorker } from '../plot/colormap-client.ts';
import { loadPlotly } from '../plot/load-plotly.ts';
import plotStyles from '../plot/Plot.module.css';
import {
  applyPlotlyEdit,
  displayBin,
  overlayPixels,
  shapeEdits,
  toPlotlyShape,
  type EditorShape,
} from './mask-editor.ts';

const MARGIN = { l: 56, r: 8, t: 8, b: 40 };

function overlayUrl(mask: Uint8Array, shape: [number, number], bin: number): string {
  const { data, width, height } = overlayPixels(mask, shape, bin);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return '';
  ctx.putImageData(new ImageData(data, width, height), 0, 0);
  return canvas.toDataURL('image/png');
}

export function MaskPlot({
  shape,
  image,
  imageKey,
  mask,
  shapes,
  selected,
  onEdit,
}: {
  shape: [number, number];
  /** The image shown (not changed here), or null for zeros. */
  image: Float32Array | null;
  /** Names the image (file, entry, path), so it is coloured once. */
  imageKey: string;
  mask: Uint8Array;
  shapes: EditorShape[];
  selected: number | null;
  /** A shape dragged or resized on the plot. */
  onEdit: (shape: EditorShape) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drawn, setDrawn] = useState<Uint8Array | null>(null);
  const latest = useRef({ shapes, onEdit });
  latest.current = { shapes, onEdit };
  const hooked = useRef(false);
  const bin = displayBin(shape);
  const [ny, nx] = shape;

  // the image, coloured once per image
  useEffect(() => {
    let live = true;
    const data = image ? image.slice() : new Float32Array(nx * ny);
    colorizeInWorker(
      `create-mask:${imageKey}`,
      { data, width: nx, height: ny },
      { key: `create-mask:none`, mask: null },
      { colormap: 'gray', scale: 'log' },
      { x0: 0, y0: 0, x1: nx, y1: ny, bin },
    )
      .then((r) => {
        if (live) setImageUrl(r.url);
      })
      .catch((e: unknown) => {
        if (live) setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      live = false;
    };
  }, [image, imageKey, nx, ny, bin]);

  const overlay = useRef<{ mask: Uint8Array | null; url: string }>({ mask: null, url: '' });
  if (overlay.current.mask !== mask) overlay.current = { mask, url: overlayUrl(mask, shape, bin) };
  const maskUrl = overlay.current.url;

  useEffect(() => {
    const div = el.current;
    if (!div || !imageUrl) return;
    let live = true;
    void (async () => {
      const Plotly = await loadPlotly();
      if (!live) return;
      const pixels = {
        x0: (bin - 1) / 2,
        y0: (bin - 1) / 2,
        dx: bin,
        dy: bin,
        zsmooth: 'fast',
        hoverinfo: 'skip',
      };
      const data = [
        { type: 'image', source: imageUrl, name: 'image', ...pixels },
        { type: 'image', source: maskUrl, name: 'mask', ...pixels },
      ];
      const layout = {
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
        shapes: shapes.map((s) => toPlotlyShape(s, s.id === selected)),
        showlegend: false,
        dragmode: 'zoom',
        uirevision: imageKey,
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: 'rgba(0,0,0,0)',
      };
      const config = {
        displaylogo: false,
        scrollZoom: true,
        responsive: true,
        edits: { shapePosition: true },
        modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toImage'],
      };
      const gd = await Plotly.react(div, data, layout, config);
      if (live) setDrawn(mask);
      if (!hooked.current) {
        hooked.current = true;
        gd.on('plotly_relayout', (ev: Record<string, unknown>) => {
          const { shapes: current, onEdit: edit } = latest.current;
          for (const [i, update] of shapeEdits(ev)) {
            const s = current[i];
            if (s) edit(applyPlotlyEdit(s, update));
          }
        });
      }
    })();
    return () => {
      live = false;
    };
  }, [imageUrl, maskUrl, mask, shapes, selected, nx, ny, bin, imageKey]);

  useEffect(
    () => () => {
      const div = el.current;
      hooked.current = false;
      if (div) void loadPlotly().then((P) => P.purge(div));
    },
    [],
  );

  return (
    <div style={{ display: 'flex', flexDirection: 'column', flexShrink: 0 }}>
      {error ? (
        <div role="alert" className={plotStyles.error}>
          {error}
        </div>
      ) : null}
      <div
        ref={el}
        className={plotStyles.plotly}
        style={{ flex: 'none', height: 460 }}
        data-testid="mask-plot"
        aria-label="Mask plot"
        aria-busy={!imageUrl}
        data-drawn={drawn === mask ? 'yes' : 'no'}
        data-shapes={shapes.length}
      />
    </div>
  );
}
