/**
 * Every HDF5 file under ../shared/realdata is read by the tree code, and every object (not a
 * sample) agrees with h5dump (HDF5 1.10 hdf5-tools): kinds, names, dtypes, shapes, maxshapes,
 * chunks, filter ids, link targets, virtual sources and all attribute values byte for byte.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile, type NexusFile } from '../../../src/engine/io/nexus-file.ts';
import { encodeUtf8 } from '../../../src/nexus/model/strings.ts';
import { flattenTree } from '../../../src/nexus/model/tree-text.ts';
import type { NxAttribute, NxNode, NxValue } from '../../../src/nexus/model/types.ts';
import { realdata, realdataHdf5Files } from '../../helpers/realdata.ts';
import { h5dumpObjects, type DumpAttr, type DumpObject } from './h5dump-parse.ts';

const files = realdataHdf5Files();

/** '\xB5m' escaped form back to bytes. */
function unescapeApp(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x') {
      out.push(Number.parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (s[i] === '\\' && s[i + 1] === '\\') {
      out.push(0x5c);
      i++;
    } else out.push(s.charCodeAt(i));
  }
  return Uint8Array.from(out);
}

function leaves(v: NxValue, out: NxValue[] = []): NxValue[] {
  if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) leaves(x, out);
  else if (v !== null) out.push(v);
  return out;
}

/** h5dump prints floating-point values with %g (6 significant digits): half a unit of the last digit. */
function gTolerance(d: number): number {
  if (d === 0) return 1e-300;
  return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(d))) - 5) * 1.000001;
}

function stripNul(b: Uint8Array): Uint8Array {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  return b.subarray(0, n);
}

function compareAttr(where: string, mine: NxAttribute, dump: DumpAttr): void {
  const ctx = `${where} @${dump.name}`;
  if (dump.type.committed === undefined) expect(mine.dtype, ctx).toBe(dump.type.dtype);
  expect(mine.shape, ctx).toEqual(dump.shape);
  if (mine.dtype === 'reference') return; // h5dump prints the referenced path, the app the address
  const my = leaves(mine.value);
  const escaped =
    mine.escaped === undefined ? undefined : Array.isArray(mine.escaped) ? mine.escaped : [mine.escaped];
  expect(my.length, ctx).toBe(dump.values.length);
  let si = 0;
  dump.values.forEach((d, i) => {
    const m = my[i];
    if (d instanceof Uint8Array) {
      expect(typeof m, ctx).toBe('string');
      const bytes = escaped !== undefined ? unescapeApp(escaped[si]!) : encodeUtf8(m as string);
      si++;
      expect(Buffer.from(stripNul(bytes)).toString('hex'), ctx).toBe(
        Buffer.from(stripNul(d)).toString('hex'),
      );
    } else if (typeof d === 'number') {
      const mv = typeof m === 'boolean' ? Number(m) : Number(m);
      if (Number.isNaN(d)) expect(Number.isNaN(mv), ctx).toBe(true);
      else if (!Number.isFinite(d) || mine.type.class === 'integer') expect(mv, ctx).toBe(d);
      else expect(Math.abs(mv - d), `${ctx}: ${String(m)} vs ${d}`).toBeLessThanOrEqual(gTolerance(d));
    } else if (d === 'TRUE' || d === 'FALSE') {
      expect(m, ctx).toBe(d === 'TRUE');
    } else {
      expect(String(m), ctx).toBe(d);
    }
  });
}

describe.each(files)('real file %s', (rel) => {
  let f: NexusFile;
  let tree: NxNode;
  let dump: DumpObject[];
  let byPath: Map<string, NxNode>;

  beforeAll(async () => {
    f = await openNexusFile(realdata(rel));
    tree = f.tree({ attrs: true });
    byPath = new Map(flattenTree(tree).map((n) => [n.path, n]));
    dump = h5dumpObjects(realdata(rel));
  });
  afterAll(() => f.close());

  it('lists every object h5dump lists, and nothing else', () => {
    const dumpPaths = new Set(dump.map((d) => d.path));
    for (const d of dump) expect(byPath.has(d.path), `${d.path} missing from the tree`).toBe(true);
    // objects the app lists beyond h5dump are only those reached through a link or a second hard link
    const extra = [...byPath.keys()].filter((p) => !dumpPaths.has(p));
    for (const p of extra) {
      let q = p;
      let viaLink = false;
      while (q !== '/' && !viaLink) {
        q = dirname(q);
        const n = byPath.get(q);
        if (n?.link !== undefined) viaLink = true;
      }
      expect(viaLink, `${p} listed by the app but not by h5dump`).toBe(true);
    }
  });

  it('agrees with h5dump on kinds, dtypes, shapes, chunks, filters, links and attributes', () => {
    const objectPaths = new Set(
      dump
        .filter((d) => d.kind === 'group' || d.kind === 'dataset' || d.kind === 'datatype')
        .map((d) => d.path),
    );
    let compared = 0;
    for (const d of dump) {
      const n = byPath.get(d.path)!;
      const ctx = `${rel}:${d.path}`;
      switch (d.kind) {
        case 'group':
          expect(n.kind, ctx).toBe('group');
          break;
        case 'datatype':
          expect(n.kind, ctx).toBe('datatype');
          break;
        case 'dataset':
          expect(n.kind, ctx).toBe('dataset');
          if (d.type?.committed === undefined) expect(n.dtype, ctx).toBe(d.type!.dtype);
          expect(n.shape, ctx).toEqual(d.shape);
          if (d.shape !== null && d.shape!.length > 0) expect(n.maxshape, ctx).toEqual(d.maxshape);
          expect(n.chunks ?? null, ctx).toEqual(d.chunks ?? null);
          expect(
            (n.filters ?? []).map((x) => x.id),
            ctx,
          ).toEqual(d.filterIds ?? []);
          if (d.virtual) {
            expect(n.isVirtual, ctx).toBe(true);
            expect(n.virtualSources, ctx).toEqual(d.virtual);
          } else expect(n.isVirtual, ctx).toBeUndefined();
          break;
        case 'soft-link':
          expect(n.link, ctx).toEqual({ type: 'soft', target: d.linkTarget });
          expect(n.dangling === true, ctx).toBe(
            !objectPaths.has(resolve('/', dirname(d.path), d.linkTarget!)),
          );
          break;
        case 'external-link': {
          expect(n.link?.type, ctx).toBe('external');
          if (n.link?.type === 'external') {
            expect(n.link.file, ctx).toBe(d.linkFile);
            expect(n.link.target, ctx).toBe(d.linkTarget);
            const target = resolve(dirname(realdata(rel)), d.linkFile!);
            if (!existsSync(target)) {
              expect(n.kind, ctx).toBe('external-link');
              expect(n.dangling, ctx).toBe(true);
            }
          }
          break;
        }
        case 'hard-link': {
          const first = byPath.get(d.linkTarget!)!;
          expect(['group', 'dataset'], ctx).toContain(n.kind);
          expect(n.objectId, ctx).toBeDefined();
          expect(n.objectId, ctx).toBe(first.objectId);
          break;
        }
      }
      if (d.kind === 'group' || d.kind === 'dataset' || d.kind === 'datatype') {
        expect(n.attributes.map((a) => a.name).sort(), ctx).toEqual(d.attrs.map((a) => a.name).sort());
        for (const da of d.attrs)
          compareAttr(
            ctx,
            n.attributes.find((a) => a.name === da.name)!,
            da,
          );
      }
      compared++;
    }
    expect(compared).toBe(dump.length);
    expect(compared).toBeGreaterThan(0);
  });
});

describe('the real-data set', () => {
  it('holds the HDF5 files the README lists (none forgotten by the walk)', () => {
    expect(files.length).toBeGreaterThanOrEqual(31);
    expect(files).toContain('nexus-exampledata/SLS/Sample_Stack_2021-03-16_128.hdf5'); // user block at 32768
    expect(files).not.toContain('nexus-exampledata/code/hdf4/NXtest.hdf');
  });
});
