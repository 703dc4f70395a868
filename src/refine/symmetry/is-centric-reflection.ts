import type { Vec3 } from '../geometry/models.ts';
import type { SpaceGroup } from './models.ts';
import { computeEquivalentHkls } from './equivalent-hkls.ts';

/** Is hkl centric, i.e. is −h symmetry-equivalent to h (without adding Friedel mates)? (GEMMI `is_reflection_centric`.) */
export function isCentricReflection(sg: SpaceGroup, hkl: Vec3): boolean {
  const minus = [-hkl[0] || 0, -hkl[1] || 0, -hkl[2] || 0].join();
  return computeEquivalentHkls(sg, hkl, { friedel: false }).some((e) => e.join() === minus);
}
