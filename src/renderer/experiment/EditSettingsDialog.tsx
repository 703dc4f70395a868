/**
 * Experiment ▸ Edit Settings (and the server's, spec §2.2–2.3, §7): every section of the
 * experiment's tasks/settings.ini — or of the server settings — as NXRefine reads it (missing keys
 * filled from the defaults, unknown keys dropped), each value with where it came from; values are
 * checked beside their fields (the instrument must be a registered beamline); Save writes the file.
 */
import { useEffect, useState } from 'react';

import type { SettingsSummary } from '../../shared/experiment-jobs.ts';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import styles from '../dialogs/Dialog.module.css';
import { JobStatus, ParamGrid, type FieldSpec } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { hasErrors } from '../dialogs/validate.ts';
import { useAppInfo } from '../state/app-info.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import { SectionTitle } from './experiment-form.tsx';
import own from './Experiment.module.css';
import { useLastExperiment } from './last-experiment.ts';
import { checkSettingsForm } from './new-experiment-forms.ts';
import { DirectoryField } from './PathField.tsx';

type Scope = 'experiment' | 'server';

/** Text values by 'section.key'. */
const textsOf = (s: SettingsSummary): Record<string, string> =>
  Object.fromEntries(s.sections.flatMap((sec) => sec.entries.map((e) => [`${sec.name}.${e.key}`, e.text])));

export function EditSettingsDialog() {
  const dialogs = useDialogStore();
  const browserMode = useAppInfo()?.mode === 'browser';
  const [last] = useLastExperiment();
  const [scope, setScope] = useState<Scope>('experiment');
  const [directory, setDirectory] = useState(last);
  const loader = useDialogJob('edit-settings:load');
  const saver = useDialogJob('edit-settings');
  const [view, setView] = useState<SettingsSummary | null>(null);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [loaded, setLoaded] = useState<Record<string, string>>({});
  const runLoad = loader.run;

  useEffect(() => {
    if (scope === 'experiment' && directory.trim() === '' && !browserMode) {
      setView(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void runLoad({
        kind: 'read-settings',
        scope,
        ...(scope === 'experiment' ? { directory: directory.trim() } : {}),
      }).then((end) => {
        const r = resultOf(end, 'read-settings');
        if (!live) return;
        setView(r ?? null);
        if (r) {
          setTexts(textsOf(r));
          setLoaded(textsOf(r));
        }
      });
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [scope, directory, runLoad, browserMode]);

  const errors = view ? checkSettingsForm(view, texts) : {};
  const changed = Object.keys(texts).filter((k) => texts[k] !== loaded[k]);
  const result = resultOf(saver.record?.end, 'edit-settings');
  const loadError =
    loader.startError ?? (loader.record?.end && !loader.record.end.ok ? loader.record.end.error : null);

  const save = async (): Promise<void> => {
    const end = await saver.run({
      kind: 'edit-settings',
      scope,
      ...(scope === 'experiment' ? { directory: directory.trim() } : {}),
      values: Object.fromEntries(changed.map((k) => [k, texts[k]!])),
    });
    const r = resultOf(end, 'edit-settings');
    if (r) {
      setView(r);
      setTexts(textsOf(r));
      setLoaded(textsOf(r));
    }
  };

  return (
    <DialogFrame id="edit-settings" title="Edit Settings" width={600}>
      <div className={own.scope} role="radiogroup" aria-label="Settings">
        {(['experiment', 'server'] as const).map((s) => (
          <label key={s}>
            <input type="radio" name="settings-scope" checked={scope === s} onChange={() => setScope(s)} />{' '}
            {s === 'experiment' ? 'Experiment settings' : 'Server settings'}
          </label>
        ))}
      </div>
      {scope === 'experiment' ? (
        <DirectoryField
          label="Experiment Directory"
          value={directory}
          onChange={setDirectory}
          disabled={saver.running}
        />
      ) : null}
      {view ? (
        <p className={styles.muted}>
          <span className={own.preview}>{view.file}</span>
          {view.exists ? '' : ' (does not exist yet: the defaults are shown; Save makes it)'}
        </p>
      ) : null}
      {view?.sections.map((sec) => {
        const fields: Array<FieldSpec<string>> = sec.entries.map((e) => ({
          key: `${sec.name}.${e.key}`,
          label: e.key,
        }));
        const notes = Object.fromEntries(
          sec.entries.map((e) => [
            `${sec.name}.${e.key}`,
            `${e.label ?? ''}${e.label ? ' · ' : ''}${texts[`${sec.name}.${e.key}`] !== loaded[`${sec.name}.${e.key}`] ? 'changed' : e.origin}`,
          ]),
        );
        return (
          <section key={sec.name} aria-label={`[${sec.name}]`}>
            <SectionTitle>{`[${sec.name}]`}</SectionTitle>
            <ParamGrid
              fields={fields}
              values={Object.fromEntries(fields.map((f) => [f.key, texts[f.key] ?? '']))}
              errors={errors}
              notes={notes}
              disabled={saver.running}
              onChange={(k, v) => setTexts((old) => ({ ...old, [k]: v }))}
            />
          </section>
        );
      })}
      {view && view.dropped.length > 0 ? (
        <p className={styles.muted}>
          Dropped (not {scope} settings): {view.dropped.map((d) => `[${d.section}] ${d.key}`).join(', ')}
        </p>
      ) : null}
      <JobStatus record={saver.record} error={saver.startError ?? loadError} />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            Saved {result.file}
            {result.changed.length === 0
              ? ' (no value changed)'
              : `: ${result.changed.map((c) => `[${c.section}] ${c.key} = ${String(c.to)}`).join(', ')}`}
          </strong>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={saver.running || view === null || hasErrors(errors)}
          onClick={() => void save()}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('edit-settings')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
