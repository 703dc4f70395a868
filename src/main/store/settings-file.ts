/**
 * Settings of the desktop app (recent files, last folder) as versioned JSON in Electron's userData
 * folder. Written to a temporary file and renamed, so a crash never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { sanitizeRecentFiles } from './recent-files.ts';

export const SETTINGS_VERSION = 1;

export interface Settings {
  version: typeof SETTINGS_VERSION;
  recentFiles: string[];
  /** Folder the open dialog starts in. */
  lastDirectory?: string;
}

export function defaultSettings(): Settings {
  return { version: SETTINGS_VERSION, recentFiles: [] };
}

/** Reads settings; a missing, corrupt or foreign file gives the defaults (never throws). */
export function readSettings(file: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return defaultSettings();
  }
  if (typeof raw !== 'object' || raw === null) return defaultSettings();
  const r = raw as Record<string, unknown>;
  const s = defaultSettings();
  s.recentFiles = sanitizeRecentFiles(r['recentFiles']);
  if (typeof r['lastDirectory'] === 'string') s.lastDirectory = r['lastDirectory'];
  return s;
}

export function writeSettings(file: string, settings: Settings): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${process.pid}.settings.tmp`);
  writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(tmp, file);
}
