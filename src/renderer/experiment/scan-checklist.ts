/**
 * The scan checklists of Import Scans and Sum Scans: NXRefine's Sum dialog selects the files whose
 * name starts with the typed prefix (and clears the others), starts with the files' common prefix,
 * and proposes `<first file up to its last '_'>_sum.nxs` as the summed file.
 */

/** The longest common prefix of the names ('' for none). */
export function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let p = names[0]!;
  for (const n of names.slice(1)) {
    let i = 0;
    while (i < p.length && i < n.length && p[i] === n[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}

/** The names that start with `prefix` (all of them for ''). */
export function selectByPrefix(names: readonly string[], prefix: string): Set<string> {
  return new Set(names.filter((n) => n.startsWith(prefix)));
}

/**
 * The sum's scan name NXRefine proposes: the first chosen file up to its last '_', then '_sum';
 * without the `<sample>_` prefix ('LaB6_300K.nxs' → 'sum', 'LaB6_300K_a.nxs' → '300K_sum').
 */
export function defaultSumName(firstFile: string | undefined, sample: string): string {
  if (firstFile === undefined) return 'sum';
  const stem = firstFile.replace(/\.nxs$/, '');
  const cut = stem.lastIndexOf('_');
  const prefix = cut > 0 ? stem.slice(0, cut) : stem;
  const file = `${prefix}_sum`;
  return file.startsWith(`${sample}_`) ? file.slice(sample.length + 1) : file;
}

/** Names in `all` order that are in `chosen`. */
export function chosenInOrder(all: readonly string[], chosen: ReadonlySet<string>): string[] {
  return all.filter((n) => chosen.has(n));
}
