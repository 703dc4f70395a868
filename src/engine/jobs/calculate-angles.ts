/**
 * Calculate Angles (spec §6.1, §4.7): the polar (2θ) and azimuthal angles of every peak in
 * `<entry>/peaks` (fields x, y and, for the sample offset, z), and the powder rings of the defined
 * lattice (allowed reflections up to the largest polar angle the detector records) to compare them
 * with. `write` stores polar_angle / azimuthal_angle (float64, degrees) in the peaks group.
 *
 * Convention (differs from NXRefine on purpose): by default the angles are exact — the ray from
 * the sample to the peak on the tilted detector. NXRefine's Calculate Angles sets yaw/pitch/roll to
 * None before saving, so it writes atan(p·r/L) of the untilted detector; `convention: 'nxrefine'`
 * reproduces that. Both agree for an untilted detector.
 */
import { resolve } from 'node:path';

import type { NexusReader } from '../../nexus/port.ts';
import { HC_KEV_ANGSTROM } from '../../nexus/units/convert-units.ts';
import { computeAzimuthalAngle, computePolarAngle } from '../../refine/geometry/angles.ts';
import { checkGeometry } from '../../refine/geometry/check-geometry.ts';
import type { Geometry, UnitCell, Vec3 } from '../../refine/geometry/models.ts';
import { computeTwoThetaMax } from '../../refine/geometry/two-theta-max.ts';
import { computePowderRings } from '../../refine/lattice/powder-rings.ts';
import { NxrError } from '../../shared/errors.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { clearPaths } from './field-snapshot.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { readEntryGeometry } from './read-entry-geometry.ts';
import { readNumbers } from './read-fields.ts';
import { readSampleLattice, resolveSampleSpaceGroup } from './read-sample-lattice.ts';

export type AngleConvention = 'exact' | 'nxrefine';

/** The parameters the Calculate Angles dialog lets the user change before computing. */
export type AngleGeometryOverrides = Partial<
  Pick<Geometry, 'wavelength' | 'distance' | 'beamCenterX' | 'beamCenterY' | 'pixelSize'>
>;

export interface CalculateAnglesOptions {
  file: string;
  /** Detector entry, e.g. 'f1'. */
  entry: string;
  /** @default 'exact' */
  convention?: AngleConvention;
  /** Store polar_angle / azimuthal_angle in <entry>/peaks (and the overridden geometry). @default false */
  write?: boolean;
  /** Values replacing the file's (Å, mm, pixels); written with `write`. */
  geometry?: AngleGeometryOverrides;
  /** Largest ring angle listed, degrees. @default the detector's largest polar angle */
  polarMax?: number;
  /** Ring grouping tolerance, degrees (NXRefine polar_tolerance). @default 0.1 */
  polarTolerance?: number;
}

export interface RingClass {
  hkl: Vec3;
  multiplicity: number;
  /** Å */
  d: number;
  /** degrees */
  twoTheta: number;
}

export interface AngleRing {
  /** Ring angle, degrees (multiplicity-weighted mean of its classes). */
  twoTheta: number;
  classes: RingClass[];
}

export interface CalculateAnglesResult {
  file: string;
  entry: string;
  convention: AngleConvention;
  geometry: Geometry;
  /** Peak positions and their angles (degrees). */
  peaks: {
    x: Float64Array;
    y: Float64Array;
    z: Float64Array;
    polarAngle: Float64Array;
    azimuthalAngle: Float64Array;
    /** Index of the nearest ring (NXRefine assign_rings), −1 without rings. */
    ring: Int32Array;
    /** Polar angle − ring angle, degrees (NaN without rings). */
    ringDelta: Float64Array;
  };
  /** Largest polar angle on the detector, degrees. */
  twoThetaMax: number;
  /** Powder rings up to `polarMax`; null when the file defines no lattice. */
  rings: AngleRing[] | null;
  cell?: UnitCell;
  spaceGroup?: string;
  written: boolean;
  /** Paths written. */
  paths: string[];
}

function peakField(f: NexusReader, entry: string, name: string): number[] | undefined {
  return readNumbers(f, `/${entry}/peaks/${name}`);
}

export async function calculateAngles(
  options: CalculateAnglesOptions,
  ctx: JobContext = {},
): Promise<CalculateAnglesResult> {
  const file = resolve(options.file);
  const entry = options.entry.replace(/^\/+/, '');
  const convention = options.convention ?? 'exact';
  if (convention !== 'exact' && convention !== 'nxrefine')
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `unknown angle convention '${String(convention)}' (exact or nxrefine)`,
      file,
    });
  ctx.onProgress?.(0, 'reading');
  const f = await openNexusFile(file);
  let g: Geometry;
  let x: number[];
  let y: number[];
  let z: number[];
  let lattice;
  let sg;
  try {
    if (!f.has(`/${entry}/peaks`))
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'no peaks group (run Find Peaks first)',
        file,
        path: `/${entry}/peaks`,
      });
    g = { ...(await readEntryGeometry(f, entry)), ...(options.geometry ?? {}) };
    try {
      checkGeometry(g);
    } catch (e) {
      if (e instanceof NxrError) throw new NxrError({ code: e.code, message: e.message, file }, { cause: e });
      throw e;
    }
    const px = peakField(f, entry, 'x');
    const py = peakField(f, entry, 'y');
    if (px === undefined || py === undefined)
      throw new NxrError({
        code: 'MISSING_PATH',
        message: 'peaks need x and y fields',
        file,
        path: `/${entry}/peaks/${px === undefined ? 'x' : 'y'}`,
      });
    if (px.length !== py.length)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `x has ${px.length} values, y has ${py.length}`,
        file,
        path: `/${entry}/peaks/y`,
      });
    x = px;
    y = py;
    const pz = peakField(f, entry, 'z');
    if (pz !== undefined && pz.length !== px.length)
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `x has ${px.length} values, z has ${pz.length}`,
        file,
        path: `/${entry}/peaks/z`,
      });
    z = pz ?? new Array<number>(px.length).fill(0);
    lattice = await readSampleLattice(f, '/entry/sample');
    sg = resolveSampleSpaceGroup(f, lattice);
  } finally {
    f.close();
  }
  const n = x.length;
  const polarAngle = new Float64Array(n);
  const azimuthalAngle = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i % 4096 === 0) {
      throwIfAborted(ctx.signal, file);
      ctx.onProgress?.((0.8 * i) / Math.max(1, n), 'angles');
    }
    const opts = { convention, frame: z[i]! };
    polarAngle[i] = computePolarAngle(g, x[i]!, y[i]!, opts);
    azimuthalAngle[i] = computeAzimuthalAngle(g, x[i]!, y[i]!, opts);
  }
  const twoThetaMax = computeTwoThetaMax(g);
  const polarMax = options.polarMax ?? twoThetaMax;
  if (!(polarMax > 0 && polarMax < 180))
    throw new NxrError({
      code: 'BAD_PARAMETER',
      message: `polar-max must be in (0, 180) degrees, got ${polarMax}`,
    });
  let rings: AngleRing[] | null = null;
  if (lattice.cell && sg) {
    rings = computePowderRings(lattice.cell, sg, {
      wavelength: g.wavelength,
      polarMax,
      ...(options.polarTolerance !== undefined ? { polarTolerance: options.polarTolerance } : {}),
    }).map((r) => ({
      twoTheta: r.twoTheta,
      classes: r.classes.map((c) => ({
        hkl: c.hkl,
        multiplicity: c.multiplicity,
        d: c.d,
        twoTheta: c.twoTheta,
      })),
    }));
  } else {
    ctx.onLog?.('no lattice defined in /entry/sample: no rings to compare with (nxr define-lattice)', 'warn');
  }
  const ring = new Int32Array(n).fill(-1);
  const ringDelta = new Float64Array(n).fill(Number.NaN);
  if (rings && rings.length > 0) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let r = 1; r < rings.length; r++)
        if (Math.abs(polarAngle[i]! - rings[r]!.twoTheta) < Math.abs(polarAngle[i]! - rings[best]!.twoTheta))
          best = r;
      ring[i] = best;
      ringDelta[i] = polarAngle[i]! - rings[best]!.twoTheta;
    }
  }
  const paths: string[] = [];
  if (options.write === true) {
    throwIfAborted(ctx.signal, file);
    ctx.onProgress?.(0.9, 'writing');
    await updateNexusFile(
      file,
      (w) => {
        const peaks = `/${entry}/peaks`;
        const o = options.geometry ?? {};
        const det = `/${entry}/instrument/detector`;
        const mono = `/${entry}/instrument/monochromator`;
        const hadEnergy = w.has(`${mono}/energy`);
        clearPaths(w, [
          ...(o.wavelength !== undefined ? [`${mono}/wavelength`, `${mono}/energy`] : []),
          ...(o.distance !== undefined ? [`${det}/distance`] : []),
          ...(o.pixelSize !== undefined ? [`${det}/pixel_size`] : []),
          ...(o.beamCenterX !== undefined ? [`${det}/beam_center_x`] : []),
          ...(o.beamCenterY !== undefined ? [`${det}/beam_center_y`] : []),
        ]);
        w.field(`${peaks}/polar_angle`, polarAngle, { units: 'degrees' });
        w.field(`${peaks}/azimuthal_angle`, azimuthalAngle, { units: 'degrees' });
        paths.push(`${peaks}/polar_angle`, `${peaks}/azimuthal_angle`);
        if (o.wavelength !== undefined) {
          w.field(`${mono}/wavelength`, o.wavelength, { dtype: '<f8', units: 'Angstroms' });
          paths.push(`${mono}/wavelength`);
          if (hadEnergy) {
            w.field(`${mono}/energy`, HC_KEV_ANGSTROM / o.wavelength, { dtype: '<f8', units: 'keV' });
            paths.push(`${mono}/energy`);
          }
        }
        if (o.distance !== undefined) {
          w.field(`${det}/distance`, o.distance, { dtype: '<f8', units: 'mm' });
          paths.push(`${det}/distance`);
        }
        if (o.pixelSize !== undefined) {
          w.field(`${det}/pixel_size`, o.pixelSize, { dtype: '<f8', units: 'mm' });
          paths.push(`${det}/pixel_size`);
        }
        if (o.beamCenterX !== undefined) {
          w.field(`${det}/beam_center_x`, o.beamCenterX, { dtype: '<f8' });
          paths.push(`${det}/beam_center_x`);
        }
        if (o.beamCenterY !== undefined) {
          w.field(`${det}/beam_center_y`, o.beamCenterY, { dtype: '<f8' });
          paths.push(`${det}/beam_center_y`);
        }
        throwIfAborted(ctx.signal, file);
      },
      { purpose: 'nxr calculate-angles' },
    );
  }
  ctx.onProgress?.(1, 'done');
  return {
    file,
    entry,
    convention,
    geometry: g,
    peaks: {
      x: Float64Array.from(x),
      y: Float64Array.from(y),
      z: Float64Array.from(z),
      polarAngle,
      azimuthalAngle,
      ring,
      ringDelta,
    },
    twoThetaMax,
    rings,
    ...(lattice.cell ? { cell: lattice.cell } : {}),
    ...(sg ? { spaceGroup: sg.xhm } : {}),
    written: options.write === true,
    paths,
  };
}
