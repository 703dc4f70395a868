/**
 * Files the writer makes open in NXRefine's own stack (Debian h5py + hdf5plugin): groups and
 * NX_class, units, scalars/arrays/strings, soft, external and NeXus (hard) links, chunked
 * resizable frame stacks compressed with bitshuffle-LZ4, gzip, LZ4 and Blosc, and NXprocess records
 * laid out as NXReduce.record writes them. Updates are atomic: a failing callback or a killed
 * writer leaves the original file byte-for-byte intact.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { lockPathFor, readLock } from '../../../src/engine/io/file-lock.ts';
import { openNexusFile } from '../../../src/engine/io/nexus-file.ts';
import { createNexusFile, updateNexusFile } from '../../../src/engine/io/nexus-writer.ts';
import type { Compression } from '../../../src/nexus/port.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import { pyJson } from '../../helpers/python.ts';
import { repoRoot } from '../../helpers/realdata.ts';

const dir = mkdtempSync(join(tmpdir(), 'nxr-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NF = 4;
const NY = 24;
const NX = 20;
/** Deterministic frame values, recomputed in Python: (f*1000 + y*37 + x*11) % 4099. */
function frames(n: number): Uint32Array {
  const a = new Uint32Array(n * NY * NX);
  for (let f = 0; f < n; f++)
    for (let y = 0; y < NY; y++)
      for (let x = 0; x < NX; x++) a[(f * NY + y) * NX + x] = (f * 1000 + y * 37 + x * 11) % 4099;
  return a;
}

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/**
 * Python reader used as the oracle. Bitshuffle-LZ4 chunks are read with the native plugin when the
 * machine has one; Debian's hdf5plugin 4.0.1 has none, so the raw chunks are then decoded by an
 * independent pure-Python bitshuffle + LZ4-block decoder (read_direct_chunk).
 */
const ORACLE = String.raw`
import h5py, hdf5plugin, json, sys, numpy as np
scan, raw = sys.argv[1], sys.argv[2]

def lz4_block(src, n_out):
    dst = bytearray(); i = 0
    while i < len(src):
        tok = src[i]; i += 1
        lit = tok >> 4
        if lit == 15:
            while True:
                b = src[i]; i += 1; lit += b
                if b != 255: break
        dst += src[i:i+lit]; i += lit
        if i >= len(src): break
        off = src[i] | (src[i+1] << 8); i += 2
        ml = tok & 15
        if ml == 15:
            while True:
                b = src[i]; i += 1; ml += b
                if b != 255: break
        ml += 4
        start = len(dst) - off
        for k in range(ml): dst.append(dst[start + k])
    assert len(dst) == n_out, (len(dst), n_out)
    return bytes(dst)

def bitunshuffle(buf, n, s):
    a = np.frombuffer(buf, dtype=np.uint8).reshape(s * 8, n // 8)
    bits = np.unpackbits(a, axis=1, bitorder='little')
    return np.packbits(bits.T.reshape(n, s, 8), axis=2, bitorder='little').reshape(n * s).tobytes()

def bslz4_chunk(chunk, s):
    total = int.from_bytes(chunk[0:8], 'big')
    block = int.from_bytes(chunk[8:12], 'big') // s
    n = total // s
    out = bytearray(); p = 12; done = 0
    while n - done >= block:
        clen = int.from_bytes(chunk[p:p+4], 'big'); p += 4
        out += bitunshuffle(lz4_block(chunk[p:p+clen], block * s), block, s); p += clen; done += block
    last = (n - done) - (n - done) % 8
    if last:
        clen = int.from_bytes(chunk[p:p+4], 'big'); p += 4
        out += bitunshuffle(lz4_block(chunk[p:p+clen], last * s), last, s); p += clen; done += last
    out += chunk[p:p + (n - done) * s]
    return bytes(out)

def read_stack(d):
    try:
        return d[()], 'native'
    except OSError:
        if '32008' not in d._filters: raise
        out = np.empty(d.shape, d.dtype)
        for f in range(d.shape[0]):
            mask, chunk = d.id.read_direct_chunk((f, 0, 0))
            out[f] = np.frombuffer(bslz4_chunk(chunk, d.dtype.itemsize), d.dtype).reshape(d.shape[1:])
        return out, 'pure-python bitshuffle/lz4'

def s(v):
    v = v[()] if hasattr(v, 'shape') else v
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, np.ndarray): return [s(x) for x in v.tolist()]
    if isinstance(v, (np.integer,)): return int(v)
    if isinstance(v, (np.floating,)): return float(v)
    if isinstance(v, list): return [s(x) for x in v]
    return v

f = h5py.File(scan, 'r')
rep = {'objects': {}, 'stacks': {}}
def visit(name, o):
    rep['objects'][name] = {'kind': 'group' if isinstance(o, h5py.Group) else 'dataset',
                            'attrs': {k: s(v) for k, v in o.attrs.items()}}
f.visititems(visit)
rep['values'] = {p: s(f[p]) for p in ['entry/sample/name', 'entry/sample/temperature', 'f1/instrument/detector/distance',
    'f1/instrument/detector/orientation_matrix', 'f1/instrument/detector/shape', 'f1/data/frame_number', 'entry/nxreduce/first_frame',
    'f1/nxfind/program', 'f1/nxfind/sequence_index', 'f1/nxfind/version', 'f1/nxfind/note/description', 'f1/nxfind/note/data',
    'f1/nxfind/threshold', 'f1/nxfind/first', 'f1/nxmax/sequence_index', 'entry/sample/names']}
rep['links'] = {
    'soft': str(f.get('f1/data/distance_link', getlink=True).path),
    'external': [f.get('f1/data/data', getlink=True).filename, f.get('f1/data/data', getlink=True).path],
    'hard_same': f['f1/sample'].id == f['entry/sample'].id,
}
rep['soft_value'] = s(f['f1/data/distance_link'])
for name in ['bslz4', 'gzip', 'lz4', 'blosc', 'none']:
    d = h5py.File(raw, 'r')['entry/data/' + name]
    data, how = read_stack(d)
    rep['stacks'][name] = {'shape': list(d.shape), 'maxshape': [None if m is None else int(m) for m in d.maxshape],
        'chunks': list(d.chunks), 'dtype': d.dtype.str, 'filters': list(d._filters.keys()), 'how': how,
        'sum': int(data.astype(np.int64).sum()), 'first': data.ravel()[:8].tolist(), 'last': data.ravel()[-8:].tolist()}
ext = f['f1/data/data']
rep['via_external'] = {'shape': list(ext.shape), 'sum': int(read_stack(ext)[0].astype(np.int64).sum())}
print(json.dumps(rep))
`;

interface Report {
  objects: Record<string, { kind: string; attrs: Record<string, unknown> }>;
  values: Record<string, unknown>;
  links: { soft: string; external: [string, string]; hard_same: boolean };
  soft_value: number;
  stacks: Record<
    string,
    {
      shape: number[];
      maxshape: (number | null)[];
      chunks: number[];
      dtype: string;
      filters: string[];
      how: string;
      sum: number;
      first: number[];
      last: number[];
    }
  >;
  via_external: { shape: number[]; sum: number };
}

describe('a scan written by the writer, read by Debian h5py', () => {
  const raw = join(dir, 'f1.h5');
  const scan = join(dir, 'scan.nxs');
  let report: Report;
  const all = frames(NF);
  const expectedSum = all.reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    const r = await createNexusFile(raw);
    r.group('/entry', 'NXentry');
    r.group('/entry/data', 'NXdata', { signal: 'bslz4' });
    const comps: [string, Compression][] = [
      ['bslz4', 'bslz4'],
      ['gzip', { gzip: 1 }],
      ['lz4', 'lz4'],
      ['blosc', 'blosc'],
      ['none', 'none'],
    ];
    for (const [name, compression] of comps) {
      const p = `/entry/data/${name}`;
      r.createStack(p, { frameShape: [NY, NX], dtype: '<u4', compression, units: 'counts' });
      // streaming: one frame, then the rest
      expect(r.appendFrames(p, all.subarray(0, NY * NX))).toBe(1);
      expect(r.appendFrames(p, all.subarray(NY * NX))).toBe(NF);
    }
    r.close();

    const w = await createNexusFile(scan);
    w.group('/entry', 'NXentry');
    w.group('/entry/sample', 'NXsample');
    w.field('/entry/sample/name', 'TiO2');
    w.field('/entry/sample/names', ['a', 'bb', 'µ-phase']);
    w.field('/entry/sample/temperature', 300, { units: 'K', dtype: '<f8' });
    w.group('/entry/nxreduce', 'NXparameters');
    w.field('/entry/nxreduce/first_frame', 10);
    w.group('/f1', 'NXentry');
    w.group('/f1/instrument', 'NXinstrument');
    w.group('/f1/instrument/detector', 'NXdetector');
    w.field('/f1/instrument/detector/distance', 650.5, { units: 'mm' });
    w.field('/f1/instrument/detector/shape', new Int32Array([NY, NX]));
    w.field('/f1/instrument/detector/orientation_matrix', new Float64Array([0, -1, 0, 0, 0, 1, -1, 0, 0]), {
      shape: [3, 3],
    });
    w.nexusLink('/f1/sample', '/entry/sample');
    w.group('/f1/data', 'NXdata', { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] });
    w.externalLink('/f1/data/data', 'f1.h5', '/entry/data/bslz4');
    w.field('/f1/data/frame_number', new Int32Array([0, 1, 2, 3]));
    w.softLink('/f1/data/distance_link', '/f1/instrument/detector/distance');
    w.record('/f1', {
      task: 'nxmax',
      version: '0.1.1',
      host: 'node-a',
      directory: dir,
      keywords: { maximum: 4098, first: 0, last: 4 },
    });
    w.record('/f1', {
      task: 'nxfind',
      version: '0.1.1',
      host: 'node-a',
      directory: dir,
      keywords: { threshold: 5000, first: 0, last: 4, peak_number: 12 },
      date: '2026-11-25T10:00:00',
    });
    w.close();
    report = pyJson<Report>(ORACLE, [scan, raw]);
  });

  it('has the groups with NX_class, the fields with units, and no temp or lock files left', () => {
    expect(report.objects['entry']!.attrs['NX_class']).toBe('NXentry');
    expect(report.objects['f1/instrument/detector']!.attrs['NX_class']).toBe('NXdetector');
    expect(report.objects['f1/data']!.attrs).toMatchObject({
      NX_class: 'NXdata',
      signal: 'data',
      axes: ['frame_number', 'y_pixel', 'x_pixel'],
    });
    expect(report.objects['entry/sample/temperature']!.attrs['units']).toBe('K');
    expect(report.objects['f1/instrument/detector/distance']!.attrs['units']).toBe('mm');
    expect(readdirSync(dir).sort()).toEqual(['f1.h5', 'scan.nxs']);
  });

  it('has the values h5py reads back', () => {
    expect(report.values).toMatchObject({
      'entry/sample/name': 'TiO2',
      'entry/sample/names': ['a', 'bb', 'µ-phase'],
      'entry/sample/temperature': 300,
      'f1/instrument/detector/distance': 650.5,
      'f1/instrument/detector/orientation_matrix': [
        [0, -1, 0],
        [0, 0, 1],
        [-1, 0, 0],
      ],
      'f1/instrument/detector/shape': [NY, NX],
      'f1/data/frame_number': [0, 1, 2, 3],
      'entry/nxreduce/first_frame': 10,
    });
  });

  it('has soft, external and NeXus links that h5py resolves', () => {
    expect(report.links.soft).toBe('/f1/instrument/detector/distance');
    expect(report.soft_value).toBe(650.5);
    expect(report.links.external).toEqual(['f1.h5', '/entry/data/bslz4']);
    expect(report.links.hard_same).toBe(true);
    expect(report.objects['entry/sample']!.attrs['target']).toBe('/entry/sample');
    expect(report.via_external).toEqual({ shape: [NF, NY, NX], sum: expectedSum });
  });

  it('writes chunked, resizable frame stacks with the requested filters and exact values', () => {
    const want = { bslz4: '32008', gzip: 'gzip', lz4: '32004', blosc: '32001', none: undefined } as const;
    for (const [name, filter] of Object.entries(want)) {
      const s = report.stacks[name]!;
      expect(s, name).toMatchObject({
        shape: [NF, NY, NX],
        maxshape: [null, NY, NX],
        chunks: [1, NY, NX],
        dtype: '<u4',
        sum: expectedSum,
      });
      if (filter === undefined) expect(s.filters, name).toEqual([]);
      else expect(s.filters, name).toContain(filter);
      expect(s.first, name).toEqual(Array.from(all.subarray(0, 8)));
      expect(s.last, name).toEqual(Array.from(all.subarray(all.length - 8)));
      // gzip, lz4 and blosc open natively in Debian's h5py; bitshuffle natively where a plugin exists
      expect(s.how, name).toBe(
        name === 'bslz4' && s.how !== 'native' ? 'pure-python bitshuffle/lz4' : 'native',
      );
    }
  });

  it('writes NXprocess records as NXReduce.record does (spec §3.4)', () => {
    expect(report.objects['f1/nxfind']!.attrs['NX_class']).toBe('NXprocess');
    expect(report.objects['f1/nxfind/note']!.attrs['NX_class']).toBe('NXnote');
    expect(report.values).toMatchObject({
      'f1/nxfind/program': 'nxfind',
      'f1/nxfind/sequence_index': 2,
      'f1/nxmax/sequence_index': 1,
      'f1/nxfind/version': 'nxrefine v0.1.1',
      'f1/nxfind/note/description': 'nxfind',
      'f1/nxfind/note/data': `Current machine: node-a\nCurrent directory: ${dir}\nThreshold: 5000\nFirst: 0\nLast: 4\nPeak number: 12`,
      'f1/nxfind/threshold': 5000,
      'f1/nxfind/first': 0,
    });
    // peak_number is not an [nxreduce] key: only in the note
    expect(report.objects['f1/nxfind/peak_number']).toBeUndefined();
  });

  it('reads its own files back (external link followed, frames equal, zstd too)', async () => {
    const f = await openNexusFile(scan);
    try {
      const fr = f.readFrame('/f1/data/data', 2);
      expect(fr.data).toBeInstanceOf(Uint32Array);
      expect(Array.from(fr.data as Uint32Array)).toEqual(Array.from(all.subarray(2 * NY * NX, 3 * NY * NX)));
      expect(f.entity('/f1/data/data').link).toMatchObject({
        type: 'external',
        file: 'f1.h5',
        target: '/entry/data/bslz4',
      });
      expect(f.readAttribute('/f1/data/data', 'units')).toBe('counts'); // vlen attr read in the target file
    } finally {
      f.close();
    }
    const z = join(dir, 'z.h5');
    const w = await createNexusFile(z);
    w.createStack('/data', { frameShape: [NY, NX], dtype: '<u4', compression: 'zstd' });
    w.appendFrames('/data', all);
    w.close();
    const r = await openNexusFile(z);
    try {
      expect(r.entity('/data').filters?.map((x) => x.id)).toEqual([32015]);
      expect(Array.from(r.readSlice('/data', [[0, NF], [], []]).data as Uint32Array)).toEqual(
        Array.from(all),
      );
    } finally {
      r.close();
      rmSync(z);
    }
  });
});

describe('atomic updates', () => {
  async function makeFile(name: string): Promise<string> {
    const p = join(dir, name);
    const w = await createNexusFile(p);
    w.group('/entry', 'NXentry');
    w.group('/entry/sample', 'NXsample');
    w.field('/entry/sample/temperature', 300.0, { units: 'K' });
    w.group('/f1', 'NXentry');
    w.nexusLink('/f1/sample', '/entry/sample');
    w.externalLink('/f1/data', 'f1.h5', '/entry/data/bslz4');
    w.group('/f1/old', 'NXcollection');
    w.field('/f1/old/x', [1, 2, 3]);
    w.close();
    return p;
  }

  it('never writes through an external link into another file', async () => {
    const p = await makeFile('through-link.nxs');
    const target = join(dir, 'linked.h5');
    const t = await createNexusFile(target);
    t.group('/entry/data', 'NXdata');
    t.field('/entry/data/x', [1, 2, 3]);
    t.close();
    await updateNexusFile(p, (w) => w.externalLink('/f1/ext', 'linked.h5', '/entry'));
    const before = sha(target);
    const attempts: ((w: Awaited<ReturnType<typeof createNexusFile>>) => void)[] = [
      (w) => w.field('/f1/ext/data/y', 1.5),
      (w) => w.group('/f1/ext/new', 'NXcollection'),
      (w) => w.setAttrs('/f1/ext/data', { signal: 'x' }),
      (w) => w.writeSlice('/f1/ext/data/x', [[0, 1]], new BigInt64Array([9n])),
    ];
    for (const attempt of attempts) {
      const e = await updateNexusFile(p, attempt).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NxrError);
      expect((e as NxrError).code).toBe('BAD_PARAMETER');
      expect((e as NxrError).message).toContain('external link');
    }
    expect(sha(target)).toBe(before);
  });

  it('refuses to create over an existing file unless asked', async () => {
    const p = await makeFile('exists.nxs');
    await expect(createNexusFile(p)).rejects.toMatchObject({ code: 'WRITE_FAILED' });
  });

  it('leaves the original intact when the callback throws', async () => {
    const p = await makeFile('throw.nxs');
    const before = sha(p);
    await expect(
      updateNexusFile(p, (w) => {
        w.field('/entry/sample/temperature', 10.0);
        w.group('/entry/new', 'NXcollection');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(sha(p)).toBe(before);
    expect(existsSync(lockPathFor(p))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('throw.nxs') && n.endsWith('.tmp'))).toEqual([]);
  });

  it('commits field overwrites, removals and re-recorded processes; keeps hard and external links', async () => {
    const p = await makeFile('update.nxs');
    await updateNexusFile(p, (w) => {
      w.field('/entry/sample/temperature', 290.5, { units: 'K' });
      w.remove('/f1/old');
      w.record('/f1', {
        task: 'nxcopy',
        version: '0.1.1',
        host: 'h',
        directory: dir,
        keywords: { parent: 'p.nxs' },
      });
      w.record('/f1', {
        task: 'nxcopy',
        version: '0.1.1',
        host: 'h',
        directory: dir,
        keywords: { parent: 'q.nxs' },
      });
    });
    const rep = pyJson<{ t: number; old: boolean; same: boolean; ext: string[]; seq: number; note: string }>(
      `import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
l = f.get('f1/data', getlink=True)
print(json.dumps({'t': float(f['entry/sample/temperature'][()]), 'old': 'old' in f['f1'], 'same': f['f1/sample'].id == f['entry/sample'].id,
  'ext': [l.filename, l.path], 'seq': int(f['f1/nxcopy/sequence_index'][()]), 'note': f['f1/nxcopy/note/data'][()].decode()}))`,
      [p],
    );
    expect(rep).toEqual({
      t: 290.5,
      old: false,
      same: true,
      ext: ['f1.h5', '/entry/data/bslz4'],
      seq: 1,
      note: `Current machine: h\nCurrent directory: ${dir}\nParent: q.nxs`,
    });
  });

  it('survives a writer killed mid-update: original intact, stale lock and temp cleaned by the next writer', async () => {
    const p = await makeFile('killed.nxs');
    const before = sha(p);
    const script = join(dir, 'child-writer.mts');
    writeFileSync(
      script,
      `import { updateNexusFile } from ${JSON.stringify(join(repoRoot, 'src/engine/io/nexus-writer.ts'))};
await updateNexusFile(${JSON.stringify(p)}, async (w) => {
  w.field('/entry/sample/temperature', 1.0);
  w.createStack('/entry/junk', { frameShape: [64, 64], dtype: '<u4', compression: 'gzip' });
  w.appendFrames('/entry/junk', new Uint32Array(64 * 64 * 8).fill(7));
  process.stdout.write('ready\\n');
  await new Promise(() => setInterval(() => {}, 1000));
});
`,
    );
    const child = spawn(process.execPath, ['--import', join(repoRoot, 'bin', 'register-ts.mjs'), script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${String(code)})`)));
    });
    // while it is alive, a second writer is kept out
    const lock = readLock(p);
    expect(lock).toMatchObject({ pid: child.pid, host: hostname() });
    const busy = await updateNexusFile(p, () => 0).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(NxrError);
    expect((busy as NxrError).code).toBe('FILE_LOCKED');
    expect((busy as NxrError).message).toContain(String(child.pid));
    const temps = (): string[] =>
      readdirSync(dir).filter((n) => n.startsWith('.killed.nxs.nxr-') && n.endsWith('.tmp'));
    expect(temps().length).toBe(1);

    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(sha(p)).toBe(before);
    expect(existsSync(lockPathFor(p))).toBe(true); // left behind by the dead writer

    await updateNexusFile(p, (w) => w.field('/entry/sample/temperature', 280.0));
    expect(temps()).toEqual([]);
    expect(existsSync(lockPathFor(p))).toBe(false);
    const f = await openNexusFile(p);
    try {
      expect(f.readValue('/entry/sample/temperature')).toBe(280);
      expect(f.has('/entry/junk')).toBe(false);
    } finally {
      f.close();
    }
  });
});
