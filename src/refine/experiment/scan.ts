/**
 * New Scan (classic, nxrefine-spec.md §7): the dialog's values and what they add to the copy of a
 * configuration file to make the scan ("wrapper") file `<sample>/<label>/<sample>_<scan>.nxs`
 * (§3.2):
 *
 *   /entry/sample:NXsample   name, label, temperature @units='K'
 *   /fN/sample               → /entry/sample (NeXus link)
 *   /fN/instrument/goniometer  phi = φ start @step @end, chi, omega, theta and their *_set values
 *   /fN/instrument/detector    translation_x/y (mm), frame_time (s)
 *   /fN/data:NXdata          data → <scan>/f<N>.h5:/entry/data/data (external link, relative to
 *                            the wrapper's folder); frame_number (nframes = (φ end − φ start)/step),
 *                            y_pixel, x_pixel (int32); @signal, @axes
 */
import { checkName, checkSubpath } from './names.ts';
import { countFrames, type Errors } from './checks.ts';
import { frameTimeOf, type DetectorPosition } from './configuration.ts';
import { goniometerNodes, scanDataNodes } from './instrument-content.ts';
import { rawLinkFile } from './layout.ts';
import { field, group, type PlanNode } from './nexus-plan.ts';

export interface ScanPosition extends DetectorPosition {
  /** Detector Filename, relative to the scan directory. @default 'f<N>.h5' */
  linkFile: string;
  /** Detector Data Path in that file. @default '/entry/data/data' */
  linkPath: string;
}

export interface ScanSettings {
  /** Scan Label: the scan directory and the wrapper's `<sample>_<scan>` suffix. */
  scan: string;
  /** Kelvin. @default 300 */
  temperature: number;
  /** Degrees. */
  phiStart: number;
  phiEnd: number;
  phiStep: number;
  /** Frames per second (0 → frame_time 0.1 s). */
  frameRate: number;
  /** One per detector position of the configuration (f1 … fN). */
  positions: ScanPosition[];
}

export const DEFAULT_LINK_PATH = '/entry/data/data';

/** What a configuration holds that New Scan starts from. */
export interface ConfigurationSummary {
  phiStart: number;
  phiEnd: number;
  phiStep: number;
  /** Frames per second (1/frame_time of f1), 10 when unknown. */
  frameRate: number;
  positions: DetectorPosition[];
}

/** The dialog's initial values for a configuration. */
export function scanDefaults(config: ConfigurationSummary, scan = '300K', temperature = 300): ScanSettings {
  return {
    scan,
    temperature,
    phiStart: config.phiStart,
    phiEnd: config.phiEnd,
    phiStep: config.phiStep,
    frameRate: config.frameRate,
    positions: config.positions.map((p, i) => ({
      ...p,
      linkFile: `f${i + 1}.h5`,
      linkPath: DEFAULT_LINK_PATH,
    })),
  };
}

/** Field errors: keys are ScanSettings keys and `positions.<i>.<key>`. */
export function checkScan(s: ScanSettings): Errors {
  const out: Errors = {};
  const finite = (key: string, v: number): boolean => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      out[key] = 'a number';
      return false;
    }
    return true;
  };
  const scanMsg = checkName('scan', s.scan);
  if (scanMsg !== undefined) out['scan'] = scanMsg;
  if (finite('temperature', s.temperature) && !(s.temperature >= 0)) out['temperature'] = 'kelvin ≥ 0';
  if (
    [finite('phiStart', s.phiStart), finite('phiEnd', s.phiEnd), finite('phiStep', s.phiStep)].every(Boolean)
  ) {
    if (!(s.phiStep > 0)) out['phiStep'] = 'a positive step (degrees per frame)';
    else if (!(s.phiEnd > s.phiStart)) out['phiEnd'] = `must be greater than φ start (${s.phiStart})`;
    else if (countFrames(s.phiStart, s.phiEnd, s.phiStep) > 100_000)
      out['phiStep'] = 'more than 100000 frames: check φ start, end and step';
  }
  if (finite('frameRate', s.frameRate) && !(s.frameRate >= 0)) out['frameRate'] = 'frames per second ≥ 0';
  s.positions.forEach((p, i) => {
    for (const k of ['chi', 'omega', 'theta', 'x', 'y'] as const) finite(`positions.${i}.${k}`, p[k]);
    const f = p.linkFile.trim();
    const fm = f === '' ? 'a file name, e.g. f1.h5' : checkSubpath(f);
    if (fm !== undefined) out[`positions.${i}.linkFile`] = fm;
    if (!/^\/[^\s]*[^/\s]$/.test(p.linkPath.trim()) || p.linkPath.includes('//'))
      out[`positions.${i}.linkPath`] = 'an HDF5 path such as /entry/data/data';
  });
  return out;
}

/** Frames of the scan's rotation. */
export function scanFrameCount(s: Pick<ScanSettings, 'phiStart' | 'phiEnd' | 'phiStep'>): number {
  return countFrames(s.phiStart, s.phiEnd, s.phiStep);
}

export interface ScanPlanContext {
  sample: string;
  label: string;
  /** Detector shape [ny, nx] (the configuration's detector/shape). */
  shape: readonly [number, number];
}

/**
 * What New Scan writes over the copy of the configuration (`s` must pass {@link checkScan}).
 * Every path here replaces the copied object of that path (and what lies below it).
 */
export function scanPlan(s: ScanSettings, ctx: ScanPlanContext): PlanNode[] {
  const nframes = scanFrameCount(s);
  const out: PlanNode[] = [
    { kind: 'attrs', path: '/', attrs: { default: 'entry' } },
    group('/entry/sample', 'NXsample'),
    field('/entry/sample/name', ctx.sample),
    field('/entry/sample/label', ctx.label),
    field('/entry/sample/temperature', s.temperature, { dtype: '<f8', units: 'K' }),
  ];
  s.positions.forEach((p, i) => {
    const e = `/f${i + 1}`;
    const det = `${e}/instrument/detector`;
    out.push(
      { kind: 'link', path: `${e}/sample`, target: '/entry/sample' },
      ...goniometerNodes(`${e}/instrument/goniometer`, {
        phiStart: s.phiStart,
        phiStep: s.phiStep,
        phiEnd: s.phiEnd,
        chi: p.chi,
        omega: p.omega,
        theta: p.theta,
        setValues: true,
      }),
      field(`${det}/translation_x`, p.x, { dtype: '<f8', units: 'mm' }),
      field(`${det}/translation_y`, p.y, { dtype: '<f8', units: 'mm' }),
      field(`${det}/frame_time`, frameTimeOf(s.frameRate), { dtype: '<f8', units: 's' }),
      ...scanDataNodes(e, {
        linkFile: rawLinkFile(s.scan, i + 1, p.linkFile.trim()),
        linkPath: p.linkPath.trim(),
        nframes,
        shape: ctx.shape,
      }),
      { kind: 'attrs', path: e, attrs: { default: 'data' } },
    );
  });
  return out;
}
