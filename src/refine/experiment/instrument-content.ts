/**
 * The `<entry>/instrument` group of NXRefine configuration and scan files (nxrefine-spec.md §3.1,
 * §3.2), shared by New Configuration, New Scan and the simulator:
 *
 *   instrument:NXinstrument   name
 *     source:NXsource          name (facility)
 *     monochromator           wavelength @units='Angstroms', energy = 12.398419739640717/λ @units='keV'
 *     detector:NXdetector      description, distance @units='mm', detector_orientation,
 *                              pixel_size @units='mm', pixel_mask (int8 [ny, nx], gzip), shape [ny, nx],
 *                              yaw, pitch, roll (degrees), [beam_center_x/y (pixels)],
 *                              [translation_x/y @units='mm', frame_time @units='s']
 *     goniometer:NXgoniometer  phi = φ start @step @end @units='degree', [chi, omega, theta,
 *                              their *_set values, xs/ys/zs (mm)]
 *
 * Fields in brackets are written only when given. Lengths mm, angles degrees, wavelength Å.
 */
import { field, group, int32Range, type PlanNode } from './nexus-plan.ts';

/** 12.398419739640717 keV·Å: E = hc/λ, as NXRefine writes the energy. */
export const HC_KEV_ANGSTROM = 12.398419739640717;

export interface DetectorContent {
  /** pyFAI detector name. */
  description: string;
  /** Sample–detector distance, mm. */
  distance: number;
  /** Pixel size, mm. */
  pixelSize: number;
  /** [ny, nx] */
  shape: readonly [number, number];
  /** e.g. '-y +z -x' */
  orientation: string;
  /** int8 [ny, nx], 1 = masked. */
  pixelMask?: Int8Array;
  /** Degrees. @default 0 */
  yaw?: number;
  pitch?: number;
  roll?: number;
  /** Beam centre, pixels. */
  beamCenterX?: number;
  beamCenterY?: number;
  /** Detector translation, mm. */
  translationX?: number;
  translationY?: number;
  /** Seconds per frame. */
  frameTime?: number;
}

export interface GoniometerContent {
  /** φ at the first frame, degrees. */
  phiStart: number;
  /** Degrees per frame. */
  phiStep: number;
  /** φ at the end of the rotation, degrees. */
  phiEnd: number;
  chi?: number;
  omega?: number;
  theta?: number;
  /** Also write phi_set, chi_set, omega_set, theta_set (the requested values, New Scan). */
  setValues?: boolean;
  /** Write the sample offset xs, ys, zs (mm). */
  offsets?: readonly [number, number, number];
}

export interface InstrumentContent {
  /** Instrument name (instrument/name). */
  name: string;
  /** Facility (instrument/source/name); not written when undefined. */
  source?: string;
  /** Å */
  wavelength: number;
  detector: DetectorContent;
  goniometer: GoniometerContent;
}

/** −0 (e.g. from a sign flip of 0) is written as 0. */
const z = (v: number): number => (v === 0 ? 0 : v);

/** The nodes of `<prefix>/instrument`, e.g. prefix '/entry' or '/f1'. */
export function instrumentNodes(prefix: string, c: InstrumentContent): PlanNode[] {
  const i = `${prefix}/instrument`;
  const d = c.detector;
  const g = c.goniometer;
  const [ny, nx] = d.shape;
  const out: PlanNode[] = [group(i, 'NXinstrument'), field(`${i}/name`, c.name)];
  if (c.source !== undefined) {
    out.push(group(`${i}/source`, 'NXsource'), field(`${i}/source/name`, c.source));
  }
  out.push(
    group(`${i}/monochromator`, 'NXmonochromator'),
    field(`${i}/monochromator/wavelength`, c.wavelength, { dtype: '<f8', units: 'Angstroms' }),
    field(`${i}/monochromator/energy`, HC_KEV_ANGSTROM / c.wavelength, { dtype: '<f8', units: 'keV' }),
  );
  const det = `${i}/detector`;
  out.push(
    group(det, 'NXdetector'),
    field(`${det}/description`, d.description),
    field(`${det}/distance`, d.distance, { dtype: '<f8', units: 'mm' }),
    field(`${det}/detector_orientation`, d.orientation),
    field(`${det}/pixel_size`, d.pixelSize, { dtype: '<f8', units: 'mm' }),
  );
  if (d.pixelMask !== undefined) {
    if (d.pixelMask.length !== ny * nx)
      throw new Error(`pixel mask has ${d.pixelMask.length} values, the detector ${ny} × ${nx}`);
    out.push(field(`${det}/pixel_mask`, d.pixelMask, { dtype: '<i1', shape: [ny, nx], gzip: 4 }));
  }
  out.push(field(`${det}/shape`, [ny, nx], { dtype: '<i8' }));
  for (const [name, v] of [
    ['yaw', d.yaw],
    ['pitch', d.pitch],
    ['roll', d.roll],
  ] as const)
    out.push(field(`${det}/${name}`, z(v ?? 0), { dtype: '<f8', units: 'degree' }));
  if (d.beamCenterX !== undefined)
    out.push(field(`${det}/beam_center_x`, d.beamCenterX, { dtype: '<f8', units: 'pixel' }));
  if (d.beamCenterY !== undefined)
    out.push(field(`${det}/beam_center_y`, d.beamCenterY, { dtype: '<f8', units: 'pixel' }));
  if (d.translationX !== undefined)
    out.push(field(`${det}/translation_x`, z(d.translationX), { dtype: '<f8', units: 'mm' }));
  if (d.translationY !== undefined)
    out.push(field(`${det}/translation_y`, z(d.translationY), { dtype: '<f8', units: 'mm' }));
  if (d.frameTime !== undefined)
    out.push(field(`${det}/frame_time`, d.frameTime, { dtype: '<f8', units: 's' }));
  out.push(group(`${i}/goniometer`, 'NXgoniometer'), ...goniometerNodes(`${i}/goniometer`, g));
  return out;
}

/** The fields of a goniometer group (see {@link instrumentNodes}). */
export function goniometerNodes(gon: string, g: GoniometerContent): PlanNode[] {
  const deg = { dtype: '<f8' as const, units: 'degree' };
  const out: PlanNode[] = [
    field(`${gon}/phi`, z(g.phiStart), { ...deg, attrs: { step: g.phiStep, end: g.phiEnd } }),
  ];
  if (g.setValues === true) out.push(field(`${gon}/phi_set`, z(g.phiStart), deg));
  for (const [name, v] of [
    ['chi', g.chi],
    ['omega', g.omega],
    ['theta', g.theta],
  ] as const) {
    if (v === undefined) continue;
    out.push(field(`${gon}/${name}`, z(v), deg));
    if (g.setValues === true) out.push(field(`${gon}/${name}_set`, z(v), deg));
  }
  if (g.offsets !== undefined) {
    const [xs, ys, zs] = g.offsets;
    out.push(
      field(`${gon}/xs`, xs, { dtype: '<f8', units: 'mm' }),
      field(`${gon}/ys`, ys, { dtype: '<f8', units: 'mm' }),
      field(`${gon}/zs`, zs, { dtype: '<f8', units: 'mm' }),
    );
  }
  return out;
}

export interface ScanDataContent {
  /** External link file, relative to the wrapper's directory, e.g. '300K/f1.h5'. */
  linkFile: string;
  /** Path of the frames in the link file. @default '/entry/data/data' */
  linkPath?: string;
  nframes: number;
  /** [ny, nx] */
  shape: readonly [number, number];
  /** Seconds per frame: also writes data/frame_time = frame_time·frame_number @units='s'. */
  frameTime?: number;
}

/**
 * `<entry>/data:NXdata` of a scan file (spec §3.2): @signal='data', @axes=['frame_number',
 * 'y_pixel', 'x_pixel']; data → external link; frame_number, y_pixel, x_pixel int32.
 */
export function scanDataNodes(entry: string, c: ScanDataContent): PlanNode[] {
  const p = `${entry}/data`;
  const [ny, nx] = c.shape;
  const out: PlanNode[] = [
    group(p, 'NXdata', { signal: 'data', axes: ['frame_number', 'y_pixel', 'x_pixel'] }),
    { kind: 'external', path: `${p}/data`, file: c.linkFile, target: c.linkPath ?? '/entry/data/data' },
    field(`${p}/frame_number`, int32Range(c.nframes)),
    field(`${p}/y_pixel`, int32Range(ny)),
    field(`${p}/x_pixel`, int32Range(nx)),
  ];
  if (c.frameTime !== undefined) {
    const ft = c.frameTime;
    out.push(
      field(
        `${p}/frame_time`,
        Float64Array.from({ length: c.nframes }, (_, k) => k * ft),
        { units: 's' },
      ),
    );
  }
  return out;
}
