/**
 * Cancellation for the pure core. src/nexus and src/refine are compiled without DOM or Node types,
 * so they take this structural view of an AbortSignal (any real AbortSignal fits it).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Progress callback: fraction done in [0, 1], optional message. */
export type ProgressCallback = (fraction: number, message?: string) => void;

/** Options every long job in the core accepts. */
export interface LongJobOptions {
  signal?: AbortSignalLike;
  onProgress?: ProgressCallback;
}

/** Throw NxrError-compatible cancellation if the signal is aborted. */
export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) {
    const e = new Error('cancelled');
    e.name = 'AbortError';
    throw e;
  }
}
