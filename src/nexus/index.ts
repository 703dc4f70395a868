/** Pure NeXus knowledge: model, NXdata resolution, selections, units, the NXRefine schema, ports. */
export * from './model/types.ts';
export * from './model/dtype.ts';
export * from './model/paths.ts';
export * from './model/strings.ts';
export * from './model/tree-text.ts';
export * from './nxdata/resolve-nxdata.ts';
export * from './nxdata/default-path.ts';
export * from './selection/hyperslab.ts';
export * from './units/convert-units.ts';
export * from './schema/nxrefine-paths.ts';
export * from './schema/nxprocess.ts';
export type * from './port.ts';
