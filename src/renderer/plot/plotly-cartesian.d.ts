// plotly.js-cartesian-dist-min ships no typings: the part of the API the plot pane uses.
declare module 'plotly.js-cartesian-dist-min' {
  export interface PlotlyHTMLElement extends HTMLElement {
    on(
      event: 'plotly_hover',
      handler: (e: {
        points: Array<{ x: number; y: number; curveNumber: number; pointNumber?: number | number[] }>;
      }) => void,
    ): void;
    on(event: 'plotly_unhover', handler: () => void): void;
    on(event: 'plotly_relayout', handler: (e: Record<string, unknown>) => void): void;
    removeAllListeners?(event: string): void;
  }
  type Data = Record<string, unknown>;
  type Layout = Record<string, unknown>;
  type Config = Record<string, unknown>;
  const Plotly: {
    newPlot(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<PlotlyHTMLElement>;
    react(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<PlotlyHTMLElement>;
    relayout(root: HTMLElement, update: Layout): Promise<PlotlyHTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): Promise<void> };
  };
  export default Plotly;
}
