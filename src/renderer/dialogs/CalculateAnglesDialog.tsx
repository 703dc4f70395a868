/**
 * Refine ▸ Calculate Angles (spec §6.1): polar and azimuthal angles of an entry's peaks from the
 * detector geometry. "Plot" computes them with the values in the dialog and plots azimuth against
 * polar angle with the powder rings of the lattice; "Save" also stores the angles (and the values)
 * in the file.
 */
import { useEffect, useRef, useState } from 'react';

import { toErrorInfo, type NxrErrorInfo } from '../../shared/errors.ts';
import type { CalculateAnglesSummary } from '../../shared/jobs.ts';
import { readGeometry } from '../bridge/read-data.ts';
import { loadPlotly } from '../plot/load-plotly.ts';
import { resultOf } from '../state/job-store.ts';
import { useBridge, useDialogStore } from '../state/store-context.tsx';
import { DialogFrame } from './DialogFrame.tsx';
import { JobStatus, ParamGrid, SelectRow, type FieldSpec } from './form.tsx';
import styles from './Dialog.module.css';
import { useDialogJob } from './use-dialog-job.ts';
import { useOpenFileEntries } from './use-open-file.ts';
import { checkAngleForm, hasErrors, parseNumber, type AngleKey } from './validate.ts';

const FIELDS: ReadonlyArray<FieldSpec<AngleKey>> = [
  { key: 'wavelength', label: 'Wavelength (Å)' },
  { key: 'distance', label: 'Detector Distance (mm)' },
  { key: 'beamCenterX', label: 'Beam Center x (pixels)' },
  { key: 'beamCenterY', label: 'Beam Center y (pixels)' },
  { key: 'pixelSize', label: 'Pixel Size (mm)' },
];

const blank: Record<AngleKey, string> = {
  wavelength: '',
  distance: '',
  beamCenterX: '',
  beamCenterY: '',
  pixelSize: '',
};

function AnglePlot({ result }: { result: CalculateAnglesSummary }) {
  const div = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = div.current;
    if (!el) return;
    void loadPlotly().then((Plotly) => {
      const rings = result.rings ?? [];
      void Plotly.react(
        el,
        [
          {
            type: 'scatter',
            mode: 'markers',
            name: 'peaks',
            x: Array.from(result.peaks.polarAngle),
            y: Array.from(result.peaks.azimuthalAngle),
            marker: { size: 6, color: '#2f6fde' },
            hovertemplate: '2θ %{x:.3f}°, azimuth %{y:.2f}°<extra></extra>',
          },
        ],
        {
          margin: { l: 48, r: 8, t: 8, b: 38 },
          xaxis: { title: { text: 'Polar Angle (deg)' }, range: [0, result.twoThetaMax * 1.02] },
          yaxis: { title: { text: 'Azimuthal Angle (deg)' }, range: [-180, 180] },
          showlegend: false,
          shapes: rings.map((r) => ({
            type: 'line',
            x0: r.twoTheta,
            x1: r.twoTheta,
            yref: 'paper',
            y0: 0,
            y1: 1,
            line: { color: '#e0442b', width: 1, dash: 'dot' },
          })),
        },
        { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d', 'toImage'] },
      );
    });
  }, [result]);
  return <div ref={div} className={styles.chart} data-testid="angle-plot" />;
}

export function CalculateAnglesDialog() {
  const file = useOpenFileEntries();
  const bridge = useBridge();
  const dialogs = useDialogStore();
  const job = useDialogJob('calculate-angles');
  const [values, setValues] = useState(blank);
  const [loadErr, setLoadErr] = useState<NxrErrorInfo | null>(null);
  const [last, setLast] = useState<CalculateAnglesSummary | null>(null);
  const fileId = file?.fileId;
  const entry = file?.entry;
  useEffect(() => {
    if (fileId === undefined || !entry) return;
    let live = true;
    setLoadErr(null);
    readGeometry(bridge, fileId, entry)
      .then((r) => {
        if (!live) return;
        const g = r.geometry;
        setValues({
          wavelength: String(g.wavelength),
          distance: String(g.distance),
          beamCenterX: String(g.beamCenterX),
          beamCenterY: String(g.beamCenterY),
          pixelSize: String(g.pixelSize),
        });
      })
      .catch((e: unknown) => live && setLoadErr(toErrorInfo(e)));
    return () => {
      live = false;
    };
  }, [bridge, fileId, entry]);

  if (!file) return null;
  const errors = checkAngleForm(values);
  const run = async (write: boolean): Promise<void> => {
    const end = await job.run({
      kind: 'calculate-angles',
      fileId: file.fileId,
      entry: file.entry,
      geometry: {
        wavelength: parseNumber(values.wavelength),
        distance: parseNumber(values.distance),
        beamCenterX: parseNumber(values.beamCenterX),
        beamCenterY: parseNumber(values.beamCenterY),
        pixelSize: parseNumber(values.pixelSize),
      },
      write,
    });
    const r = resultOf(end, 'calculate-angles');
    if (r) setLast(r);
  };
  const n = last?.peaks.polarAngle.length ?? 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of last?.peaks.polarAngle ?? []) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return (
    <DialogFrame id="calculate-angles" title="Calculate Angles" width={560}>
      <SelectRow fileName={file.fileName} entries={file.entries} entry={file.entry} onEntry={file.setEntry} />
      <ParamGrid
        fields={FIELDS}
        values={values}
        errors={loadErr || values.wavelength !== '' ? errors : {}}
        disabled={job.running}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
      <JobStatus record={job.record} error={job.startError ?? loadErr} />
      {last ? (
        <div className={styles.result} role="status" aria-label="Result">
          <strong>
            {n} peaks{n > 0 ? `: polar angles ${lo.toFixed(3)}…${hi.toFixed(3)}°` : ''}
          </strong>
          <div className={styles.muted}>
            {last.rings
              ? `${last.rings.length} powder rings up to ${last.twoThetaMax.toFixed(2)}°`
              : 'no lattice defined: no rings'}
            {last.written ? ` · saved in /${last.entry}/peaks` : ''}
          </div>
        </div>
      ) : null}
      {last ? <AnglePlot result={last} /> : null}
      <div className={styles.buttons}>
        <button
          type="button"
          disabled={job.running || hasErrors(errors) || values.wavelength === ''}
          onClick={() => void run(false)}
        >
          Plot
        </button>
        <button
          type="button"
          className={styles.primary}
          disabled={job.running || hasErrors(errors) || values.wavelength === ''}
          onClick={() => void run(true)}
        >
          Save
        </button>
        <button type="button" onClick={() => dialogs.getState().closeDialog('calculate-angles')}>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
