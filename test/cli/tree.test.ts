/** `nxr tree`: text and JSON output on real files, dangling links and VDS marked, clear errors. */
import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main.ts';
import type { NxNode } from '../../src/nexus/model/types.ts';
import { realdata } from '../helpers/realdata.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('nxr tree', () => {
  it('prints classes, dtypes, shapes, the VDS and the dangling external link of Therm_6_2.nxs', async () => {
    const r = await run(['tree', realdata('nexus-exampledata/DLS/i03_i04_NXmx/hdf5/Therm_6_2.nxs')]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('/');
    expect(lines).toContain('  entry:NXentry');
    expect(lines).toContain('    data:NXdata');
    expect(lines).toContain(
      '      data  <i8 (488, 4362, 4148)  max (inf, 4362, 4148)  [virtual: .:/entry/data/data_000001]',
    );
    expect(lines).toContain(
      '      data_000001  -> Therm_6_2_000001.h5:/data  [DANGLING: target file or object missing]',
    );
    expect(lines).toContain('      omega  <f8 (488)  chunks (488)');
  });

  it('shows hard links, chunks and filters, and attributes with --attrs (Latin-1 shown safely)', async () => {
    const r = await run(['tree', '--attrs', realdata('nexus-exampledata/Soleil/hdf5/file_2.nxs')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('@units = "µm" (not UTF-8: \\xB5m)');
    expect(r.out).toContain('@units = "°" (not UTF-8: \\xB0)');
    const p45 = await run(['tree', realdata('nexus-exampledata/DLS/p45/hdf5/p45-1168.nxs')]);
    expect(p45.out).toContain(
      'stagex_value  = /entry/instrument/stagex/value (hard link)  <f8 (5, 5)  max (inf, inf)  chunks (64, 64)',
    );
  });

  it('prints the NxNode tree as JSON with --json', async () => {
    const r = await run(['tree', '--json', '--attrs', realdata('nexus-exampledata/hdf5/simple3D.h5')]);
    expect(r.code).toBe(0);
    const tree = JSON.parse(r.out) as NxNode;
    expect(tree.path).toBe('/');
    const data = tree.children![0]!.children!.find((c) => c.nxClass === 'NXdata')!;
    const sig = data.children!.find((c) => c.kind === 'dataset' && c.shape?.length === 3)!;
    expect(sig).toMatchObject({ dtype: '<i4', shape: [2, 3, 4] });
  });

  it('stops at --depth', async () => {
    const r = await run(['tree', '--depth', '1', realdata('nexus-exampledata/DLS/i16/hdf5/538039.nxs')]);
    expect(r.out.split('\n').every((l) => !l.startsWith('    '))).toBe(true);
  });

  it('fails with NOT_HDF5 on the HDF4 file and with usage errors', async () => {
    const r = await run(['tree', realdata('nexus-exampledata/code/hdf4/NXtest.hdf')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not an HDF5 file');
    expect((await run(['tree'])).code).toBe(2);
    expect((await run(['tree', '--depth', 'x', 'f'])).code).toBe(2);
  });
});
