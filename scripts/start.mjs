// `npm start`: build the app if the sources changed, make the demo experiment on first run, then
// launch Electron on the demo scan — or, when the Electron binary is not installed (as on machines
// installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1), serve the same UI in the browser (nxr serve).
//
//   npm start                      desktop app if possible, else browser mode on port 5178
//   npm start -- --browser         browser mode even when Electron is installed
//   npm start -- --port 8080       browser-mode port (0 = any free port)
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoDir = join(root, 'demo');
const outputs = [
  'out/main/index.js',
  'out/main/engine.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
].map((p) => join(root, p));

const { values } = parseArgs({
  options: { browser: { type: 'boolean', default: false }, port: { type: 'string', default: '5178' } },
  strict: true,
});

/** Newest modification time under `dir` (files only). */
function newestMtime(dir) {
  let newest = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    newest = Math.max(newest, d.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const missing = outputs.filter((p) => !existsSync(p));
  const sources = Math.max(
    newestMtime(join(root, 'src')),
    statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
  );
  const built = missing.length === 0 ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
  if (missing.length === 0 && built >= sources) return;
  console.log(
    missing.length > 0 ? 'Building the app (electron-vite build)…' : 'Sources changed: rebuilding…',
  );
  const r = spawnSync(join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error('electron-vite build failed; fix the errors above and run npm start again.');
    process.exit(r.status ?? 1);
  }
}

/** The scan file of the demo experiment: <demo>/<sample>/<label>/<sample>_<scan>.nxs. */
function findDemoScan() {
  if (!existsSync(demoDir)) return undefined;
  for (const sample of readdirSync(demoDir, { withFileTypes: true })) {
    if (!sample.isDirectory() || ['tasks', 'configurations', 'scripts', 'calibrations'].includes(sample.name))
      continue;
    for (const label of readdirSync(join(demoDir, sample.name), { withFileTypes: true })) {
      if (!label.isDirectory()) continue;
      const dir = join(demoDir, sample.name, label.name);
      const scan = readdirSync(dir).find((f) => f.endsWith('.nxs'));
      if (scan) return join(dir, scan);
    }
  }
  return undefined;
}

function makeDemoIfMissing() {
  const existing = findDemoScan();
  if (existing) return existing;
  if (!existsSync(join(root, 'src/cli/commands/simulate.ts'))) {
    console.log('The `nxr simulate` command is not in this checkout yet, so there is no demo experiment;');
    console.log('starting without one (open any NeXus file instead).');
    return undefined;
  }
  console.log(`Making the demo experiment in ${demoDir} (nxr simulate --preset tiny --seed 1)…`);
  const r = spawnSync(
    process.execPath,
    [join(root, 'bin/nxr.mjs'), 'simulate', '--out', demoDir, '--preset', 'tiny', '--seed', '1'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) {
    console.log(`nxr simulate failed (exit ${r.status ?? r.signal}); starting without the demo experiment.`);
    return undefined;
  }
  return findDemoScan();
}

/** Path of the Electron binary, or undefined when it is not installed. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    if (typeof path !== 'string') return undefined;
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

async function serveInBrowser(scan, reason) {
  const { register } = await import('tsx/esm/api');
  register();
  const { startBrowserServer } = await import('../src/engine/server/index.ts');
  const { rendererDir } = await import('../src/cli/commands/serve.ts');
  const folder = scan ? demoDir : root;
  const options = {
    root: folder,
    rendererDir: rendererDir(),
    host: '127.0.0.1',
    version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
    ...(scan ? { initialFile: relative(demoDir, scan).split('\\').join('/') } : {}),
  };
  let server;
  try {
    server = await startBrowserServer({ ...options, port: Number(values.port) });
  } catch (e) {
    if (e?.code !== 'EADDRINUSE') throw e;
    console.log(`Port ${values.port} is in use; taking a free one.`);
    server = await startBrowserServer({ ...options, port: 0 });
  }
  const url = server.url.replace(/\/$/, '');
  console.log(`${reason} — serving the same UI at ${url}`);
  if (scan)
    console.log(
      `Opening ${relative(root, scan)} (folder served: ${relative(root, folder) || '.'}). Ctrl+C stops.`,
    );
  else console.log(`Folder served: ${folder}. Ctrl+C stops.`);
  process.once('SIGINT', () => {
    void server.close().then(() => process.exit(0));
  });
}

buildIfNeeded();
const scan = makeDemoIfMissing();
const electron = values.browser ? undefined : electronBinary();
if (electron) {
  console.log(`Starting NXRefine${scan ? ` on ${relative(root, scan)}` : ''}…`);
  const child = spawn(electron, [root, ...(scan ? [scan] : [])], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  await serveInBrowser(
    scan,
    values.browser
      ? 'Browser mode (--browser)'
      : 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?)',
  );
}
