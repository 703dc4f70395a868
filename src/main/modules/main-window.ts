/**
 * The main window: context isolation, sandbox and no Node in the page; the only door to the
 * rest of the app is the preload's `window.nxr`. Shown on ready-to-show (no white flash).
 */
import { BrowserWindow } from 'electron';

export interface MainWindowOptions {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preload: string;
  /** file:// URL of out/renderer/index.html, or the development server URL. */
  url: string;
  title: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 720,
    minHeight: 480,
    title: options.title,
    show: false,
    backgroundColor: '#f7f7f8',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.url);
  return win;
}
