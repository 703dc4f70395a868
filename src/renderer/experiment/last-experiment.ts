/**
 * The experiment directory the Experiment dialogs last worked in (NXRefine's
 * mainwindow.default_directory): New Experiment sets it, the other dialogs start from it. One
 * store per bridge (made on first use), so tests and windows do not share it.
 */
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';

import type { NxrBridge } from '../../shared/ipc.ts';
import { useBridge } from '../state/store-context.tsx';

interface LastExperiment {
  directory: string;
  set: (directory: string) => void;
}

const stores = new WeakMap<NxrBridge, StoreApi<LastExperiment>>();

function storeFor(bridge: NxrBridge): StoreApi<LastExperiment> {
  let s = stores.get(bridge);
  if (!s) {
    s = createStore<LastExperiment>()((set) => ({ directory: '', set: (directory) => set({ directory }) }));
    stores.set(bridge, s);
  }
  return s;
}

/** [last experiment directory, set it]. */
export function useLastExperiment(): [string, (directory: string) => void] {
  const s = storeFor(useBridge());
  const directory = useStore(s, (x) => x.directory);
  return [directory, s.getState().set];
}
