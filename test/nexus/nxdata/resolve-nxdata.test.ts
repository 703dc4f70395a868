/**
 * NXdata signal/axes resolution on real files of both conventions, and the @default chain
 * (expected values from the files' attributes, see realdata/README.md §A).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openNexusFile, type NexusFile } from '../../../src/engine/io/nexus-file.ts';
import { defaultChain, resolveDefaultNxData, treeLookup } from '../../../src/nexus/nxdata/default-path.ts';
import { parseAxesAttr, resolveNxData } from '../../../src/nexus/nxdata/resolve-nxdata.ts';
import type { NxNode } from '../../../src/nexus/model/types.ts';
import { realdata } from '../../helpers/realdata.ts';

const open: NexusFile[] = [];
afterAll(() => open.forEach((f) => f.close()));

async function group(rel: string, path: string): Promise<NxNode> {
  const f = await openNexusFile(realdata(rel));
  open.push(f);
  return f.entity(path, { maxDepth: 1 });
}

describe('parseAxesAttr', () => {
  it('splits strings on : and , and keeps . as null', () => {
    expect(parseAxesAttr('polar_angle:time_of_flight')).toEqual(['polar_angle', 'time_of_flight']);
    expect(parseAxesAttr('a,b')).toEqual(['a', 'b']);
    expect(parseAxesAttr(['x', '.', 'z'])).toEqual(['x', null, 'z']);
    expect(parseAxesAttr('two_theta')).toEqual(['two_theta']);
    expect(parseAxesAttr(undefined)).toEqual([]);
  });
});

describe('resolveNxData on real files', () => {
  it('old style: field @signal=1, @axes="two_theta" (writer_1_3.h5)', async () => {
    const r = resolveNxData(await group('nexus-exampledata/hdf5/writer_1_3.h5', '/Scan/data'))!;
    expect(r).toMatchObject({
      style: 'old',
      signal: 'counts',
      signalPath: '/Scan/data/counts',
      signalShape: [31],
      axes: ['two_theta'],
    });
  });

  it('new style: group @signal="counts" (writer_1_3__niac2014.h5)', async () => {
    const r = resolveNxData(await group('nexus-exampledata/hdf5/writer_1_3__niac2014.h5', '/Scan/data'))!;
    expect(r).toMatchObject({ style: 'new', signal: 'counts', axes: ['two_theta'] });
    expect(r.axisFields).toEqual([{ name: 'two_theta', path: '/Scan/data/two_theta', dims: [0] }]);
  });

  it('new style with *_indices, 3-D frames (nexus-example.hdf5)', async () => {
    const r = resolveNxData(
      await group('nexus-exampledata/APS/NXsas/hdf5/nexus-example.hdf5', '/entry/data'),
    )!;
    expect(r).toMatchObject({
      style: 'new',
      signal: 'frames',
      signalShape: [10, 195, 487],
      axes: ['sample_times', 'vertical', 'horizontal'],
    });
  });

  it('axes array stored as vlen strings (chopper.nxs)', async () => {
    const r = resolveNxData(await group('nexpy-examples/chopper.nxs', '/entry/data'))!;
    expect(r).toMatchObject({
      signal: 'data',
      signalShape: [148, 750],
      axes: ['polar_angle', 'time_of_flight'],
    });
  });

  it('old style "a:b" axes with bin-edge axes (lrcs3701.nx5)', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/IPNS/LRMECS/hdf5/lrcs3701.nx5'));
    open.push(f);
    const entry = f.children('/').find((c) => c.nxClass === 'NXentry')!;
    const data = f.children(entry.path).find((c) => c.nxClass === 'NXdata')!;
    const r = resolveNxData(f.entity(data.path, { maxDepth: 1 }))!;
    expect(r.style).toBe('old');
    expect(r.axes).toEqual(['polar_angle', 'time_of_flight']);
  });

  it("'.' placeholders and two-dimensional *_indices with a dangling signal (p45-1168.nxs)", async () => {
    const r = resolveNxData(await group('nexus-exampledata/DLS/p45/hdf5/p45-1168.nxs', '/entry/mic'))!;
    expect(r.signal).toBe('data');
    expect(r.signalShape).toBeNull();
    expect(r.axes).toEqual(['stagey_value_set', 'stagex_value_set', null, null]);
    const dims = Object.fromEntries(r.axisFields.map((a) => [a.name, a.dims]));
    expect(dims).toEqual({
      stagey_value_set: [0],
      stagex_value_set: [1],
      stagex_value: [0, 1],
      stagey_value: [0, 1],
    });
  });

  it('per-field @axis=N old style (focus2007n001335.hdf)', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/code/hdf5/focus2007n001335.hdf'));
    open.push(f);
    const tree = f.tree({ attrs: true });
    const found: NonNullable<ReturnType<typeof resolveNxData>>[] = [];
    const walk = (n: NxNode): void => {
      if (n.nxClass === 'NXdata') {
        const r = resolveNxData(n);
        if (r) found.push(r);
      }
      (n.children ?? []).forEach(walk);
    };
    walk(tree);
    const counts = found.find((r) => r.signalShape?.length === 2)!;
    expect(counts.style).toBe('old');
    expect(counts.axes.every((a) => a !== null)).toBe(true);
  });

  it('returns undefined for a group without any signal', async () => {
    expect(resolveNxData(await group('nexus-exampledata/hdf5/writer_1_3.h5', '/Scan'))).toBeUndefined();
  });
});

describe('@default chain', () => {
  let tree: NxNode;
  beforeAll(async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/APS/NXsas/hdf5/nexus-example.hdf5'));
    open.push(f);
    tree = f.tree();
  });

  it('follows root @default → entry @default → NXdata', () => {
    const lookup = treeLookup(tree);
    expect(defaultChain(lookup)).toEqual(['/entry', '/entry/data']);
    expect(resolveDefaultNxData(lookup)).toBe('/entry/data');
  });

  it('falls back to the first NXentry/NXdata without @default', async () => {
    const f = await openNexusFile(realdata('nexus-exampledata/hdf5/writer_1_3.h5'));
    open.push(f);
    expect(resolveDefaultNxData(treeLookup(f.tree()))).toBe('/Scan/data');
  });
});
