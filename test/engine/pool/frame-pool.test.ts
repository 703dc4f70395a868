import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FramePool, kernelModuleUrl, mergeFrameStats, splitFrames } from '../../../src/engine/pool/index.ts';
import type { PoolProgress } from '../../../src/engine/pool/index.ts';
import { NxrError } from '../../../src/shared/errors.ts';
import {
  directFrameMaxima,
  directFrameSums,
  writeStack,
  writeWrapper,
  type StackSpec,
} from './make-stack.ts';

const fixture = (name: string): string => kernelModuleUrl(new URL(`./fixtures/${name}`, import.meta.url));

describe('splitFrames', () => {
  it('covers the range exactly with contiguous tasks', () => {
    expect(splitFrames(3, 13, 2)).toEqual([
      [3, 5],
      [5, 7],
      [7, 9],
      [9, 11],
      [11, 13],
    ]);
    expect(splitFrames(0, 5, 2, 10)).toEqual([[0, 5]]);
    expect(splitFrames(4, 4, 2)).toEqual([]);
  });
});

describe('FramePool', () => {
  const spec: StackSpec = { frames: 13, rows: 17, cols: 23, seed: 42 };
  let dir: string;
  let file: string;
  let values: Int32Array;
  const pool = new FramePool({ size: 2 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nxr-pool-'));
    file = join(dir, 'stack.nxs');
    values = await writeStack(file, spec);
  });

  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sums every frame in two workers, matching the direct sum', async () => {
    const progress: PoolProgress[] = [];
    const parts = await pool.runKernel(
      'frame-stats',
      {},
      {
        file,
        dataset: '/entry/data/data',
        frames: [0, spec.frames],
        onProgress: (p) => progress.push(p),
      },
    );
    expect(pool.workerCount).toBe(2);
    // contiguous, sorted partial results
    expect(parts.map((p) => [p.start, p.stop])).toEqual(splitFrames(0, spec.frames, 2));
    const merged = mergeFrameStats(parts, 0, spec.frames);
    expect(Array.from(merged.sums)).toEqual(directFrameSums(values, spec));
    expect(Array.from(merged.maxima)).toEqual(directFrameMaxima(values, spec));
    // one progress report per frame, ending at the total
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: spec.frames }, (_, i) => i + 1));
    expect(progress.at(-1)).toEqual({ done: spec.frames, total: spec.frames });
  });

  it('reads a stack reached through an external link (NXRefine wrapper → raw file)', async () => {
    const wrapper = join(dir, 'wrapper.nxs');
    await writeWrapper(wrapper, 'stack.nxs');
    const parts = await pool.runKernel(
      'frame-stats',
      {},
      { file: wrapper, dataset: '/f1/data/data', frames: [0, spec.frames] },
    );
    expect(Array.from(mergeFrameStats(parts, 0, spec.frames).sums)).toEqual(directFrameSums(values, spec));
    const dangling = join(dir, 'dangling.nxs');
    await writeWrapper(dangling, 'missing.h5');
    await expect(
      pool.runKernel('frame-stats', {}, { file: dangling, dataset: '/f1/data/data', frames: [0, 1] }),
    ).rejects.toMatchObject({ code: 'DANGLING_LINK', file: dangling, path: '/f1/data/data' });
  });

  it('processes a sub-range with one frame per task', async () => {
    const parts = await pool.runKernel(
      'frame-stats',
      {},
      {
        file,
        dataset: '/entry/data/data',
        frames: [4, 9],
        chunkFrames: 1,
      },
    );
    expect(parts).toHaveLength(5);
    const merged = mergeFrameStats(parts, 4, 9);
    expect(Array.from(merged.sums)).toEqual(directFrameSums(values, spec).slice(4, 9));
  });

  it('runs a kernel given by module URL and returns its results in frame order', async () => {
    const parts = await pool.run<number[]>({
      file,
      dataset: '/entry/data/data',
      frames: [0, spec.frames],
      kernel: { module: fixture('slow-kernel.ts') },
      params: { msPerFrame: 0 },
    });
    expect(parts.flatMap((p) => p.result)).toEqual(directFrameSums(values, spec));
  });

  it('cancels mid-run: rejects with CANCELLED at once, workers stop, the pool stays usable', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = pool.run({
      file,
      dataset: '/entry/data/data',
      frames: [0, spec.frames],
      kernel: { module: fixture('slow-kernel.ts') },
      params: { msPerFrame: 40 },
      chunkFrames: 1,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED', file, path: '/entry/data/data' });
    // no progress is reported once the run is cancelled
    expect(seen).toEqual([1, 2]);
    const parts = await pool.runKernel(
      'frame-stats',
      {},
      { file, dataset: '/entry/data/data', frames: [0, 3] },
    );
    expect(Array.from(mergeFrameStats(parts, 0, 3).sums)).toEqual(directFrameSums(values, spec).slice(0, 3));
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      pool.runKernel(
        'frame-stats',
        {},
        { file, dataset: '/entry/data/data', frames: [0, 2], signal: controller.signal },
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('passes a kernel error through with its code, file and path', async () => {
    const err = await pool
      .run({
        file,
        dataset: '/entry/data/data',
        frames: [0, spec.frames],
        kernel: { module: fixture('throwing-kernel.ts') },
        params: { failAt: 7 },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NxrError);
    expect(err).toMatchObject({ code: 'WRONG_DTYPE', file, path: '/entry/data/data' });
    expect((err as Error).message).toBe(`${file}:/entry/data/data: kernel refused frame 7`);
  });

  it('turns a dying worker into a clear error, then recovers with a fresh worker', async () => {
    const err = await pool
      .run({
        file,
        dataset: '/entry/data/data',
        frames: [0, spec.frames],
        kernel: { module: fixture('crashing-kernel.ts') },
        params: { crashAt: 5 },
        chunkFrames: 2,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NxrError);
    expect(err).toMatchObject({ code: 'INTERNAL', file, path: '/entry/data/data' });
    expect((err as Error).message).toMatch(/pool worker died \(exit code 7\) while processing frames 4…5/);
    const parts = await pool.runKernel(
      'frame-stats',
      {},
      { file, dataset: '/entry/data/data', frames: [0, spec.frames] },
    );
    expect(Array.from(mergeFrameStats(parts, 0, spec.frames).sums)).toEqual(directFrameSums(values, spec));
  });

  it('reports a missing file and an out-of-range frame as typed errors', async () => {
    const missing = join(dir, 'nope.nxs');
    await expect(
      pool.runKernel('frame-stats', {}, { file: missing, dataset: '/entry/data/data', frames: [0, 2] }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', file: missing });
    await expect(
      pool.runKernel('frame-stats', {}, { file, dataset: '/entry/data/data', frames: [10, 20] }),
    ).rejects.toMatchObject({ code: 'BAD_PARAMETER', path: '/entry/data/data' });
    await expect(
      pool.runKernel('frame-stats', {}, { file, dataset: '/entry/data', frames: [0, 1] }),
    ).rejects.toMatchObject({ code: 'WRONG_SHAPE', path: '/entry/data' });
  });
});
