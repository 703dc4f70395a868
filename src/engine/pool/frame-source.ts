/**
 * A read-only frame reader over one 3-D dataset, opened by each pool worker for itself through the
 * engine's NeXus reader (h5wasm, external links and compression plugins included).
 */
import type { NumericArray } from '../../nexus/model/types.ts';
import { NxrError } from '../../shared/errors.ts';
import type { FrameArray } from '../../shared/ipc.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import type { PoolFrame } from './models.ts';

export interface FrameSource {
  frameCount: number;
  frameShape: [number, number];
  /** numpy-style dtype of the stored frames, e.g. '<u4'. */
  dtype: string;
  readFrame(index: number): PoolFrame;
  close(): void;
}

/** int64/uint64 frames become Float64Array (exact below 2^53, which detector counts stay under). */
export function toFrameArray(data: NumericArray): FrameArray {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float64Array.from(data, Number);
  return data;
}

/**
 * Opens the stack for frame reads. When the dataset is an external link (NXRefine wrappers link
 * f1/data/data to the raw <scan>/f1.h5), the target file is opened directly, so frames are not
 * looked up through the link again for every read.
 */
export async function openFrameSource(file: string, dataset: string): Promise<FrameSource> {
  let nx = await openNexusFile(file);
  let path = dataset;
  try {
    let node = nx.entity(path, { attrs: false });
    const link = node.link;
    if (link?.type === 'external' && link.resolvedFile !== undefined && !node.dangling) {
      nx.close();
      nx = await openNexusFile(link.resolvedFile);
      path = link.target;
      node = nx.entity(path, { attrs: false });
    }
    const shape = node.shape;
    if (node.kind !== 'dataset' || !shape || shape.length !== 3) {
      throw new NxrError({
        code: node.dangling ? 'DANGLING_LINK' : 'WRONG_SHAPE',
        message: `expected a 3-D frame stack, got ${node.kind} of shape ${JSON.stringify(shape ?? null)}`,
        file,
        path: dataset,
      });
    }
    const [frameCount, rows, cols] = shape as [number, number, number];
    return {
      frameCount,
      frameShape: [rows, cols],
      dtype: node.dtype ?? '',
      readFrame(index) {
        const f = nx.readFrame(path, index);
        return { shape: [rows, cols], dtype: f.dtype, data: toFrameArray(f.data) };
      },
      close: () => nx.close(),
    };
  } catch (e) {
    nx.close();
    throw e;
  }
}
