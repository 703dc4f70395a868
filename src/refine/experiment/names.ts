/**
 * Naming rules of an NXRefine experiment tree (nxrefine-spec.md §2.1). NXRefine derives the sample,
 * label and scan of a scan directory from its path (`sample = dir.parent.parent.name`, `label =
 * dir.parent.name`, `scan = dir.name`) and the scan of a wrapper from its stem
 * (`stem.replace(sample + '_', '')`), so every name is one plain path component:
 *
 * - a letter or digit first, then letters, digits, `_`, `-`, `.` or `+` (no spaces, no separators);
 * - at most 100 characters; never `.` or `..`;
 * - a sample may not take the name of an experiment folder (tasks, configurations, calibrations,
 *   scripts, macros, nxrefine, nxserver);
 * - a scan may not be `parent` or `scans` (`<sample>_parent.nxs` is the classic parent link,
 *   `<sample>_scans.nxs` HEAD's parent file) nor `backup` (HEAD's backup folder);
 * - a configuration name is a file stem: `<name>.nxs` (a trailing `.nxs` is accepted and removed).
 *
 * Each check returns the message shown beside the field, or undefined when the name is good.
 */

export type NameKind = 'experiment' | 'sample' | 'label' | 'scan' | 'configuration';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
export const MAX_NAME_LENGTH = 100;

/** Folders of the experiment directory that a sample may not shadow. */
export const RESERVED_SAMPLE_NAMES: readonly string[] = [
  'tasks',
  'configurations',
  'calibrations',
  'scripts',
  'macros',
  'nxrefine',
  'nxserver',
];

/** Scan names that would collide with the parent link/file or HEAD's backup folder. */
export const RESERVED_SCAN_NAMES: readonly string[] = ['parent', 'scans', 'backup'];

/** The message for a bad name of this kind, or undefined when it is good. */
export function checkName(kind: NameKind, name: string): string | undefined {
  if (name.trim() === '') return `give a ${kind} name`;
  if (name !== name.trim()) return 'no spaces before or after the name';
  if (name.length > MAX_NAME_LENGTH) return `at most ${MAX_NAME_LENGTH} characters`;
  if (/[\\/]/.test(name)) return 'one name, without / or \\';
  if (!NAME_PATTERN.test(name)) return 'letters, digits, _ - . + only, starting with a letter or digit';
  if (kind === 'sample' && RESERVED_SAMPLE_NAMES.includes(name.toLowerCase()))
    return `'${name}' is a folder of the experiment itself`;
  if (kind === 'scan' && RESERVED_SCAN_NAMES.includes(name.toLowerCase()))
    return `'${name}' is reserved (parent link, parent file or backup folder)`;
  return undefined;
}

/** The configuration's file name: `<name>.nxs` (a name given with `.nxs` keeps one). */
export function configurationFileName(name: string): string {
  return /\.nxs$/i.test(name) ? name : `${name}.nxs`;
}

/** The configuration's name without `.nxs`. */
export function configurationStem(name: string): string {
  return name.replace(/\.nxs$/i, '');
}

/**
 * A relative sub-path of names (NXRefine's raw_path and analysis_path, e.g. `nxrefine` or
 * `raw/run1`): '/'-separated components, each a good name. Undefined when good.
 */
export function checkSubpath(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  if (text.startsWith('/') || /^[A-Za-z]:/.test(text) || text.startsWith('\\'))
    return 'a sub-directory, relative (no leading /)';
  const parts = text.split('/').filter((p) => p !== '');
  for (const p of parts) {
    if (p === '.' || p === '..') return "no '.' or '..' components";
    if (!NAME_PATTERN.test(p)) return `'${p}': letters, digits, _ - . + only`;
  }
  return undefined;
}

/** Components of a relative sub-path ('' → []). */
export function subpathParts(text: string): string[] {
  return text.split('/').filter((p) => p !== '' && p !== '.');
}

/**
 * HEAD's scan directory name for a scan value (spec §7 New Scan): `[prefix_][m]<value with . →
 * p><units>`, e.g. (300, 'K') → '300K', (−12.5, 'K') → 'm12p5K'. Classic New Scan lets the user type
 * the label; the dialog offers this name as the default.
 */
export function scanNameForValue(value: number, units = 'K', prefix = ''): string {
  const abs = Math.abs(value);
  const text = String(Number(abs.toPrecision(12))).replace('.', 'p');
  return `${prefix !== '' ? `${prefix}_` : ''}${value < 0 ? 'm' : ''}${text}${units}`;
}
