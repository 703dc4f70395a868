/**
 * Refine ▸ Define Lattice (spec §6.1): the sample's chemical formula, space group and unit cell in
 * /entry/sample. The space group is looked up as it is typed (Laue group, symmetry and centring
 * follow it); Save writes them. A cell that breaks the symmetry's constraints is refused with the
 * nearest consistent cell, unless "Impose the symmetry's constraints" is ticked.
 */
import { useEffect, useRef, useState } from 'react';

import { toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import { resultOf } from '../state/job-store.ts';
import { useBridge, useDialogStore } from '../state/store-context.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import { CELL_KEYS, checkLatticeForm, hasErrors, parseNumber, type LatticeKey } from './validate.ts';

const TOP: ReadonlyArray<FieldSpec<LatticeKey>> = [
  { key: 'formula', label: 'Chemical Formula' },
  { key: 'spaceGroup', label: 'Space Group' },
];
const CELL: ReadonlyArray<FieldSpec<LatticeKey>> = [
  { key: 'a', label: 'Unit Cell - a (Å)' },
  { key: 'b', label: 'Unit Cell - b (Å)' },
  { key: 'c', label: 'Unit Cell - c (Å)' },
  { key: 'alpha', label: 'Unit Cell - alpha (deg)' },
  { key: 'beta', label: 'Unit Cell - beta (deg)' },
  { key: 'gamma', label: 'Unit Cell - gamma (deg)' },
];

const FILE_FIELDS: Record<LatticeKey, string> = {
  formula: 'chemical_formula',
  spaceGroup: 'space_group',
  a: 'unitcell_a',
  b: 'unitcell_b',
  c: 'unitcell_c',
  alpha: 'unitcell_alpha',
  beta: 'unitcell_beta',
  gamma: 'unitcell_gamma',
};

const blank = Object.fromEntries(Object.keys(FILE_FIELDS).map((k) => [k, ''])) as Record<LatticeKey, string>;

export function DefineLatticeDialog() {
  const file = useOpenFileEntries();
  const bridge = useBridge();
  const dialogs = useDialogStore();
  const job = useDialogJob('define-lattice');
  const [values, setValues] = useState(blank);
  const [constrain, setConstrain] = useState(false);
  const [touched, setTouched] = useState(false);
  const [loadErr, setLoadErr] = useState<NxrErrorInfo | null>(null);
  // Values typed before the file's arrive are kept.
  const touchedRef = useRef(false);
  const fileId = file?.fileId;
  useEffect(() => {
    if (fileId === undefined) return;
    let live = true;
    void (async () => {
      const out = { ...blank };
      for (const [key, field] of Object.entries(FILE_FIELDS) as Array<[LatticeKey, string]>) {
        try {
          const e = await bridge.getEntity(fileId, `/entry/sample/${field}`);
          const v = Array.isArray(e.value) ? e.value[0] : e.value;
          if (typeof v === 'number' || typeof v === 'string') out[key] = String(v);
        } catch (e) {
          const info = toErrorInfo(e);
          if (info.code !== 'MISSING_PATH' && live) setLoadErr(info);
        }
      }
      if (live && !touchedRef.current) setValues(out);
    })();
    return () => {
      live = false;
    };
  }, [bridge, fileId]);

  if (!file) return null;
  const { errors, group } = checkLatticeForm(values);
  const result = resultOf(job.record?.end, 'define-lattice');
  const save = (): void => {
    const cell = Object.fromEntries(CELL_KEYS.map((k) => [k, parseNumber(values[k])])) as Record<
      (typeof CELL_KEYS)[number],
      number
    >;
    void job.run({
      kind: 'define-lattice',
      fileId: file.fileId,
      cell,
      spaceGroup: values.spaceGroup.trim(),
      ...(values.formula.trim() !== '' ? { formula: values.formula.trim() } : {}),
      ...(constrain ? { constrain: true } : {}),
    });
  };
  const showErrors = touched || values.a !== '' ? errors : {};
  const onChange = (k: LatticeKey, v: string): void => {
    touchedRef.current = true;
    setTouched(true);
    setValues((old) => ({ ...old, [k]: v }));
  };
  return (
    <DialogFrame id="define-lattice" title="Define Lattice" width={520}>
      <SelectRow fileName={file.fileName} />
      <ParamGrid
        fields={TOP}
        values={values}
        errors={showErrors}
        disabled={job.running}
        onChange={onChange}
      />
      <dl className={styles.facts} aria-label="Laue group, symmetry and centring">
        <dt>Laue Group</dt>
        <dd data-testid="laue-group">{group?.laueGroup ?? '—'}</dd>
        <dt>Symmetry</dt>
        <dd data-testid="lattice-system">{group?.latticeSystem ?? '—'}</dd>
        <dt>Cell Centring</dt>
        <dd data-testid="centring">
          {group ? `${group.centring} (${group.xhm}, No. ${group.number})` : '—'}
        </dd>
      </dl>
      <ParamGrid
        fields={CELL}
        values={values}
        errors={showErrors}
        disabled={job.running}
        onChange={onChange}
      />
      <div className={styles.checks}>
        <label>
          <input type="checkbox" checked={constrain} onChange={(e) => setConstrain(e.target.checked)} />{' '}
          Impose the symmetry&apos;s constraints on the cell
        </label>
      </div>
      <JobStatus record={job.record} error={job.startError ?? loadErr} />
      {result ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            {result.spaceGroup} (No. {result.spaceGroupNumber}) saved in /entry/sample
          </strong>
          <div className={styles.muted}>
            {result.laueGroup}, {result.unitCellGroup}, centring {result.centring}; a {result.cell.a}, b{' '}
            {result.cell.b}, c {result.cell.c} Å, α {result.cell.alpha}, β {result.cell.beta}, γ{' '}
            {result.cell.gamma}°{result.givenCell ? ' (constrained)' : ''}
          </div>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || hasErrors(errors)}
          onClick={save}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('define-lattice')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
