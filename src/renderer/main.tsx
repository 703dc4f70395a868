import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { getBridge } from './bridge/index.ts';
import { App } from './shell/App.tsx';
import './shell/global.css';
import { StoreProvider } from './state/store-context.tsx';
import { createDialogStore } from './state/dialog-store.ts';
import { createJobStore } from './state/job-store.ts';
import { createPlotStore } from './state/plot-store.ts';
import { createTreeStore } from './state/tree-store.ts';

const bridge = getBridge();
const tree = createTreeStore(bridge);
const plot = createPlotStore(bridge);
const dialogs = createDialogStore();
// A job that rewrote the open file: the tree and the plot read it again.
const jobs = createJobStore(bridge, (fileId) => {
  if (fileId !== undefined && tree.getState().file?.info.fileId === fileId) void tree.getState().reload();
  if (fileId !== undefined && plot.getState().target?.fileId === fileId) void plot.getState().refresh();
});
const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <StoreProvider bridge={bridge} tree={tree} plot={plot} jobs={jobs} dialogs={dialogs}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
