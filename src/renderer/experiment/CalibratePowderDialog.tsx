/**
 * Experiment ▸ Calibrate Powder (spec §7; NXRefine's CalibrateDialog): choose the entry; Import
 * Powder Data (TIFF, CBF, EDF, HDF5), Import Calibration (.poni), Export Calibration; Calibrant,
 * Wavelength, Distance, Beam Center x/y, Yaw, Pitch, Roll with their fit checkboxes, Search Size;
 * Select Points (click a ring on the image: the ring is traced from the click and labelled with
 * the selected Ring), Autogenerate Rings (Ring1 … the selected ring, predicted from the current
 * values), Clear Points; Calibrate (fit the checked values to the points), Restore (the values
 * before the last Calibrate) and Save (instrument/calibration, the detector and monochromator
 * fields and the polarization array, optionally copied to other entries). The image shows the
 * points and the rings predicted from the values in the fields; the 2θ residuals of the last fit
 * are listed per ring. Roll turns the detector about the beam and cannot be fitted to rings.
 */
import { useEffect, useId, useMemo, useState } from 'react';

import { computeCalibrantLines } from '../../refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../refine/calibrate/calibrants.ts';
import type { PowderParameterName } from '../../refine/calibrate/models.ts';
import { predictRingCurves } from '../../refine/calibrate/ring-curves.ts';
import type {
  FitPowderSummary,
  PowderImageSummary,
  PowderPoint,
  PowderStateSummary,
} from '../../shared/experiment-jobs.ts';
import type { JobRequest } from '../../shared/jobs.ts';
import styles from '../dialogs/Dialog.module.css';
import { DialogFrame } from '../dialogs/DialogFrame.tsx';
import { JobStatus, SelectRow } from '../dialogs/form.tsx';
import { useDialogJob } from '../dialogs/use-dialog-job.ts';
import { useOpenFileEntries } from '../dialogs/use-open-file.ts';
import { parseNumber } from '../dialogs/validate.ts';
import { resultOf } from '../state/job-store.ts';
import { CalibrationImagePlot, type CalibrationImage } from './CalibrationImagePlot.tsx';
import {
  CALIBRATE_ROWS,
  checkCalibrateValues,
  geometryFromValues,
  ringColor,
  valuesFromGeometry,
  type CalibrateValues,
} from './calibrate-powder-form.ts';
import local from './CalibratePowder.module.css';
import { FilePathField } from './PathField.tsx';

const RINGS = 20;

interface ImageSource {
  /** Host path of the image file; undefined = the entry's stored calibration image. */
  image?: string;
  imagePath?: string;
  frame?: number;
}

export function CalibratePowderDialog() {
  const file = useOpenFileEntries();
  if (!file)
    return (
      <DialogFrame id="calibrate-powder" title="Calibrate Powder" width={460}>
        <p className={styles.muted}>Open a scan or configuration file first.</p>
      </DialogFrame>
    );
  return <CalibratePowderForm key={`${file.fileId}:${file.entry}`} file={file} />;
}

function CalibratePowderForm({ file }: { file: NonNullable<ReturnType<typeof useOpenFileEntries>> }) {
  const ids = useId();
  const loader = useDialogJob('calibrate-powder:load');
  const job = useDialogJob('calibrate-powder');
  const [state, setState] = useState<PowderStateSummary | null>(null);
  const [values, setValues] = useState<CalibrateValues>(() => valuesFromGeometry({}, 10));
  const [fit, setFit] = useState<Record<PowderParameterName, boolean>>(
    () =>
      Object.fromEntries(CALIBRATE_ROWS.map((r) => [r.key, r.fit])) as Record<PowderParameterName, boolean>,
  );
  const [calibrant, setCalibrant] = useState('CeO2');
  const [ring, setRing] = useState(0);
  const [selecting, setSelecting] = useState(false);
  const [points, setPoints] = useState<PowderPoint[]>([]);
  const [last, setLast] = useState<FitPowderSummary | null>(null);
  const [restore, setRestore] = useState<CalibrateValues | null>(null);
  const [imageFile, setImageFile] = useState('');
  const [imagePath, setImagePath] = useState('');
  const [frame, setFrame] = useState('');
  const [source, setSource] = useState<ImageSource | null>(null);
  const [image, setImage] = useState<(PowderImageSummary & { key: string }) | null>(null);
  const [poniFile, setPoniFile] = useState('');
  const [copyTo, setCopyTo] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);

  const runLoad = loader.run;
  // The entry's values, and its stored calibration image when it has one.
  useEffect(() => {
    let live = true;
    void (async () => {
      const end = await runLoad({ kind: 'powder-state', fileId: file.fileId, entry: file.entry });
      const s = resultOf(end, 'powder-state');
      if (!live || !s) return;
      setState(s);
      setValues(valuesFromGeometry(s.values, 10));
      if (s.calibration?.calibrant && s.calibrants.includes(s.calibration.calibrant))
        setCalibrant(s.calibration.calibrant);
      if (s.calibration) {
        setPoints(s.calibration.points);
        const im = resultOf(
          await runLoad({ kind: 'powder-image', fileId: file.fileId, entry: file.entry }),
          'powder-image',
        );
        if (live && im) {
          setSource({});
          setImage({ ...im, key: `${file.fileId}:${file.entry}:stored` });
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [file.fileId, file.entry, runLoad]);

  const errors = checkCalibrateValues(values);
  const shape = image?.shape;
  const pixelSize = state?.values.pixelSize ?? image?.metadata.pixelSize;
  const geometry = useMemo(
    () =>
      geometryFromValues(values, shape, {
        ...(state?.values ?? {}),
        ...(pixelSize !== undefined ? { pixelSize } : {}),
      }),
    [values, shape, state, pixelSize],
  );
  const wavelength = parseNumber(values.wavelength);
  const lines = useMemo(() => {
    try {
      return computeCalibrantLines(
        findCalibrant(calibrant),
        wavelength > 0 ? { wavelength, dMin: 0.3 } : { dMin: 0.3 },
      );
    } catch {
      return [];
    }
  }, [calibrant, wavelength]);
  const rings = useMemo(
    () => (geometry ? predictRingCurves(geometry, lines, Math.max(ring + 1, RINGS)) : []),
    [geometry, lines, ring],
  );
  const plotImage: CalibrationImage | null = useMemo(
    () => (image ? { key: image.key, shape: image.shape, data: image.data } : null),
    [image],
  );

  const busy = job.running || loader.running;
  const imageFields = (): ImageSource => source ?? {};
  const start = (request: JobRequest) => job.run(request);

  const importPowder = async (): Promise<void> => {
    const src: ImageSource = {
      image: imageFile.trim(),
      ...(imagePath.trim() !== '' ? { imagePath: imagePath.trim() } : {}),
      ...(frame.trim() !== '' ? { frame: parseNumber(frame) } : {}),
    };
    const im = resultOf(
      await start({ kind: 'powder-image', fileId: file.fileId, entry: file.entry, ...src }),
      'powder-image',
    );
    if (!im) return;
    setSource(src);
    setImage({
      ...im,
      key: `${file.fileId}:${file.entry}:${src.image}:${src.imagePath ?? ''}:${src.frame ?? 0}`,
    });
    setPoints([]);
    setLast(null);
    // values the image states fill only what the entry lacks
    setValues((v) => ({
      ...v,
      ...(v.wavelength === '' && im.metadata.wavelength !== undefined
        ? { wavelength: String(im.metadata.wavelength) }
        : {}),
      ...(v.distance === '' && im.metadata.distance !== undefined
        ? { distance: String(im.metadata.distance) }
        : {}),
      ...(v.beamCenterX === ''
        ? { beamCenterX: String(im.metadata.beamCenterX ?? (im.shape[1] - 1) / 2) }
        : {}),
      ...(v.beamCenterY === ''
        ? { beamCenterY: String(im.metadata.beamCenterY ?? (im.shape[0] - 1) / 2) }
        : {}),
    }));
  };

  const importCalibration = async (): Promise<void> => {
    const r = resultOf(
      await start({
        kind: 'powder-poni',
        fileId: file.fileId,
        entry: file.entry,
        action: 'import',
        poni: poniFile.trim(),
      }),
      'powder-poni',
    );
    if (r?.geometry) setValues((v) => ({ ...valuesFromGeometry(r.geometry!, parseNumber(v.searchSize)) }));
  };

  const exportCalibration = async (): Promise<void> => {
    if (!geometry) return;
    await start({
      kind: 'powder-poni',
      fileId: file.fileId,
      entry: file.entry,
      action: 'export',
      poni: poniFile.trim(),
      geometry,
    });
  };

  const pick = async (click?: { x: number; y: number }): Promise<void> => {
    if (!geometry) return;
    const r = resultOf(
      await start({
        kind: 'pick-rings',
        fileId: file.fileId,
        entry: file.entry,
        ...imageFields(),
        geometry,
        calibrant,
        searchSize: parseNumber(values.searchSize),
        ...(click ? { click: { ...click, ring } } : { rings: ring + 1 }),
      }),
      'pick-rings',
    );
    if (!r) return;
    setLast(null);
    if (click) setPoints((old) => [...old, ...r.points]);
    else
      setPoints((old) => {
        // as NXRefine: rings that already have points keep them
        const have = new Set(old.map((p) => p.ring));
        return [...old, ...r.points.filter((p) => !have.has(p.ring))];
      });
  };

  const calibrate = async (): Promise<void> => {
    if (!geometry) return;
    const r = resultOf(
      await start({
        kind: 'fit-powder',
        fileId: file.fileId,
        entry: file.entry,
        geometry,
        calibrant,
        points,
        fit,
      }),
      'fit-powder',
    );
    if (!r) return;
    setRestore(values);
    setLast(r);
    setValues((v) => valuesFromGeometry(r.geometry, parseNumber(v.searchSize)));
  };

  const save = async (): Promise<void> => {
    if (!geometry) return;
    const usedPoints =
      last && last.used.length === points.length ? points.filter((_, i) => last.used[i]) : points;
    const end = await start({
      kind: 'calibrate-powder',
      fileId: file.fileId,
      entry: file.entry,
      ...imageFields(),
      calibrant,
      geometry,
      ...(usedPoints.length > 0 ? { points: usedPoints } : {}),
      ...(last ? { rms: last.rms } : {}),
      ...(copyTo.length > 0 ? { copyTo } : {}),
    });
    const r = resultOf(end, 'calibrate-powder');
    if (r) setSaved(`saved in ${r.entries.map((e) => `/${e}`).join(', ')}`);
  };

  const noImage = !image;
  const noGeometry = geometry === undefined;
  const others = (state?.detectorEntries ?? []).filter((e) => e !== file.entry);

  return (
    <DialogFrame id="calibrate-powder" title="Calibrate Powder" width={1000}>
      <SelectRow fileName={file.fileName} entries={file.entries} entry={file.entry} onEntry={file.setEntry} />
      <div className={local.columns}>
        <div className={local.column}>
          <div className={local.paths}>
            <FilePathField label="Powder data" value={imageFile} onChange={setImageFile} disabled={busy} />
          </div>
          <details>
            <summary className={styles.muted}>HDF5 dataset and frame</summary>
            <div className={styles.grid} style={{ gridTemplateColumns: '120px 1fr' }}>
              <label htmlFor={`${ids}-path`}>Dataset</label>
              <input
                id={`${ids}-path`}
                type="text"
                value={imagePath}
                placeholder="found when empty"
                onChange={(e) => setImagePath(e.target.value)}
              />
              <label htmlFor={`${ids}-frame`}>Frame</label>
              <input
                id={`${ids}-frame`}
                type="text"
                value={frame}
                placeholder="0"
                onChange={(e) => setFrame(e.target.value)}
              />
            </div>
          </details>
          <div className={local.paths}>
            <FilePathField
              label="Calibration (.poni)"
              value={poniFile}
              onChange={setPoniFile}
              disabled={busy}
            />
          </div>
          <div className={`${styles.buttons} ${local.left}`}>
            <button
              type="button"
              disabled={busy || imageFile.trim() === ''}
              onClick={() => void importPowder()}
            >
              Import Powder Data
            </button>
            <button
              type="button"
              disabled={busy || poniFile.trim() === ''}
              onClick={() => void importCalibration()}
            >
              Import Calibration
            </button>
            <button
              type="button"
              disabled={busy || poniFile.trim() === '' || noGeometry}
              onClick={() => void exportCalibration()}
            >
              Export Calibration
            </button>
          </div>
          <table className={styles.gridTable} aria-label="Calibration parameters">
            <thead>
              <tr>
                <th />
                <th />
                <th title="Fit this value with Calibrate">Fit</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>
                  <label htmlFor={`${ids}-calibrant`}>Calibrant</label>
                </td>
                <td>
                  <select
                    id={`${ids}-calibrant`}
                    value={calibrant}
                    disabled={busy}
                    onChange={(e) => {
                      setCalibrant(e.target.value);
                      setLast(null);
                    }}
                  >
                    {(state?.calibrants ?? ['CeO2']).map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </td>
                <td />
              </tr>
              {CALIBRATE_ROWS.map((r) => (
                <tr key={r.key}>
                  <td>
                    <label htmlFor={`${ids}-${r.key}`}>{r.label}</label>
                  </td>
                  <td>
                    <input
                      id={`${ids}-${r.key}`}
                      type="text"
                      value={values[r.key]}
                      disabled={busy}
                      aria-invalid={errors[r.key] !== undefined}
                      title={errors[r.key]}
                      onChange={(e) => setValues((v) => ({ ...v, [r.key]: e.target.value }))}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Fit ${r.label}`}
                      checked={fit[r.key]}
                      disabled={busy || r.key === 'roll'}
                      title={
                        r.key === 'roll'
                          ? 'roll turns the detector about the beam: rings do not show it'
                          : undefined
                      }
                      onChange={(e) => setFit((f) => ({ ...f, [r.key]: e.target.checked }))}
                    />
                  </td>
                </tr>
              ))}
              <tr>
                <td>
                  <label htmlFor={`${ids}-searchSize`}>Search Size (pixels)</label>
                </td>
                <td>
                  <input
                    id={`${ids}-searchSize`}
                    type="text"
                    value={values.searchSize}
                    disabled={busy}
                    aria-invalid={errors.searchSize !== undefined}
                    title={errors.searchSize}
                    onChange={(e) => setValues((v) => ({ ...v, searchSize: e.target.value }))}
                  />
                </td>
                <td />
              </tr>
            </tbody>
          </table>
          {Object.values(errors).length > 0 ? (
            <span className={styles.fieldError}>{Object.values(errors)[0]}</span>
          ) : null}
          {image && pixelSize === undefined ? (
            <span className={styles.fieldError}>the entry has no detector pixel_size</span>
          ) : null}
          <div className={`${styles.buttons} ${local.left}`}>
            <button
              type="button"
              aria-pressed={selecting}
              className={selecting ? styles.primary : undefined}
              disabled={noImage || noGeometry}
              onClick={() => setSelecting((s) => !s)}
              title="Click a ring on the image: it is traced and labelled with the selected ring"
            >
              Select Points
            </button>
            <select aria-label="Ring" value={ring} onChange={(e) => setRing(Number(e.target.value))}>
              {Array.from({ length: RINGS }, (_, i) => (
                <option key={i} value={i} style={{ color: ringColor(i) }}>
                  Ring{i + 1}
                </option>
              ))}
            </select>
            <button type="button" disabled={busy || noImage || noGeometry} onClick={() => void pick()}>
              Autogenerate Rings
            </button>
            <button
              type="button"
              disabled={busy || points.length === 0}
              onClick={() => {
                setPoints([]);
                setLast(null);
              }}
            >
              Clear Points
            </button>
          </div>
          <div className={`${styles.buttons} ${local.left}`}>
            <button
              type="button"
              className={styles.primary}
              disabled={busy || noGeometry || points.length === 0}
              onClick={() => void calibrate()}
            >
              Calibrate
            </button>
            <button
              type="button"
              disabled={busy || restore === null}
              onClick={() => restore && setValues(restore)}
            >
              Restore
            </button>
            <button type="button" disabled={busy || noImage || noGeometry} onClick={() => void save()}>
              Save
            </button>
          </div>
          {others.length > 0 ? (
            <fieldset className={styles.fitFlags} aria-label="Copy to other entries">
              <legend>Save also to</legend>
              {others.map((e) => (
                <label key={e}>
                  <input
                    type="checkbox"
                    checked={copyTo.includes(e)}
                    onChange={(ev) =>
                      setCopyTo((c) => (ev.target.checked ? [...c, e] : c.filter((x) => x !== e)))
                    }
                  />{' '}
                  {e}
                </label>
              ))}
            </fieldset>
          ) : null}
          <JobStatus record={job.record} error={job.startError ?? loader.startError} />
          {saved ? (
            <div className={styles.result} role="status" aria-label="Saved">
              {saved}
            </div>
          ) : null}
        </div>
        <div className={local.column}>
          <div className={styles.muted} data-testid="calibration-source">
            {image
              ? `${image.source.name}${image.source.path ? `:${image.source.path}` : ''}${image.source.frame !== undefined ? ` frame ${image.source.frame}` : ''} · ${image.shape[0]} × ${image.shape[1]} · ${image.source.format}${image.source.stored ? ' (stored)' : ''}`
              : 'No powder data'}
            {` · ${points.length} points`}
          </div>
          <CalibrationImagePlot
            image={plotImage}
            points={points}
            used={last && last.used.length === points.length ? last.used : undefined}
            rings={rings}
            selecting={selecting && !busy}
            onPick={(x, y) => void pick({ x, y })}
          />
          {last ? <FitReadout fit={last} /> : null}
        </div>
      </div>
    </DialogFrame>
  );
}

/** The 2θ residual read-out of the last Calibrate: rms, esds, per ring. */
function FitReadout({ fit }: { fit: FitPowderSummary }) {
  const used = fit.used.filter(Boolean).length;
  const esd = (k: PowderParameterName, digits: number): string =>
    fit.esds[k] !== undefined ? `${fit.geometry[k].toFixed(digits)} ± ${fit.esds[k]!.toExponential(1)}` : '';
  return (
    <div className={styles.result} role="status" aria-label="Calibration result" data-rms={fit.rms}>
      <strong>
        rms 2θ residual {fit.rms.toExponential(2)}° · {used} of {fit.used.length} points · {fit.rings.length}{' '}
        rings
        {fit.converged ? '' : ` · ${fit.message}`}
      </strong>
      <div className={styles.muted}>
        {fit.fitted
          .map((k) => {
            const d = k === 'wavelength' ? 6 : k === 'distance' ? 3 : k.startsWith('beam') ? 3 : 4;
            return `${k} ${esd(k, d)}`;
          })
          .join(' · ')}
      </div>
      {fit.notes.map((n) => (
        <div key={n} className={styles.muted}>
          {n}
        </div>
      ))}
      <div className={styles.table} style={{ maxHeight: 150 }}>
        <table aria-label="Residuals per ring">
          <thead>
            <tr>
              <th>Ring</th>
              <th>d (Å)</th>
              <th>2θ (°)</th>
              <th>points</th>
              <th>mean Δ2θ (°)</th>
              <th>rms (°)</th>
            </tr>
          </thead>
          <tbody>
            {fit.rings.map((r) => (
              <tr key={r.ring}>
                <td style={{ color: ringColor(r.ring) }}>{r.ring + 1}</td>
                <td>{r.d.toFixed(4)}</td>
                <td>{r.twoTheta.toFixed(4)}</td>
                <td>{r.count}</td>
                <td>{r.mean.toExponential(2)}</td>
                <td>{r.rms.toExponential(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
