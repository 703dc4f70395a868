/**
 * Calibrate Powder (spec §7, §3.2): the engine side of the dialog and of `nxr calibrate`.
 *
 * - `readPowderState`: what an entry holds (geometry fields, detector, stored calibration).
 * - `loadPowderImage`: the calibrant image, from an image file (TIFF, CBF, EDF, HDF5; see
 *   src/engine/io/read-powder-image.ts) or, without one, the entry's `instrument/calibration`.
 * - `pickPowderRings`, `fitPowder`: Select Points / Autogenerate Rings and Calibrate, read-only.
 * - `calibratePowder`: the whole calibration in one call (CLI), optionally saved.
 * - `savePowderCalibration`: Save — in one atomic update of the scan or configuration file, for
 *   the entry and optionally others: `instrument/calibration` (NXdata of the image, `calibrant`,
 *   `refinement` NXprocess with pyFAI's PONI parameters in SI units, plus the picked points),
 *   `instrument/detector` distance, beam_center_x/y, yaw/pitch/roll and polarization (factor 0.99),
 *   `instrument/monochromator` wavelength and energy.
 * - `importPoni`, `exportPoni`: pyFAI PONI files ↔ the dialog's fields.
 *
 * The values written are the app's exact geometry (docs/design/calibration.md): distance = pyFAI's
 * fit2d directDist, but the beam centre is the pixel-centre index (fit2d centre − ½) and yaw = −rot1.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import type { NexusReader, NexusWriter } from '../../nexus/port.ts';
import { resolveNxData } from '../../nexus/nxdata/resolve-nxdata.ts';
import { HC_KEV_ANGSTROM } from '../../nexus/units/convert-units.ts';
import { calibratePowderImage, type CalibrateImageResult } from '../../refine/calibrate/calibrate-image.ts';
import { computeCalibrantLines, type CalibrantLine } from '../../refine/calibrate/calibrant-lines.ts';
import { findCalibrant } from '../../refine/calibrate/calibrants.ts';
import {
  fitPowderGeometry,
  type PowderFitFlags,
  type PowderFitResult,
} from '../../refine/calibrate/fit-powder-geometry.ts';
import type { PowderGeometry, PowderImage, RingPoint } from '../../refine/calibrate/models.ts';
import { computePolarizationArray } from '../../refine/calibrate/polarization.ts';
import { poniToPowderGeometry, powderGeometryToPoni } from '../../refine/calibrate/poni-conversion.ts';
import { formatPoni, parsePoni, type PoniParameters } from '../../refine/calibrate/poni.ts';
import { checkPowderGeometry } from '../../refine/calibrate/powder-geometry.ts';
import { autogenerateRings, pickRingFromClick } from '../../refine/calibrate/ring-picking.ts';
import type { Mat3 } from '../../refine/geometry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { readPowderImageCached, type PowderImageFile } from '../io/read-powder-image.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { appVersion } from './process-record.ts';
import {
  DEFAULT_DETECTOR_ORIENTATION,
  readDetectorOrientation,
  readWavelength,
} from './read-entry-geometry.ts';
import { readNumbers, readScalar, readText } from './read-fields.ts';

/** Where the calibrant image comes from: an image file, else the entry's stored calibration. */
export interface PowderImageRef {
  /** Image file (absolute, or relative to the working directory). */
  image?: string;
  /** HDF5 images: dataset path and frame. */
  imagePath?: string;
  frame?: number;
}

/** The geometry fields an entry holds (any may be missing in a new configuration). */
export interface PowderState {
  file: string;
  entry: string;
  /** Every NXentry of the file, and those NXRefine offers to copy a calibration to (names ending in a digit). */
  entries: string[];
  detectorEntries: string[];
  wavelength?: number;
  distance?: number;
  beamCenterX?: number;
  beamCenterY?: number;
  yaw: number;
  pitch: number;
  roll: number;
  pixelSize?: number;
  shape?: [number, number];
  detectorOrientation: string | Mat3;
  /** instrument/detector/description (the pyFAI detector name NXRefine stores). */
  detector?: string;
  /** The entry has instrument/detector/pixel_mask. */
  hasPixelMask: boolean;
  /** The stored calibration, when there is one. */
  calibration?: {
    path: string;
    signalPath: string;
    shape: [number, number];
    calibrant?: string;
    title?: string;
    points?: RingPoint[];
    poni?: PoniParameters;
  };
}

const det = (entry: string, field: string): string => `/${entry}/instrument/detector/${field}`;

function entryName(entry: string): string {
  return entry.replace(/^\/+/, '').replace(/\/+$/, '');
}

function checkEntry(f: NexusReader, entry: string): string {
  const e = entryName(entry);
  if (!/^[A-Za-z0-9_.-]+$/.test(e) || !f.has(`/${e}`))
    throw new NxrError({ code: 'MISSING_PATH', message: `no entry '${e}'`, file: f.file, path: `/${e}` });
  return e;
}

async function optionalScalar(f: NexusReader, path: string, unit?: string): Promise<number | undefined> {
  return f.has(path) ? readScalar(f, path, unit, { first: true }) : undefined;
}

/** The stored calibration of an entry (NXdata signal, calibrant, points, PONI parameters). */
function readStoredCalibration(f: NexusReader, entry: string): PowderState['calibration'] {
  const path = `/${entry}/instrument/calibration`;
  if (!f.has(path)) return undefined;
  const group = f.entity(path, { attrs: true, maxDepth: 1 });
  const r = resolveNxData(group);
  if (!r || !r.signalShape || r.signalShape.length !== 2) return undefined;
  const out: NonNullable<PowderState['calibration']> = {
    path,
    signalPath: r.signalPath,
    shape: [r.signalShape[0]!, r.signalShape[1]!],
  };
  const calibrant = f.has(`${path}/calibrant`) ? readText(f, `${path}/calibrant`) : undefined;
  if (calibrant) out.calibrant = calibrant;
  const title = f.has(`${path}/title`) ? readText(f, `${path}/title`) : undefined;
  if (title) out.title = title;
  const pts = readNumbers(f, `${path}/refinement/points`);
  if (pts && pts.length % 3 === 0)
    out.points = Array.from({ length: pts.length / 3 }, (_, i) => ({
      x: pts[3 * i]!,
      y: pts[3 * i + 1]!,
      ring: Math.round(pts[3 * i + 2]!),
    }));
  const par = `${path}/refinement/parameters`;
  if (f.has(par)) {
    const num = (k: string): number | undefined => readNumbers(f, `${par}/${k}`)?.[0];
    const [distance, poni1, poni2] = [num('Distance'), num('Poni1'), num('Poni2')];
    if (distance !== undefined && poni1 !== undefined && poni2 !== undefined) {
      const poni: PoniParameters = {
        version: 2,
        detector: (f.has(`${par}/Detector`) ? readText(f, `${par}/Detector`) : undefined) ?? 'Detector',
        detectorConfig: {},
        distance,
        poni1,
        poni2,
        rot1: num('Rot1') ?? 0,
        rot2: num('Rot2') ?? 0,
        rot3: num('Rot3') ?? 0,
      };
      const p1 = num('PixelSize1');
      const p2 = num('PixelSize2');
      const w = num('Wavelength');
      if (p1 !== undefined) poni.pixel1 = p1;
      if (p2 !== undefined) poni.pixel2 = p2;
      if (w !== undefined) poni.wavelength = w;
      out.poni = poni;
    }
  }
  return out;
}

/** What the dialog shows when it opens on an entry. */
export async function readPowderState(file: string, entry: string): Promise<PowderState> {
  const f = await openNexusFile(resolve(file));
  try {
    const e = checkEntry(f, entry);
    const entries = f
      .children('/', { attrs: true })
      .filter((c) => c.nxClass === 'NXentry')
      .map((c) => c.name);
    const shapeValues = readNumbers(f, det(e, 'shape'));
    const state: PowderState = {
      file,
      entry: e,
      entries,
      detectorEntries: entries.filter((n) => /\d$/.test(n)),
      yaw: (await optionalScalar(f, det(e, 'yaw'), 'deg')) ?? 0,
      pitch: (await optionalScalar(f, det(e, 'pitch'), 'deg')) ?? 0,
      roll: (await optionalScalar(f, det(e, 'roll'), 'deg')) ?? 0,
      detectorOrientation: readDetectorOrientation(f, e),
      hasPixelMask: f.has(det(e, 'pixel_mask')),
    };
    const wavelength = await readWavelength(f, e);
    if (wavelength !== undefined) state.wavelength = wavelength;
    const distance = await optionalScalar(f, det(e, 'distance'), 'mm');
    if (distance !== undefined) state.distance = distance;
    const xc = await optionalScalar(f, det(e, 'beam_center_x'), 'pixel');
    const yc = await optionalScalar(f, det(e, 'beam_center_y'), 'pixel');
    if (xc !== undefined) state.beamCenterX = xc;
    if (yc !== undefined) state.beamCenterY = yc;
    const pixel =
      (await optionalScalar(f, det(e, 'pixel_size'), 'mm')) ??
      (await optionalScalar(f, det(e, 'x_pixel_size'), 'mm'));
    if (pixel !== undefined) state.pixelSize = pixel;
    if (shapeValues && shapeValues.length === 2) state.shape = [shapeValues[0]!, shapeValues[1]!];
    const description = f.has(det(e, 'description')) ? readText(f, det(e, 'description')) : undefined;
    if (description) state.detector = description;
    const calibration = readStoredCalibration(f, e);
    if (calibration) state.calibration = calibration;
    return state;
  } finally {
    f.close();
  }
}

/** The calibrant image of a request (see PowderImageRef). */
export async function loadPowderImage(
  file: string,
  entry: string,
  ref: PowderImageRef = {},
): Promise<PowderImageFile> {
  if (ref.image !== undefined) {
    return readPowderImageCached(resolve(ref.image), {
      ...(ref.imagePath !== undefined ? { path: ref.imagePath } : {}),
      ...(ref.frame !== undefined ? { frame: ref.frame } : {}),
    });
  }
  const state = await readPowderState(file, entry);
  if (!state.calibration)
    throw new NxrError({
      code: 'MISSING_PATH',
      message: 'no calibration image: import powder data first',
      file,
      path: `/${state.entry}/instrument/calibration`,
    });
  return readPowderImageCached(resolve(file), { path: state.calibration.signalPath });
}

/** The entry's pixel mask when it has the image's shape (NXRefine masks Autogenerate Rings with it). */
async function readMaskFor(file: string, entry: string, shape: [number, number]): Promise<Uint8Array | null> {
  const f = await openNexusFile(resolve(file));
  try {
    const path = det(entryName(entry), 'pixel_mask');
    if (!f.has(path)) return null;
    const node = f.entity(path, { attrs: false, maxDepth: 0 });
    if (!node.shape || node.shape.length !== 2 || node.shape[0] !== shape[0] || node.shape[1] !== shape[1])
      return null;
    const v = f.readValue(path) as ArrayLike<number>;
    return Uint8Array.from(v, (x) => (Number(x) !== 0 ? 1 : 0));
  } finally {
    f.close();
  }
}

function asPowderImage(image: PowderImageFile, mask: Uint8Array | null): PowderImage {
  return { shape: image.shape, data: image.data, mask };
}

/** Calibrant lines at the geometry's wavelength. */
export function calibrantLines(calibrant: string, wavelength: number): CalibrantLine[] {
  return computeCalibrantLines(findCalibrant(calibrant), { wavelength });
}

function completeGeometry(g: Partial<PowderGeometry>, image: PowderImageFile, file: string): PowderGeometry {
  const shape: [number, number] = g.shape ?? image.shape;
  if (shape[0] !== image.shape[0] || shape[1] !== image.shape[1])
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `the image is ${image.shape[0]}×${image.shape[1]} pixels but the detector is ${shape[0]}×${shape[1]}`,
      file: image.file,
    });
  const missing = (['wavelength', 'distance', 'pixelSize'] as const).filter((k) => g[k] === undefined);
  if (missing.length > 0)
    throw new NxrError({
      code: 'MISSING_PATH',
      message: `calibration needs a starting ${missing.join(', ')} (not in the entry or the image; give them)`,
      file,
    });
  return checkPowderGeometry({
    wavelength: g.wavelength!,
    distance: g.distance!,
    pixelSize: g.pixelSize!,
    beamCenterX: g.beamCenterX ?? (image.shape[1] - 1) / 2,
    beamCenterY: g.beamCenterY ?? (image.shape[0] - 1) / 2,
    yaw: g.yaw ?? 0,
    pitch: g.pitch ?? 0,
    roll: g.roll ?? 0,
    shape,
    detectorOrientation: g.detectorOrientation ?? DEFAULT_DETECTOR_ORIENTATION,
  });
}

export interface PickPowderRingsOptions {
  file: string;
  entry: string;
  image?: PowderImageRef;
  geometry: PowderGeometry;
  calibrant: string;
  /** NXRefine's Search Size, pixels. @default 10 */
  searchSize?: number;
  /** Autogenerate rings 1…rings. */
  rings?: number;
  /** Select Points: a click at (x, y) on ring `ring` (0-based). */
  click?: { x: number; y: number; ring: number };
}

/** Select Points (click) or Autogenerate Rings. */
export async function pickPowderRings(o: PickPowderRingsOptions, ctx: JobContext = {}): Promise<RingPoint[]> {
  const image = await loadPowderImage(o.file, o.entry, o.image);
  const g = checkPowderGeometry(o.geometry);
  if (g.shape[0] !== image.shape[0] || g.shape[1] !== image.shape[1])
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `the geometry is for ${g.shape[0]}×${g.shape[1]} pixels, the image has ${image.shape[0]}×${image.shape[1]}`,
      file: image.file,
    });
  const mask = await readMaskFor(o.file, o.entry, image.shape);
  const lines = calibrantLines(o.calibrant, g.wavelength);
  const opts = {
    ...(o.searchSize !== undefined ? { searchSize: o.searchSize } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
  if (o.click)
    return pickRingFromClick(asPowderImage(image, mask), g, o.click.x, o.click.y, o.click.ring, {
      ...opts,
      lines,
    });
  if (o.rings === undefined)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'pick rings: give a click or a number of rings' });
  return autogenerateRings(asPowderImage(image, mask), g, lines, {
    ...opts,
    rings: o.rings,
    onProgress: (f) => ctx.onProgress?.(f),
  });
}

/** Calibrate: fit the geometry to the points (no file involved). */
export function fitPowder(o: {
  geometry: PowderGeometry;
  calibrant: string;
  points: readonly RingPoint[];
  fit?: PowderFitFlags;
}): PowderFitResult {
  const g = checkPowderGeometry(o.geometry);
  return fitPowderGeometry(o.points, g, {
    lines: calibrantLines(o.calibrant, g.wavelength),
    ...(o.fit ? { fit: o.fit } : {}),
  });
}

export interface CalibratePowderOptions {
  file: string;
  entry: string;
  image?: PowderImageRef;
  calibrant: string;
  /** Starting values overriding the entry's (and the image header's). */
  geometry?: Partial<PowderGeometry>;
  /** A PONI file giving the starting geometry (before `geometry`). */
  poni?: string;
  fit?: PowderFitFlags;
  searchSize?: number;
  maxRings?: number;
  /** Write the result (see `savePowderCalibration`). @default false */
  save?: boolean;
  /** Other entries to copy the calibration to (with save). */
  copyTo?: string[];
}

export interface CalibratePowderResult {
  file: string;
  entry: string;
  image: { file: string; format: string; path?: string; frame?: number; shape: [number, number] };
  start: PowderGeometry;
  calibration: CalibrateImageResult;
  written: string[];
}

/** The whole calibration in one call (`nxr calibrate`). */
export async function calibratePowder(
  o: CalibratePowderOptions,
  ctx: JobContext = {},
): Promise<CalibratePowderResult> {
  const file = resolve(o.file);
  ctx.onProgress?.(0, 'reading');
  const state = await readPowderState(file, o.entry);
  const image = await loadPowderImage(file, state.entry, o.image);
  const fromPoni = o.poni !== undefined ? importPoni(o.poni, state) : undefined;
  const start = completeGeometry(
    {
      ...stateGeometry(state),
      ...metadataGeometry(image, state),
      ...(fromPoni ?? {}),
      ...(o.geometry ?? {}),
    },
    image,
    file,
  );
  throwIfAborted(ctx.signal, file);
  const mask = await readMaskFor(file, state.entry, image.shape);
  const lines = calibrantLines(o.calibrant, start.wavelength);
  const calibration = calibratePowderImage(asPowderImage(image, mask), start, lines, {
    ...(o.fit ? { fit: o.fit } : {}),
    ...(o.searchSize !== undefined ? { searchSize: o.searchSize } : {}),
    ...(o.maxRings !== undefined ? { maxRings: o.maxRings } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (f, m) => ctx.onProgress?.(0.9 * f, m),
  });
  for (const note of calibration.fit.notes) ctx.onLog?.(note, 'warn');
  let written: string[] = [];
  if (o.save === true) {
    written = (
      await savePowderCalibration(
        {
          file,
          entry: state.entry,
          ...(o.image ? { image: o.image } : {}),
          calibrant: o.calibrant,
          geometry: calibration.geometry,
          points: calibration.points.filter((_, i) => calibration.fit.used[i]),
          rms: calibration.fit.rms,
          ...(o.copyTo ? { copyTo: o.copyTo } : {}),
        },
        ctx,
      )
    ).written;
  }
  ctx.onProgress?.(1, 'done');
  const ref: CalibratePowderResult['image'] = { file: image.file, format: image.format, shape: image.shape };
  if (image.path !== undefined) ref.path = image.path;
  if (image.frame !== undefined) ref.frame = image.frame;
  return { file, entry: state.entry, image: ref, start, calibration, written };
}

/** The geometry fields of an entry's state that are known. */
export function stateGeometry(s: PowderState): Partial<PowderGeometry> {
  const g: Partial<PowderGeometry> = {
    yaw: s.yaw,
    pitch: s.pitch,
    roll: s.roll,
    detectorOrientation: s.detectorOrientation,
  };
  for (const k of ['wavelength', 'distance', 'beamCenterX', 'beamCenterY', 'pixelSize', 'shape'] as const)
    if (s[k] !== undefined) (g as Record<string, unknown>)[k] = s[k];
  return g;
}

/** Starting values from the image header, for fields the entry does not have. */
function metadataGeometry(image: PowderImageFile, s: PowderState): Partial<PowderGeometry> {
  const m = image.metadata;
  const g: Partial<PowderGeometry> = {};
  if (s.wavelength === undefined && m.wavelength !== undefined) g.wavelength = m.wavelength;
  if (s.distance === undefined && m.distance !== undefined) g.distance = m.distance;
  if (s.pixelSize === undefined && m.pixelSize !== undefined) g.pixelSize = m.pixelSize;
  if (s.beamCenterX === undefined && m.beamCenterX !== undefined) g.beamCenterX = m.beamCenterX;
  if (s.beamCenterY === undefined && m.beamCenterY !== undefined) g.beamCenterY = m.beamCenterY;
  return g;
}

export interface SavePowderCalibrationOptions {
  file: string;
  entry: string;
  image?: PowderImageRef;
  calibrant: string;
  geometry: PowderGeometry;
  /** The points used (stored so the dialog can show them again). */
  points?: readonly RingPoint[];
  /** rms 2θ residual of the fit, degrees (stored with the points). */
  rms?: number;
  /** Other entries that get the same calibration (NXRefine: "Copy to other entries?"). */
  copyTo?: string[];
  /** Polarization factor of the stored array. @default 0.99 */
  polarizationFactor?: number;
}

/** Save (see the module comment). @returns the paths written */
export async function savePowderCalibration(
  o: SavePowderCalibrationOptions,
  ctx: JobContext = {},
): Promise<{ written: string[]; entries: string[] }> {
  const file = resolve(o.file);
  const state = await readPowderState(file, o.entry);
  const g = checkPowderGeometry(o.geometry);
  findCalibrant(o.calibrant);
  const image = await loadPowderImage(file, state.entry, o.image);
  if (image.shape[0] !== g.shape[0] || image.shape[1] !== g.shape[1])
    throw new NxrError({
      code: 'WRONG_SHAPE',
      message: `the image (${image.shape.join('×')}) and the geometry (${g.shape.join('×')}) differ in shape`,
      file: image.file,
    });
  const targets = [state.entry, ...(o.copyTo ?? []).map(entryName).filter((e) => e !== state.entry)];
  for (const e of targets)
    if (!state.entries.includes(e))
      throw new NxrError({
        code: 'MISSING_PATH',
        message: `no entry '${e}' to copy the calibration to`,
        file,
        path: `/${e}`,
      });
  // the image's pixels must be read before the file is rewritten (the stored image may be the source)
  const pixels = Float32Array.from(image.data);
  const poni = powderGeometryToPoni(g);
  const polarization = computePolarizationArray(g, o.polarizationFactor ?? 0.99);
  const title =
    o.image?.image !== undefined ? basename(o.image.image) : (state.calibration?.title ?? 'calibration');
  const written: string[] = [];
  throwIfAborted(ctx.signal, file);
  ctx.onProgress?.(0.2, 'writing');
  await updateNexusFile(
    file,
    (w) => {
      // one rebuild for everything replaced
      const replace: string[] = [];
      for (const e of targets) {
        const inst = `/${e}/instrument`;
        for (const p of [
          `${inst}/calibration`,
          `${inst}/monochromator/wavelength`,
          `${inst}/monochromator/energy`,
          ...['distance', 'beam_center_x', 'beam_center_y', 'yaw', 'pitch', 'roll', 'polarization'].map((k) =>
            det(e, k),
          ),
        ])
          if (w.has(p)) replace.push(p);
      }
      if (replace.length > 0) w.remove(replace);
      for (const e of targets) {
        writeCalibration(w, e, {
          pixels,
          shape: image.shape,
          calibrant: o.calibrant,
          title,
          poni,
          detector: state.detector ?? 'Detector',
          ...(o.points ? { points: o.points } : {}),
          ...(o.rms !== undefined ? { rms: o.rms } : {}),
        });
        written.push(`/${e}/instrument/calibration`);
        const put = (path: string, value: number, units?: string): void => {
          w.field(path, value, { dtype: '<f8', ...(units !== undefined ? { units } : {}) });
          written.push(path);
        };
        if (!w.has(`/${e}/instrument/monochromator`))
          w.group(`/${e}/instrument/monochromator`, 'NXmonochromator');
        if (!w.has(`/${e}/instrument/detector`)) w.group(`/${e}/instrument/detector`, 'NXdetector');
        put(`/${e}/instrument/monochromator/wavelength`, g.wavelength, 'Angstroms');
        put(`/${e}/instrument/monochromator/energy`, HC_KEV_ANGSTROM / g.wavelength, 'keV');
        put(det(e, 'distance'), g.distance, 'mm');
        put(det(e, 'beam_center_x'), g.beamCenterX);
        put(det(e, 'beam_center_y'), g.beamCenterY);
        put(det(e, 'yaw'), g.yaw, 'degrees');
        put(det(e, 'pitch'), g.pitch, 'degrees');
        put(det(e, 'roll'), g.roll, 'degrees');
        w.field(det(e, 'polarization'), polarization, {
          shape: [g.shape[0], g.shape[1]],
          compression: 'gzip',
        });
        written.push(det(e, 'polarization'));
        throwIfAborted(ctx.signal, file);
      }
    },
    { purpose: 'nxr calibrate' },
  );
  ctx.onLog?.(`calibration saved in ${file}: ${targets.map((e) => `/${e}`).join(', ')}`);
  ctx.onProgress?.(1, 'saved');
  return { written, entries: targets };
}

function writeCalibration(
  w: NexusWriter,
  entry: string,
  o: {
    pixels: Float32Array;
    shape: [number, number];
    calibrant: string;
    title: string;
    poni: PoniParameters;
    detector: string;
    points?: readonly RingPoint[];
    rms?: number;
  },
): void {
  const cal = `/${entry}/instrument/calibration`;
  const [ny, nx] = o.shape;
  w.group(cal, 'NXdata', { signal: 'z', axes: ['y', 'x'] });
  w.field(`${cal}/z`, o.pixels, { shape: [ny, nx], compression: 'gzip' });
  w.field(
    `${cal}/y`,
    Int32Array.from({ length: ny }, (_, i) => i),
  );
  w.field(
    `${cal}/x`,
    Int32Array.from({ length: nx }, (_, i) => i),
  );
  w.field(`${cal}/title`, o.title);
  w.field(`${cal}/calibrant`, o.calibrant);
  const ref = `${cal}/refinement`;
  w.group(ref, 'NXprocess');
  w.field(`${ref}/program`, 'NXRefine Desktop (nxr calibrate)');
  w.field(`${ref}/version`, appVersion());
  w.field(`${ref}/date`, new Date().toISOString());
  w.field(
    `${ref}/description`,
    'Powder calibration; parameters in pyFAI PONI conventions (SI units: m, rad), the app geometry in instrument/detector',
  );
  const par = `${ref}/parameters`;
  w.group(par, 'NXcollection');
  w.field(`${par}/Detector`, o.detector);
  const f8 = (k: string, v: number, units: string): void =>
    w.field(`${par}/${k}`, v, { dtype: '<f8', units });
  f8('PixelSize1', o.poni.pixel1!, 'm');
  f8('PixelSize2', o.poni.pixel2!, 'm');
  f8('Distance', o.poni.distance, 'm');
  f8('Poni1', o.poni.poni1, 'm');
  f8('Poni2', o.poni.poni2, 'm');
  f8('Rot1', o.poni.rot1, 'rad');
  f8('Rot2', o.poni.rot2, 'rad');
  f8('Rot3', o.poni.rot3, 'rad');
  f8('Wavelength', o.poni.wavelength!, 'm');
  if (o.points && o.points.length > 0) {
    const flat = new Float64Array(3 * o.points.length);
    o.points.forEach((p, i) => flat.set([p.x, p.y, p.ring], 3 * i));
    w.field(`${ref}/points`, flat, {
      shape: [o.points.length, 3],
      attrs: {
        description: 'picked ring points: x (column), y (row) in pixels, calibrant line index (0-based)',
      },
    });
  }
  if (o.rms !== undefined) w.field(`${ref}/rms_two_theta`, o.rms, { dtype: '<f8', units: 'degrees' });
}

/** Import Calibration: a PONI file converted to the entry's fields (detector orientation, pixel size, shape). */
export function importPoni(
  poniFile: string,
  state: Pick<PowderState, 'detectorOrientation' | 'pixelSize' | 'shape' | 'wavelength'>,
): PowderGeometry {
  const file = resolve(poniFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new NxrError({ code: 'FILE_NOT_FOUND', message: 'cannot read the PONI file', file }, { cause: e });
  }
  const poni = parsePoni(text, file);
  try {
    return poniToPowderGeometry(poni, {
      detectorOrientation: state.detectorOrientation,
      ...(state.pixelSize !== undefined ? { pixelSize: state.pixelSize } : {}),
      ...(state.shape ? { shape: state.shape } : {}),
      ...(state.wavelength !== undefined ? { wavelength: state.wavelength } : {}),
    });
  } catch (e) {
    if (e instanceof NxrError && e.file === undefined)
      throw new NxrError({ code: e.code, message: e.detail, file }, { cause: e });
    throw e;
  }
}

/** Export Calibration: write a version-2 PONI file (atomically: temp file + rename). */
export function exportPoni(poniFile: string, geometry: PowderGeometry): string {
  const file = resolve(poniFile);
  const text = formatPoni(powderGeometryToPoni(checkPowderGeometry(geometry)), {
    comment: `Calibration done with NXRefine Desktop ${appVersion()} at ${new Date().toISOString()}`,
  });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new NxrError(
      { code: 'WRITE_FAILED', message: `cannot write the PONI file (${(e as Error).message})`, file },
      { cause: e },
    );
  }
  return file;
}
