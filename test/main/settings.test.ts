import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  addRecentFile,
  MAX_RECENT_FILES,
  pruneRecentFiles,
  sanitizeRecentFiles,
} from '../../src/main/store/recent-files.ts';
import { defaultSettings, readSettings, writeSettings } from '../../src/main/store/settings-file.ts';

describe('recent files', () => {
  it('keeps the most recent first, without duplicates, capped at 20 (NeXpy)', () => {
    let list: string[] = [];
    for (let i = 0; i < 25; i++) list = addRecentFile(list, `/d/f${i}.nxs`);
    expect(list).toHaveLength(MAX_RECENT_FILES);
    expect(list[0]).toBe('/d/f24.nxs');
    expect(list.at(-1)).toBe('/d/f5.nxs');
    list = addRecentFile(list, '/d/f10.nxs');
    expect(list[0]).toBe('/d/f10.nxs');
    expect(list.filter((p) => p === '/d/f10.nxs')).toHaveLength(1);
    expect(list).toHaveLength(MAX_RECENT_FILES);
  });

  it('drops files that no longer exist and junk from a hand-edited settings file', () => {
    expect(pruneRecentFiles(['/a', '/b', '/c'], (p) => p !== '/b')).toEqual(['/a', '/c']);
    expect(sanitizeRecentFiles(['/a', 3, null, '/a', '', '/b'])).toEqual(['/a', '/b']);
    expect(sanitizeRecentFiles('nope')).toEqual([]);
  });
});

describe('settings file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nxr-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips, and leaves no temporary file behind', () => {
    const file = join(dir, 'sub', 'settings.json');
    writeSettings(file, { version: 1, recentFiles: ['/x/a.nxs'], lastDirectory: '/x' });
    expect(readSettings(file)).toEqual({ version: 1, recentFiles: ['/x/a.nxs'], lastDirectory: '/x' });
    expect(readdirSync(join(dir, 'sub'))).toEqual(['settings.json']);
  });

  it('gives the defaults for a missing or corrupt file', () => {
    expect(readSettings(join(dir, 'missing.json'))).toEqual(defaultSettings());
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"recentFiles": [');
    expect(readSettings(bad)).toEqual(defaultSettings());
    expect(existsSync(bad)).toBe(true);
  });
});
