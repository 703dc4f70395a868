/**
 * NXprocess provenance records exactly as NXRefine's `NXReduce.record(task, **kw)` writes them
 * (spec §3.4):
 *
 *   <entry>/<process>:NXprocess      process = task, except 'nxprepare' → 'nxprepare_mask'
 *     program         = process
 *     sequence_index  = number of NXprocess groups already in the entry + 1
 *     version         = 'nxrefine v<version>'
 *     date            = ISO date
 *     note:NXnote     description = process,
 *                     data = 'Current machine: <host>\nCurrent directory: <dir>\n' + 'Key words: value' lines,
 *                     date
 *     <key> = value   one field per keyword that is a key of the [nxreduce] defaults
 *
 * An existing group of the same name is replaced; task completion = existence of the group.
 */

export type KeywordValue = string | number | boolean;

export interface NxProcessRecord {
  /** Task name: nxmax, nxfind, nxcopy, nxrefine, nxprepare, nxtransform, nxmasked_transform, nxcombine, … */
  task: string;
  /** Program version without the 'nxrefine v' prefix, e.g. '0.1.1'. */
  version: string;
  /** Host name for the note ('Current machine'). */
  host: string;
  /** Scan directory for the note ('Current directory'). */
  directory: string;
  /** Keyword arguments in call order (e.g. threshold, first, last, peak_number). */
  keywords: Record<string, KeywordValue>;
  /** ISO date. @default now */
  date?: string;
}

/** Keys of the classic `[nxreduce]` defaults (spec §2.3): keywords with these names also become fields. */
export const NXREDUCE_DEFAULT_KEYS: readonly string[] = [
  'threshold',
  'min_pixels',
  'first',
  'last',
  'polar_max',
  'hkl_tolerance',
  'monitor',
  'norm',
  'polarization',
  'qmin',
  'qmax',
  'radius',
];

/** Group name for a task: 'nxprepare' → 'nxprepare_mask', otherwise the task itself. */
export function processGroupName(task: string): string {
  return task === 'nxprepare' ? 'nxprepare_mask' : task;
}

/** Python str.capitalize(): first character upper case, the rest lower case. */
export function pythonCapitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase();
}

/** Python str() of a keyword value, as the note shows it. */
export function pythonStr(v: KeywordValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return String(v);
  }
  return v;
}

/** 'hkl_tolerance', 0.05 → 'Hkl tolerance: 0.05' */
export function keywordLine(key: string, value: KeywordValue): string {
  return `${pythonCapitalize(key.replace(/_/g, ' '))}: ${pythonStr(value)}`;
}

export function noteData(rec: NxProcessRecord): string {
  const params = Object.entries(rec.keywords)
    .map(([k, v]) => keywordLine(k, v))
    .join('\n');
  return `Current machine: ${rec.host}\nCurrent directory: ${rec.directory}\n${params}`;
}

/** The fields of one record, ready for a writer. */
export interface NxProcessLayout {
  group: string;
  program: string;
  sequenceIndex: number;
  version: string;
  date: string;
  note: { description: string; data: string; date: string };
  /** Keyword fields (only [nxreduce] keys). */
  fields: Record<string, KeywordValue>;
}

/**
 * @param existingProcessCount NXprocess groups in the entry after removing a previous record of
 *   the same name.
 */
export function processLayout(rec: NxProcessRecord, existingProcessCount: number): NxProcessLayout {
  const group = processGroupName(rec.task);
  const date = rec.date ?? new Date().toISOString();
  const fields: Record<string, KeywordValue> = {};
  for (const [k, v] of Object.entries(rec.keywords)) if (NXREDUCE_DEFAULT_KEYS.includes(k)) fields[k] = v;
  return {
    group,
    program: group,
    sequenceIndex: existingProcessCount + 1,
    version: `nxrefine v${rec.version}`,
    date,
    note: { description: group, data: noteData(rec), date },
    fields,
  };
}
