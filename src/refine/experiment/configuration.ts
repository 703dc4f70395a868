/**
 * New Configuration (nxrefine-spec.md §7): the dialog's values, their defaults from the experiment's
 * settings.ini, their checks, and the configuration file `configurations/<name>.nxs` they make
 * (§3.1):
 *
 *   /entry:NXentry
 *     nxreduce:NXparameters  threshold, polar_max, hkl_tolerance, monitor, norm, first_frame,
 *                            last_frame, radius
 *     instrument             name, source/name, monochromator (λ, E), detector (description,
 *                            distance, orientation, pixel size, pixel mask, shape, yaw/pitch/roll
 *                            = 0), goniometer/phi = φ start @step @end
 *   /f1 … /fN:NXentry        one per detector position (0–8): instrument = the /entry copy, plus
 *                            detector translation_x/y, frame_time and goniometer chi, omega, theta
 */
import type { Settings, SettingValue } from '../settings/settings-ini.ts';
import { DEFAULT_SETTINGS } from '../settings/settings-ini.ts';
import { checkOrientationText, checkReduction, countFrames, type Errors } from './checks.ts';
import {
  DEFAULT_DETECTOR,
  detectorPixelMask,
  findConfigurationDetector,
  type ConfigurationDetector,
} from './detectors.ts';
import { instrumentNodes, type InstrumentContent } from './instrument-content.ts';
import { field, group, type PlanNode } from './nexus-plan.ts';

/** One detector position: goniometer angles (degrees) and detector translation (mm). */
export interface DetectorPosition {
  chi: number;
  omega: number;
  theta: number;
  /** Detector translation x, mm. */
  x: number;
  /** Detector translation y, mm. */
  y: number;
}

export const MAX_DETECTOR_POSITIONS = 8;

export interface ConfigurationSettings {
  /** Name of Facility (instrument/source/name). */
  facility: string;
  /** Instrument Name (instrument/name). */
  instrument: string;
  /** Å */
  wavelength: number;
  /** Peak threshold, counts. */
  threshold: number;
  first: number;
  last: number;
  /** Degrees. */
  polarMax: number;
  /** Å⁻¹ (1/d units). */
  hklTolerance: number;
  monitor: string;
  norm: number;
  /** Punch radius, Å⁻¹. */
  radius: number;
  /** Degrees. */
  phiStart: number;
  phiEnd: number;
  phiStep: number;
  /** Frames per second; 0 → frame_time 0.1 s. */
  frameRate: number;
  /** mm */
  distance: number;
  /** Detector name from the detector list. */
  detector: string;
  detectorOrientation: string;
  /** Beam centre, pixels (not in NXRefine's dialog: Calibrate Powder sets it). Written when given. */
  beamCenterX?: number;
  beamCenterY?: number;
  /** 0–8 detector positions → entries f1 … fN. */
  positions: DetectorPosition[];
}

const num = (v: SettingValue | undefined, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;
const str = (v: SettingValue | undefined, fallback: string): string =>
  typeof v === 'string' ? v : v === null || v === undefined ? fallback : String(v);

/** A position with the settings' chi, omega, theta, x, y. */
export function defaultPosition(settings: Settings = DEFAULT_SETTINGS): DetectorPosition {
  const r = settings['nxrefine'] ?? {};
  return {
    chi: num(r['chi'], 0),
    omega: num(r['omega'], 0),
    theta: num(r['theta'], 0),
    x: num(r['x'], 0),
    y: num(r['y'], 0),
  };
}

/** The dialog's initial values: the experiment's settings (defaults filled), one detector position. */
export function configurationDefaults(settings: Settings = DEFAULT_SETTINGS): ConfigurationSettings {
  const d = (s: string): Record<string, SettingValue> => ({
    ...(DEFAULT_SETTINGS[s] ?? {}),
    ...(settings[s] ?? {}),
  });
  const inst = d('instrument');
  const r = d('nxrefine');
  const x = d('nxreduce');
  return {
    facility: str(inst['source'], ''),
    instrument: str(inst['instrument'], ''),
    wavelength: num(r['wavelength'], 0.2),
    threshold: num(x['threshold'], 50000),
    first: num(x['first'], 10),
    last: num(x['last'], 3640),
    polarMax: num(x['polar_max'], 10),
    hklTolerance: num(x['hkl_tolerance'], 0.05),
    monitor: str(x['monitor'], 'monitor1'),
    norm: num(x['norm'], 50000),
    radius: num(x['radius'], 0.2),
    phiStart: num(r['phi'], -5),
    phiEnd: num(r['phi_end'], 360),
    phiStep: num(r['phi_step'], 0.1),
    frameRate: num(r['frame_rate'], 10),
    distance: num(r['distance'], 500),
    detector: DEFAULT_DETECTOR,
    detectorOrientation: str(r['detector_orientation'], '-y +z -x'),
    positions: [defaultPosition(settings)],
  };
}

/** Field errors: keys are ConfigurationSettings keys, and `positions.<i>.<chi|omega|theta|x|y>`. */
export function checkConfiguration(c: ConfigurationSettings): Errors {
  const out: Errors = {};
  const finite = (key: string, v: number): boolean => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      out[key] = 'a number';
      return false;
    }
    return true;
  };
  if (finite('wavelength', c.wavelength) && !(c.wavelength > 0))
    out['wavelength'] = 'a positive wavelength (Å)';
  Object.assign(
    out,
    checkReduction({
      threshold: c.threshold,
      first: c.first,
      last: c.last,
      polarMax: c.polarMax,
      hklTolerance: c.hklTolerance,
      monitor: c.monitor,
      norm: c.norm,
      radius: c.radius,
    }),
  );
  const phiOk = [
    finite('phiStart', c.phiStart),
    finite('phiEnd', c.phiEnd),
    finite('phiStep', c.phiStep),
  ].every(Boolean);
  if (phiOk) {
    if (!(c.phiStep > 0)) out['phiStep'] = 'a positive step (degrees per frame)';
    else if (!(c.phiEnd > c.phiStart)) out['phiEnd'] = `must be greater than φ start (${c.phiStart})`;
    else if (countFrames(c.phiStart, c.phiEnd, c.phiStep) > 100_000)
      out['phiStep'] = 'more than 100000 frames: check φ start, end and step';
  }
  if (finite('frameRate', c.frameRate) && !(c.frameRate >= 0)) out['frameRate'] = 'frames per second ≥ 0';
  if (finite('distance', c.distance) && !(c.distance > 0)) out['distance'] = 'a positive distance (mm)';
  if (findConfigurationDetector(c.detector) === undefined)
    out['detector'] = `not a detector of the list ('${c.detector}')`;
  const orient = checkOrientationText(c.detectorOrientation);
  if (orient !== undefined) out['detectorOrientation'] = orient;
  if (c.beamCenterX !== undefined) finite('beamCenterX', c.beamCenterX);
  if (c.beamCenterY !== undefined) finite('beamCenterY', c.beamCenterY);
  if (!Array.isArray(c.positions) || c.positions.length > MAX_DETECTOR_POSITIONS)
    out['positions'] = `0 to ${MAX_DETECTOR_POSITIONS} detector positions`;
  else
    c.positions.forEach((p, i) => {
      for (const k of ['chi', 'omega', 'theta', 'x', 'y'] as const) finite(`positions.${i}.${k}`, p[k]);
    });
  return out;
}

/** Seconds per frame: 1/frame rate, or 0.1 s when the rate is 0. */
export function frameTimeOf(frameRate: number): number {
  return frameRate > 0 ? 1 / frameRate : 0.1;
}

/** The configuration file's content (§3.1). `c` must pass {@link checkConfiguration}. */
export function configurationPlan(c: ConfigurationSettings): PlanNode[] {
  const detector = findConfigurationDetector(c.detector);
  if (detector === undefined) throw new Error(`unknown detector '${c.detector}'`);
  const base = instrumentContent(c, detector);
  const nx = '/entry/nxreduce';
  const out: PlanNode[] = [
    group('/entry', 'NXentry'),
    group(nx, 'NXparameters'),
    field(`${nx}/threshold`, c.threshold, { dtype: '<f8' }),
    field(`${nx}/polar_max`, c.polarMax, { dtype: '<f8' }),
    field(`${nx}/hkl_tolerance`, c.hklTolerance, { dtype: '<f8' }),
    field(`${nx}/monitor`, c.monitor),
    field(`${nx}/norm`, c.norm, { dtype: '<f8' }),
    field(`${nx}/first_frame`, c.first, { dtype: '<i8' }),
    field(`${nx}/last_frame`, c.last, { dtype: '<i8' }),
    field(`${nx}/radius`, c.radius, { dtype: '<f8' }),
    ...instrumentNodes('/entry', base),
  ];
  c.positions.forEach((p, i) => {
    const entry = `/f${i + 1}`;
    out.push(
      group(entry, 'NXentry'),
      ...instrumentNodes(entry, {
        ...base,
        detector: {
          ...base.detector,
          translationX: p.x,
          translationY: p.y,
          frameTime: frameTimeOf(c.frameRate),
        },
        goniometer: { ...base.goniometer, chi: p.chi, omega: p.omega, theta: p.theta },
      }),
    );
  });
  return out;
}

function instrumentContent(c: ConfigurationSettings, d: ConfigurationDetector): InstrumentContent {
  const mask = detectorPixelMask(d);
  return {
    name: c.instrument,
    source: c.facility,
    wavelength: c.wavelength,
    detector: {
      description: d.name,
      distance: c.distance,
      pixelSize: d.pixelSize,
      shape: d.shape,
      orientation: c.detectorOrientation.trim(),
      ...(mask !== undefined ? { pixelMask: mask } : {}),
      yaw: 0,
      pitch: 0,
      roll: 0,
      ...(c.beamCenterX !== undefined ? { beamCenterX: c.beamCenterX } : {}),
      ...(c.beamCenterY !== undefined ? { beamCenterY: c.beamCenterY } : {}),
    },
    goniometer: { phiStart: c.phiStart, phiStep: c.phiStep, phiEnd: c.phiEnd },
  };
}
