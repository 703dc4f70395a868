/**
 * The open file and its lazily loaded NeXus tree: which groups are loaded and expanded, which node
 * is selected, and the selected node's attributes. One store per bridge (see StoreProvider).
 * Reloading (the user's Reload, a job that rewrote the file, or the engine noticing that someone
 * else did) keeps the expanded groups and the selection where they still exist, and leaves a short
 * notice for the user.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

import type { NxNode } from '../../nexus/model/types.ts';
import type { NxrErrorInfo } from '../../shared/errors.ts';
import { toErrorInfo } from '../../shared/errors.ts';
import { formatNxrError } from '../../shared/errors.ts';
import type { EntityInfo, FileChangedEvent, FileInfo, NxrBridge } from '../../shared/ipc.ts';
import { plotKindOf } from '../plot/line-data.ts';

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

/** A short message about the open file (reloaded, changed on disk, gone, copied…). */
export interface TreeNotice {
  level: 'info' | 'warn' | 'error';
  text: string;
  /** Date.now() when it was made (a newer notice replaces it). */
  time: number;
}

export interface TreeState {
  file: OpenFileState | null;
  opening: string | null;
  error: NxrErrorInfo | null;
  notice: TreeNotice | null;
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
   * Re-reads the tree after the file changed: the expanded groups stay expanded where they still
   * exist, the selection stays where it still exists (else its nearest remaining ancestor), and its
   * attributes are fetched again. The rows are replaced at once, without collapsing in between.
   * `reopen`: have the engine open the file from disk again first (the user's Reload); without it
   * the engine already has (after our job, or when it noticed a change). Resolves to false when
   * the file could not be read again (the error is in `error`; the tree stays as it was).
   */
  reload(options?: { reopen?: boolean }): Promise<boolean>;
  /**
   * The engine's 'file:changed': reloads the tree for a new version, or tells the user the file is
   * gone or unreadable. Resolves to true when the tree was reloaded (the plots should be too).
   */
  fileChanged(event: FileChangedEvent): Promise<boolean>;
  notify(level: TreeNotice['level'], text: string): void;
  dismissNotice(): void;
  clearError(): void;
}

export type TreeStore = StoreApi<TreeState>;

/**
 * True when a node can be plotted: a numeric 1-D dataset (line), 2-D or 3-D dataset (image), or an
 * NXdata group (its signal decides).
 */
export function isPlottable(node: NxNode): boolean {
  return plotKindOf(node) !== null;
}

/** Depth of a tree path ('/' is 0, '/entry' 1, '/entry/data' 2). */
export function pathDepth(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

/** The expanded groups, by levels from the root (a group's members are read before theirs). */
export function expandedLevels(expanded: Record<string, boolean>): string[][] {
  const levels: string[][] = [];
  for (const [p, on] of Object.entries(expanded)) {
    if (!on) continue;
    (levels[pathDepth(p)] ??= []).push(p);
  }
  return levels.filter((l) => l !== undefined).map((l) => l.sort());
}

/** `path` if the new tree has it, else its nearest ancestor that it has (at worst the root). */
export function nearestExisting(path: string, has: (p: string) => boolean): string {
  let p = path;
  while (p !== '/' && p !== '' && !has(p)) p = p.slice(0, Math.max(1, p.lastIndexOf('/')));
  return p === '' ? '/' : p;
}

/** True when a reloaded node shows the same as before (same node, same members, no error). */
export function sameNodeState(a: TreeNodeState, b: TreeNodeState): boolean {
  if (a.loading || b.loading || a.error || b.error) return false;
  const ka = a.childPaths;
  const kb = b.childPaths;
  if ((ka === undefined) !== (kb === undefined)) return false;
  if (ka && kb && (ka.length !== kb.length || ka.some((p, i) => p !== kb[i]))) return false;
  return JSON.stringify(a.node) === JSON.stringify(b.node);
}

/** The user-facing text of a file:changed event. */
export function fileChangedText(event: FileChangedEvent, name: string): TreeNotice {
  const at = new Date(event.time).toLocaleTimeString();
  if (event.status === 'reloaded')
    return { level: 'info', text: `${name} changed on disk and was reloaded (${at})`, time: Date.now() };
  const why = event.error ? formatNxrError(event.error) : 'cannot be read';
  return event.status === 'missing'
    ? { level: 'error', text: `${name} is gone from disk (${at}): ${why}`, time: Date.now() }
    : {
        level: 'warn',
        text: `${name} changed on disk but cannot be read now (${at}): ${why}`,
        time: Date.now(),
      };
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
      notice: null,

      async openFile(path) {
        const prev = get().file;
        set({ opening: path, error: null });
        try {
          const info = await bridge.openFile(path);
          if (prev) void bridge.closeFile(prev.info.fileId).catch(() => undefined);
          set({
            opening: null,
            notice: null,
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
        set({ file: null, notice: null });
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

      async reload(options = {}) {
        const f = get().file;
        if (!f) return false;
        const fileId = f.info.fileId;
        let info: FileInfo = f.info;
        let rootNode: NxNode;
        try {
          if (options.reopen) {
            info = await bridge.reloadFile(fileId);
            rootNode = info.root;
          } else {
            const root = await bridge.getEntity(fileId, '/');
            rootNode = { ...root, attributes: [] };
          }
        } catch (e) {
          set({ error: toErrorInfo(e) });
          return false;
        }
        const nodes: Record<string, TreeNodeState> = { '/': { node: rootNode } };
        const expanded: Record<string, boolean> = {};
        // level by level from the root, the groups of one level read together
        for (const level of expandedLevels(f.expanded)) {
          const open = level.filter((p) => {
            const n = nodes[p];
            return n !== undefined && isExpandable(n.node);
          });
          const lists = await Promise.all(
            open.map((p) =>
              bridge.listChildren(fileId, p).then(
                (kids) => ({ kids }),
                (e: unknown) => ({ error: toErrorInfo(e) }),
              ),
            ),
          );
          open.forEach((path, i) => {
            const n = nodes[path]!;
            const r = lists[i]!;
            if ('kids' in r) {
              for (const k of r.kids) nodes[k.path] = { node: k };
              nodes[path] = { ...n, childPaths: r.kids.map((k) => k.path) };
            } else nodes[path] = { ...n, error: r.error };
            expanded[path] = true;
          });
        }
        // rows that did not change keep their state object (their memoised rows are not redrawn)
        for (const [p, n] of Object.entries(nodes)) {
          const old = f.nodes[p];
          if (old && sameNodeState(old, n)) nodes[p] = old;
        }
        const selected = nearestExisting(f.selected, (p) => nodes[p] !== undefined);
        update(fileId, () => ({ info: { ...info, path: f.info.path }, nodes, expanded, selected }));
        await get().select(selected);
        return true;
      },

      async fileChanged(event) {
        const f = get().file;
        if (!f || f.info.fileId !== event.fileId) return false;
        const notice = fileChangedText(event, f.info.name);
        if (event.status !== 'reloaded') {
          set({ notice });
          return false;
        }
        const ok = await get().reload();
        if (ok && get().file?.info.fileId === event.fileId) set({ notice });
        return ok;
      },

      notify(level, text) {
        set({ notice: { level, text, time: Date.now() } });
      },

      dismissNotice() {
        set({ notice: null });
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
