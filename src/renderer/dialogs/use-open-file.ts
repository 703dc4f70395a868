/** The open file and its detector entries (fN), with the entry preselected from the tree selection. */
import { useMemo, useState } from 'react';

import { detectorEntries } from '../../nexus/schema/nxrefine-paths.ts';
import { useTree } from '../state/store-context.tsx';

export interface OpenFileEntries {
  fileId: string;
  fileName: string;
  /** fN entries of the file, in order. */
  entries: string[];
  entry: string;
  setEntry: (e: string) => void;
}

export function useOpenFileEntries(): OpenFileEntries | null {
  const info = useTree((s) => s.file?.info);
  const rootChildren = useTree((s) => s.file?.nodes['/']?.childPaths);
  const selected = useTree((s) => s.file?.selected);
  const entries = useMemo(
    () => detectorEntries((rootChildren ?? []).map((p) => p.replace(/^\//, ''))),
    [rootChildren],
  );
  // Preselected once, when the dialog opens: the entry the selected tree node belongs to.
  const [initial] = useState(() => selected?.split('/').filter(Boolean)[0]);
  const [chosen, setEntry] = useState<string | undefined>(undefined);
  if (!info) return null;
  const entry =
    chosen && entries.includes(chosen)
      ? chosen
      : initial && entries.includes(initial)
        ? initial
        : (entries[0] ?? '');
  return { fileId: info.fileId, fileName: info.name, entries, entry, setEntry };
}
