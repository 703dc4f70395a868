/**
 * The File ▸ Open Recent list, NeXpy style: most recent first, no duplicates, at most 20 entries;
 * unlike NeXpy, files that no longer exist are dropped. Pure list operations; persistence is in
 * settings-file.ts.
 */

/** NeXpy's max_recent_files. */
export const MAX_RECENT_FILES = 20;

/** `path` moved (or added) to the front. */
export function addRecentFile(list: readonly string[], path: string, max = MAX_RECENT_FILES): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, max);
}

/** The list without files that no longer exist. */
export function pruneRecentFiles(list: readonly string[], exists: (path: string) => boolean): string[] {
  return list.filter((p) => exists(p));
}

/** Keeps only strings, de-duplicated, capped: a settings file edited by hand cannot break the menu. */
export function sanitizeRecentFiles(raw: unknown, max = MAX_RECENT_FILES): string[] {
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  for (const p of raw) if (typeof p === 'string' && p !== '' && !out.includes(p)) out.push(p);
  return out.slice(0, max);
}
