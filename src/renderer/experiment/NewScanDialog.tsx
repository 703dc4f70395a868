/**
 * Experiment ▸ New Scan, classic (spec §3.2, §7): choose the experiment directory, the sample
 * (<sample>/<label>) and the configuration; the grid (Scan Label, Temperature, φ start/end/step,
 * Frame Rate) and the per-position values (χ, ω, θ, translation, Detector Filename, Detector Data
 * Path) start from the configuration; "Make Scan File" → <sample>_<scan>.nxs and the scan
 * directory <scan>/, whose raw files f1.h5 … the data links point at.
 */
import { useEffect, useState } from 'react';

import { scanDefaults, scanFrameCount, checkScan, type ScanSettings } from '../../refine/experiment/scan.ts';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import styles from '../dialogs/Dialog.module.css';
import { JobStatus, ParamGrid, type FieldSpec } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { hasErrors } from '../dialogs/validate.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore, useTree } from '../state/store-context.tsx';
import {
  ChoiceField,
  joinHostPath,
  PositionsTable,
  SectionTitle,
  text,
  useExperimentInfo,
} from './experiment-form.tsx';
import { useLastExperiment } from './last-experiment.ts';
import { fromScanForm, type ScanKey, type ScanPositionKey } from './new-experiment-forms.ts';
import { DirectoryField } from './PathField.tsx';

type Key = ScanKey;
type PosKey = ScanPositionKey;

const FIELDS: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'scan', label: 'Scan Label' },
  { key: 'temperature', label: 'Temperature (K)' },
  { key: 'phiStart', label: 'Phi Start (deg)' },
  { key: 'phiEnd', label: 'Phi End (deg)' },
  { key: 'phiStep', label: 'Phi Step (deg)' },
  { key: 'frameRate', label: 'Frame Rate (Hz)' },
];
const ROWS: ReadonlyArray<{ key: PosKey; label: string }> = [
  { key: 'chi', label: 'Chi (deg)' },
  { key: 'omega', label: 'Omega (deg)' },
  { key: 'theta', label: 'Theta (deg)' },
  { key: 'x', label: 'Translation X (mm)' },
  { key: 'y', label: 'Translation Y (mm)' },
  { key: 'linkFile', label: 'Detector Filename' },
  { key: 'linkPath', label: 'Detector Data Path' },
];

function toForm(s: ScanSettings): { values: Record<Key, string>; positions: Array<Record<PosKey, string>> } {
  return {
    values: {
      scan: s.scan,
      temperature: text(s.temperature),
      phiStart: text(s.phiStart),
      phiEnd: text(s.phiEnd),
      phiStep: text(s.phiStep),
      frameRate: text(s.frameRate),
    },
    positions: s.positions.map((p) => ({
      chi: text(p.chi),
      omega: text(p.omega),
      theta: text(p.theta),
      x: text(p.x),
      y: text(p.y),
      linkFile: p.linkFile,
      linkPath: p.linkPath,
    })),
  };
}

export function NewScanDialog() {
  const dialogs = useDialogStore();
  const openFile = useTree((s) => s.openFile);
  const [last] = useLastExperiment();
  const [directory, setDirectory] = useState(last);
  const [sample, setSample] = useState('');
  const [configuration, setConfiguration] = useState('');
  const exp = useExperimentInfo(directory, configuration);
  const job = useDialogJob('new-scan');
  const [values, setValues] = useState<Record<Key, string>>({
    scan: '300K',
    temperature: '300',
    phiStart: '',
    phiEnd: '',
    phiStep: '',
    frameRate: '',
  });
  const [positions, setPositions] = useState<Array<Record<PosKey, string>>>([]);
  const [filledFrom, setFilledFrom] = useState<string | null>(null);
  const info = exp.info;

  // first sample and configuration by default; the configuration's values once it is read
  useEffect(() => {
    if (info === undefined) return;
    const names = info.samples.map((s) => `${s.sample}/${s.label}`);
    if (!names.includes(sample)) setSample(names[0] ?? '');
    if (!info.configurations.includes(configuration)) setConfiguration(info.configurations[0] ?? '');
  }, [info, sample, configuration]);
  const summary = info?.configuration?.name === configuration ? info.configuration : undefined;
  useEffect(() => {
    if (summary === undefined || filledFrom === `${directory}|${configuration}`) return;
    setFilledFrom(`${directory}|${configuration}`);
    const form = toForm(scanDefaults(summary));
    setValues((old) => ({ ...form.values, scan: old.scan, temperature: old.temperature }));
    setPositions(form.positions);
  }, [summary, directory, configuration, filledFrom]);

  const scan = fromScanForm(values, positions);
  const errors: Record<string, string> = summary ? { ...checkScan(scan) } : {};
  if (info !== undefined && !info.isExperiment)
    errors['directory'] = 'not an experiment directory (New Experiment)';
  if (info?.isExperiment && info.samples.length === 0) errors['sample'] = 'no sample yet: New Sample first';
  if (info?.isExperiment && info.configurations.length === 0)
    errors['configuration'] = 'no configuration yet: New Configuration first';
  const existing = info?.samples.find((s) => `${s.sample}/${s.label}` === sample)?.scans ?? [];
  if (errors['scan'] === undefined && existing.includes(scan.scan))
    errors['scan'] = 'exists already in this sample';
  const nframes = summary && !errors['phiStep'] && !errors['phiEnd'] ? scanFrameCount(scan) : null;
  const result = resultOf(job.record?.end, 'new-scan');

  const make = async (): Promise<void> => {
    const [s, l] = sample.split('/') as [string, string];
    const end = await job.run({
      kind: 'new-scan',
      directory: directory.trim(),
      sample: s,
      label: l,
      configuration,
      values: scan,
    });
    if (resultOf(end, 'new-scan')) exp.reload();
  };

  return (
    <DialogFrame id="new-scan" title="New Scan" width={640}>
      <DirectoryField
        label="Experiment Directory"
        value={directory}
        onChange={setDirectory}
        error={errors['directory']}
        disabled={job.running}
      />
      <ChoiceField
        label="Sample"
        value={sample}
        options={info?.samples.map((s) => `${s.sample}/${s.label}`) ?? []}
        onChange={setSample}
        error={errors['sample']}
        disabled={job.running}
      />
      <ChoiceField
        label="Configuration"
        value={configuration}
        options={info?.configurations ?? []}
        onChange={setConfiguration}
        error={errors['configuration']}
        note={
          summary
            ? `${summary.entries.length} detector position(s), ${summary.shape[1]} × ${summary.shape[0]} pixels`
            : ''
        }
        disabled={job.running}
      />
      <SectionTitle>Scan</SectionTitle>
      <ParamGrid
        fields={FIELDS}
        values={values}
        errors={errors}
        notes={{ phiStep: nframes !== null ? `${nframes} frames` : '' }}
        disabled={job.running || summary === undefined}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
      <PositionsTable
        rows={ROWS}
        values={positions}
        errors={errors}
        disabled={job.running}
        onChange={(i, k, v) => setPositions((old) => old.map((p, j) => (j === i ? { ...p, [k]: v } : p)))}
      />
      <JobStatus record={job.record} error={job.startError ?? exp.error} />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>Made {result.wrapperFile}</strong>
          <div className={styles.muted}>
            {result.nframes} frames;{' '}
            {result.links
              .map((l) => `${l.entry} → ${l.file}${l.exists ? '' : ' (not there yet)'}`)
              .join(', ')}
          </div>
          <button
            type="button"
            onClick={() => void openFile(joinHostPath(directory.trim(), result.wrapperFile))}
          >
            Open
          </button>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || hasErrors(errors) || summary === undefined || sample === ''}
          onClick={() => void make()}
        >
          Make Scan File
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('new-scan')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
