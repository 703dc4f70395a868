/**
 * The Experiment menu's dialogs (spec §7). A job that lands adds its request to
 * src/shared/experiment-jobs.ts, its engine body to src/engine/experiment-jobs.ts and a line here.
 * Unlike the Refine dialogs they show whether or not a file is open: most work on folders; those
 * that act on the open file (Calibrate Powder, Create Mask) say so when none is open, and should
 * key their content by the file (a dialog stays open when another file is opened).
 */
import type { ComponentType } from 'react';

import {
  availableExperimentItems,
  isExperimentDialogId,
  type ExperimentDialogId,
} from '../../shared/experiment-jobs.ts';
import { MenuButton } from '../shell/MenuButton.tsx';
import { EditSettingsDialog } from './EditSettingsDialog.tsx';
import { NewConfigurationDialog } from './NewConfigurationDialog.tsx';
import { NewExperimentDialog } from './NewExperimentDialog.tsx';
import { NewSampleDialog } from './NewSampleDialog.tsx';
import { NewScanDialog } from './NewScanDialog.tsx';
import { CreateMaskDialog } from './CreateMaskDialog.tsx';
import { CalibratePowderDialog } from './CalibratePowderDialog.tsx';
import { ImportScansDialog } from './ImportScansDialog.tsx';
import { SumScansDialog } from './SumScansDialog.tsx';
import { useDialogs, useDialogStore } from '../state/store-context.tsx';

export const EXPERIMENT_DIALOGS: Partial<Record<ExperimentDialogId, ComponentType>> = {
  'create-mask': CreateMaskDialog,
  'calibrate-powder': CalibratePowderDialog,
  'import-scans': ImportScansDialog,
  'sum-scans': SumScansDialog,
  'new-experiment': NewExperimentDialog,
  'new-configuration': NewConfigurationDialog,
  'new-sample': NewSampleDialog,
  'new-scan': NewScanDialog,
  'edit-settings': EditSettingsDialog,
};

/** The Experiment menu: NXRefine's order, items whose job and dialog exist. */
export function experimentMenu(): Array<{ dialog: ExperimentDialogId; label: string }> {
  return availableExperimentItems().filter((i) => EXPERIMENT_DIALOGS[i.dialog] !== undefined);
}

export function ExperimentDialogs() {
  const open = useDialogs((s) => s.open);
  return (
    <>
      {open.map((id) => {
        const D = isExperimentDialogId(id) ? EXPERIMENT_DIALOGS[id] : undefined;
        return D ? <D key={id} /> : null;
      })}
    </>
  );
}

export function ExperimentMenu() {
  const dialogs = useDialogStore();
  return (
    <MenuButton
      label="Experiment"
      items={experimentMenu().map((i) => ({ id: i.dialog, label: i.label }))}
      onChoose={(id) => dialogs.getState().openDialog(id)}
    />
  );
}
