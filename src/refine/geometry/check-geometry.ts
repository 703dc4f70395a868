import { NxrError } from '../../shared/errors.ts';
import type { Geometry } from './models.ts';

/**
 * Throws NxrError BAD_PARAMETER naming the first nonsense value of a geometry (non-finite numbers,
 * non-positive wavelength/distance/pixel size, empty shape, zero φ step). Returns `g` unchanged.
 */
export function checkGeometry(g: Geometry): Geometry {
  const fail = (what: string, value: unknown): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `geometry: ${what} (got ${String(value)})` });
  };
  for (const key of ['wavelength', 'distance', 'pixelSize'] as const) {
    if (!(Number.isFinite(g[key]) && g[key] > 0)) fail(`${key} must be a positive number`, g[key]);
  }
  for (const key of [
    'beamCenterX',
    'beamCenterY',
    'yaw',
    'pitch',
    'roll',
    'phiStart',
    'phiStep',
    'chi',
    'omega',
    'theta',
  ] as const) {
    if (!Number.isFinite(g[key])) fail(`${key} must be a finite number`, g[key]);
  }
  if (g.phiStep === 0) fail('phiStep must not be zero', g.phiStep);
  const [ny, nx] = g.shape ?? [];
  if (!(Number.isInteger(ny) && Number.isInteger(nx) && ny! > 0 && nx! > 0))
    fail('shape must be [ny, nx] positive integers', JSON.stringify(g.shape));
  if (g.sampleOffset && !g.sampleOffset.every((v) => Number.isFinite(v)))
    fail('sampleOffset must be three finite numbers', JSON.stringify(g.sampleOffset));
  return g;
}
