import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';

import type { NxrBridge } from '../../shared/ipc.ts';
import type { DialogState, DialogStore } from './dialog-store.ts';
import type { JobState, JobStore } from './job-store.ts';
import type { PlotState, PlotStore } from './plot-store.ts';
import type { TreeState, TreeStore } from './tree-store.ts';

interface AppContext {
  bridge: NxrBridge;
  tree: TreeStore;
  plot: PlotStore;
  jobs: JobStore;
  dialogs: DialogStore;
}

const Ctx = createContext<AppContext | null>(null);

export function StoreProvider({
  bridge,
  tree,
  plot,
  jobs,
  dialogs,
  children,
}: AppContext & { children: ReactNode }) {
  return <Ctx.Provider value={{ bridge, tree, plot, jobs, dialogs }}>{children}</Ctx.Provider>;
}

function useAppContext(): AppContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('StoreProvider missing');
  return c;
}

export function useBridge(): NxrBridge {
  return useAppContext().bridge;
}

export function useTree<T>(selector: (s: TreeState) => T): T {
  return useStore(useAppContext().tree, selector);
}

export function useTreeStore(): TreeStore {
  return useAppContext().tree;
}

export function usePlot<T>(selector: (s: PlotState) => T): T {
  return useStore(useAppContext().plot, selector);
}

export function usePlotStore(): PlotStore {
  return useAppContext().plot;
}

export function useJobs<T>(selector: (s: JobState) => T): T {
  return useStore(useAppContext().jobs, selector);
}

export function useJobStore(): JobStore {
  return useAppContext().jobs;
}

export function useDialogs<T>(selector: (s: DialogState) => T): T {
  return useStore(useAppContext().dialogs, selector);
}

export function useDialogStore(): DialogStore {
  return useAppContext().dialogs;
}
