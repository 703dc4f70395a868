/**
 * `node --import ./bin/register-ts.mjs bench/tree-reload.ts [--runs N]`: how long the tree takes to
 * reload, and how soon a change on disk is noticed.
 *
 * 1. Tree reload: the tree store over the engine's message loop (in-process, as in the app minus
 *    the transport) on the 703-dataset real file nxpdb/hdf5/4n8z.h5 with every group expanded
 *    (774 rows): Reload (the engine reopens the file, then the expanded groups are listed again,
 *    level by level) and the reload after a job or a change on disk (no reopen).
 * 2. Change detection: a copy of a small scan file is rewritten by h5py (a new file renamed over
 *    it, as our writer does) while the engine watches it at its default poll (2 s) and settle
 *    (250 ms); time from h5py's exit to 'file:changed' (the file already reopened).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { createEngine, serveEngine } from '../src/engine/index.ts';
import { rpcBridge } from '../src/renderer/bridge/rpc-bridge.ts';
import { createTreeStore, visibleRows } from '../src/renderer/state/tree-store.ts';
import type { FileChangedEvent } from '../src/shared/ipc.ts';
import { createLocalPortPair, createRpcClient } from '../src/shared/rpc.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const realdata = resolve(root, '..', 'shared', 'realdata');
const big = join(realdata, 'nexus-exampledata/nxpdb/hdf5/4n8z.h5');
const small = join(realdata, 'nexpy-examples/chopper.nxs');

const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)]!;
  return `median ${median.toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s.at(-1)!.toFixed(1)}, n = ${s.length})`;
};

async function treeReload(): Promise<void> {
  const engine = createEngine({ poolSize: 1, watchIntervalMs: 0 });
  const [a, b] = createLocalPortPair();
  serveEngine(engine, a);
  const client = createRpcClient(b);
  const store = createTreeStore(rpcBridge(client));
  try {
    let t = performance.now();
    await store.getState().openFile(big);
    const openMs = performance.now() - t;
    t = performance.now();
    await store.getState().expandAll();
    const expandMs = performance.now() - t;
    const rows = visibleRows(store.getState().file!).length;
    const reopen: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      if (!(await store.getState().reload({ reopen: true }))) throw new Error('reload failed');
      reopen.push(performance.now() - t);
      t = performance.now();
      await store.getState().reload();
      plain.push(performance.now() - t);
      if (visibleRows(store.getState().file!).length !== rows) throw new Error('rows lost in reload');
    }
    console.log(
      `4n8z.h5: open + root ${openMs.toFixed(0)} ms; Expand all to ${rows} rows ${expandMs.toFixed(0)} ms`,
    );
    console.log(`  Reload (reopen + ${rows} rows, expansion kept): ${stats(reopen)}`);
    console.log(`  reload after a job / change on disk (no reopen): ${stats(plain)}`);
  } finally {
    client.close();
    await engine.close();
  }
}

async function changeDetection(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nxr-bench-watch-'));
  const file = join(dir, 'watched.nxs');
  copyFileSync(small, file);
  const engine = createEngine({ poolSize: 1 });
  const events: Array<FileChangedEvent & { at: number }> = [];
  engine.on('file:changed', (e) => events.push({ ...e, at: performance.now() }));
  try {
    const { fileId } = await engine.api['file:open'](file);
    const latencies: number[] = [];
    const n = Math.min(runs, 6);
    for (let i = 0; i < n; i++) {
      // start at a random point of the poll cycle
      await new Promise((r) => setTimeout(r, Math.random() * 2000));
      execFileSync('/usr/bin/python3', [
        '-c',
        [
          'import sys, os, shutil, h5py',
          "tmp = sys.argv[1] + '.tmp'",
          'shutil.copyfile(sys.argv[1], tmp)',
          "with h5py.File(tmp, 'a') as f: f.create_group('bench_%s' % sys.argv[2])",
          'os.replace(tmp, sys.argv[1])',
        ].join('\n'),
        file,
        String(i),
      ]);
      const written = performance.now();
      const before = events.length;
      while (events.length === before) await new Promise((r) => setTimeout(r, 5));
      const e = events.at(-1)!;
      if (e.fileId !== fileId || e.status !== 'reloaded')
        throw new Error(`unexpected event ${JSON.stringify(e)}`);
      latencies.push(e.at - written);
    }
    console.log(
      `change detection (default poll 2 s, settle 250 ms), h5py exit → file:changed: ${stats(latencies)}`,
    );
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await treeReload();
await changeDetection();
