/**
 * Electron main process: lifecycle, the window, the menu, IPC, and the engine utilityProcess.
 * Main itself reads no data: every file access goes to the engine (out/main/engine.js), so an HDF5
 * or wasm abort costs at most the engine, never the window.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { app, dialog, ipcMain, Menu, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';

import { NxrError } from '../shared/errors.ts';
import type { AppInfo, EventChannel, InvokeHandlers, NxrEventMap } from '../shared/ipc.ts';
import { EngineProcess } from './jobs/engine-process.ts';
import { isAppUrl, registerIpcHandlers } from './ipc/register-ipc.ts';
import { buildMenuTemplate } from './menu/app-menu.ts';
import { createMainWindow } from './modules/main-window.ts';
import { installSecurityRules } from './modules/security.ts';
import { addRecentFile, pruneRecentFiles } from './store/recent-files.ts';
import { readSettings, writeSettings, type Settings } from './store/settings-file.ts';

const here = dirname(fileURLToPath(import.meta.url));
const dev = !app.isPackaged && process.env['ELECTRON_RENDERER_URL'] !== undefined;
const appUrl = (): string =>
  process.env['ELECTRON_RENDERER_URL'] ?? pathToFileURL(join(here, '../renderer/index.html')).href;

const NEXUS_FILTERS = [
  { name: 'NeXus / HDF5', extensions: ['nxs', 'nx5', 'nx', 'h5', 'hdf5', 'hdf'] },
  { name: 'All files', extensions: ['*'] },
];

let win: BrowserWindow | null = null;
let settings: Settings;
let settingsFile = '';
let hasOpenFile = false;

/** A file named on the command line (`electron . scan.nxs`, or a file opened with the app). */
function fileFromArgv(argv: readonly string[]): string | undefined {
  for (const a of argv.slice(app.isPackaged ? 1 : 2)) {
    if (a.startsWith('-') || a === '.') continue;
    try {
      if (statSync(a).isFile()) return a;
    } catch {
      // not a file
    }
  }
  return undefined;
}

let initialFile = fileFromArgv(process.argv);

function send<C extends EventChannel>(channel: C, payload: NxrEventMap[C]): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
}

function saveSettings(): void {
  try {
    writeSettings(settingsFile, settings);
  } catch (e) {
    console.error(`cannot save settings to ${settingsFile}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function rememberFile(path: string): void {
  settings.recentFiles = addRecentFile(settings.recentFiles, path);
  settings.lastDirectory = dirname(path);
  app.addRecentDocument(path);
  saveSettings();
  rebuildMenu();
}

function rebuildMenu(): void {
  settings.recentFiles = pruneRecentFiles(settings.recentFiles, existsSync);
  const template = buildMenuTemplate(
    { platform: process.platform, recentFiles: settings.recentFiles, hasOpenFile, dev },
    {
      openFile: () => void chooseAndOpen(),
      openRecent: (path) => send('menu:command', { command: 'open-file', path }),
      clearRecent: () => {
        settings.recentFiles = [];
        app.clearRecentDocuments();
        saveSettings();
        rebuildMenu();
      },
      closeFile: () => send('menu:command', { command: 'close-file' }),
      openRefineDialog: (dialog) => send('menu:command', { command: 'refine', dialog }),
      openExperimentDialog: (dialog) => send('menu:command', { command: 'experiment', dialog }),
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function showOpenDialog(): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open NeXus file',
    properties: ['openFile'],
    filters: NEXUS_FILTERS,
    ...(settings.lastDirectory ? { defaultPath: settings.lastDirectory } : {}),
  };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

async function chooseAndOpen(): Promise<void> {
  const path = await showOpenDialog();
  if (path) send('menu:command', { command: 'open-file', path });
}

const engine = new EngineProcess({
  modulePath: join(here, 'engine.js'),
  onEvent: (channel, payload) => {
    send(channel, payload);
    // Mirror job progress on the taskbar / dock.
    if (channel === 'job:progress')
      win?.setProgressBar((payload as NxrEventMap['job:progress']).percent / 100);
    if (channel === 'job:end') win?.setProgressBar(-1);
  },
  onCrash: (code) => console.error(`engine process exited (code ${code}); it restarts on the next request`),
  log: (line) => console.error(line),
});

const handlers: InvokeHandlers = {
  'app:info': async (): Promise<AppInfo> => ({
    mode: 'electron',
    version: app.getVersion(),
    ...(initialFile !== undefined ? { initialFile } : {}),
  }),
  'dialog:open-file': async () => showOpenDialog(),
  'dialog:choose-directory': async (title) => {
    const options: Electron.OpenDialogOptions = { title, properties: ['openDirectory', 'createDirectory'] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  'dialog:choose-file': async (title) => {
    const options: Electron.OpenDialogOptions = { title, properties: ['openFile'] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  },
  'fs:list': async () => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'use File ▸ Open… in the desktop app' });
  },
  'file:open': async (path) => {
    const info = await engine.invoke('file:open', path);
    hasOpenFile = true;
    rememberFile(path);
    if (win) win.setTitle(`${info.name} — NXRefine`);
    return info;
  },
  'file:close': async (fileId) => {
    const r = await engine.invoke('file:close', fileId);
    hasOpenFile = false;
    rebuildMenu();
    win?.setTitle('NXRefine');
    return r;
  },
  'file:reload': (fileId) => engine.invoke('file:reload', fileId),
  'tree:children': (fileId, path) => engine.invoke('tree:children', fileId, path),
  'tree:entity': (fileId, path) => engine.invoke('tree:entity', fileId, path),
  'data:frame': (fileId, path, index) => engine.invoke('data:frame', fileId, path, index),
  'data:read': (query) => engine.invoke('data:read', query),
  'job:start': (request) => engine.invoke('job:start', request),
  'job:cancel': (jobId) => engine.invoke('job:cancel', jobId),
};

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    win !== null &&
    event.sender === win.webContents &&
    frame !== null &&
    frame === win.webContents.mainFrame &&
    isAppUrl(frame.url, appUrl())
  );
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
    const file = fileFromArgv(argv);
    if (file) send('menu:command', { command: 'open-file', path: file });
  });

  app.on('open-file', (event, path) => {
    // macOS: a file dropped on the dock icon or opened from Finder.
    event.preventDefault();
    if (win) send('menu:command', { command: 'open-file', path });
    else initialFile = path;
  });

  void app.whenReady().then(() => {
    settingsFile = join(app.getPath('userData'), 'settings.json');
    settings = readSettings(settingsFile);
    installSecurityRules(appUrl, dev);
    registerIpcHandlers(ipcMain, {
      isTrustedSender,
      handlers,
      onError: (channel, error) => {
        if (error.code === 'INTERNAL') console.error(`${channel}: ${error.message}`);
      },
    });
    rebuildMenu();
    win = createMainWindow({ preload: join(here, '../preload/index.cjs'), url: appUrl(), title: 'NXRefine' });
    win.on('closed', () => {
      win = null;
    });
  });

  app.on('window-all-closed', () => {
    engine.stop();
    app.quit();
  });
}
