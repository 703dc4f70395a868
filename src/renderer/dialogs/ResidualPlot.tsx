/**
 * Refine Lattice's residual plot: NXRefine's Diff (Å⁻¹) of the indexed peaks against polar angle
 * before the fit (starting orientation) and after it, with the HKL tolerance as a dotted line; or
 * the spot-position residual (px) after the fit.
 */
import { useMemo, useState } from 'react';

import type { RefineLatticeSummary } from '../../shared/jobs.ts';
import local from './RefineLattice.module.css';
import { residualSeries } from './refine-peaks.ts';
import { SmallChart, type ChartTrace } from './SmallChart.tsx';

export function ResidualPlot({ result }: { result: RefineLatticeSummary }) {
  const [kind, setKind] = useState<'diff' | 'pixels'>('diff');
  const fitted = result.fit.length > 0;
  const { traces, layout } = useMemo(() => {
    const s = residualSeries(result, kind);
    const point = (name: string, color: string, symbol: string) => ({
      type: 'scatter',
      mode: 'markers',
      name,
      marker: { size: 5, color, symbol },
      hovertemplate: `peak %{customdata}: 2θ %{x:.3f}°, ${kind === 'diff' ? '%{y:.4f} Å⁻¹' : '%{y:.3f} px'}<extra>${name}</extra>`,
    });
    const out: ChartTrace[] = [];
    if (s.before && fitted)
      out.push({
        ...point(`before the fit (${s.before.x.length})`, '#c9a227', 'circle-open'),
        x: s.before.x,
        y: s.before.y,
        customdata: s.before.peak,
      });
    out.push({
      ...point(`${fitted ? 'after the fit' : 'indexed'} (${s.after.x.length})`, '#2f6fde', 'circle'),
      x: s.after.x,
      y: s.after.y,
      customdata: s.after.peak,
    });
    // y from the data (the tolerance line, usually far above a good fit, is drawn only if in range)
    let top = 0;
    for (const v of [...(s.before?.y ?? []), ...s.after.y]) if (Number.isFinite(v) && v > top) top = v;
    const l: Record<string, unknown> = {
      xaxis: { title: { text: 'Polar Angle (deg)' }, rangemode: 'tozero' },
      yaxis: {
        title: { text: kind === 'diff' ? 'Diff (Å⁻¹)' : 'Pixel residual (px)' },
        range: [0, top > 0 ? 1.08 * top : 1],
        exponentformat: 'e',
      },
      ...(kind === 'diff'
        ? {
            shapes: [
              {
                type: 'line',
                xref: 'paper',
                x0: 0,
                x1: 1,
                y0: result.hklTolerance,
                y1: result.hklTolerance,
                line: { color: '#e0442b', width: 1, dash: 'dot' },
              },
            ],
          }
        : {}),
    };
    return { traces: out, layout: l };
  }, [result, kind, fitted]);
  return (
    <div>
      <div className={local.plotRow} role="radiogroup" aria-label="Residual">
        <strong>Residuals</strong>
        <label>
          <input type="radio" checked={kind === 'diff'} onChange={() => setKind('diff')} /> Diff (Å⁻¹)
        </label>
        <label>
          <input type="radio" checked={kind === 'pixels'} onChange={() => setKind('pixels')} /> pixels
        </label>
      </div>
      <SmallChart
        traces={traces}
        layout={layout}
        testId="residual-plot"
        label="Residuals against polar angle"
      />
    </div>
  );
}
