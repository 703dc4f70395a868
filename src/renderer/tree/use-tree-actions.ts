/**
 * What the tree's context menu (and Enter, a double-click, the toolbar) does to the open file:
 * plot a node, copy its path, make the file the parent of its scan directory, reload it; and the
 * reloads when the file changes on disk. Results and failures become the tree's notice.
 */
import { useCallback, useEffect, useMemo } from 'react';

import { formatNxrError, toErrorInfo } from '../../shared/errors.ts';
import { resultOf } from '../state/job-store.ts';
import { useLinePlotStore } from '../state/line-plot-store.ts';
import { useBridge, useJobStore, usePlotStore, useTreeStore } from '../state/store-context.tsx';
import { copyText } from './copy-text.ts';
import { plotNode } from './plot-node.ts';

export interface TreeActions {
  plot(path: string): Promise<void>;
  copyPath(path: string): Promise<void>;
  setAsParent(): Promise<void>;
  reload(): Promise<void>;
}

export function useTreeActions(): TreeActions {
  const bridge = useBridge();
  const tree = useTreeStore();
  const frame = usePlotStore();
  const line = useLinePlotStore();
  const jobs = useJobStore();

  const fail = useCallback(
    (what: string, e: unknown) =>
      tree.getState().notify('error', `${what}: ${formatNxrError(toErrorInfo(e))}`),
    [tree],
  );

  return useMemo<TreeActions>(
    () => ({
      async plot(path) {
        const f = tree.getState().file;
        if (!f) return;
        try {
          const r = await plotNode({ bridge, frame, line }, f.info.fileId, path);
          if (r.kind === 'none') tree.getState().notify('warn', `Cannot plot ${path}: ${r.reason}`);
        } catch (e) {
          fail(`Cannot plot ${path}`, e);
        }
      },

      async copyPath(path) {
        try {
          await copyText(path);
          tree.getState().notify('info', `Copied ${path}`);
        } catch (e) {
          fail('Copy Path', e);
        }
      },

      async setAsParent() {
        const f = tree.getState().file;
        if (!f) return;
        try {
          const jobId = await jobs.getState().start({ kind: 'set-parent', fileId: f.info.fileId }, 'tree');
          const end = await jobs.getState().ended(jobId);
          const r = resultOf(end, 'set-parent');
          if (!end.ok) fail(`Set as Parent`, end.error);
          else if (r) {
            const was = r.previous !== undefined && r.previous !== r.file ? ` (was ${r.previous})` : '';
            tree.getState().notify('info', `${r.file} is now the parent: ${r.link} → ${r.file}${was}`);
          }
        } catch (e) {
          fail('Set as Parent', e);
        }
      },

      async reload() {
        const f = tree.getState().file;
        if (!f) return;
        if (!(await tree.getState().reload({ reopen: true }))) return;
        tree.getState().notify('info', `Reloaded ${f.info.name}`);
        await Promise.all([frame.getState().refresh(), line.getState().refresh()]);
      },
    }),
    [bridge, tree, frame, line, jobs, fail],
  );
}

/**
 * Reloads the tree and the plots when the engine reports that someone else changed the open file
 * (our own jobs' rewrites arrive as job ends and are reloaded by the job store's hook; the line
 * plot is refreshed here for those too).
 */
export function useFileChangeReload(): void {
  const bridge = useBridge();
  const tree = useTreeStore();
  const frame = usePlotStore();
  const line = useLinePlotStore();
  useEffect(() => {
    const offChanged = bridge.onFileChanged((event) => {
      void (async () => {
        if (!(await tree.getState().fileChanged(event))) return;
        const refreshes: Array<Promise<void>> = [];
        if (frame.getState().target?.fileId === event.fileId) refreshes.push(frame.getState().refresh());
        if (line.getState().target?.fileId === event.fileId) refreshes.push(line.getState().refresh());
        await Promise.all(refreshes);
      })();
    });
    const offJob = bridge.onJobEnd((end) => {
      const t = line.getState().target;
      if (end.ok && end.fileChanged && t && t.fileId === tree.getState().file?.info.fileId)
        void line.getState().refresh();
    });
    return () => {
      offChanged();
      offJob();
    };
  }, [bridge, tree, frame, line]);
}
