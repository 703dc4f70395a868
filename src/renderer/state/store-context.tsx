import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';

import type { NxrBridge } from '../../shared/ipc.ts';
import type { TreeState, TreeStore } from './tree-store.ts';

interface AppContext {
  bridge: NxrBridge;
  tree: TreeStore;
}

const Ctx = createContext<AppContext | null>(null);

export function StoreProvider({ bridge, tree, children }: AppContext & { children: ReactNode }) {
  return <Ctx.Provider value={{ bridge, tree }}>{children}</Ctx.Provider>;
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
