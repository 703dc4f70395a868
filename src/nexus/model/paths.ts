/** HDF5 path helpers. Paths inside a file are absolute ('/a/b'); '/' is the root. */

/** Collapse repeated slashes, drop a trailing slash, resolve '.' and '..' components. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

export function joinPath(base: string, ...names: string[]): string {
  let out = base;
  for (const n of names) out = n.startsWith('/') ? n : `${out.endsWith('/') ? out : `${out}/`}${n}`;
  return normalizePath(out);
}

export function parentPath(path: string): string {
  const p = normalizePath(path);
  if (p === '/') return '/';
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function baseName(path: string): string {
  const p = normalizePath(path);
  return p === '/' ? '' : p.slice(p.lastIndexOf('/') + 1);
}

export function pathComponents(path: string): string[] {
  const p = normalizePath(path);
  return p === '/' ? [] : p.slice(1).split('/');
}

/** True when `path` is `ancestor` or lies below it. */
export function isSameOrBelow(path: string, ancestor: string): boolean {
  const p = normalizePath(path);
  const a = normalizePath(ancestor);
  return a === '/' || p === a || p.startsWith(`${a}/`);
}

/**
 * Resolve a path as NeXus attributes write them (`@default`, `@target`, `depends_on`): absolute
 * when it starts with '/', else relative to `base` (the group holding the attribute). A trailing
 * '.' (seen in GDA files) means "this object".
 */
export function resolveNexusPath(base: string, ref: string): string {
  return ref.startsWith('/') ? normalizePath(ref) : joinPath(base, ref);
}
