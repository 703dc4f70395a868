/**
 * The open file and its lazily loaded NeXus tree: which groups are loaded and expanded, which node
 * is selected, and the selected node's attributes. One store per bridge (see StoreProvider).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

import type { NxNode } from '../../nexus/model/types.ts';
import type { NxrErrorInfo } from '../../shared/errors.ts';
import { toErrorInfo } from '../../shared/errors.ts';
import type { EntityInfo, FileInfo, NxrBridge } from '../../shared/ipc.ts';

export interface TreeNodeState {
  node: NxNode;
  /** Paths of the members, once loaded. */
  childPaths?: string[];
  loading?: boolean;
  error?: NxrErrorInfo;
}

export interface OpenFileState {
  info: FileInfo;
  nodes: Record<string, TreeNodeState>;
  expanded: Record<string, boolean>;
  selected: string;
  entity: EntityInfo | null;
  entityError: NxrErrorInfo | null;
}

export interface TreeState {
  file: OpenFileState | null;
  opening: string | null;
  error: NxrErrorInfo | null;
  openFile(path: string): Promise<void>;
  closeFile(): Promise<void>;
  /** Expands a group, loading its members the first time. */
  expand(path: string): Promise<void>;
  collapse(path: string): void;
  toggle(path: string): Promise<void>;
  select(path: string): Promise<void>;
  /** Loads and expands every group (up to `maxNodes` nodes). */
  expandAll(maxNodes?: number): Promise<void>;
  collapseAll(): void;
  /**
   * Re-reads the tree after the file changed (a job rewrote it): the expanded groups stay expanded
   * where they still exist, the selection stays where it still exists, and its attributes are
   * fetched again. The rows are replaced at once, without collapsing in between.
   */
  reload(): Promise<void>;
  clearError(): void;
}

export type TreeStore = StoreApi<TreeState>;

/** True when a node can be plotted as an image: a 2-D or 3-D dataset, or an NXdata group. */
export function isPlottable(node: NxNode): boolean {
  if (node.dangling) return false;
  if (node.kind === 'dataset') {
    const r = node.shape?.length ?? 0;
    return (r === 2 || r === 3) && !(node.dtype ?? '').startsWith('string');
  }
  return node.kind === 'group' && node.nxClass === 'NXdata';
}

/** True when a node can be expanded: a group (reached directly or through a link) with members. */
export function isExpandable(node: NxNode): boolean {
  return node.kind === 'group' && !node.dangling && (node.childCount ?? 1) > 0;
}

export function createTreeStore(bridge: NxrBridge): TreeStore {
  const store = createStore<TreeState>()((set, get) => {
    /** Applies `fn` to the open file if it is still `fileId`. */
    const update = (fileId: string, fn: (f: OpenFileState) => Partial<OpenFileState>): void => {
      const f = get().file;
      if (!f || f.info.fileId !== fileId) return;
      set({ file: { ...f, ...fn(f) } });
    };
    const patchNode = (fileId: string, path: string, patch: Partial<TreeNodeState>): void =>
      update(fileId, (f) => {
        const cur = f.nodes[path];
        return cur ? { nodes: { ...f.nodes, [path]: { ...cur, ...patch } } } : {};
      });

    const loadChildren = async (fileId: string, path: string): Promise<void> => {
      const f = get().file;
      const cur = f?.nodes[path];
      if (!f || !cur || cur.childPaths || cur.loading) return;
      patchNode(fileId, path, { loading: true });
      try {
        const kids = await bridge.listChildren(fileId, path);
        update(fileId, (file) => {
          const nodes = { ...file.nodes };
          for (const k of kids) nodes[k.path] = nodes[k.path] ?? { node: k };
          const node = nodes[path];
          if (node) nodes[path] = { ...node, loading: false, childPaths: kids.map((k) => k.path) };
          return { nodes };
        });
      } catch (e) {
        patchNode(fileId, path, { loading: false, error: toErrorInfo(e) });
      }
    };

    return {
      file: null,
      opening: null,
      error: null,

      async openFile(path) {
        const prev = get().file;
        set({ opening: path, error: null });
        try {
          const info = await bridge.openFile(path);
          if (prev) void bridge.closeFile(prev.info.fileId).catch(() => undefined);
          set({
            opening: null,
            file: {
              info,
              nodes: { '/': { node: info.root } },
              expanded: {},
              selected: '/',
              entity: null,
              entityError: null,
            },
          });
          await get().expand('/');
          await get().select('/');
        } catch (e) {
          set({ opening: null, error: toErrorInfo(e) });
        }
      },

      async closeFile() {
        const f = get().file;
        if (!f) return;
        set({ file: null });
        try {
          await bridge.closeFile(f.info.fileId);
        } catch (e) {
          set({ error: toErrorInfo(e) });
        }
      },

      async expand(path) {
        const f = get().file;
        const n = f?.nodes[path];
        if (!f || !n || !isExpandable(n.node)) return;
        update(f.info.fileId, (file) => ({ expanded: { ...file.expanded, [path]: true } }));
        await loadChildren(f.info.fileId, path);
      },

      collapse(path) {
        const f = get().file;
        if (!f) return;
        update(f.info.fileId, (file) => ({
          expanded: Object.fromEntries(Object.entries(file.expanded).filter(([p]) => p !== path)),
        }));
      },

      async toggle(path) {
        if (get().file?.expanded[path]) get().collapse(path);
        else await get().expand(path);
      },

      async select(path) {
        const f = get().file;
        if (!f || !f.nodes[path]) return;
        const fileId = f.info.fileId;
        update(fileId, () => ({ selected: path, entity: null, entityError: null }));
        try {
          const entity = await bridge.getEntity(fileId, path);
          update(fileId, (file) => (file.selected === path ? { entity } : {}));
        } catch (e) {
          update(fileId, (file) => (file.selected === path ? { entityError: toErrorInfo(e) } : {}));
        }
      },

      async expandAll(maxNodes = 20_000) {
        const f = get().file;
        if (!f) return;
        const fileId = f.info.fileId;
        const queue = ['/'];
        const expanded: Record<string, boolean> = {};
        while (queue.length > 0) {
          const path = queue.shift()!;
          const file = get().file;
          if (!file || file.info.fileId !== fileId) return;
          const n = file.nodes[path];
          if (!n || !isExpandable(n.node)) continue;
          // Soft and hard links lead to groups listed elsewhere (possibly an ancestor): not walked.
          const via = n.node.link?.type;
          if ((via === 'hard' || via === 'soft') && path !== '/') continue;
          await loadChildren(fileId, path);
          const after = get().file?.nodes[path];
          expanded[path] = true;
          for (const c of after?.childPaths ?? []) queue.push(c);
          if (Object.keys(get().file?.nodes ?? {}).length >= maxNodes) break;
        }
        update(fileId, (file) => ({ expanded: { ...file.expanded, ...expanded } }));
      },

      collapseAll() {
        const f = get().file;
        if (f) update(f.info.fileId, () => ({ expanded: { '/': true } }));
      },

      async reload() {
        const f = get().file;
        if (!f) return;
        const fileId = f.info.fileId;
        const depth = (p: string): number => (p === '/' ? 0 : p.split('/').length - 1);
        const wasExpanded = Object.keys(f.expanded)
          .filter((p) => f.expanded[p])
          .sort((a, b) => depth(a) - depth(b));
        let rootNode: NxNode;
        try {
          const root = await bridge.getEntity(fileId, '/');
          rootNode = { ...root, attributes: [] };
        } catch (e) {
          set({ error: toErrorInfo(e) });
          return;
        }
        const nodes: Record<string, TreeNodeState> = { '/': { node: rootNode } };
        const expanded: Record<string, boolean> = {};
        for (const path of wasExpanded) {
          const n = nodes[path];
          if (!n || !isExpandable(n.node)) continue;
          try {
            const kids = await bridge.listChildren(fileId, path);
            for (const k of kids) nodes[k.path] = { node: k };
            nodes[path] = { ...n, childPaths: kids.map((k) => k.path) };
          } catch (e) {
            nodes[path] = { ...n, error: toErrorInfo(e) };
          }
          expanded[path] = true;
        }
        const selected = nodes[f.selected] ? f.selected : '/';
        update(fileId, () => ({ nodes, expanded, selected }));
        await get().select(selected);
      },

      clearError() {
        set({ error: null });
      },
    };
  });
  return store;
}

/** The rows the tree shows, in order: expanded groups' members follow their group. */
export interface VisibleRow {
  path: string;
  level: number;
  /** Position among its siblings (1-based) and the number of siblings, for aria-posinset/setsize. */
  pos: number;
  setSize: number;
  parent: string | null;
}

export function visibleRows(file: OpenFileState): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const walk = (path: string, level: number, pos: number, setSize: number, parent: string | null): void => {
    rows.push({ path, level, pos, setSize, parent });
    const n = file.nodes[path];
    if (!file.expanded[path] || !n?.childPaths) return;
    n.childPaths.forEach((c, i) => walk(c, level + 1, i + 1, n.childPaths!.length, path));
  };
  walk('/', 1, 1, 1, null);
  return rows;
}
