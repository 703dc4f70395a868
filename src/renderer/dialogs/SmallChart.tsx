/**
 * A small plotly chart inside a dialog (lines or markers): Find Maximum's summed frames, radial sum
 * and transmission, Refine Lattice's residuals. The traces and layout are plotly's; the chart
 * loads plotly on demand and is purged when it goes away.
 */
import { useEffect, useRef } from 'react';

import { loadPlotly } from '../plot/load-plotly.ts';
import local from './RefineLattice.module.css';

export type ChartTrace = Record<string, unknown>;

export function SmallChart({
  traces,
  layout,
  testId,
  label,
}: {
  traces: ChartTrace[];
  layout: Record<string, unknown>;
  testId: string;
  /** Accessible name of the chart. */
  label: string;
}) {
  const div = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = div.current;
    if (!el) return;
    let live = true;
    void loadPlotly().then((Plotly) => {
      if (!live) return;
      void Plotly.react(
        el,
        traces,
        {
          margin: { l: 56, r: 8, t: 8, b: 38 },
          showlegend: traces.length > 1,
          legend: { orientation: 'h', x: 0, y: 1.12, font: { size: 11 } },
          font: { size: 11 },
          ...layout,
        },
        { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'] },
      );
    });
    return () => {
      live = false;
    };
  }, [traces, layout]);
  useEffect(() => {
    const el = div.current;
    return () => {
      if (el) void loadPlotly().then((P) => P.purge(el));
    };
  }, []);
  return <div ref={div} className={local.smallChart} data-testid={testId} role="img" aria-label={label} />;
}
