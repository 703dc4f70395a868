// h5wasm-plugins 0.2.1 ships no type declarations; only what the loader uses.
declare module 'h5wasm-plugins' {
  interface PluginHost {
    insert_plugin_search_path(path: string, index: number): number;
    get_plugin_search_paths(): string[];
  }
  export const plugin_names: string[];
  export function install_local_plugins(module: PluginHost): void;
  export function list_plugins(module: PluginHost): string[];
}
