/**
 * Loads h5wasm (Node build, NODERAWFS: HDF5 reads host files directly) once per thread, with the
 * throwing error handler (otherwise a missing filter returns uninitialised memory) and the
 * compression plugins of h5wasm-plugins (bitshuffle/LZ4, LZ4, Blosc, Blosc2, Zstd, LZF, BZip2, ZFP…).
 */
import type h5wasmNode from 'h5wasm/node';
import { install_local_plugins } from 'h5wasm-plugins';

export type H5Wasm = typeof h5wasmNode;
export type H5Module = Awaited<H5Wasm['ready']>;

export interface H5Runtime {
  h5: H5Wasm;
  Module: H5Module;
}

let loading: Promise<H5Runtime> | undefined;

/**
 * The h5wasm runtime of this thread. In Electron (and any process whose navigator.userAgent says
 * "Chrome/"), emscripten's environment check throws, so `navigator` is hidden while the module
 * initialises (the h5wasm README's "Using in Electron app" workaround).
 */
export function loadH5wasm(): Promise<H5Runtime> {
  loading ??= (async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const hide = saved?.configurable === true;
    if (hide) Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
    try {
      // imported here, not at the top: emscripten's environment check runs at import time
      const h5 = (await import('h5wasm/node')).default;
      const Module = await h5.ready;
      Module.activate_throwing_error_handler();
      install_local_plugins(Module);
      return { h5, Module };
    } finally {
      if (hide && saved) Object.defineProperty(globalThis, 'navigator', saved);
    }
  })();
  return loading;
}

/** Plugin directories HDF5 searches, first first. */
export async function pluginSearchPaths(): Promise<string[]> {
  const { Module } = await loadH5wasm();
  return Module.get_plugin_search_paths();
}
