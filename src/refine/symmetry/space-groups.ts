/**
 * Space groups: the public face of src/refine/symmetry (all 230 groups in every setting GEMMI
 * tabulates, look-up by symbol or number, absences, equivalent reflections).
 */
export { findSpaceGroup, lookupSpaceGroup, type FindSpaceGroupOptions } from './find-space-group.ts';
export { listSpaceGroups } from './space-group-list.ts';
export { isSystematicallyAbsent } from './is-systematically-absent.ts';
export { computeEquivalentHkls, type EquivalentHklsOptions } from './equivalent-hkls.ts';
export { isCentricReflection } from './is-centric-reflection.ts';
export { findDefaultSpaceGroup } from './default-space-group.ts';
export { SPACE_GROUP_TABLE_PROVENANCE } from './space-group-table.ts';
export type * from './models.ts';
