/**
 * The parent file and Copy Parameters on two simulated scans of one experiment (300K = parent,
 * 200K = child, different seeds hence different orientations): after the copy the child's geometry,
 * U and lattice equal the parent's (read back independently with h5py); mismatched space groups
 * and detector shapes are refused with the file untouched; a copy killed mid-update leaves the
 * original byte-identical and readable.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lockPathFor, openNexusFile, updateNexusFile } from '../../../src/engine/io/index.ts';
import { copyParameters } from '../../../src/engine/jobs/copy-parameters.ts';
import { defineLattice } from '../../../src/engine/jobs/define-lattice.ts';
import { findMaximum } from '../../../src/engine/jobs/find-maximum.ts';
import { makeParent, showParent } from '../../../src/engine/jobs/parent.ts';
import { readEntryGeometry, readOrientationMatrix } from '../../../src/engine/jobs/read-entry-geometry.ts';
import { readReductionParameters } from '../../../src/engine/jobs/reduction-parameters.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson, pyRun } from '../../helpers/python.ts';
import { repoRoot } from '../../helpers/realdata.ts';
import { abortOnCheck, sha256, simulateScan, type Truth } from './simulated.ts';

let dir: string;
let parent: string;
let child: string;
let parentTruth: Truth;
let childTruth: Truth;

/** Every copied field of both files, as h5py reads them (values, dtype, units, phi attributes). */
const DUMP = `import sys, json, h5py, numpy as np
def val(d):
    v = d.asstr()[()] if d.dtype.kind == 'O' else d[()]
    return v.tolist() if isinstance(v, np.ndarray) else (v.item() if hasattr(v, 'item') else v)
out = {}
for fn in sys.argv[1:]:
    f = h5py.File(fn, 'r')
    r = {}
    for e in ('f1', 'f2'):
        for g in ('monochromator', 'detector', 'goniometer'):
            grp = f[e]['instrument'][g]
            for k in grp:
                if isinstance(grp[k], h5py.Dataset):
                    r[e + '/' + g + '/' + k] = [val(grp[k]), str(grp[k].dtype), {a: (grp[k].attrs[a].item() if hasattr(grp[k].attrs[a], 'item') else str(grp[k].attrs[a])) for a in grp[k].attrs}]
    for k in f['entry/sample']:
        r['sample/' + k] = val(f['entry/sample'][k])
    out[fn] = r
print(json.dumps(out))`;

function dump(...files: string[]): Record<string, Record<string, unknown>> {
  return pyJson(DUMP, files);
}

interface TransmissionDump {
  attrs: Record<string, unknown>;
  /** name → [values, dtype, attributes] */
  fields: Record<string, [number[], string, Record<string, unknown>]>;
}

/** fN/instrument/sample/transmission of each file as h5py reads it (null where absent). */
function dumpTransmission(...files: string[]): Record<string, Record<string, TransmissionDump | null>> {
  return pyJson(
    `import sys, json, h5py, numpy as np
def conv(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, np.ndarray): return [conv(x) for x in v.tolist()] if v.dtype.kind in 'OS' else v.tolist()
    return v.item() if hasattr(v, 'item') else v
out = {}
for fn in sys.argv[1:]:
    f = h5py.File(fn, 'r')
    r = {}
    for e in ('f1', 'f2'):
        p = e + '/instrument/sample/transmission'
        if p not in f:
            r[e] = None
            continue
        g = f[p]
        r[e] = {'attrs': {a: conv(g.attrs[a]) for a in g.attrs},
                'fields': {k: [conv(g[k][()]), str(g[k].dtype), {a: conv(g[k].attrs[a]) for a in g[k].attrs}] for k in g}}
    out[fn] = r
print(json.dumps(out))`,
    files,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxr-copy-'));
  const p = await simulateScan(dir, { scan: '300K', seed: 51, entries: 2, frames: 40 });
  const c = await simulateScan(dir, { scan: '200K', seed: 52, entries: 2, frames: 40 });
  parent = p.wrapper;
  child = c.wrapper;
  parentTruth = p.truth;
  childTruth = c.truth;
  // the parent has been refined: lattice, U and refined geometry that the child does not have
  await defineLattice({ file: parent, cell: parentTruth.crystal.cell, spaceGroup: 'Pmmm', formula: 'SimO3' });
  await updateNexusFile(parent, (w) => {
    for (const [i, e] of ['f1', 'f2'].entries()) {
      const d = `/${e}/instrument/detector`;
      w.field(`${d}/orientation_matrix`, parentTruth.crystal.U.flat(), { shape: [3, 3], dtype: '<f8' });
      w.field(`${d}/distance`, 0.2015 + 0.001 * i, { units: 'm' }); // a refined distance, stored in metres
      w.field(`${d}/yaw`, 0.27, { units: 'degrees' });
      w.field(`${d}/beam_center_x`, 250.75 - 20 * i);
      w.field(`/${e}/instrument/goniometer/chi`, 1.25, { units: 'degree' });
      w.field(`/${e}/instrument/goniometer/omega`, -0.5, { units: 'degree' });
      w.field(`/${e}/instrument/monochromator/wavelength`, 0.2001, { units: 'Angstroms' });
    }
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parent', () => {
  it('makes the <sample>_parent.nxs link and the /entry/nxcopy record', async () => {
    expect(existsSync(join(dirname(parent), 'sim_parent.nxs'))).toBe(false);
    const r = await makeParent({ file: parent });
    const link = join(dirname(parent), 'sim_parent.nxs');
    expect(r).toEqual({ file: parent, link, recordPath: '/entry/nxcopy' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('sim_300K.nxs');
    const py = pyJson<Record<string, unknown>>(
      `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
g = f['entry/nxcopy']
print(json.dumps({'cls': g.attrs['NX_class'], 'program': g['program'].asstr()[()], 'parent': g['parent'].asstr()[()],
  'note': g['note/data'].asstr()[()], 'seq': int(g['sequence_index'][()]), 'version': g['version'].asstr()[()]}))`,
      [link],
    );
    expect(py).toMatchObject({ cls: 'NXprocess', program: 'nxcopy', parent: 'sim_300K.nxs', seq: 1 });
    expect(py['note']).toMatch(
      new RegExp(
        `^Current machine: .+\\nCurrent directory: ${join(dirname(parent), '300K')}\\nParent: ${parent}$`,
      ),
    );
    expect(py['version']).toMatch(/^nxrefine v\d+\.\d+\.\d+$/);
    const show = await showParent({ path: dirname(parent) });
    expect(show).toMatchObject({ target: parent, linkText: 'sim_300K.nxs', dangling: false });
    expect(show.claims).toEqual([{ file: parent, date: expect.any(String) as string, current: true }]);
  });

  it('replaces the link atomically, and --show reports the old parent as stale', async () => {
    const r = await makeParent({ file: child });
    expect(r.previous).toBe(parent);
    expect(readlinkSync(r.link)).toBe('sim_200K.nxs');
    expect(readdirSync(dirname(parent)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const show = await showParent({ path: child });
    expect(show.target).toBe(child);
    expect(show.claims.map((c) => [basename(c.file), c.current])).toEqual([
      ['sim_200K.nxs', true],
      ['sim_300K.nxs', false],
    ]);
    await makeParent({ file: parent });
    expect((await showParent({ path: dirname(parent) })).target).toBe(parent);
  });

  it('refuses to replace a regular file, and reports a missing or dangling link', async () => {
    const other = mkdtempSync(join(tmpdir(), 'nxr-parent-'));
    try {
      const lab = join(other, 'exp', 's', 'l');
      const { mkdirSync, copyFileSync, symlinkSync } = await import('node:fs');
      mkdirSync(lab, { recursive: true });
      copyFileSync(parent, join(lab, 's_1.nxs'));
      expect(await showParent({ path: lab })).toMatchObject({ exists: false, dangling: false, claims: [] });
      symlinkSync('s_9.nxs', join(lab, 's_parent.nxs'));
      expect(await showParent({ path: lab })).toMatchObject({
        exists: true,
        dangling: true,
        linkText: 's_9.nxs',
      });
      rmSync(join(lab, 's_parent.nxs'));
      writeFileSync(join(lab, 's_parent.nxs'), 'not a link');
      const e = await makeParent({ file: join(lab, 's_1.nxs') }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'BAD_PARAMETER', file: join(lab, 's_parent.nxs') });
      const missing = await makeParent({ file: join(lab, 's_2.nxs') }).catch((x: unknown) => x);
      expect((missing as NxrError).code).toBe('FILE_NOT_FOUND');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('copyParameters', () => {
  it('refuses a different space group, naming both, and leaves the child untouched', async () => {
    await defineLattice({ file: child, cell: childTruth.crystal.cell, spaceGroup: 'P 21 21 21' });
    const before = sha256(child);
    const e = await copyParameters({ file: child }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NxrError);
    expect(e).toMatchObject({ code: 'BAD_PARAMETER', file: child, path: '/entry/sample/space_group' });
    expect((e as NxrError).message).toContain(
      `space group 'P 21 21 21' (No. 19) differs from the parent's 'P m m m' (No. 47, ${parent})`,
    );
    expect(sha256(child)).toBe(before);
    await defineLattice({ file: child, spaceGroup: 'P m m m' });
  });

  it('refuses different detector shapes', async () => {
    const shapePath = '/f2/instrument/detector/shape';
    await updateNexusFile(child, (w) => w.field(shapePath, Int32Array.from([195, 400])));
    const before = sha256(child);
    const e = await copyParameters({ file: child, from: parent }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'WRONG_SHAPE', file: child, path: shapePath });
    expect((e as NxrError).message).toContain(
      "detector shape [195, 400] differs from the parent's [195, 487]",
    );
    expect(sha256(child)).toBe(before);
    await updateNexusFile(child, (w) => w.field(shapePath, Int32Array.from([195, 487])));
  });

  it("gives the child the parent's geometry, U, lattice and reduction parameters", async () => {
    const before = dump(parent, child);
    expect(before[child]!['f1/detector/distance']).not.toEqual(before[parent]!['f1/detector/distance']);
    expect(before[child]!['f1/detector/orientation_matrix']).toBeUndefined();
    const r = await copyParameters({ file: child });
    expect(r.parent).toBe(parent);
    expect(r.isParent).toBe(false);
    expect(r.copied.map((c) => c.entry)).toEqual(['f1', 'f2']);
    expect(r.copied[0]!.missing).toEqual([
      '/f1/instrument/detector/pixel_mask_applied',
      '/f1/instrument/goniometer/goniometer_pitch',
      '/f1/instrument/sample/transmission', // the parent has no Find Maximum yet
    ]);
    const after = dump(parent, child);
    const p = after[parent]!;
    const c = after[child]!;
    const copied = Object.keys(p).filter(
      (k) =>
        !/\/(shape|description|polarization)$/.test(k) &&
        !k.startsWith('sample/name') &&
        !k.startsWith('sample/label') &&
        !k.startsWith('sample/temperature'),
    );
    expect(copied.length).toBeGreaterThan(40);
    for (const k of copied) expect(c[k], k).toEqual(p[k]);
    expect(c['f1/detector/distance']).toEqual([0.2015, 'float64', { units: 'm' }]);
    expect(c['f2/goniometer/phi']).toEqual(p['f2/goniometer/phi']);
    expect(c['sample/temperature']).toBe(200); // the child's own
    // the same through the app's readers (units converted)
    const pf = await openNexusFile(parent);
    const cf = await openNexusFile(child);
    try {
      for (const e of ['f1', 'f2']) {
        const g = await readEntryGeometry(cf, e);
        expect(g).toEqual(await readEntryGeometry(pf, e));
        expect(readOrientationMatrix(cf, e)).toEqual(parentTruth.crystal.U);
      }
      expect((await readEntryGeometry(cf, 'f1')).distance).toBeCloseTo(201.5, 10);
    } finally {
      pf.close();
      cf.close();
    }
    // parent's U differs from the child's true U: the copy is a starting point for refinement
    expect(childTruth.crystal.U).not.toEqual(parentTruth.crystal.U);
    // reduction parameters come from the parent's cascade, frame limits fitted to the child
    expect(r.reduction).toEqual((await readReductionParameters(child)).values);
    // 40 frames: the simulator's settings.ini gives first 4, last 36 (NXRefine's 10 / n − 10 scaled down)
    expect(r.reduction?.last).toBe(36);
    // one nxcopy record per entry, naming the parent
    const rec = pyJson<Array<[string, string, string]>>(
      `import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
print(json.dumps([[f[e + '/nxcopy/program'].asstr()[()], f[e + '/nxcopy/parent'].asstr()[()], f[e + '/nxcopy/note/data'].asstr()[()].split('\\n')[-1]] for e in ('f1', 'f2')]))`,
      [child],
    );
    expect(rec).toEqual([
      ['nxcopy', 'sim_300K.nxs', `Parent: ${parent}`],
      ['nxcopy', 'sim_300K.nxs', `Parent: ${parent}`],
    ]);
  });

  it('skips entries already copied unless overwrite; copies only the named entries', async () => {
    const before = sha256(child);
    const again = await copyParameters({ file: child });
    expect(again.copied).toEqual([]);
    expect(again.skipped).toEqual([
      { entry: 'f1', reason: 'nxcopy already done (use overwrite)' },
      { entry: 'f2', reason: 'nxcopy already done (use overwrite)' },
    ]);
    expect(sha256(child)).toBe(before);
    const one = await copyParameters({ file: child, entries: ['f2'], overwrite: true });
    expect(one.copied.map((c) => c.entry)).toEqual(['f2']);
    const bad = await copyParameters({ file: child, entries: ['f3'] }).catch((x: unknown) => x);
    expect(bad).toMatchObject({ code: 'MISSING_PATH', file: child, path: '/f3' });
  });

  it('copies nothing into the parent itself', async () => {
    const before = sha256(parent);
    const logs: string[] = [];
    const r = await copyParameters({ file: parent }, { onLog: (m) => logs.push(m) });
    expect(r).toMatchObject({ isParent: true, copied: [] });
    expect(logs).toContain('Set as parent; no parameters copied');
    expect(sha256(parent)).toBe(before);
  });

  it('leaves the child intact when aborted inside the update', async () => {
    const before = sha256(child);
    // looks: before the update, then one per entry inside it
    const e = await copyParameters({ file: child, overwrite: true }, { signal: abortOnCheck(3) }).catch(
      (x: unknown) => x,
    );
    expect((e as NxrError).code).toBe('CANCELLED');
    expect(sha256(child)).toBe(before);
  });

  it('leaves the child byte-identical and readable when `nxr copy-parameters` is killed mid-update', async () => {
    const before = sha256(child);
    const contentsBefore = dump(child)[child];
    const labelDir = dirname(child);
    const temps = (): string[] =>
      readdirSync(labelDir).filter((n) => n.startsWith('.sim_200K.nxs.') && n.endsWith('.tmp'));
    const proc = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'nxr.mjs'), 'copy-parameters', '--overwrite', '--from', parent, child],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    // kill once the writer has rebuilt its temp copy (a second temp name): fields already replaced
    const seen = new Set<string>();
    for (let i = 0; i < 20000 && proc.exitCode === null; i++) {
      for (const t of temps()) seen.add(t);
      if (seen.size >= 2) {
        proc.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    const code = await exited;
    expect(
      seen.size,
      `the update was not caught in progress (exit ${code}): ${stderr}`,
    ).toBeGreaterThanOrEqual(2);
    expect(code).toBeNull(); // killed
    expect(sha256(child)).toBe(before);
    expect(existsSync(lockPathFor(child))).toBe(true); // the dead writer's lock
    // still a complete NeXus file for h5py, with the same contents as before the killed run
    expect(dump(child)[child]).toEqual(contentsBefore);
    // the next run takes over the stale lock, removes the dead writer's temp file and completes
    const r = await copyParameters({ file: child, from: parent, overwrite: true });
    expect(r.copied.length).toBe(2);
    expect(temps()).toEqual([]);
    expect(existsSync(lockPathFor(child))).toBe(false);
  });

  it("copies the parent's sample transmission group (Find Maximum's instrument/sample/transmission) whole", async () => {
    // the parent's f1 has Find Maximum's transmission, its f2 none; the child has its own in both
    await findMaximum({ file: parent, entry: 'f1' });
    const own = async (e: string, value: number): Promise<void> =>
      updateNexusFile(child, (w) => {
        const g = `/${e}/instrument/sample`;
        if (!w.has(g)) w.group(g, 'NXsample');
        w.group(`${g}/transmission`, 'NXdata', { signal: 'transmission', axes: 'frame_number', median: 7 });
        w.field(`${g}/transmission/transmission`, new Float64Array(40).fill(value));
        w.field(
          `${g}/transmission/frame_number`,
          Int32Array.from({ length: 40 }, (_, i) => i),
        );
      });
    await own('f1', 0.5);
    await own('f2', 0.25);
    const before = dumpTransmission(parent, child);
    const p = before[parent]!;
    expect(p['f2']).toBeNull();
    const pf1 = p['f1']!;
    expect(pf1.attrs).toMatchObject({ NX_class: 'NXdata', signal: 'transmission', axes: 'frame_number' });
    expect(Object.keys(pf1.fields).sort()).toEqual(['frame_number', 'transmission']);
    expect(pf1.fields['transmission']![0]).toHaveLength(40);
    expect(before[child]!['f1']).not.toEqual(pf1);
    const childF2 = before[child]!['f2'];
    const r = await copyParameters({ file: child, overwrite: true });
    expect(r.copied[0]!.fields).toContain('/f1/instrument/sample/transmission');
    expect(r.copied[0]!.missing).not.toContain('/f1/instrument/sample/transmission');
    expect(r.copied[1]!.missing).toContain('/f2/instrument/sample/transmission');
    const after = dumpTransmission(parent, child);
    // field by field: values, dtype and attributes of every field, and the group's attributes
    expect(after[child]!['f1']).toEqual(pf1);
    expect(after[child]!['f2']).toEqual(childF2); // nothing in the parent: the child's own is kept
    expect(after[parent]).toEqual(p);
  });
});

describe('read errors name file and path', () => {
  it('a missing geometry field or unconvertible units', async () => {
    const p = join(dir, 'broken.nxs');
    pyRun(
      `import sys, h5py
f = h5py.File(sys.argv[1], 'w')
d = f.create_group('f1/instrument/detector')
f['f1/instrument/monochromator/wavelength'] = 0.2
d['distance'] = 650.0
d['distance'].attrs['units'] = 'furlong'
f.close()`,
      [p],
    );
    const f = await openNexusFile(p);
    try {
      const e = await readEntryGeometry(f, 'f1').catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'BAD_PARAMETER', file: p, path: '/f1/instrument/detector/distance' });
      expect((e as NxrError).message).toContain("units 'furlong' cannot be converted to mm");
    } finally {
      f.close();
    }
    pyRun(
      `import sys, h5py
f = h5py.File(sys.argv[1], 'a')
f['f1/instrument/detector/distance'].attrs['units'] = 'mm'
f.close()`,
      [p],
    );
    const g = await openNexusFile(p);
    try {
      const e = await readEntryGeometry(g, 'f1').catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'MISSING_PATH', file: p, path: '/f1/instrument/detector/pixel_size' });
    } finally {
      g.close();
    }
  });
});
