import { parseArgs, type ParseArgsConfig } from 'node:util';

import { NxrError } from '../shared/errors.ts';

/** What every `nxr` subcommand module under src/cli/commands/<name>.ts exports as default. */
export interface Command {
  /** One line for `nxr --help`. */
  summary: string;
  /** Full usage text for `nxr <name> --help`. */
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborted on SIGINT so long jobs stop cleanly and leave no half-written file. */
  signal: AbortSignal;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with NxrError('BAD_PARAMETER') instead of Node's TypeError text. */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
  allowPositionals = true,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new NxrError({ code: 'BAD_PARAMETER', message: e instanceof Error ? e.message : String(e) });
  }
}

/** A number option: finite, with a clear error naming the option. */
export function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `--${name} must be a number, got '${raw}'` });
  }
  return v;
}

/** A comma-separated list of numbers, e.g. --cell 3.82,3.89,11.68,90,90,90. */
export function numberListOption(
  name: string,
  raw: string | undefined,
  length?: number,
): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => s.trim());
  const values = parts.map((s) => Number(s));
  if (parts.some((s) => s === '') || values.some((v) => !Number.isFinite(v))) {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `--${name} must be comma-separated numbers, got '${raw}'`,
    });
  }
  if (length !== undefined && values.length !== length) {
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `--${name} needs ${length} numbers, got ${values.length}`,
    });
  }
  return values;
}

/**
 * Progress lines on stderr every 10 %, as NXRefine's scripts print them; undefined (no output)
 * when `enabled` is false, e.g. with --json.
 */
export function progressPrinter(
  io: CliIo,
  enabled: boolean,
): ((fraction: number, message?: string) => void) | undefined {
  if (!enabled) return undefined;
  let last = -10;
  return (fraction, message) => {
    const pct = Math.floor(fraction * 100);
    if (pct >= last + 10 || (fraction >= 1 && last < 100)) {
      last = pct;
      io.err(`  ${String(pct).padStart(3)}%${message ? ` ${message}` : ''}`);
    }
  };
}
