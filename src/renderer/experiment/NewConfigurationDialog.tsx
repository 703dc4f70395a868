/**
 * Experiment ▸ New Configuration (spec §3.1, §7): choose the experiment directory; NXRefine's grids
 * (setup, analysis, scan and detector settings, then one column per detector position) start from
 * the experiment's tasks/settings.ini; each value is checked beside its field; Save →
 * configurations/<name>.nxs.
 */
import { useEffect, useState } from 'react';

import {
  checkConfiguration,
  configurationDefaults,
  MAX_DETECTOR_POSITIONS,
  type ConfigurationSettings,
  type DetectorPosition,
} from '../../refine/experiment/configuration.ts';
import { CONFIGURATION_DETECTORS, DEFAULT_DETECTOR } from '../../refine/experiment/detectors.ts';
import { checkName, configurationStem } from '../../refine/experiment/names.ts';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import styles from '../dialogs/Dialog.module.css';
import { JobStatus, ParamGrid, type FieldSpec } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { hasErrors } from '../dialogs/validate.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import { ChoiceField, PositionsTable, SectionTitle, text, useExperimentInfo } from './experiment-form.tsx';
import { useLastExperiment } from './last-experiment.ts';
import { fromForm, POSITION_KEYS, type ConfigurationKey, type PositionKey } from './new-experiment-forms.ts';
import { DirectoryField } from './PathField.tsx';

type Key = ConfigurationKey;

const SETUP: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'name', label: 'Configuration Filename' },
  { key: 'facility', label: 'Name of Facility' },
  { key: 'instrument', label: 'Instrument Name' },
  { key: 'wavelength', label: 'Wavelength (Å)' },
];
const ANALYSIS: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'threshold', label: 'Peak Threshold' },
  { key: 'first', label: 'First Frame' },
  { key: 'last', label: 'Last Frame' },
  { key: 'polarMax', label: 'Max. Polar Angle (deg)' },
  { key: 'hklTolerance', label: 'HKL Tolerance (Å⁻¹)' },
  { key: 'monitor', label: 'Normalization Monitor' },
  { key: 'norm', label: 'Normalization Value' },
  { key: 'radius', label: 'Punch Radius (Å⁻¹)' },
];
const SCAN: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'phiStart', label: 'Phi Start (deg)' },
  { key: 'phiEnd', label: 'Phi End (deg)' },
  { key: 'phiStep', label: 'Phi Step (deg)' },
  { key: 'frameRate', label: 'Frame Rate (Hz)' },
];
const DETECTOR: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'distance', label: 'Distance (mm)' },
  { key: 'detectorOrientation', label: 'Detector Orientation' },
  { key: 'beamCenterX', label: 'Beam Center X (pixels, optional)' },
  { key: 'beamCenterY', label: 'Beam Center Y (pixels, optional)' },
];
export const POSITION_ROWS: ReadonlyArray<{ key: PositionKey; label: string }> = [
  { key: 'chi', label: 'Chi (deg)' },
  { key: 'omega', label: 'Omega (deg)' },
  { key: 'theta', label: 'Theta (deg)' },
  { key: 'x', label: 'Translation X (mm)' },
  { key: 'y', label: 'Translation Y (mm)' },
];

function toForm(c: ConfigurationSettings, name: string): Record<Key, string> {
  return {
    name,
    facility: c.facility,
    instrument: c.instrument,
    wavelength: text(c.wavelength),
    threshold: text(c.threshold),
    first: text(c.first),
    last: text(c.last),
    polarMax: text(c.polarMax),
    hklTolerance: text(c.hklTolerance),
    monitor: c.monitor,
    norm: text(c.norm),
    radius: text(c.radius),
    phiStart: text(c.phiStart),
    phiEnd: text(c.phiEnd),
    phiStep: text(c.phiStep),
    frameRate: text(c.frameRate),
    distance: text(c.distance),
    detectorOrientation: c.detectorOrientation,
    beamCenterX: text(c.beamCenterX),
    beamCenterY: text(c.beamCenterY),
  };
}

const positionForm = (p: DetectorPosition): Record<PositionKey, string> =>
  Object.fromEntries(POSITION_KEYS.map((k) => [k, text(p[k])])) as Record<PositionKey, string>;

export function NewConfigurationDialog() {
  const dialogs = useDialogStore();
  const [last] = useLastExperiment();
  const [directory, setDirectory] = useState(last);
  const exp = useExperimentInfo(directory);
  const job = useDialogJob('new-configuration');
  const [values, setValues] = useState<Record<Key, string>>(() => toForm(configurationDefaults(), ''));
  const [detector, setDetector] = useState(DEFAULT_DETECTOR);
  const [positions, setPositions] = useState<Array<Record<PositionKey, string>>>(() =>
    configurationDefaults().positions.map(positionForm),
  );
  const [overwrite, setOverwrite] = useState(false);
  const [filledFrom, setFilledFrom] = useState<string | null>(null);

  // defaults from the experiment's settings.ini, each time another experiment is read
  const info = exp.info;
  useEffect(() => {
    if (info === undefined || filledFrom === directory) return;
    setFilledFrom(directory);
    const c = configurationDefaults(info.settings);
    setValues((old) => toForm(c, old.name));
    setPositions((old) => old.map(() => positionForm(c.positions[0]!)));
  }, [info, directory, filledFrom]);

  const config = fromForm(values, detector, positions);
  const errors: Record<string, string> = { ...checkConfiguration(config) };
  const nameError = checkName('configuration', values.name.trim());
  if (nameError !== undefined) errors['name'] = nameError;
  else if (info?.configurations.includes(configurationStem(values.name.trim())) && !overwrite)
    errors['name'] = 'exists already (tick Replace to overwrite it)';
  if (info !== undefined && !info.isExperiment)
    errors['directory'] = 'not an experiment directory (New Experiment)';
  const result = resultOf(job.record?.end, 'new-configuration');
  const setCount = (n: number): void =>
    setPositions((old) =>
      Array.from(
        { length: n },
        (_, i) => old[i] ?? positionForm(configurationDefaults(info?.settings).positions[0]!),
      ),
    );
  const change = (k: Key, v: string): void => setValues((old) => ({ ...old, [k]: v }));
  const grid = (fields: ReadonlyArray<FieldSpec<Key>>) => (
    <ParamGrid fields={fields} values={values} errors={errors} disabled={job.running} onChange={change} />
  );

  const save = async (): Promise<void> => {
    const end = await job.run({
      kind: 'new-configuration',
      directory: directory.trim(),
      name: values.name.trim(),
      values: config,
      ...(overwrite ? { overwrite: true } : {}),
    });
    if (resultOf(end, 'new-configuration')) exp.reload();
  };

  return (
    <DialogFrame id="new-configuration" title="New Configuration" width={640}>
      <DirectoryField
        label="Experiment Directory"
        value={directory}
        onChange={setDirectory}
        error={errors['directory']}
        disabled={job.running}
      />
      {info && info.configurations.length > 0 ? (
        <p className={styles.muted}>Configurations: {info.configurations.join(', ')}</p>
      ) : null}
      {grid(SETUP)}
      <SectionTitle>Analysis Settings</SectionTitle>
      {grid(ANALYSIS)}
      <SectionTitle>Scan Settings</SectionTitle>
      {grid(SCAN)}
      <SectionTitle>Detector Settings</SectionTitle>
      <ChoiceField
        label="Detector"
        value={detector}
        options={CONFIGURATION_DETECTORS.map((d) => ({
          value: d.name,
          label: `${d.name} (${d.shape[1]} × ${d.shape[0]}, ${d.pixelSize * 1000} µm)`,
        }))}
        onChange={setDetector}
        error={errors['detector']}
        disabled={job.running}
      />
      {grid(DETECTOR)}
      <ChoiceField
        label="Number of Detector Positions"
        value={String(positions.length)}
        options={Array.from({ length: MAX_DETECTOR_POSITIONS + 1 }, (_, i) => String(i))}
        onChange={(v) => setCount(Number(v))}
        disabled={job.running}
      />
      <PositionsTable
        rows={POSITION_ROWS}
        values={positions}
        errors={errors}
        disabled={job.running}
        onChange={(i, k, v) => setPositions((old) => old.map((p, j) => (j === i ? { ...p, [k]: v } : p)))}
      />
      <div className={styles.checks}>
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />{' '}
          Replace an existing configuration of this name
        </label>
      </div>
      <JobStatus record={job.record} error={job.startError ?? exp.error} />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            Saved {result.file}: {result.entries.join(', ')}
          </strong>
          <div className={styles.muted}>
            {result.detector.name}, {result.detector.shape[0]} × {result.detector.shape[1]} pixels
            {result.detector.maskedPixels !== null
              ? `, ${result.detector.maskedPixels} gap pixels masked`
              : ''}
            ; {result.nframes} frames per rotation
          </div>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || hasErrors(errors) || info === undefined}
          onClick={() => void save()}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('new-configuration')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
