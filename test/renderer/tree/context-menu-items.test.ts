// The tree's context menu: which items apply to which node (disabled ones say why).
import { describe, expect, it } from 'vitest';

import type { NxNode } from '../../../src/nexus/model/types.ts';
import { treeMenuItems } from '../../../src/renderer/tree/context-menu-items.ts';

const node = (p: Partial<NxNode> & Pick<NxNode, 'path' | 'kind'>): NxNode => ({
  name: p.path.split('/').pop() || '/',
  attributes: [],
  ...p,
});
const enabled = (n: NxNode, path = n.path): string[] =>
  treeMenuItems(n, path)
    .filter((i) => i.disabled === null)
    .map((i) => i.label);

describe('tree context menu items', () => {
  it('lists NeXpy’s items in order, in four groups', () => {
    const items = treeMenuItems(node({ path: '/', kind: 'group' }), '/');
    expect(items.map((i) => i.label)).toEqual(['Plot', 'View Data', 'Copy Path', 'Set as Parent', 'Reload']);
    expect(items.map((i) => i.group)).toEqual([0, 0, 1, 2, 3]);
  });

  it('enables what applies to each kind of node', () => {
    // the file: copy, parent, reload
    expect(enabled(node({ path: '/', kind: 'group' }))).toEqual(['Copy Path', 'Set as Parent', 'Reload']);
    // a top-level entry may also make the file the parent
    expect(enabled(node({ path: '/entry', kind: 'group', nxClass: 'NXentry' }))).toEqual([
      'Copy Path',
      'Set as Parent',
      'Reload',
    ]);
    // an NXdata group plots
    expect(enabled(node({ path: '/f1/radial_sum', kind: 'group', nxClass: 'NXdata' }))).toEqual([
      'Plot',
      'Copy Path',
      'Reload',
    ]);
    // a 1-D float field: plot and view
    expect(
      enabled(node({ path: '/f1/data/monitor_weight', kind: 'dataset', shape: [400], dtype: '<f8' })),
    ).toEqual(['Plot', 'View Data', 'Copy Path', 'Reload']);
    // a 3-D stack: plot (frames) and view (a frame at a time)
    expect(
      enabled(node({ path: '/f1/data/data', kind: 'dataset', shape: [5, 195, 487], dtype: '<i4' })),
    ).toContain('View Data');
  });

  it('disables Plot on strings and scalars, View Data on groups and 4-D data, with the reason', () => {
    const title = node({ path: '/entry/title', kind: 'dataset', shape: [], dtype: 'string' });
    const why = (n: NxNode, label: string): string | null =>
      treeMenuItems(n, n.path).find((i) => i.label === label)!.disabled;
    expect(why(title, 'Plot')).toMatch(/not numbers/);
    expect(why(title, 'View Data')).toBeNull();
    expect(why(node({ path: '/x', kind: 'dataset', shape: [], dtype: '<f8' }), 'Plot')).toMatch(
      /single value/,
    );
    expect(why(node({ path: '/g', kind: 'group', nxClass: 'NXinstrument' }), 'View Data')).toMatch(
      /only datasets/,
    );
    expect(why(node({ path: '/g', kind: 'group', nxClass: 'NXinstrument' }), 'Plot')).toMatch(/NXdata/);
    expect(
      why(node({ path: '/d4', kind: 'dataset', shape: [2, 3, 4, 5], dtype: '<f4' }), 'View Data'),
    ).toMatch(/4 dimensions/);
    expect(why(node({ path: '/e', kind: 'dataset', shape: null, dtype: '<f4' }), 'View Data')).toMatch(
      /null/,
    );
    const dangling = node({ path: '/f1/data/data', kind: 'external-link', dangling: true });
    expect(why(dangling, 'Plot')).toMatch(/missing/);
    expect(why(dangling, 'View Data')).toMatch(/missing/);
    expect(why(node({ path: '/f1/data', kind: 'group', nxClass: 'NXdata' }), 'Set as Parent')).toMatch(
      /whole file/,
    );
  });
});
