import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

import { CONTENT_SECURITY_POLICY_META } from './src/shared/csp.ts';

/**
 * The engine's worker pool finds its worker through src/engine/pool/worker-url.ts, which points at
 * worker.ts for the TypeScript sources (tsx, vitest). In the bundle it must point at the bundled
 * worker chunk instead: swap that module for electron-vite's `?modulePath` import of the worker.
 */
function poolWorkerEntry(): Plugin {
  const target = resolve('src/engine/pool/worker-url.ts');
  return {
    name: 'nxr:pool-worker-entry',
    enforce: 'pre',
    load(id) {
      if (id !== target) return null;
      return [
        "import { pathToFileURL } from 'node:url';",
        "import workerPath from './worker.ts?modulePath';",
        'export const poolWorkerUrl = pathToFileURL(workerPath);',
      ].join('\n');
    },
  };
}

/**
 * The built page carries its Content-Security-Policy as a meta tag too (file:// pages get no
 * response headers). Build only: the development server's React refresh needs an inline script.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'nxr:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META },
        injectTo: 'head',
      },
    ],
  };
}

export default defineConfig({
  main: {
    plugins: [poolWorkerEntry()],
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          // Electron main process.
          index: resolve('src/main/index.ts'),
          // The engine, started by main as a utilityProcess by path (out/main/engine.js).
          engine: resolve('src/engine/utility-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads (sandbox: true) must be CommonJS scripts.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), contentSecurityPolicyMeta()],
    worker: { format: 'es' },
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  },
});
