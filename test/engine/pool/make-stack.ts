// Writes a small NeXus frame stack with h5wasm for tests; returns the exact pixel values written.
import h5wasm from 'h5wasm/node';

export interface StackSpec {
  frames: number;
  rows: number;
  cols: number;
  /** Seed of the deterministic pixel values. */
  seed: number;
}

/** Deterministic pseudo-random counts 0…999 (an LCG), frame after frame, row-major. */
export function stackValues(spec: StackSpec): Int32Array {
  const n = spec.frames * spec.rows * spec.cols;
  const out = new Int32Array(n);
  let x = spec.seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x % 1000;
  }
  return out;
}

/**
 * Writes /entry/data/data (frames, rows, cols) int32, one chunk per frame, gzip, with NX_class
 * attributes, to `file`. Returns the values.
 */
export async function writeStack(file: string, spec: StackSpec): Promise<Int32Array> {
  const Module = await h5wasm.ready;
  Module.activate_throwing_error_handler();
  const values = stackValues(spec);
  const f = new h5wasm.File(file, 'w');
  try {
    const entry = f.create_group('entry');
    entry.create_attribute('NX_class', 'NXentry');
    const data = entry.create_group('data');
    data.create_attribute('NX_class', 'NXdata');
    data.create_attribute('signal', 'data');
    data.create_dataset({
      name: 'data',
      data: values,
      shape: [spec.frames, spec.rows, spec.cols],
      dtype: '<i4',
      chunks: [1, spec.rows, spec.cols],
      compression: 1,
      compression_opts: [1],
    });
  } finally {
    f.close();
  }
  return values;
}

/**
 * Writes an NXRefine-style wrapper: /f1/data/data is an external link to `target`:/entry/data/data
 * (`target` as given, relative to the wrapper's folder).
 */
export async function writeWrapper(file: string, target: string): Promise<void> {
  const Module = await h5wasm.ready;
  Module.activate_throwing_error_handler();
  const f = new h5wasm.File(file, 'w');
  try {
    const entry = f.create_group('f1');
    entry.create_attribute('NX_class', 'NXentry');
    const data = entry.create_group('data');
    data.create_attribute('NX_class', 'NXdata');
    data.create_external_link(target, '/entry/data/data', 'data');
  } finally {
    f.close();
  }
}

/** Sum of each frame of `values`, computed directly. */
export function directFrameSums(values: Int32Array, spec: StackSpec): number[] {
  const px = spec.rows * spec.cols;
  const sums: number[] = [];
  for (let k = 0; k < spec.frames; k++) {
    let s = 0;
    for (let i = k * px; i < (k + 1) * px; i++) s += values[i]!;
    sums.push(s);
  }
  return sums;
}

export function directFrameMaxima(values: Int32Array, spec: StackSpec): number[] {
  const px = spec.rows * spec.cols;
  const out: number[] = [];
  for (let k = 0; k < spec.frames; k++) {
    let m = -Infinity;
    for (let i = k * px; i < (k + 1) * px; i++) m = Math.max(m, values[i]!);
    out.push(m);
  }
  return out;
}
