/**
 * The loader works in a process whose navigator.userAgent says Chrome (Electron's main, utility
 * and renderer processes): without hiding `navigator`, emscripten's environment check throws
 * "This page was compiled without support for Chrome browser". Plugins are on the search path.
 */
import { afterAll, describe, expect, it } from 'vitest';

const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
afterAll(() => {
  if (saved) Object.defineProperty(globalThis, 'navigator', saved);
  else Reflect.deleteProperty(globalThis, 'navigator');
});

describe('loadH5wasm', () => {
  it('loads under an Electron user agent and restores navigator afterwards', async () => {
    const electronNavigator = {
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) nxrefine/0.1.0 Chrome/144.0.0.0 Electron/40.8.5 Safari/537.36',
    };
    Object.defineProperty(globalThis, 'navigator', {
      value: electronNavigator,
      configurable: true,
      writable: true,
    });
    // this file runs in its own module graph: h5wasm is imported for the first time here
    const { loadH5wasm, pluginSearchPaths } = await import('../../../src/engine/io/h5wasm-loader.ts');
    const rt = await loadH5wasm();
    expect(typeof rt.Module.get_plugin_search_paths).toBe('function');
    expect((globalThis as { navigator?: unknown }).navigator).toBe(electronNavigator);
    expect((await pluginSearchPaths())[0]).toMatch(/h5wasm-plugins\/plugins$/);
    expect(await loadH5wasm()).toBe(rt); // once per thread
  });
});
