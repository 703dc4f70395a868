/**
 * Kernels the pool workers know by name. The worker bundle imports this registry statically (so the
 * Electron build contains every kernel); add one line per new frame-parallel step.
 */
import type { FrameKernel } from '../models.ts';
import { findMaximumKernel } from './find-maximum.ts';
import { findPeaksKernel } from './find-peaks.ts';
import { frameStatsKernel } from './frame-stats.ts';
import { prepareMaskKernel } from './prepare-mask.ts';
import { sumFramesKernel } from './sum-frames.ts';
import { transformKernel } from './transform.ts';

export const kernels = {
  'frame-stats': frameStatsKernel,
  'find-maximum': findMaximumKernel,
  'find-peaks': findPeaksKernel,
  transform: transformKernel,
  'prepare-mask': prepareMaskKernel,
  'sum-frames': sumFramesKernel,
} satisfies Record<string, FrameKernel<never, unknown>>;

export type KernelName = keyof typeof kernels;
type ParamsOf<K> = K extends FrameKernel<infer P, unknown> ? P : never;
type ResultOf<K> = K extends FrameKernel<never, infer R> ? R : never;
export type KernelParams<N extends KernelName> = ParamsOf<(typeof kernels)[N]>;
export type KernelResult<N extends KernelName> = ResultOf<(typeof kernels)[N]>;
