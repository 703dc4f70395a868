/**
 * Experiment ▸ New Experiment (spec §2.1, §7): choose the experiment directory (its parent becomes
 * the Analysis Home Directory, its name the Name of Experiment), fill NXRefine's grid (defaults
 * from the server settings), Save → the directory <analysis_home>/<experiment>[/<analysis_path>]
 * with configurations/, tasks/settings.ini, calibrations/ and scripts/.
 */
import { useEffect, useState } from 'react';

import { reconcileExperimentDirectory } from '../../refine/experiment/layout.ts';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import styles from '../dialogs/Dialog.module.css';
import { JobStatus, ParamGrid, type FieldSpec } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { hasErrors } from '../dialogs/validate.ts';
import { useAppInfo } from '../state/app-info.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import { joinHostPath, useExperimentInfo } from './experiment-form.tsx';
import own from './Experiment.module.css';
import { useLastExperiment } from './last-experiment.ts';
import { checkExperimentForm, type ExperimentKey } from './new-experiment-forms.ts';
import { DirectoryField } from './PathField.tsx';

type Key = ExperimentKey;

const FIELDS: ReadonlyArray<FieldSpec<Key>> = [
  { key: 'source', label: 'Source Name' },
  { key: 'instrument', label: 'Instrument' },
  { key: 'rawHome', label: 'Raw Home Directory' },
  { key: 'rawPath', label: 'Raw Data Subdirectory' },
  { key: 'analysisPath', label: 'Analysis Subdirectory' },
  { key: 'experiment', label: 'Name of Experiment' },
];

const SERVER_KEYS: Record<Key, string> = {
  source: 'source',
  instrument: 'instrument',
  rawHome: 'raw_home',
  rawPath: 'raw_path',
  analysisPath: 'analysis_path',
  experiment: 'experiment',
};

export function NewExperimentDialog() {
  const dialogs = useDialogStore();
  const appInfo = useAppInfo();
  const browserMode = appInfo?.mode === 'browser';
  const [, setLast] = useLastExperiment();
  const job = useDialogJob('new-experiment');
  const defaults = useExperimentInfo(null);
  const [home, setHome] = useState('');
  const [values, setValues] = useState<Record<Key, string>>({
    source: '',
    instrument: '',
    rawHome: '',
    rawPath: '',
    analysisPath: '',
    experiment: '',
  });
  const [overwrite, setOverwrite] = useState(false);
  const [filled, setFilled] = useState(false);

  // the server settings' [instrument] values, once
  const server = defaults.info?.serverInstrument;
  useEffect(() => {
    if (filled || defaults.info === undefined) return;
    setFilled(true);
    if (!server) return;
    setValues((old) => {
      const next = { ...old };
      for (const k of Object.keys(SERVER_KEYS) as Key[]) {
        const v = server[SERVER_KEYS[k]];
        if (old[k] === '' && v !== null && v !== undefined && k !== 'experiment') next[k] = String(v);
      }
      return next;
    });
    const h = server['analysis_home'];
    if (!browserMode && typeof h === 'string') setHome((old) => (old === '' ? h : old));
  }, [defaults.info, server, filled, browserMode]);

  const instruments = defaults.info?.instruments ?? [];
  const errors = checkExperimentForm(values, home, instruments, browserMode);
  const directory = joinHostPath(
    home.trim(),
    [values.experiment.trim(), ...values.analysisPath.split('/').filter((p) => p.trim() !== '')].join('/'),
  );
  const result = resultOf(job.record?.end, 'new-experiment');

  /** A chosen experiment directory fills home and name (after the analysis sub-directory). */
  const choose = (dir: string): void => {
    const r = reconcileExperimentDirectory(dir, values.analysisPath.trim());
    if (r === undefined) {
      // a top-level folder of the served folder: home is the served folder itself
      setHome('');
      setValues((old) => ({ ...old, experiment: dir.replace(/[\\/]+$/, '') }));
      return;
    }
    setHome(r.analysisHome);
    setValues((old) => ({ ...old, experiment: r.experiment, analysisPath: r.analysisPath }));
  };

  const save = async (): Promise<void> => {
    const end = await job.run({
      kind: 'new-experiment',
      directory,
      ...(values.source.trim() !== '' ? { source: values.source.trim() } : {}),
      ...(values.instrument.trim() !== '' ? { instrument: values.instrument.trim() } : {}),
      ...(values.rawHome.trim() !== '' ? { rawHome: values.rawHome.trim() } : {}),
      ...(values.rawPath.trim() !== '' ? { rawPath: values.rawPath.trim() } : {}),
      analysisPath: values.analysisPath.trim(),
      experiment: values.experiment.trim(),
      ...(overwrite ? { overwrite: true } : {}),
    });
    if (resultOf(end, 'new-experiment')) setLast(directory);
  };

  return (
    <DialogFrame id="new-experiment" title="New Experiment" width={600}>
      <DirectoryField
        label="Choose Experiment Directory"
        value={directory}
        onChange={choose}
        disabled={job.running}
      />
      <DirectoryField
        label="Analysis Home Directory"
        value={home}
        onChange={setHome}
        error={errors.home}
        disabled={job.running}
      />
      <ParamGrid
        fields={FIELDS}
        values={values}
        errors={errors}
        notes={{ instrument: instruments.length > 0 ? instruments.join(', ') : '' }}
        disabled={job.running}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
      <p className={styles.muted}>
        Creates <span className={own.preview}>{directory === '' ? '…' : directory}</span> with
        configurations/, tasks/settings.ini ({server ? 'from the server settings' : 'built-in defaults'}),
        calibrations/ and scripts/.
      </p>
      <div className={styles.checks}>
        <label>
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />{' '}
          Replace the settings of an existing experiment
        </label>
      </div>
      <JobStatus record={job.record} error={job.startError ?? defaults.error} />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>Experiment created: {result.created.filter((c) => c !== '.').join(', ')}</strong>
          {result.existing.length > 0 ? (
            <div className={styles.muted}>Existing: {result.existing.join(', ')}</div>
          ) : null}
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || hasErrors(errors)}
          onClick={() => void save()}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('new-experiment')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
