/**
 * Experiment ▸ Create Mask (spec §7): the entry's calibration image (or first frame, or zeros)
 * with the mask over it; module gaps of a DECTRIS model, the pixels < 0 of the image, an imported
 * mask image, and rectangles, circles and polygons that add pixels to the mask or remove them
 * (typed x/y/w/h, x/y/r or points, or dragged on the plot). Save writes
 * instrument/detector/pixel_mask (int8, 1 = masked), optionally to every entry.
 *
 * The engine's preview gives the layers (current mask ∪ imported mask, the image); the mask shown
 * is built from them here by the same function the engine saves with, so the counts shown are the
 * counts saved.
 */
import { useEffect, useMemo, useState } from 'react';

import { DETECTOR_MODELS } from '../../refine/detector/detector-models.ts';
import type { MaskShapeMode } from '../../refine/mask/mask-shapes.ts';
import type { CreateMaskRequest, CreateMaskSummary } from '../../shared/experiment-jobs.ts';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import { JobStatus, SelectRow } from '../dialogs/form.tsx';
import styles from '../dialogs/Dialog.module.css';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { useOpenFileEntries } from '../dialogs/use-open-file.ts';
import { resultOf } from '../state/job-store.ts';
import { useDialogStore } from '../state/store-context.tsx';
import {
  defaultShape,
  editorMask,
  formatPoints,
  gapMaskFor,
  parsePoints,
  shapeProblem,
  type EditorShape,
  type GapChoice,
  type MaskLayers,
  type ShapeType,
} from './mask-editor.ts';
import { MaskPlot } from './MaskPlot.tsx';
import { FilePathField } from './PathField.tsx';

const SHAPE_LABEL: Record<ShapeType, string> = {
  rectangle: 'Rectangle',
  circle: 'Circle',
  polygon: 'Polygon',
};

/** A number field that keeps what is typed until it is a number. */
function NumberField({
  label,
  value,
  onCommit,
}: {
  label: string;
  value: number;
  onCommit: (v: number) => void;
}) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const invalid = text.trim() === '' || !Number.isFinite(Number(text));
  return (
    <label style={{ display: 'inline-flex', gap: 3, alignItems: 'center' }}>
      {label}
      <input
        type="text"
        inputMode="decimal"
        aria-label={label}
        value={text}
        size={6}
        aria-invalid={invalid}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v)) onCommit(v);
        }}
      />
    </label>
  );
}

function PointsField({ value, onCommit }: { value: string; onCommit: (t: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <input
      type="text"
      aria-label="Points"
      title="x1,y1 x2,y2 x3,y3 …"
      value={text}
      size={34}
      aria-invalid={parsePoints(text) === null}
      onChange={(e) => {
        setText(e.target.value);
        if (parsePoints(e.target.value)) onCommit(e.target.value);
      }}
    />
  );
}

function ShapeRow({
  s,
  index,
  selected,
  onChange,
  onSelect,
  onDelete,
}: {
  s: EditorShape;
  index: number;
  selected: boolean;
  onChange: (s: EditorShape) => void;
  onSelect: () => void;
  onDelete: () => void;
}) {
  const problem = shapeProblem(s);
  return (
    <li
      aria-label={`Shape ${index + 1}`}
      aria-current={selected}
      onFocusCapture={onSelect}
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 6,
        alignItems: 'center',
        padding: '2px 4px',
        background: selected ? 'var(--code-bg)' : undefined,
      }}
    >
      <strong style={{ minWidth: 90 }}>
        {index + 1}. {SHAPE_LABEL[s.type]}
      </strong>
      <select
        aria-label="Mode"
        value={s.mode ?? 'add'}
        onChange={(e) => onChange({ ...s, mode: e.target.value as MaskShapeMode })}
      >
        <option value="add">add to mask</option>
        <option value="remove">remove from mask</option>
      </select>
      {s.type === 'rectangle' ? (
        <>
          <NumberField label="x" value={s.x} onCommit={(v) => onChange({ ...s, x: v })} />
          <NumberField label="y" value={s.y} onCommit={(v) => onChange({ ...s, y: v })} />
          <NumberField label="w" value={s.width} onCommit={(v) => onChange({ ...s, width: v })} />
          <NumberField label="h" value={s.height} onCommit={(v) => onChange({ ...s, height: v })} />
        </>
      ) : s.type === 'circle' ? (
        <>
          <NumberField label="x" value={s.x} onCommit={(v) => onChange({ ...s, x: v })} />
          <NumberField label="y" value={s.y} onCommit={(v) => onChange({ ...s, y: v })} />
          <NumberField label="r" value={s.radius} onCommit={(v) => onChange({ ...s, radius: v })} />
        </>
      ) : (
        <PointsField
          value={formatPoints(s.points)}
          onCommit={(t) => onChange({ ...s, points: parsePoints(t) ?? s.points })}
        />
      )}
      <button type="button" onClick={onDelete} aria-label={`Delete shape ${index + 1}`}>
        Delete
      </button>
      {problem ? <span className={styles.fieldError}>{problem}</span> : null}
    </li>
  );
}

export function CreateMaskDialog() {
  const file = useOpenFileEntries();
  const dialogs = useDialogStore();
  const preview = useDialogJob('create-mask:preview');
  const save = useDialogJob('create-mask');
  const [layers, setLayers] = useState<(MaskLayers & { summary: CreateMaskSummary; key: string }) | null>(
    null,
  );
  const [gaps, setGaps] = useState<GapChoice>('auto');
  const [gapsOn, setGapsOn] = useState(true);
  const [negatives, setNegatives] = useState(true);
  const [keepExisting, setKeepExisting] = useState(true);
  const [importText, setImportText] = useState('');
  const [importFile, setImportFile] = useState<string | null>(null);
  const [allEntries, setAllEntries] = useState(false);
  const [shapes, setShapes] = useState<EditorShape[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [newType, setNewType] = useState<ShapeType>('rectangle');
  const [nextId, setNextId] = useState(1);
  const [saved, setSaved] = useState<CreateMaskSummary | null>(null);
  const [reload, setReload] = useState(0);

  const fileId = file?.fileId;
  const entry = file?.entry;
  const { run: runPreview } = preview;

  // another file: its own mask, no shapes or import carried over
  useEffect(() => {
    setShapes([]);
    setSelected(null);
    setImportFile(null);
    setSaved(null);
  }, [fileId]);

  // the layers: current ∪ imported mask and the image, from the engine
  useEffect(() => {
    if (!fileId || !entry) return;
    let live = true;
    const request: CreateMaskRequest = {
      kind: 'create-mask',
      fileId,
      entry,
      write: false,
      returnImage: true,
      negatives: 'none',
      gaps: 'none',
      keepExisting,
      ...(importFile ? { importFile } : {}),
    };
    void runPreview(request).then((end) => {
      const r = resultOf(end, 'create-mask');
      if (!live || !r) return;
      setLayers({
        shape: r.shape,
        base: r.mask,
        image: r.image ?? null,
        description: r.description,
        summary: r,
        key: `${fileId}:${entry}:${r.imagePath ?? 'zeros'}:${reload}`,
      });
    });
    return () => {
      live = false;
    };
  }, [fileId, entry, keepExisting, importFile, reload, runPreview]);

  const gapChoice: GapChoice = gapsOn ? gaps : 'none';
  const gapLayer = useMemo(
    () => (layers ? gapMaskFor(layers, gapChoice) : { mask: null, label: '' }),
    [layers, gapChoice],
  );
  const useNegatives = negatives && layers?.summary.imageSource !== 'none';
  const built = useMemo(
    () => (layers ? editorMask(layers, gapLayer.mask, useNegatives, shapes) : null),
    [layers, gapLayer, useNegatives, shapes],
  );

  if (!file) {
    return (
      <DialogFrame id="create-mask" title="Create Mask" width={520}>
        <p>Open a scan or configuration file first.</p>
        <div className={styles.buttons}>
          <button type="button" onClick={() => dialogs.getState().closeDialog('create-mask')}>
            Close
          </button>
        </div>
      </DialogFrame>
    );
  }

  const summary = layers?.summary;
  const shape = layers?.shape;
  const otherEntries = file.entries.filter((e) => e !== file.entry);
  const centre: [number, number] = summary?.beamCenter ?? (shape ? [shape[1] / 2, shape[0] / 2] : [0, 0]);
  const addShape = (mode: MaskShapeMode): void => {
    if (!shape) return;
    const s = defaultShape(newType, centre, shape, mode, nextId);
    setNextId(nextId + 1);
    setShapes([...shapes, s]);
    setSelected(s.id);
  };
  const update = (s: EditorShape): void => {
    setShapes((old) => old.map((o) => (o.id === s.id ? s : o)));
    setSelected(s.id);
  };
  const badShapes = shapes.some((s) => shapeProblem(s) !== null);
  const onSave = async (): Promise<void> => {
    setSaved(null);
    const end = await save.run({
      kind: 'create-mask',
      fileId: file.fileId,
      entry: file.entry,
      write: true,
      shapes: shapes.map(({ id: _id, ...s }) => s),
      gaps: gapChoice,
      negatives: useNegatives ? 'auto' : 'none',
      keepExisting,
      allEntries,
      ...(importFile ? { importFile } : {}),
    });
    const r = resultOf(end, 'create-mask');
    if (r) {
      setSaved(r);
      // the file's mask is now the saved one: start again from it
      setShapes([]);
      setSelected(null);
      setImportFile(null);
      setImportText('');
      setKeepExisting(true);
      setReload((n) => n + 1);
    }
  };
  const c = built?.counts;
  const imageLabel =
    summary?.imageSource === 'calibration'
      ? 'calibration image'
      : summary?.imageSource === 'frame'
        ? 'first frame'
        : 'no image (zeros)';

  return (
    <DialogFrame id="create-mask" title="Create Mask" width={880}>
      <SelectRow
        fileName={file.fileName}
        entries={file.entries}
        entry={file.entry}
        onEntry={(e) => {
          setShapes([]);
          setSelected(null);
          file.setEntry(e);
        }}
      />
      {layers && built ? (
        <MaskPlot
          shape={layers.shape}
          image={layers.image instanceof Float32Array ? layers.image : null}
          imageKey={layers.key}
          mask={built.mask}
          shapes={shapes}
          selected={selected}
          onEdit={update}
        />
      ) : (
        <div style={{ height: 460, flexShrink: 0 }} className={styles.muted} aria-busy="true">
          {preview.running ? 'Reading the entry…' : ''}
        </div>
      )}
      {summary ? (
        <div className={styles.muted}>
          {summary.shape[0]} × {summary.shape[1]} pixels
          {summary.description ? ` · ${summary.description}` : ''} · showing the {imageLabel}
          {summary.imagePath ? ` (${summary.imagePath})` : ''}
        </div>
      ) : null}
      <div className={styles.checks} role="group" aria-label="Mask sources">
        <label>
          <input type="checkbox" checked={gapsOn} onChange={(e) => setGapsOn(e.target.checked)} /> Module gaps
        </label>
        <select
          aria-label="Detector model"
          value={gaps}
          disabled={!gapsOn}
          onChange={(e) => setGaps(e.target.value)}
        >
          <option value="auto">auto</option>
          {DETECTOR_MODELS.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
        <span className={styles.muted} data-testid="gap-model">
          {gapsOn && layers ? gapLayer.label : ''}
        </span>
      </div>
      <div className={styles.checks}>
        <label>
          <input
            type="checkbox"
            checked={negatives}
            disabled={summary?.imageSource === 'none'}
            onChange={(e) => setNegatives(e.target.checked)}
          />{' '}
          Mask pixels &lt; 0 of the {imageLabel}
        </label>
        <label>
          <input type="checkbox" checked={keepExisting} onChange={(e) => setKeepExisting(e.target.checked)} />{' '}
          Keep the current mask{summary ? ` (${summary.counts.before.toLocaleString('en-US')} pixels)` : ''}
        </label>
      </div>
      <FilePathField
        label="Import Mask (TIFF, PNG, EDF, CBF, HDF5)"
        value={importText}
        onChange={setImportText}
      />
      <div className={styles.checks}>
        <button
          type="button"
          disabled={importText.trim() === ''}
          onClick={() => setImportFile(importText.trim())}
        >
          Import Mask
        </button>
        <button type="button" disabled={importFile === null} onClick={() => setImportFile(null)}>
          Clear Import
        </button>
        <span className={styles.muted}>
          {summary?.imported
            ? `imported ${summary.imported.file}${summary.imported.path ?? ''} (${summary.imported.format}): ${summary.counts.imported.toLocaleString('en-US')} pixels`
            : ''}
        </span>
      </div>
      <div className={styles.checks} role="group" aria-label="Add Shape">
        <select aria-label="Shape" value={newType} onChange={(e) => setNewType(e.target.value as ShapeType)}>
          <option value="rectangle">Rectangle</option>
          <option value="circle">Circle</option>
          <option value="polygon">Polygon</option>
        </select>
        <button type="button" disabled={!shape} onClick={() => addShape('add')}>
          Add Shape
        </button>
        <button type="button" disabled={!shape} onClick={() => addShape('remove')}>
          Add Removal
        </button>
        <span className={styles.muted}>drag a shape or its corners on the plot, or type its numbers</span>
      </div>
      {shapes.length > 0 ? (
        <ol aria-label="Shapes" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {shapes.map((s, i) => (
            <ShapeRow
              key={s.id}
              s={s}
              index={i}
              selected={s.id === selected}
              onSelect={() => setSelected(s.id)}
              onChange={update}
              onDelete={() => setShapes(shapes.filter((o) => o.id !== s.id))}
            />
          ))}
        </ol>
      ) : null}
      {c ? (
        <div role="status" aria-label="Mask counts" className={styles.muted}>
          masked: {c.before.toLocaleString('en-US')} now → {c.after.toLocaleString('en-US')} after save (of{' '}
          {c.pixels.toLocaleString('en-US')}) · gaps {c.gaps.toLocaleString('en-US')} · pixels &lt; 0{' '}
          {c.negative.toLocaleString('en-US')} · shapes +{c.shapesAdded.toLocaleString('en-US')} −
          {c.shapesRemoved.toLocaleString('en-US')}
        </div>
      ) : null}
      <label>
        <input
          type="checkbox"
          checked={allEntries}
          disabled={otherEntries.length === 0}
          onChange={(e) => setAllEntries(e.target.checked)}
        />{' '}
        Copy the mask to all entries{otherEntries.length > 0 ? ` (${otherEntries.join(', ')})` : ''}
      </label>
      <JobStatus
        record={preview.record?.end?.ok === false ? preview.record : undefined}
        error={preview.startError}
      />
      <JobStatus record={save.record} error={save.startError} runningText="Saving the mask…" />
      {saved ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>Mask saved</strong>
          <div>
            {saved.counts.after.toLocaleString('en-US')} pixels masked in {saved.entries.join(', ')} (
            instrument/detector/pixel_mask)
          </div>
        </div>
      ) : null}
      <div className={styles.buttons}>
        <span className={styles.spacer} />
        <button
          type="button"
          className={styles.primary}
          disabled={!layers || save.running || preview.running || badShapes}
          onClick={() => void onSave()}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('create-mask')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
