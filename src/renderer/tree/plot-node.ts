/**
 * Plot (the tree's context menu, Enter, a double-click, the toolbar's Plot): a 1-D field or an
 * NXdata group with a 1-D signal becomes a line plot against its NXdata axis; a 2-D image or a 3-D
 * stack (or an NXdata group of one) goes to the frame plot. The plot pane shows the one asked for
 * last.
 */
import type { NxrBridge } from '../../shared/ipc.ts';
import type { PlotResolution } from '../plot/line-data.ts';
import { resolveNodePlot, type LinePlotStore } from '../state/line-plot-store.ts';
import type { PlotStore } from '../state/plot-store.ts';

export interface PlotStores {
  bridge: NxrBridge;
  frame: PlotStore;
  line: LinePlotStore;
}

/** Plots a tree node; resolves to what it meant ('none' with the reason when it cannot be plotted). */
export async function plotNode(s: PlotStores, fileId: string, path: string): Promise<PlotResolution> {
  const r = await resolveNodePlot(s.bridge, fileId, path);
  if (r.kind === 'line') {
    s.frame.getState().close();
    await s.line.getState().plot({ fileId, node: path, signal: r.signal, axis: r.axis });
  } else if (r.kind === 'image') {
    s.line.getState().close();
    await s.frame.getState().plot(fileId, path);
  }
  return r;
}
