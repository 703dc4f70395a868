import { relative } from 'node:path';

import { openNexusFile } from '../../engine/io/nexus-file.ts';
import {
  calibratePowder,
  exportPoni,
  readPowderState,
  type CalibratePowderResult,
} from '../../engine/jobs/calibrate-powder.ts';
import { listCalibrantNames } from '../../refine/calibrate/calibrants.ts';
import type { PowderFitFlags } from '../../refine/calibrate/fit-powder-geometry.ts';
import type { PowderGeometry, PowderParameterName } from '../../refine/calibrate/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, progressPrinter, type Command } from '../command.ts';

const usage = `usage: nxr calibrate FILE[:/ENTRY] --calibrant NAME [--image IMG] [options]

Experiment ▸ Calibrate Powder: fit the detector distance, beam centre and tilts (yaw, pitch) to the
Debye–Scherrer rings of a calibrant image, starting from the entry's values (and the image
header's for what the entry lacks). Rings are traced from the starting geometry (first the
innermost well separated ones, then all), each point weighted by its ring's scatter; roll (about
the beam) does not change 2θ and is never fitted. Prints the values, their esds and the rms 2θ
residual. ENTRY defaults to f1 (else entry).

options:
  --calibrant NAME      ${listCalibrantNames().join(', ')}
  --image IMG           calibrant image: TIFF, CBF(.gz), EDF or HDF5/NeXus
                        [the entry's stored instrument/calibration]
  --image-path PATH     HDF5 image: dataset [default NXdata signal, else /entry/data/data]
  --frame N             HDF5 3-D stack: frame [0]
  --wavelength Å --distance MM --xc PX --yc PX --yaw DEG --pitch DEG --pixel-size MM
                        starting values replacing the file's
  --poni FILE           starting values from a pyFAI PONI file (before the options above)
  --fix LIST            keep these fixed: distance,xc,yc,yaw,pitch   [none]
  --free LIST           fit these too: wavelength                    [none]
  --search-size PX      search box for ring maxima                   [10]
  --rings N             use at most the first N calibrant lines      [all on the detector]
  --export FILE         write the result as a pyFAI PONI file (version 2)
  --save                store it in the file (instrument/calibration, detector and
                        monochromator fields, polarization), atomically
  --copy-to LIST        with --save: also these entries (comma-separated, or 'all')
  --json                print the result as JSON`;

const NAMES: Record<string, PowderParameterName> = {
  wavelength: 'wavelength',
  distance: 'distance',
  xc: 'beamCenterX',
  yc: 'beamCenterY',
  beam_center_x: 'beamCenterX',
  beam_center_y: 'beamCenterY',
  beamcenterx: 'beamCenterX',
  beamcentery: 'beamCenterY',
  yaw: 'yaw',
  pitch: 'pitch',
  roll: 'roll',
};

function parameterList(option: string, raw: string | undefined): PowderParameterName[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const name = NAMES[s.toLowerCase()];
      if (!name)
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `--${option}: unknown parameter '${s}' (wavelength, distance, xc, yc, yaw, pitch, roll)`,
        });
      return name;
    });
}

/** 'file.nxs:/f2' → ['file.nxs', 'f2']; a bare file gives no entry. */
export function splitFileEntry(arg: string): { file: string; entry?: string } {
  const m = /^(.*?):\/([A-Za-z0-9_.-]+)$/.exec(arg);
  return m ? { file: m[1]!, entry: m[2]! } : { file: arg };
}

const LABELS: Array<[PowderParameterName, string, string, number]> = [
  ['wavelength', 'wavelength', 'Å', 6],
  ['distance', 'distance', 'mm', 4],
  ['beamCenterX', 'beam centre x', 'px', 3],
  ['beamCenterY', 'beam centre y', 'px', 3],
  ['yaw', 'yaw', '°', 4],
  ['pitch', 'pitch', '°', 4],
  ['roll', 'roll', '°', 4],
];

/** A path relative to the working directory when it lies below it, else as it is. */
function shortPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') ? rel : p;
}

function report(r: CalibratePowderResult, out: (s: string) => void): void {
  const c = r.calibration;
  const fit = c.fit;
  out(
    `${r.file} /${r.entry}: ${r.image.format} image ${shortPath(r.image.file)}` +
      `${r.image.path !== undefined ? `:${r.image.path}` : ''}${r.image.frame !== undefined ? ` frame ${r.image.frame}` : ''} (${r.image.shape.join('×')})`,
  );
  out('');
  out('  parameter         start         fitted        esd');
  for (const [k, label, unit, digits] of LABELS) {
    const fitted = fit.fitted.includes(k);
    const esd = fit.esds[k];
    out(
      `  ${label.padEnd(14)} ${r.start[k].toFixed(digits).padStart(12)} ${c.geometry[k].toFixed(digits).padStart(14)} ` +
        `${fitted && esd !== undefined ? esd.toExponential(2).padStart(10) : '     fixed'} ${unit}`,
    );
  }
  out('');
  out(
    `rms 2θ residual ${fit.rms.toExponential(3)}° over ${fit.usedCount} of ${c.points.length} points on ${fit.rings.length} rings; ` +
      `ring width (FWHM) ${Number.isFinite(c.ringWidth) ? c.ringWidth.toFixed(1) : '?'} px; ${fit.converged ? 'converged' : 'NOT converged'} (${fit.message})`,
  );
  out('   ring      d (Å)    2θ (°)   points   mean Δ2θ (°)   rms (°)');
  for (const s of fit.rings)
    out(
      `${String(s.ring + 1).padStart(7)} ${s.d.toFixed(5).padStart(10)} ${s.twoTheta.toFixed(4).padStart(9)} ${String(s.count).padStart(8)} ` +
        `${s.mean.toExponential(2).padStart(14)} ${s.rms.toExponential(2).padStart(9)}`,
    );
  for (const n of fit.notes) out(`note: ${n}`);
}

const command: Command = {
  summary: 'powder calibration: fit distance, beam centre and tilts to a calibrant image',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      calibrant: { type: 'string' },
      image: { type: 'string' },
      'image-path': { type: 'string' },
      frame: { type: 'string' },
      wavelength: { type: 'string' },
      distance: { type: 'string' },
      xc: { type: 'string' },
      yc: { type: 'string' },
      yaw: { type: 'string' },
      pitch: { type: 'string' },
      'pixel-size': { type: 'string' },
      poni: { type: 'string' },
      fix: { type: 'string' },
      free: { type: 'string' },
      'search-size': { type: 'string' },
      rings: { type: 'string' },
      export: { type: 'string' },
      save: { type: 'boolean', default: false },
      'copy-to': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan or configuration file (nxr calibrate FILE[:/ENTRY] --calibrant NAME)',
      });
    if (values.calibrant === undefined)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--calibrant is required (${listCalibrantNames().join(', ')})`,
      });
    const { file, entry: given } = splitFileEntry(positionals[0]!);
    const geometry: Partial<PowderGeometry> = {};
    for (const [opt, key] of [
      ['wavelength', 'wavelength'],
      ['distance', 'distance'],
      ['xc', 'beamCenterX'],
      ['yc', 'beamCenterY'],
      ['yaw', 'yaw'],
      ['pitch', 'pitch'],
      ['pixel-size', 'pixelSize'],
    ] as const) {
      const v = numberOption(opt, values[opt]);
      if (v !== undefined) geometry[key] = v;
    }
    const fit: PowderFitFlags = {};
    for (const k of parameterList('fix', values.fix)) fit[k] = false;
    for (const k of parameterList('free', values.free)) fit[k] = true;
    const frame = numberOption('frame', values.frame);
    const searchSize = numberOption('search-size', values['search-size']);
    const rings = numberOption('rings', values.rings);
    if (values['copy-to'] !== undefined && !values.save)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--copy-to needs --save' });
    let entry = given;
    if (entry === undefined) {
      const f = await openNexusFile(file);
      try {
        entry = f.has('/f1') ? 'f1' : 'entry';
      } finally {
        f.close();
      }
    }
    let copyTo: string[] | undefined;
    if (values['copy-to'] !== undefined) {
      const state = await readPowderState(file, entry);
      copyTo =
        values['copy-to'].trim() === 'all'
          ? state.detectorEntries.filter((e) => e !== state.entry)
          : values['copy-to']
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
    }
    const r = await calibratePowder(
      {
        file,
        entry,
        calibrant: values.calibrant,
        ...(values.image !== undefined
          ? {
              image: {
                image: values.image,
                ...(values['image-path'] !== undefined ? { imagePath: values['image-path'] } : {}),
                ...(frame !== undefined ? { frame } : {}),
              },
            }
          : {}),
        geometry,
        ...(values.poni !== undefined ? { poni: values.poni } : {}),
        fit,
        ...(searchSize !== undefined ? { searchSize } : {}),
        ...(rings !== undefined ? { maxRings: rings } : {}),
        save: values.save,
        ...(copyTo ? { copyTo } : {}),
      },
      {
        signal: io.signal,
        ...(values.json ? {} : { onProgress: progressPrinter(io, true) }),
        onLog: (m, level) => (level === 'warn' && !values.json ? io.err(`warning: ${m}`) : undefined),
      },
    );
    const exported =
      values.export !== undefined ? exportPoni(values.export, r.calibration.geometry) : undefined;
    if (values.json) {
      const c = r.calibration;
      io.out(
        JSON.stringify(
          {
            file: r.file,
            entry: r.entry,
            image: r.image,
            start: r.start,
            geometry: c.geometry,
            esds: c.fit.esds,
            fitted: c.fit.fitted,
            rms: c.fit.rms,
            points: c.points.length,
            used: c.fit.usedCount,
            rings: c.fit.rings,
            ringWidth: Number.isFinite(c.ringWidth) ? c.ringWidth : null,
            converged: c.fit.converged,
            notes: c.fit.notes,
            stages: c.stages,
            written: r.written,
            ...(exported !== undefined ? { exported } : {}),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    report(r, io.out);
    if (exported !== undefined) io.out(`PONI file written: ${exported}`);
    if (r.written.length > 0)
      io.out(
        `saved in ${r.file}: ${[...new Set(r.written.map((p) => p.split('/').slice(0, 3).join('/')))].join(', ')}`,
      );
    else if (!values.save) io.out('(not saved: add --save to store the calibration in the file)');
    return 0;
  },
};

export default command;
