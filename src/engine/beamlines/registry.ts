/**
 * The beamlines Import Scans knows, by the name settings.ini `[instrument] instrument` gives
 * (case-insensitive; aliases allowed). Register a new beamline by adding its adapter here.
 */
import { NxrError } from '../../shared/errors.ts';
import type { BeamlineAdapter } from './adapter.ts';
import { qm2Beamline } from './qm2.ts';

const BEAMLINES: readonly BeamlineAdapter[] = [qm2Beamline];

/** Names of the registered beamlines (canonical names, in registration order). */
export function beamlineNames(): string[] {
  return BEAMLINES.map((b) => b.name);
}

/** The adapter called `name` (or one of its aliases), or undefined. */
export function findBeamline(name: string): BeamlineAdapter | undefined {
  const key = name.trim().toLowerCase();
  return BEAMLINES.find(
    (b) => b.name.toLowerCase() === key || b.aliases.some((a) => a.toLowerCase() === key),
  );
}

/** The adapter called `name`; a clear BAD_PARAMETER error listing the known beamlines otherwise. */
export function getBeamline(name: string, file?: string): BeamlineAdapter {
  const b = findBeamline(name);
  if (!b)
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `no importer for beamline '${name}' (known: ${beamlineNames().join(', ')})`,
      ...(file !== undefined ? { file } : {}),
    });
  return b;
}
