import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isLoopbackHost, startBrowserServer } from '../../engine/server/index.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr serve [DIR] [--port N] [--host ADDRESS] [--open FILE]

Browser mode: serves the NXRefine Desktop UI (the built renderer, out/renderer) over HTTP and the
engine over a WebSocket on the same port. The page can browse and open only the NeXus/HDF5 files
inside DIR. Stop with Ctrl+C.

options:
  DIR              folder to serve                                   [current folder]
  --port N         port; 0 picks a free one                          [5178]
  --host ADDRESS   address to bind; anything but loopback exposes DIR to the network [127.0.0.1]
  --open FILE      file (relative to DIR) the page opens at start`;

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The built renderer; `npm run build` (electron-vite build) makes it. */
export function rendererDir(): string {
  return resolve(repoRoot, 'out', 'renderer');
}

function appVersion(): string {
  try {
    return (JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
}

const command: Command = {
  summary: 'browser mode: serve the UI and the engine for the NeXus files of a folder',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      port: { type: 'string', default: '5178' },
      host: { type: 'string', default: '127.0.0.1' },
      open: { type: 'string' },
    });
    if (positionals.length > 1)
      throw new NxrError({ code: 'BAD_PARAMETER', message: 'serve takes one folder' });
    const port = numberOption('port', values.port)!;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new NxrError({ code: 'BAD_PARAMETER', message: `--port must be 0…65535, got ${values.port}` });
    }
    const renderer = rendererDir();
    if (!existsSync(resolve(renderer, 'index.html'))) {
      throw new NxrError({
        code: 'FILE_NOT_FOUND',
        message: 'the UI is not built; run `npm run build` (electron-vite build) first',
        file: renderer,
      });
    }
    const server = await startBrowserServer({
      root: positionals[0] ?? process.cwd(),
      rendererDir: renderer,
      host: values.host,
      port,
      version: appVersion(),
      ...(values.open !== undefined ? { initialFile: values.open } : {}),
    });
    if (!isLoopbackHost(values.host)) {
      io.err(
        `warning: bound to ${values.host}: anyone who can reach this address can read ${server.folder.root}`,
      );
    }
    io.out(`serving ${server.folder.root}`);
    io.out(`open ${server.url}${values.open ? ` (opening ${values.open})` : ''}   — Ctrl+C stops`);
    await new Promise<void>((done) => {
      if (io.signal.aborted) done();
      io.signal.addEventListener('abort', () => done(), { once: true });
    });
    await server.close();
    io.out('stopped');
    return 0;
  },
};

export default command;
