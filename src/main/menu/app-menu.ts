/**
 * The application menu as data. Only what works is listed: the Refine menu shows NXRefine's items
 * in its classic order (Choose Parameters … Transform Data) for the steps whose engine job exists
 * (src/shared/jobs.ts `availableRefineItems`); the others join when their job lands. The Experiment
 * menu likewise (src/shared/experiment-jobs.ts `availableExperimentItems`). Accelerators
 * use CmdOrCtrl and keep NeXpy's bindings (Ctrl+O open, Ctrl+W close).
 */
import { basename } from 'node:path';

import type { MenuItemConstructorOptions } from 'electron';

import { availableExperimentItems, type ExperimentDialogId } from '../../shared/experiment-jobs.ts';
import { availableRefineItems, type RefineDialogId } from '../../shared/jobs.ts';

export interface MenuState {
  platform: NodeJS.Platform;
  /** Most recent first. */
  recentFiles: readonly string[];
  /** A file is open in the window (enables Close). */
  hasOpenFile: boolean;
  /** Development build: adds Reload and Developer Tools. */
  dev: boolean;
}

export interface MenuActions {
  openFile: () => void;
  openRecent: (path: string) => void;
  clearRecent: () => void;
  closeFile: () => void;
  /** Refine ▸ <item>: the window opens that dialog. */
  openRefineDialog: (dialog: RefineDialogId) => void;
  /** Experiment ▸ <item>: the window opens that dialog. */
  openExperimentDialog: (dialog: ExperimentDialogId) => void;
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] =
    state.recentFiles.length === 0
      ? [{ label: 'No Recent Files', enabled: false }]
      : state.recentFiles.map((path) => ({
          // NeXpy shows the base name, with the full path as tooltip (sublabel where no tooltips).
          label: basename(path),
          sublabel: path,
          toolTip: path,
          click: () => actions.openRecent(path),
        }));
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: actions.openFile },
      {
        label: 'Open Recent',
        submenu: [
          ...recent,
          { type: 'separator' },
          {
            label: 'Clear Recently Opened',
            enabled: state.recentFiles.length > 0,
            click: actions.clearRecent,
          },
        ],
      },
      { type: 'separator' },
      { label: 'Close', accelerator: 'CmdOrCtrl+W', enabled: state.hasOpenFile, click: actions.closeFile },
      ...(mac ? [] : [{ type: 'separator' } as const, { label: 'Quit', role: 'quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(state.dev
        ? [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  // NXRefine's dialogs act on the open file: disabled until one is open.
  const refine: MenuItemConstructorOptions = {
    label: 'Refine',
    submenu: availableRefineItems().map((i) => ({
      label: `${i.label}…`,
      enabled: state.hasOpenFile,
      click: () => actions.openRefineDialog(i.dialog),
    })),
  };
  // Experiment items work on folders (New Experiment …) or on the open file (Calibrate Powder,
  // Create Mask: their dialogs say so when none is open): always enabled.
  const experimentItems = availableExperimentItems();
  const experiment: MenuItemConstructorOptions[] =
    experimentItems.length === 0
      ? []
      : [
          {
            label: 'Experiment',
            submenu: experimentItems.map((i) => ({
              label: `${i.label}…`,
              click: () => actions.openExperimentDialog(i.dialog),
            })),
          },
        ];
  const windowMenu: MenuItemConstructorOptions = { role: 'windowMenu' };
  const appMenu: MenuItemConstructorOptions[] = mac ? [{ role: 'appMenu' }] : [];
  return [...appMenu, file, edit, view, refine, ...experiment, windowMenu];
}
