/**
 * A folder or file path typed by hand or chosen with "Browse…": the native dialog under Electron
 * (absolute paths), a picker over the served folder in browser mode (paths relative to it). The
 * value is a host path as the Experiment jobs take it (src/shared/experiment-jobs.ts).
 */
import { useId, useState } from 'react';

import { formatNxrError, toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import styles from '../dialogs/Dialog.module.css';
import { FileBrowser } from '../shell/FileBrowser.tsx';
import { useAppInfo } from '../state/app-info.ts';
import { useBridge } from '../state/store-context.tsx';

export function PathField({
  label,
  value,
  onChange,
  choose,
  error,
  disabled,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (path: string) => void;
  choose: 'directory' | 'file';
  /** Validation message shown beside the field. */
  error?: string | undefined;
  disabled?: boolean;
  placeholder?: string;
}) {
  const bridge = useBridge();
  const info = useAppInfo();
  const id = useId();
  const [picking, setPicking] = useState(false);
  const [failure, setFailure] = useState<NxrErrorInfo | null>(null);
  const browserMode = info?.mode === 'browser';

  const browse = async (): Promise<void> => {
    setFailure(null);
    if (browserMode) {
      setPicking(true);
      return;
    }
    try {
      const p = choose === 'directory' ? await bridge.chooseDirectory(label) : await bridge.chooseFile(label);
      if (p !== null) onChange(p);
    } catch (e) {
      setFailure(toErrorInfo(e));
    }
  };
  const message = error ?? (failure ? formatNxrError(failure) : undefined);
  // in browser mode the picker starts in the folder typed (or the file's folder)
  const start = value.replace(/\/+$/, '');
  const initialDir = choose === 'file' ? start.slice(0, Math.max(0, start.lastIndexOf('/'))) : start;

  return (
    // a path needs more room than the grid's 140 px value column: the field takes what the message leaves
    <div
      className={styles.grid}
      style={{ gridTemplateColumns: '215px minmax(0, 1fr) auto' }}
      role="group"
      aria-label={label}
    >
      <label htmlFor={id}>{label}</label>
      {/* the path gets the value and message columns (paths are long); the message goes below */}
      <span style={{ display: 'flex', gap: 4, gridColumn: '2 / 4', minWidth: 0 }}>
        <input
          id={id}
          type="text"
          value={value}
          style={{ flex: 1, minWidth: 0 }}
          disabled={disabled}
          placeholder={placeholder ?? (browserMode ? 'relative to the served folder' : 'absolute path')}
          aria-invalid={message !== undefined}
          aria-describedby={`${id}-msg`}
          onChange={(e) => onChange(e.target.value)}
        />
        <button type="button" disabled={disabled || info === null} onClick={() => void browse()}>
          Browse…
        </button>
      </span>
      <span
        id={`${id}-msg`}
        className={message !== undefined ? styles.fieldError : styles.fieldNote}
        style={{ gridColumn: '2 / 4' }}
      >
        {message ?? ''}
      </span>
      {picking && info ? (
        <FileBrowser
          rootName={info.rootName ?? 'folder'}
          choose={choose}
          title={label}
          initialDir={initialDir}
          onCancel={() => setPicking(false)}
          onOpen={(p) => {
            setPicking(false);
            onChange(p);
          }}
        />
      ) : null}
    </div>
  );
}

/** A folder path field (see PathField). */
export function DirectoryField(props: Omit<Parameters<typeof PathField>[0], 'choose'>) {
  return <PathField {...props} choose="directory" />;
}

/** A file path field (see PathField). */
export function FilePathField(props: Omit<Parameters<typeof PathField>[0], 'choose'>) {
  return <PathField {...props} choose="file" />;
}
