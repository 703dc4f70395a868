/**
 * Copying a NeXus group from one file into a file being written (nexusformat's
 * `root['f1'] = config['f1']`): groups with their NX_class and attributes, fields with their dtype,
 * shape and attributes, external and soft links as links. A NeXus link (an object whose @target
 * names another path) becomes a NeXus link again when its target exists in the new file, and a
 * copy otherwise.
 */
import { joinPath, normalizePath } from '../../nexus/model/paths.ts';
import type { NxNode, NxValue } from '../../nexus/model/types.ts';
import type { AttrValue, NexusReader, NexusWriter } from '../../nexus/port.ts';
import { copyField } from '../jobs/field-snapshot.ts';

function attrValue(v: NxValue): AttrValue | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    const flat = (v as unknown[]).flat(8);
    if (flat.length > 0 && flat.every((x) => typeof x === 'string')) return flat as string[];
    if (flat.length > 0 && flat.every((x) => typeof x === 'number')) return flat as number[];
  }
  return undefined;
}

export interface CopyGroupOptions {
  /** Paths relative to the source group (e.g. 'data', 'instrument/goniometer/phi') left out. */
  exclude?: ReadonlySet<string>;
}

/** Copy `srcPath` of `from` to `dstPath` in `w` (see the module comment). */
export function copyGroup(
  from: NexusReader,
  w: NexusWriter,
  srcPath: string,
  dstPath: string,
  opts: CopyGroupOptions = {},
): void {
  const src = normalizePath(srcPath);
  const exclude = opts.exclude ?? new Set<string>();
  const visit = (node: NxNode, rel: string, dst: string): void => {
    const attrs: Record<string, AttrValue> = {};
    for (const a of node.attributes) {
      if (a.name === 'NX_class' || a.name === 'target') continue;
      const v = attrValue(a.value);
      if (v !== undefined) attrs[a.name] = v;
    }
    w.group(dst, node.nxClass, attrs);
    for (const child of from.children(node.path, { attrs: true })) {
      const childRel = rel === '' ? child.name : `${rel}/${child.name}`;
      if (exclude.has(childRel)) continue;
      const childDst = joinPath(dst, child.name);
      const link = child.link;
      if (link?.type === 'external') {
        w.externalLink(childDst, link.file, link.target);
        continue;
      }
      if (link?.type === 'soft' && child.dangling) {
        w.softLink(childDst, link.target);
        continue;
      }
      const target = child.attributes.find((a) => a.name === 'target')?.value;
      if (typeof target === 'string' && normalizePath(target) !== normalizePath(child.path)) {
        const mapped = mapTarget(target, src, normalizePath(dstPath));
        if (mapped !== undefined && w.has(mapped)) {
          w.nexusLink(childDst, mapped);
          continue;
        }
      }
      if (child.kind === 'group') visit(child, childRel, childDst);
      else if (child.kind === 'dataset') copyField(from, w, child.path, childDst);
    }
  };
  visit(from.entity(src, { attrs: true, maxDepth: 0 }), '', normalizePath(dstPath));
}

/** A link target inside the copied group moves with it; one outside keeps its path. */
function mapTarget(target: string, src: string, dst: string): string | undefined {
  const t = normalizePath(target);
  if (t === src) return dst;
  if (t.startsWith(`${src}/`)) return dst + t.slice(src.length);
  return t;
}
