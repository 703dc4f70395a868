/** The NeXus/HDF5 adapter: h5wasm-backed implementations of src/nexus/port.ts. */
export {
  openNexusFile,
  NexusFile,
  checkHdf5File,
  resolveExternalFile,
  MAX_READ_BYTES,
} from './nexus-file.ts';
export type { OpenOptions } from './nexus-file.ts';
export { findHdf5Signature, isHdf5File } from './hdf5-signature.ts';
export { loadH5wasm, pluginSearchPaths } from './h5wasm-loader.ts';
export { expectShape, expectDtype, expectNumeric } from './expect.ts';
export {
  createNexusFile,
  updateNexusFile,
  NexusFileWriter,
  compressionFilter,
  COMPRESSION_FILTERS,
  currentHost,
} from './nexus-writer.ts';
export type { WriterOptions } from './nexus-writer.ts';
export { acquireLock, readLock, lockPathFor } from './file-lock.ts';
export type { FileLock, LockInfo } from './file-lock.ts';
