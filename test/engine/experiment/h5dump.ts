/**
 * A whole NeXus file as Debian's h5py sees it, for field-by-field comparisons: every link with its
 * kind (group, dataset, external, soft), attributes, dtype, shape, small values, and the HDF5
 * object address (equal for hard links to one object). External links are not followed.
 */
import { pyJson } from '../../helpers/python.ts';

export interface H5Item {
  kind: 'group' | 'dataset' | 'external' | 'soft';
  attrs: Record<string, unknown>;
  dtype?: string;
  shape?: number[];
  /** Values of datasets with at most `maxValues` elements (strings decoded). */
  value?: unknown;
  /** Sum of the elements (numeric datasets). */
  sum?: number;
  /** Object address: the same for two hard links to one object. */
  addr?: number;
  /** External links: file and path; soft links: path. */
  file?: string;
  path?: string;
  /** Chunks and filters of datasets. */
  chunks?: number[] | null;
  compression?: string | null;
}

export function h5dump(file: string, maxValues = 16): Record<string, H5Item> {
  return pyJson<Record<string, H5Item>>(
    `import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
maxv = int(sys.argv[2])
out = {}
def conv(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, np.ndarray):
        return [conv(x) for x in v.tolist()] if v.dtype.kind in 'OS' else v.tolist()
    if isinstance(v, np.generic): return v.item()
    if isinstance(v, list): return [conv(x) for x in v]
    return v
def attrs(o):
    return {k: conv(o.attrs[k]) for k in o.attrs}
def walk(g, prefix):
    for name in g:
        p = prefix + '/' + name
        link = g.get(name, getlink=True)
        if isinstance(link, h5py.ExternalLink):
            out[p] = {'kind': 'external', 'attrs': {}, 'file': link.filename, 'path': link.path}
            continue
        if isinstance(link, h5py.SoftLink):
            out[p] = {'kind': 'soft', 'attrs': {}, 'path': link.path}
            continue
        o = g[name]
        addr = h5py.h5o.get_info(o.id).addr
        if isinstance(o, h5py.Group):
            out[p] = {'kind': 'group', 'attrs': attrs(o), 'addr': addr}
            walk(o, p)
        else:
            item = {'kind': 'dataset', 'attrs': attrs(o), 'dtype': o.dtype.str if o.dtype.kind != 'O' else 'str',
                    'shape': list(o.shape), 'addr': addr, 'chunks': list(o.chunks) if o.chunks else None,
                    'compression': o.compression}
            if o.size <= maxv:
                v = o[()]
                item['value'] = conv(v.decode() if isinstance(v, bytes) else v)
            if o.dtype.kind in 'iuf' and o.size > 0:
                item['sum'] = float(np.sum(o[()]))
            out[p] = item
out['/'] = {'kind': 'group', 'attrs': attrs(f)}
walk(f, '')
print(json.dumps(out))`,
    [file, String(maxValues)],
  );
}
