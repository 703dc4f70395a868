/**
 * What every engine job receives besides its options: the same function runs under the CLI
 * (`nxr <step>`) and under the app's engine, which turns `onProgress` into throttled percents and
 * `onLog` into log lines.
 */
import { NxrError } from '../../shared/errors.ts';

export interface JobContext {
  /** Aborting stops the job at its next check; a file being updated is left as it was. */
  signal?: AbortSignal;
  /** Fraction done, 0…1, with an optional short message. */
  onProgress?: (fraction: number, message?: string) => void;
  /** Log lines, as NXRefine's logger.info / warning write them. */
  onLog?: (message: string, level?: 'info' | 'warn') => void;
}

/** Throws NxrError('CANCELLED') when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, file?: string): void {
  if (signal?.aborted) {
    throw new NxrError({ code: 'CANCELLED', message: 'cancelled', ...(file !== undefined ? { file } : {}) });
  }
}
