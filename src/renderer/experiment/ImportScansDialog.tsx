/**
 * Experiment ▸ Import Scans (spec §7; NXRefine's ImportScanDialog): choose the experiment
 * directory; the beamline and raw data directory come from its tasks/settings.ini (both can be
 * overridden); choose a sample (from the raw directory tree) and a configuration, tick the raw
 * scans to import and Import. The engine's import-scans job writes `<sample>_<scan>.nxs` and
 * `<scan>/fN.h5` (float32 frames, NaN for missing images) and never writes to the raw directory.
 */
import { useEffect, useId, useState } from 'react';

import type { ListRawScansSummary } from '../../shared/experiment-jobs.ts';
import styles from '../dialogs/Dialog.module.css';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import { JobStatus } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore, useTree } from '../state/store-context.tsx';
import { DirectoryField, FilePathField } from './PathField.tsx';
import { ScanChecklist } from './ScanChecklist.tsx';

const LINK = {
  border: 'none',
  background: 'none',
  padding: 0,
  color: 'var(--accent)',
  textDecoration: 'underline',
  cursor: 'pointer',
  font: 'inherit',
} as const;

export function ImportScansDialog() {
  const dialogs = useDialogStore();
  const openFile = useTree((s) => s.openFile);
  const lister = useDialogJob('import-scans:list');
  const job = useDialogJob('import-scans');
  const ids = useId();
  const [directory, setDirectory] = useState('');
  const [rawDirectory, setRawDirectory] = useState('');
  const [beamline, setBeamline] = useState('');
  const [sample, setSample] = useState('');
  const [configuration, setConfiguration] = useState('');
  const [specFile, setSpecFile] = useState('');
  const [monitors, setMonitors] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [listing, setListing] = useState<ListRawScansSummary | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [refresh, setRefresh] = useState(0);

  const listRun = lister.run;
  const [sampleName, label] = sample.split('/') as [string, string | undefined];
  useEffect(() => {
    if (directory.trim() === '') {
      setListing(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      void listRun({
        kind: 'list-raw-scans',
        directory: directory.trim(),
        ...(rawDirectory.trim() !== '' ? { rawDirectory: rawDirectory.trim() } : {}),
        ...(beamline !== '' ? { beamline } : {}),
        ...(sampleName !== '' && label !== undefined ? { sample: sampleName, label } : {}),
      }).then((end) => {
        if (!live) return;
        const r = resultOf(end, 'list-raw-scans');
        setListing(r ?? null);
        if (!r) return;
        if (sample !== '' && !r.samples.includes(sample)) setSample('');
        setConfiguration((c) => (r.configurations.includes(c) ? c : (r.configurations[0] ?? '')));
        // new scans are ticked, imported ones are not
        setChosen(new Set(r.scans.filter((s) => !s.exists).map((s) => s.scan)));
      });
    }, 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [directory, rawDirectory, beamline, sample, sampleName, label, listRun, refresh]);

  const result = resultOf(job.record?.end, 'import-scans');
  const listEnd = lister.record?.end;
  const listError =
    lister.startError ??
    (listEnd && !listEnd.ok && listEnd.error.code !== 'CANCELLED' ? listEnd.error : null);
  const scans = listing?.scans ?? [];
  const chosenScans = scans.filter((s) => chosen.has(s.scan)).map((s) => s.scan);
  const canImport =
    listing !== null && label !== undefined && configuration !== '' && chosenScans.length > 0 && !job.running;
  const monitorList = monitors
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');

  const run = (): void => {
    if (label === undefined) return;
    void job
      .run({
        kind: 'import-scans',
        directory: directory.trim(),
        sample: sampleName,
        label,
        configuration,
        scans: chosenScans,
        ...(overwrite ? { overwrite } : {}),
        ...(rawDirectory.trim() !== '' ? { rawDirectory: rawDirectory.trim() } : {}),
        ...(specFile.trim() !== '' ? { specFile: specFile.trim() } : {}),
        ...(beamline !== '' ? { beamline } : {}),
        ...(monitorList.length > 0 ? { monitors: monitorList } : {}),
      })
      .then((end) => {
        if (end?.ok) setRefresh((n) => n + 1);
      });
  };
  const base = directory.trim().replace(/\/+$/, '');

  return (
    <DialogFrame id="import-scans" title="Import Scans" width={620}>
      <DirectoryField label="Experiment directory" value={directory} onChange={setDirectory} />
      <DirectoryField
        label="Raw data directory"
        value={rawDirectory}
        onChange={setRawDirectory}
        placeholder="<raw_home>/<experiment>/<raw_path> of tasks/settings.ini"
      />
      <div className={styles.grid}>
        <label htmlFor={`${ids}-beamline`}>Beamline</label>
        <select
          id={`${ids}-beamline`}
          value={beamline}
          disabled={job.running}
          onChange={(e) => setBeamline(e.target.value)}
        >
          <option value="">{listing ? `${listing.beamline} (settings)` : 'from tasks/settings.ini'}</option>
          {(listing?.beamlines ?? []).map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
        <span className={styles.fieldNote}>
          {listing
            ? `raw directory from ${listing.rawDirectoryFrom === 'settings' ? 'settings.ini' : 'above'}`
            : ''}
        </span>
        <label htmlFor={`${ids}-sample`}>Sample</label>
        <select
          id={`${ids}-sample`}
          value={sample}
          disabled={!listing || job.running}
          onChange={(e) => setSample(e.target.value)}
        >
          <option value="">{listing && listing.samples.length === 0 ? 'no samples' : 'choose…'}</option>
          {(listing?.samples ?? []).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className={styles.fieldNote}>sample/label in the raw directory</span>
        <label htmlFor={`${ids}-config`}>Configuration</label>
        <select
          id={`${ids}-config`}
          value={configuration}
          disabled={!listing || job.running}
          onChange={(e) => setConfiguration(e.target.value)}
        >
          {(listing?.configurations ?? []).length === 0 ? <option value="">none</option> : null}
          {(listing?.configurations ?? []).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <span className={styles.fieldNote}>configurations/</span>
        <label htmlFor={`${ids}-monitors`}>Monitors</label>
        <input
          id={`${ids}-monitors`}
          type="text"
          value={monitors}
          placeholder="flyc1, flyc2"
          disabled={job.running}
          onChange={(e) => setMonitors(e.target.value)}
        />
        <span className={styles.fieldNote}>log columns → monitor1, monitor2</span>
      </div>
      <FilePathField
        label="SPEC file"
        value={specFile}
        onChange={setSpecFile}
        placeholder="default: <raw directory>/../<sample>"
      />
      <ScanChecklist
        label="Raw scans"
        items={scans.map((s) => ({
          name: s.scan,
          detail:
            `${s.entries.map((e) => `${e.entry}: scan ${e.scanNumber ?? '?'}, ${e.frames} frames${e.missingFrames > 0 ? ` (${e.missingFrames} missing)` : ''}`).join('; ')}` +
            (s.exists ? ' — imported' : ''),
        }))}
        chosen={chosen}
        onChange={setChosen}
        disabled={job.running}
        empty={label === undefined ? 'Choose a sample.' : 'No raw scans.'}
      />
      <div className={styles.checks}>
        <label>
          <input
            type="checkbox"
            checked={overwrite}
            disabled={job.running}
            onChange={(e) => setOverwrite(e.target.checked)}
          />{' '}
          Overwrite Existing Files
        </label>
      </div>
      <JobStatus record={job.record} error={job.startError ?? listError} runningText="Importing…" />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            {result.imported.length} scan{result.imported.length === 1 ? '' : 's'} imported ({result.beamline}
            )
          </strong>
          {result.imported.map((s) => (
            <div key={s.scan}>
              <button type="button" style={LINK} onClick={() => void openFile(`${base}/${s.wrapper}`)}>
                {s.wrapper}
              </button>{' '}
              {s.entries
                .map(
                  (e) =>
                    `${e.entry}: ${e.frames} frames${e.missingFrames > 0 ? ` (${e.missingFrames} NaN)` : ''}${e.monitors.length > 0 ? `, ${e.monitors.join(', ')}` : ''}`,
                )
                .join('; ')}
              {s.warnings.map((w) => (
                <div key={w} className={styles.muted}>
                  {w}
                </div>
              ))}
            </div>
          ))}
          {result.skipped.map((s) => (
            <div key={s.scan} className={styles.muted}>
              skipped {s.scan}: {s.reason}
            </div>
          ))}
          <div className={styles.muted}>{result.seconds.toFixed(1)} s</div>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <span className={styles.spacer} />
        {job.running ? (
          <button type="button" onClick={job.cancel}>
            Cancel
          </button>
        ) : null}
        <button type="button" className={styles.primary} disabled={!canImport} onClick={run}>
          Import
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('import-scans')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
