// The e2e tests drive the built app (out/). `npm test` builds first; a lone `vitest run test/e2e`
// builds here (electron-vite's JS API, in-process) when the bundles are missing.
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const rendererDir = join(repoRoot, 'out', 'renderer');
export const engineBundle = join(repoRoot, 'out', 'main', 'engine.js');

export async function ensureBuild(): Promise<void> {
  if (existsSync(join(rendererDir, 'index.html')) && existsSync(engineBundle)) return;
  // One builder at a time: vitest may run two e2e files in parallel.
  const lock = join(repoRoot, 'out', '.build-lock');
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (existsSync(join(rendererDir, 'index.html')) && existsSync(engineBundle)) return;
    const { build } = await import('electron-vite');
    await build({ root: repoRoot, logLevel: 'warn' });
  } finally {
    rmdirSync(lock);
  }
}
