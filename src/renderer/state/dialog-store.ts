/**
 * Which Refine and Experiment dialogs are open (non-modal, several at a time, as NXRefine's). Opening one that is
 * already open brings it to the front.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

import type { DialogId } from '../../shared/jobs.ts';

export interface DialogState {
  /** Open dialogs, front-most last. */
  open: DialogId[];
  openDialog(id: DialogId): void;
  closeDialog(id: DialogId): void;
  raise(id: DialogId): void;
}

export type DialogStore = StoreApi<DialogState>;

export function createDialogStore(): DialogStore {
  return createStore<DialogState>()((set, get) => ({
    open: [],
    openDialog(id) {
      set({ open: [...get().open.filter((d) => d !== id), id] });
    },
    closeDialog(id) {
      set({ open: get().open.filter((d) => d !== id) });
    },
    raise(id) {
      if (get().open.at(-1) !== id && get().open.includes(id)) get().openDialog(id);
    },
  }));
}
