/** Typed wrappers of data:read (the channel answers a union; each query kind has one answer type). */
import type { DatasetValues, EntryGeometry, EntryMonitor, NxrBridge } from '../../shared/ipc.ts';

export function readValues(bridge: NxrBridge, fileId: string, path: string): Promise<DatasetValues> {
  return bridge.readData({ kind: 'values', fileId, path }) as Promise<DatasetValues>;
}

export function readGeometry(bridge: NxrBridge, fileId: string, entry: string): Promise<EntryGeometry> {
  return bridge.readData({ kind: 'geometry', fileId, entry }) as Promise<EntryGeometry>;
}

export function readEntryMonitor(
  bridge: NxrBridge,
  fileId: string,
  entry: string,
  name: string,
  frames: number,
): Promise<EntryMonitor> {
  return bridge.readData({ kind: 'monitor', fileId, entry, name, frames }) as Promise<EntryMonitor>;
}
