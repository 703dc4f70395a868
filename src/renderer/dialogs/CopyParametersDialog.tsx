/**
 * Refine ▸ Copy Parameters (spec §6.1, nxcopy): copies the parent scan's geometry, orientation,
 * lattice and reduction parameters into every entry of this file. Entries copied before are
 * skipped unless "Overwrite" is ticked; the parent itself copies nothing.
 */
import { useState } from 'react';

import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, SelectRow } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';

export function CopyParametersDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const job = useDialogJob('copy-parameters');
  const [overwrite, setOverwrite] = useState(false);
  if (!file) return null;
  const r = resultOf(job.record?.end, 'copy-parameters');
  return (
    <DialogFrame id="copy-parameters" title="Copy Parameters" width={480}>
      <SelectRow fileName={file.fileName} />
      <p>
        Copies the parent&apos;s detector geometry, orientation matrix, lattice and reduction parameters into{' '}
        {file.entries.length > 0 ? file.entries.join(', ') : 'the entries'} of this file.
      </p>
      <div className={styles.checks}>
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />{' '}
          Overwrite entries copied before
        </label>
      </div>
      <JobStatus record={job.record} error={job.startError} />
      {r ? (
        <div className={styles.result} role="status" aria-label="Result">
          {r.isParent ? (
            <strong>Set as parent; no parameters copied.</strong>
          ) : (
            <>
              <strong>
                Copied from {r.parent} into{' '}
                {r.copied.length > 0 ? r.copied.map((c) => c.entry).join(', ') : 'no entry'}
              </strong>
              {r.copied.map((c) => (
                <div key={c.entry} className={styles.muted}>
                  {c.entry}: {c.fields} fields
                  {c.missing.length > 0 ? `; not in the parent: ${c.missing.join(', ')}` : ''}
                </div>
              ))}
              {r.skipped.map((s) => (
                <div key={s.entry} className={styles.muted}>
                  {s.entry} skipped: {s.reason}
                </div>
              ))}
            </>
          )}
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running}
          onClick={() =>
            void job.run({
              kind: 'copy-parameters',
              fileId: file.fileId,
              ...(overwrite ? { overwrite: true } : {}),
            })
          }
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('copy-parameters')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
