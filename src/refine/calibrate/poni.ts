/**
 * pyFAI's PONI calibration files (text, `key: value` lines, SI units: metres and radians).
 *
 * Version 1 (pyFAI < 0.17): PixelSize1, PixelSize2, Distance, Poni1, Poni2, Rot1, Rot2, Rot3,
 * Wavelength, optional Detector/SplineFile. Version 2: `poni_version: 2`, `Detector` (a pyFAI
 * detector class name) and `Detector_config` (JSON: pixel1, pixel2, max_shape …) instead of the
 * pixel sizes. Version 2.1 (pyFAI ≥ 2024) adds `orientation` to Detector_config; only the default
 * orientation 3 (pyFAI's legacy axes, what versions 1 and 2 mean) is accepted. Axis 1 is the slow
 * (row) axis, axis 2 the fast (column) axis; the PONI is measured from the corner of pixel
 * (0, 0), so pixel index i has its centre at (i + ½)·pixel.
 */
import { NxrError } from '../../shared/errors.ts';

export interface PoniParameters {
  /** 1, 2 or 2.1. */
  version: number;
  /** pyFAI detector name ('Detector' for a generic one, 'Pilatus2M', …). */
  detector: string;
  /** Detector_config as written (version 2), else {}. */
  detectorConfig: Record<string, unknown>;
  /** Pixel size along axis 1 (rows) and axis 2 (columns), m; undefined when the file only names a detector we do not know. */
  pixel1?: number;
  pixel2?: number;
  /** Detector shape [rows, columns] when the file gives it (max_shape). */
  maxShape?: [number, number];
  /** Sample → PONI distance (perpendicular to the detector plane), m. */
  distance: number;
  /** Point of normal incidence along axis 1 and 2 from the detector corner, m. */
  poni1: number;
  poni2: number;
  /** pyFAI rotations, radians. */
  rot1: number;
  rot2: number;
  rot3: number;
  /** Wavelength, m (optional in the format). */
  wavelength?: number;
}

/** Pixel sizes (m) of pyFAI detector names that do not carry a Detector_config. */
const KNOWN_PIXEL_SIZES: Array<[RegExp, number]> = [
  [/^pilatus/i, 172e-6],
  [/^eiger/i, 75e-6],
  [/^(perkin|perkinelmer|xrd1621)/i, 200e-6],
  [/^mar345/i, 100e-6],
  [/^(pixium|thales)/i, 148e-6],
  [/^(lambda|lambda750k|lambda2m)/i, 55e-6],
  [/^(mythen)/i, 50e-6],
];

/** The pixel size (m) pyFAI gives a named detector, when we know it. */
export function knownDetectorPixelSize(name: string): number | undefined {
  const compact = name.replace(/[\s_-]/g, '');
  return KNOWN_PIXEL_SIZES.find(([re]) => re.test(compact))?.[1];
}

/**
 * Parses a PONI file. @throws NxrError BAD_PARAMETER naming the file and the offending line for
 * text that is not a PONI file, a missing Distance/Poni1/Poni2, a non-numeric value or an
 * unsupported detector orientation.
 */
export function parsePoni(text: string, file?: string): PoniParameters {
  const where = file !== undefined ? { file } : {};
  const fail = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message, ...where });
  };
  const values = new Map<string, { key: string; value: string; line: number }>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) fail(`line ${i + 1} is not 'key: value': '${line.slice(0, 60)}'`);
    const key = line.slice(0, colon).trim();
    values.set(key.toLowerCase(), { key, value: line.slice(colon + 1).trim(), line: i + 1 });
  });
  const number = (key: string, required: boolean): number | undefined => {
    const v = values.get(key.toLowerCase());
    if (v === undefined) {
      if (required) fail(`not a PONI file: no '${key}' line`);
      return undefined;
    }
    const x = Number(v.value);
    if (v.value === '' || !Number.isFinite(x))
      fail(`line ${v.line}: ${v.key} must be a number, got '${v.value}'`);
    return x;
  };
  const versionText = values.get('poni_version')?.value;
  const version = versionText === undefined ? 1 : Number(versionText);
  if (!Number.isFinite(version)) fail(`poni_version must be a number, got '${versionText}'`);
  if (version >= 3) fail(`PONI version ${version} is not supported (1, 2 and 2.1 are)`);
  const detector = values.get('detector')?.value ?? 'Detector';
  let detectorConfig: Record<string, unknown> = {};
  const configText = values.get('detector_config');
  if (configText !== undefined && configText.value !== '') {
    try {
      const parsed: unknown = JSON.parse(configText.value);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      detectorConfig = parsed as Record<string, unknown>;
    } catch (e) {
      fail(`line ${configText.line}: Detector_config is not a JSON object (${(e as Error).message})`);
    }
  }
  const orientation = detectorConfig.orientation;
  if (orientation !== undefined && orientation !== null && Number(orientation) !== 3)
    fail(
      `detector orientation ${String(orientation)} is not supported: only pyFAI's default orientation 3 (origin at the top left, as versions 1 and 2)`,
    );
  const configNumber = (key: string): number | undefined => {
    const v = detectorConfig[key];
    if (v === undefined || v === null) return undefined;
    const x = Number(v);
    if (!(Number.isFinite(x) && x > 0))
      fail(`Detector_config ${key} must be a positive number, got ${JSON.stringify(v)}`);
    return x;
  };
  let pixel1 = number('PixelSize1', false) ?? configNumber('pixel1');
  let pixel2 = number('PixelSize2', false) ?? configNumber('pixel2');
  if (pixel1 === undefined && pixel2 === undefined) {
    const known = knownDetectorPixelSize(detector);
    if (known !== undefined) pixel1 = pixel2 = known;
  }
  pixel2 ??= pixel1;
  pixel1 ??= pixel2;
  let maxShape: [number, number] | undefined;
  const shape = detectorConfig.max_shape;
  if (
    Array.isArray(shape) &&
    shape.length === 2 &&
    shape.every((v) => Number.isInteger(v) && (v as number) > 0)
  )
    maxShape = [shape[0] as number, shape[1] as number];
  const out: PoniParameters = {
    version,
    detector,
    detectorConfig,
    distance: number('Distance', true)!,
    poni1: number('Poni1', true)!,
    poni2: number('Poni2', true)!,
    rot1: number('Rot1', false) ?? 0,
    rot2: number('Rot2', false) ?? 0,
    rot3: number('Rot3', false) ?? 0,
  };
  if (!(out.distance > 0)) fail(`Distance must be positive (got ${out.distance} m)`);
  if (pixel1 !== undefined) out.pixel1 = pixel1;
  if (pixel2 !== undefined) out.pixel2 = pixel2;
  if (maxShape) out.maxShape = maxShape;
  const wavelength = number('Wavelength', false);
  if (wavelength !== undefined) {
    if (!(wavelength > 0)) fail(`Wavelength must be positive (got ${wavelength} m)`);
    out.wavelength = wavelength;
  }
  return out;
}

export interface FormatPoniOptions {
  /** Text of the second comment line. @default 'Calibration done with NXRefine Desktop' */
  comment?: string;
}

/**
 * A version-2 PONI file as pyFAI writes it. The detector is written as pyFAI's generic 'Detector'
 * with its pixel sizes and shape in Detector_config, so any pyFAI version can load it.
 */
export function formatPoni(p: PoniParameters, options: FormatPoniOptions = {}): string {
  if (p.pixel1 === undefined || p.pixel2 === undefined)
    throw new NxrError({ code: 'BAD_PARAMETER', message: 'a PONI file needs the pixel size' });
  const config: Record<string, unknown> = { pixel1: p.pixel1, pixel2: p.pixel2 };
  if (p.maxShape) config.max_shape = [p.maxShape[0], p.maxShape[1]];
  const num = (v: number): string => String(v);
  const lines = [
    '# Nota: C-Order, 1 refers to the Y axis, 2 to the X axis ',
    `# ${options.comment ?? 'Calibration done with NXRefine Desktop'}`,
    'poni_version: 2',
    'Detector: Detector',
    `Detector_config: ${JSON.stringify(config).replace(/,/g, ', ').replace(/:/g, ': ')}`,
    `Distance: ${num(p.distance)}`,
    `Poni1: ${num(p.poni1)}`,
    `Poni2: ${num(p.poni2)}`,
    `Rot1: ${num(p.rot1)}`,
    `Rot2: ${num(p.rot2)}`,
    `Rot3: ${num(p.rot3)}`,
  ];
  if (p.wavelength !== undefined) lines.push(`Wavelength: ${num(p.wavelength)}`);
  return lines.join('\n') + '\n';
}
