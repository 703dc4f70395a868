/**
 * The window: toolbar (Open, Close, Reload, Expand/Collapse all, Plot, the Refine menu), the NeXus
 * tree on the left, the frame plot and the selected node's attributes on the right, the job log,
 * the Refine and Experiment dialogs floating above (non-modal), and a status bar. Files open read-only; the Refine
 * jobs rewrite them atomically and the tree reloads.
 */
import { useCallback, useEffect, useState } from 'react';

import type { AppInfo } from '../../shared/ipc.ts';
import { onBridgeClosed } from '../bridge/index.ts';
import { RefineDialogs } from '../dialogs/RefineDialogs.tsx';
import { RefineMenu } from '../dialogs/RefineMenu.tsx';
import { ExperimentDialogs, ExperimentMenu } from '../experiment/ExperimentDialogs.tsx';
import { warmUpColorWorker } from '../plot/colormap-client.ts';
import { FramePlot } from '../plot/FramePlot.tsx';
import { plotKindOf } from '../plot/line-data.ts';
import { LinePlot } from '../plot/LinePlot.tsx';
import { HklSlicePlot } from '../plot/HklSlicePlot.tsx';
import { loadPlotly } from '../plot/load-plotly.ts';
import { useBridge, useDialogStore, usePlot, usePlotStore, useTree } from '../state/store-context.tsx';
import { isPlottable } from '../state/tree-store.ts';
import { useLinePlotPane } from '../state/line-plot-store.ts';
import { useTreeActions } from '../tree/use-tree-actions.ts';
import { AttributesPanel } from '../tree/AttributesPanel.tsx';
import { JobLogPanel } from './JobLogPanel.tsx';
import { formatBytes } from '../tree/format.ts';
import { TreeView } from '../tree/TreeView.tsx';
import styles from './App.module.css';
import { FileBrowser } from './FileBrowser.tsx';
import { formatNxrError } from '../../shared/errors.ts';

export function App() {
  const bridge = useBridge();
  const file = useTree((s) => s.file);
  const opening = useTree((s) => s.opening);
  const error = useTree((s) => s.error);
  const openFile = useTree((s) => s.openFile);
  const closeFile = useTree((s) => s.closeFile);
  const expandAll = useTree((s) => s.expandAll);
  const collapseAll = useTree((s) => s.collapseAll);
  const clearError = useTree((s) => s.clearError);
  const selectedNode = useTree((s) => (s.file ? s.file.nodes[s.file.selected]?.node : undefined));
  const plotStore = usePlotStore();
  const lining = useLinePlotPane();
  const treeActions = useTreeActions();
  const plotting = usePlot((s) => s.target !== null) || lining;
  const plotFileId = usePlot((s) => s.target?.fileId);
  const slices = usePlot((s) => s.target?.view === 'hkl');
  const dialogStore = useDialogStore();
  const [showLog, setShowLog] = useState(false);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const [lost, setLost] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void bridge.appInfo().then((i) => {
      if (!live) return;
      setInfo(i);
      if (i.initialFile) void openFile(i.initialFile);
    });
    const offMenu = bridge.onMenuCommand((c) => {
      if (c.command === 'open-file') void openFile(c.path);
      else if (c.command === 'refine' || c.command === 'experiment')
        dialogStore.getState().openDialog(c.dialog);
      else void closeFile();
    });
    const offLost = onBridgeClosed(() => setLost(true));
    return () => {
      live = false;
      offMenu();
      offLost();
    };
  }, [bridge, openFile, closeFile, dialogStore]);

  // The plot belongs to the open file; load plotly and the colour-map worker while the user looks
  // at the tree, so the first plot does not wait for them.
  const fileId = file?.info.fileId;
  useEffect(() => {
    if (fileId === undefined) return;
    warmUpColorWorker();
    void loadPlotly();
  }, [fileId]);
  useEffect(() => {
    if (plotFileId !== undefined && plotFileId !== fileId) plotStore.getState().close();
  }, [plotFileId, fileId, plotStore]);

  const browserMode = info?.mode === 'browser';
  const open = useCallback(async () => {
    if (browserMode) setBrowsing(true);
    else {
      const path = await bridge.openFileDialog();
      if (path) await openFile(path);
    }
  }, [browserMode, bridge, openFile]);

  useEffect(() => {
    // Ctrl/Cmd+O in browser mode (Electron's menu owns the accelerator there).
    if (!browserMode) return;
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        setBrowsing(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [browserMode]);

  // open the file from disk again, keep the tree's expansion and selection, redraw the plot
  const runReload = (): Promise<void> => treeActions.reload();

  const runExpandAll = async (): Promise<void> => {
    setBusy(true);
    try {
      await expandAll();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={styles.app}>
      <header className={styles.toolbar}>
        <button type="button" onClick={() => void open()}>
          Open…
        </button>
        <button type="button" onClick={() => void closeFile()} disabled={!file}>
          Close
        </button>
        <button type="button" onClick={() => void runReload()} disabled={!file} title="Read the file again">
          Reload
        </button>
        <span className={styles.sep} />
        <button type="button" onClick={() => void runExpandAll()} disabled={!file || busy}>
          Expand all
        </button>
        <button type="button" onClick={collapseAll} disabled={!file}>
          Collapse all
        </button>
        <span className={styles.sep} />
        <button
          type="button"
          disabled={!file || !selectedNode || !isPlottable(selectedNode)}
          onClick={() => file && void treeActions.plot(file.selected)}
          title="Plot the selected dataset or NXdata group (double-click, Enter)"
        >
          Plot
        </button>
        <button
          type="button"
          disabled={
            !file || !selectedNode || !isPlottable(selectedNode) || plotKindOf(selectedNode) === 'line'
          }
          onClick={() => file && void plotStore.getState().plot(file.info.fileId, file.selected, 0, 'hkl')}
          title="Plot the selected 3-D dataset or NXdata group as slices (H, K or L constant)"
        >
          Slices
        </button>
        <RefineMenu disabled={!file} />
        <ExperimentMenu />
        <span className={styles.title}>{file ? file.info.path : 'NXRefine'}</span>
        {file ? (
          <span
            className={styles.readonly}
            title="The tree reads the file without changing it; the Refine jobs write their results (locked, through a temporary copy)"
          >
            read-only
          </span>
        ) : null}
      </header>
      {lost ? (
        <div role="alert" className={styles.banner}>
          The connection to <code>nxr serve</code> was lost. Restart it and reload this page.
        </div>
      ) : null}
      {error ? (
        <div role="alert" className={styles.banner}>
          <span>{formatNxrError(error)}</span>
          <button type="button" onClick={clearError}>
            Dismiss
          </button>
        </div>
      ) : null}
      <main className={styles.split}>
        <section className={styles.treePane} aria-label="NeXus tree">
          {file ? (
            <TreeView />
          ) : (
            <div className={styles.empty}>
              {opening ? (
                <p>Opening {opening}…</p>
              ) : (
                <>
                  <p>No file open.</p>
                  <p>
                    <button type="button" onClick={() => void open()}>
                      Open a NeXus file…
                    </button>
                  </p>
                  <p className={styles.muted}>{browserMode ? 'Ctrl+O' : 'File ▸ Open… (Ctrl+O)'}</p>
                </>
              )}
            </div>
          )}
        </section>
        <section className={plotting ? styles.rightWithPlot : styles.right}>
          {plotting ? (
            <div className={styles.plotPane}>
              {lining ? <LinePlot /> : slices ? <HklSlicePlot /> : <FramePlot />}
            </div>
          ) : null}
          <div className={styles.infoPane} aria-label="Attributes" role="region">
            <AttributesPanel />
          </div>
        </section>
      </main>
      {showLog ? <JobLogPanel onClose={() => setShowLog(false)} /> : null}
      <footer className={styles.status}>
        <span>
          {info ? (browserMode ? `Browser mode · ${info.rootName ?? ''}` : 'Desktop') : 'Connecting…'}
        </span>
        {file ? (
          <span>
            {file.info.name} · {formatBytes(file.info.sizeBytes)} · {Object.keys(file.nodes).length} nodes
            loaded
          </span>
        ) : null}
        <span>
          <button type="button" className={styles.linkButton} onClick={() => setShowLog((v) => !v)}>
            {showLog ? 'Hide log' : 'Log'}
          </button>{' '}
          {info ? `v${info.version}` : ''}
        </span>
      </footer>
      <RefineDialogs />
      <ExperimentDialogs />
      {browsing && info ? (
        <FileBrowser
          rootName={info.rootName ?? 'folder'}
          onCancel={() => setBrowsing(false)}
          onOpen={(path) => {
            setBrowsing(false);
            void openFile(path);
          }}
        />
      ) : null}
    </div>
  );
}
