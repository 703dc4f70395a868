export { FramePool, defaultPoolSize, kernelModuleUrl } from './frame-pool.ts';
export type { FramePoolOptions, PoolRunOptions } from './frame-pool.ts';
export type {
  FrameKernel,
  KernelContext,
  KernelOutput,
  KernelRef,
  PoolFrame,
  PoolProgress,
  RangeResult,
} from './models.ts';
export { kernels } from './kernels/index.ts';
export type { KernelName, KernelParams, KernelResult } from './kernels/index.ts';
export { frameSumAndMax, mergeFrameStats } from './kernels/frame-stats.ts';
export { splitFrames } from './split-frames.ts';
