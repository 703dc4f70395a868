import { NxrError } from '../../shared/errors.ts';
import type { PeakSearchParameters } from './models.ts';

/** NXRefine's `min_pixels` default (spec §2.3). */
export const DEFAULT_MIN_PIXELS = 10;

/**
 * Fills the defaults of {@link PeakSearchParameters} and checks every value (NxrError
 * BAD_PARAMETER naming the parameter).
 */
export function checkPeakSearchParameters(
  p: Partial<PeakSearchParameters> & { threshold: number },
): PeakSearchParameters {
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message });
  };
  const minPixels = p.minPixels ?? DEFAULT_MIN_PIXELS;
  if (!Number.isFinite(p.threshold) || p.threshold < 0)
    bad(`threshold must be a number ≥ 0, got ${p.threshold}`);
  if (!Number.isInteger(minPixels) || minPixels < 1 || minPixels > 200)
    bad(`min_pixels must be an integer 1…200, got ${minPixels}`);
  const trackFraction = p.trackFraction ?? 0.1;
  if (!(trackFraction > 0 && trackFraction <= 1))
    bad(`trackFraction must be in (0, 1], got ${trackFraction}`);
  const marginFrames = p.marginFrames ?? 3;
  if (!Number.isInteger(marginFrames) || marginFrames < 1 || marginFrames > 50)
    bad(`marginFrames must be an integer 1…50, got ${marginFrames}`);
  const maxGapFrames = p.maxGapFrames ?? 0;
  if (!Number.isInteger(maxGapFrames) || maxGapFrames < 0 || maxGapFrames >= marginFrames)
    bad(`maxGapFrames must be an integer 0…marginFrames − 1, got ${maxGapFrames}`);
  const boxHalfWidth = p.boxHalfWidth ?? Math.max(minPixels, 5);
  if (!Number.isInteger(boxHalfWidth) || boxHalfWidth < 1 || boxHalfWidth > 200)
    bad(`boxHalfWidth must be an integer 1…200, got ${boxHalfWidth}`);
  return { threshold: p.threshold, minPixels, trackFraction, marginFrames, maxGapFrames, boxHalfWidth };
}
