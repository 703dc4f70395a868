/**
 * plotly.js (cartesian bundle, 1.5 MB) is loaded on demand: the tree appears without it, and the
 * app starts loading it as soon as a file is open so the first plot does not wait for it.
 */
import type Plotly from 'plotly.js-cartesian-dist-min';

type PlotlyModule = typeof Plotly;

let loading: Promise<PlotlyModule> | null = null;

export function loadPlotly(): Promise<PlotlyModule> {
  loading ??= import('plotly.js-cartesian-dist-min').then((m) => m.default);
  return loading;
}
