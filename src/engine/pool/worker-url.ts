/**
 * Where the pool worker module is. Run from the TypeScript sources (nxr, vitest) this is
 * worker.ts itself, which the pool starts through bin/ts-hooks.mjs (see workerEntry). The Electron build swaps this module
 * for one that imports `./worker.ts?modulePath` (see the `poolWorkerEntry` plugin in
 * electron.vite.config.ts), so the bundled engine starts the bundled worker chunk.
 */
export const poolWorkerUrl: URL = new URL('./worker.ts', import.meta.url);
