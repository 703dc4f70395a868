/**
 * The Calibrate Powder dialog's fields (NXRefine's grid: Wavelength, Distance, Beam Center x/y,
 * Yaw, Pitch, Roll, each with a fit checkbox; Search Size): text ↔ numbers, field-by-field checks
 * with the messages shown beside the fields, and the geometry a job takes.
 */
import type { PowderGeometryValues } from '../../shared/experiment-jobs.ts';
import type { PowderParameterName } from '../../refine/calibrate/models.ts';
import { parseNumber, type Errors } from '../dialogs/validate.ts';

export type CalibrateKey = PowderParameterName | 'searchSize';

/** NXRefine's rows, labels and whether the fit box starts checked (Wavelength off, the rest on). */
export const CALIBRATE_ROWS: ReadonlyArray<{ key: PowderParameterName; label: string; fit: boolean }> = [
  { key: 'wavelength', label: 'Wavelength (Å)', fit: false },
  { key: 'distance', label: 'Detector Distance (mm)', fit: true },
  { key: 'beamCenterX', label: 'Beam Center - x', fit: true },
  { key: 'beamCenterY', label: 'Beam Center - y', fit: true },
  { key: 'yaw', label: 'Yaw (degrees)', fit: true },
  { key: 'pitch', label: 'Pitch (degrees)', fit: true },
  { key: 'roll', label: 'Roll (degrees)', fit: false },
];

export type CalibrateValues = Record<CalibrateKey, string>;

/** Text of a number as the fields show it (enough digits to round-trip a fit). */
export function formatField(key: CalibrateKey, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  const digits: Record<CalibrateKey, number> = {
    wavelength: 7,
    distance: 4,
    beamCenterX: 3,
    beamCenterY: 3,
    yaw: 4,
    pitch: 4,
    roll: 4,
    searchSize: 0,
  };
  return String(Number(v.toFixed(digits[key])));
}

export function valuesFromGeometry(g: Partial<PowderGeometryValues>, searchSize: number): CalibrateValues {
  return {
    wavelength: formatField('wavelength', g.wavelength),
    distance: formatField('distance', g.distance),
    beamCenterX: formatField('beamCenterX', g.beamCenterX),
    beamCenterY: formatField('beamCenterY', g.beamCenterY),
    yaw: formatField('yaw', g.yaw ?? 0),
    pitch: formatField('pitch', g.pitch ?? 0),
    roll: formatField('roll', g.roll ?? 0),
    searchSize: formatField('searchSize', searchSize),
  };
}

/** Field messages (empty when every field is usable). */
export function checkCalibrateValues(v: CalibrateValues): Errors<CalibrateKey> {
  const e: Errors<CalibrateKey> = {};
  const positive = (k: CalibrateKey, what: string): void => {
    const n = parseNumber(v[k]);
    if (!(n > 0)) e[k] = `${what} must be a positive number`;
  };
  positive('wavelength', 'the wavelength');
  positive('distance', 'the distance');
  for (const k of ['beamCenterX', 'beamCenterY', 'yaw', 'pitch', 'roll'] as const)
    if (Number.isNaN(parseNumber(v[k]))) e[k] = 'a number is needed';
  for (const k of ['yaw', 'pitch', 'roll'] as const)
    if (e[k] === undefined && Math.abs(parseNumber(v[k])) >= 45) e[k] = 'tilts must be below 45°';
  const s = parseNumber(v.searchSize);
  if (!(Number.isInteger(s) && s >= 3 && s <= 200)) e.searchSize = 'a whole number of pixels, 3–200';
  return e;
}

/**
 * The geometry of the fields for an image of `shape` (pixel size and orientation from the entry);
 * undefined while a field is wrong or the pixel size is unknown.
 */
export function geometryFromValues(
  v: CalibrateValues,
  shape: [number, number] | undefined,
  entry: Partial<PowderGeometryValues>,
): PowderGeometryValues | undefined {
  const errors = checkCalibrateValues(v);
  if (Object.keys(errors).length > 0 || !shape || entry.pixelSize === undefined) return undefined;
  return {
    wavelength: parseNumber(v.wavelength),
    distance: parseNumber(v.distance),
    beamCenterX: parseNumber(v.beamCenterX),
    beamCenterY: parseNumber(v.beamCenterY),
    yaw: parseNumber(v.yaw),
    pitch: parseNumber(v.pitch),
    roll: parseNumber(v.roll),
    pixelSize: entry.pixelSize,
    shape,
    detectorOrientation: entry.detectorOrientation ?? '-y +z -x',
  };
}

/** NXRefine's ring colours (Ring1 red, Ring2 blue, Ring3 green, Ring4 cyan, Ring5 magenta, …). */
export const RING_COLORS = ['#e41a1c', '#377eb8', '#2ca02c', '#17becf', '#d62ad6'] as const;

export function ringColor(ring: number): string {
  return RING_COLORS[ring % RING_COLORS.length]!;
}
