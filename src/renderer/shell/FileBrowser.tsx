/**
 * Browser mode's Open dialog: the folders and NeXus/HDF5 files inside the served folder (the server
 * refuses anything outside it). Also the folder and file pickers of the Experiment dialogs
 * (`choose` 'directory': folders only, and a button to choose the one shown; 'file': every file).
 */
import { useEffect, useRef, useState } from 'react';

import type { NxrErrorInfo } from '../../shared/errors.ts';
import { formatNxrError, toErrorInfo } from '../../shared/errors.ts';
import type { DirListing } from '../../shared/ipc.ts';
import { useBridge } from '../state/store-context.tsx';
import { formatBytes } from '../tree/format.ts';
import styles from './App.module.css';

export function FileBrowser({
  rootName,
  onOpen,
  onCancel,
  choose = 'nexus',
  title = 'Open NeXus file',
  initialDir = '',
}: {
  rootName: string;
  /** The chosen file or folder, relative to the served folder. */
  onOpen: (path: string) => void;
  onCancel: () => void;
  choose?: 'nexus' | 'directory' | 'file';
  title?: string;
  initialDir?: string;
}) {
  const bridge = useBridge();
  const [dir, setDir] = useState(initialDir);
  const [listing, setListing] = useState<DirListing | null>(null);
  const [error, setError] = useState<NxrErrorInfo | null>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    (choose === 'file' ? bridge.listDirectory(dir, 'all') : bridge.listDirectory(dir)).then(
      (l) => {
        if (!live) return;
        setListing(choose === 'directory' ? { ...l, entries: l.entries.filter((e) => e.kind === 'dir') } : l);
        setError(null);
      },
      (e: unknown) => live && setError(toErrorInfo(e)),
    );
    return () => {
      live = false;
    };
  }, [bridge, dir, choose]);

  useEffect(() => {
    dialog.current?.querySelector<HTMLButtonElement>('button[data-entry]')?.focus();
  }, [listing]);

  const crumbs = dir === '' ? [] : dir.split('/');
  return (
    <div className={styles.backdrop} onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        ref={dialog}
        className={styles.dialog}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <header className={styles.dialogHeader}>
          <h2>{title}</h2>
          <nav aria-label="Folder" className={styles.crumbs}>
            <button type="button" onClick={() => setDir('')}>
              {rootName}
            </button>
            {crumbs.map((c, i) => (
              <span key={i}>
                {' / '}
                <button type="button" onClick={() => setDir(crumbs.slice(0, i + 1).join('/'))}>
                  {c}
                </button>
              </span>
            ))}
          </nav>
        </header>
        {error ? (
          <p role="alert" className={styles.errorText}>
            {formatNxrError(error)}
          </p>
        ) : null}
        <ul className={styles.entries}>
          {listing?.parent !== null && listing !== null ? (
            <li>
              <button type="button" data-entry onClick={() => setDir(listing.parent ?? '')}>
                ..
              </button>
            </li>
          ) : null}
          {listing?.entries.map((e) => (
            <li key={e.path}>
              <button
                type="button"
                data-entry
                data-kind={e.kind}
                onClick={() => (e.kind === 'dir' ? setDir(e.path) : onOpen(e.path))}
              >
                <span className={styles.entryName}>
                  {e.name}
                  {e.kind === 'dir' ? '/' : ''}
                </span>
                {e.sizeBytes !== undefined ? (
                  <span className={styles.entrySize}>{formatBytes(e.sizeBytes)}</span>
                ) : null}
              </button>
            </li>
          ))}
          {listing && listing.entries.length === 0 ? (
            <li className={styles.muted}>
              {choose === 'directory'
                ? 'No folders here'
                : choose === 'file'
                  ? 'No files here'
                  : 'No NeXus files here'}
            </li>
          ) : null}
        </ul>
        <footer className={styles.dialogFooter}>
          {choose === 'directory' && listing ? (
            <button type="button" onClick={() => onOpen(listing.dir)}>
              Choose “{listing.dir === '' ? rootName : listing.dir}”
            </button>
          ) : null}
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </footer>
      </div>
    </div>
  );
}
