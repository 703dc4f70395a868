/**
 * Writes a NeXus plan (src/refine/experiment/nexus-plan.ts: groups, fields, NeXus links, external
 * links, attributes, in order) with a NeXus writer. Used for configuration and scan files and by
 * the simulator's scan files.
 */
import type { NexusWriter } from '../../nexus/port.ts';
import type { PlanNode } from '../../refine/experiment/nexus-plan.ts';

export function writePlan(w: NexusWriter, nodes: readonly PlanNode[]): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'group':
        w.group(n.path, n.nxClass, n.attrs);
        break;
      case 'field':
        w.field(n.path, n.value, {
          ...(n.dtype !== undefined ? { dtype: n.dtype } : {}),
          ...(n.shape !== undefined ? { shape: n.shape } : {}),
          ...(n.units !== undefined ? { units: n.units } : {}),
          ...(n.attrs !== undefined ? { attrs: n.attrs } : {}),
          ...(n.gzip !== undefined ? { compression: { gzip: n.gzip } } : {}),
        });
        break;
      case 'link':
        w.nexusLink(n.path, n.target);
        break;
      case 'external':
        w.externalLink(n.path, n.file, n.target);
        break;
      case 'attrs':
        w.setAttrs(n.path, n.attrs);
        break;
    }
  }
}

/** Paths a plan writes (groups, fields, links; not attributes): a copy made before the plan leaves them out. */
export function planPaths(nodes: readonly PlanNode[]): Set<string> {
  return new Set(nodes.filter((n) => n.kind !== 'attrs').map((n) => n.path));
}
