/**
 * Per-frame series of an entry read the way NXRefine finds them: the monitor named by the
 * `monitor` reduction parameter (Find Maximum's transmission, Transform Data's weights) and the
 * transmissions (spec §3.2, §5.2, §5.4).
 */
import type { NexusReader } from '../../nexus/port.ts';
import { readNumbers } from './read-fields.ts';

/**
 * Where the values of a per-frame series at `path` may be: the dataset itself, or for a group
 * (NXmonitor, NXdata) its @signal, `data`, then its other 1-D datasets except frame_number.
 */
export function seriesCandidates(f: NexusReader, path: string): string[] {
  if (!f.has(path)) return [];
  const node = f.entity(path, { attrs: true, maxDepth: 1 });
  if (node.kind !== 'group') return [path];
  const candidates: string[] = [];
  const sig = node.attributes.find((a) => a.name === 'signal')?.value;
  const s = Array.isArray(sig) ? sig[0] : sig;
  if (typeof s === 'string') candidates.push(`${path}/${s}`);
  candidates.push(`${path}/data`);
  for (const c of node.children ?? [])
    if (c.kind === 'dataset' && c.shape?.length === 1 && c.name !== 'frame_number') candidates.push(c.path);
  return candidates;
}

/**
 * The monitor per frame (NXRefine's `monitor` parameter): classic, an NXmonitor group named after
 * it (its signal, `data`, or its 1-D series); HEAD, `<entry>/monitor/<name>` or `<name>` inside any
 * NXmonitor of the entry. Arrays longer than the scan (resizable fields) are cut to `frameCount`;
 * shorter ones are refused with the reason.
 */
export function readMonitor(
  f: NexusReader,
  entry: string,
  name: string,
  frameCount: number,
): { values: Float64Array; path: string } | { values: null; reason: string } {
  const base = `/${entry.replace(/^\/+/, '')}`;
  const candidates = [...seriesCandidates(f, `${base}/${name}`), `${base}/monitor/${name}`];
  for (const c of f.children(base, { attrs: false })) {
    if (c.nxClass === 'NXmonitor') candidates.push(`${c.path}/${name}`);
  }
  for (const path of new Set(candidates)) {
    if (!f.has(path)) continue;
    const v = readNumbers(f, path);
    if (v === undefined) continue;
    if (v.length < frameCount)
      return { values: null, reason: `${path} has ${v.length} values for ${frameCount} frames` };
    return { values: Float64Array.from(v.slice(0, frameCount)), path };
  }
  return { values: null, reason: `no monitor '${name}' in ${base}` };
}
