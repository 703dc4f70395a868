/**
 * The Refine dialogs: one component per menu item whose engine job has landed. A landing job adds
 * its JobRequest (src/shared/jobs.ts), its engine entry (src/engine/refine-jobs.ts) and a line here.
 */
import type { ComponentType } from 'react';

import { availableRefineItems, isRefineDialogId, type RefineDialogId } from '../../shared/jobs.ts';
import { useDialogs, useTree } from '../state/store-context.tsx';
import { CalculateAnglesDialog } from './CalculateAnglesDialog.tsx';
import { ChooseParametersDialog } from './ChooseParametersDialog.tsx';
import { CopyParametersDialog } from './CopyParametersDialog.tsx';
import { DefineLatticeDialog } from './DefineLatticeDialog.tsx';
import { FindMaximumDialog } from './FindMaximumDialog.tsx';
import { FindPeaksDialog } from './FindPeaksDialog.tsx';
import { PrepareMaskDialog } from './PrepareMaskDialog.tsx';
import { RefineLatticeDialog } from './RefineLatticeDialog.tsx';
import { TransformDataDialog } from './TransformDataDialog.tsx';

export const DIALOGS: Partial<Record<RefineDialogId, ComponentType>> = {
  'choose-parameters': ChooseParametersDialog,
  'copy-parameters': CopyParametersDialog,
  'find-maximum': FindMaximumDialog,
  'find-peaks': FindPeaksDialog,
  'prepare-mask': PrepareMaskDialog,
  'calculate-angles': CalculateAnglesDialog,
  'define-lattice': DefineLatticeDialog,
  'refine-lattice': RefineLatticeDialog,
  'transform-data': TransformDataDialog,
};

/** The Refine menu: NXRefine's order, items whose job and dialog exist. */
export function refineMenu(): Array<{ dialog: RefineDialogId; label: string }> {
  return availableRefineItems().filter((i) => DIALOGS[i.dialog] !== undefined);
}

export function RefineDialogs() {
  const open = useDialogs((s) => s.open);
  const fileId = useTree((s) => s.file?.info.fileId);
  if (fileId === undefined) return null;
  return (
    <>
      {open.map((id) => {
        const D = isRefineDialogId(id) ? DIALOGS[id] : undefined;
        // keyed by file: a dialog opened on another file starts afresh
        return D ? <D key={`${id}:${fileId}`} /> : null;
      })}
    </>
  );
}
