/**
 * The experimental geometry of one detector entry (f1, f2 …) of an NXRefine scan file, as
 * NXRefine.read_parameters reads it (spec §3.2, §4), in the units of src/refine: lengths mm,
 * wavelength Å, angles degrees, beam centre pixels. Units attributes are honoured (a distance in m
 * comes back in mm).
 *
 * Required: wavelength (or energy), distance, pixel_size, beam_center_x/y and the detector shape
 * (`detector/shape`, else the frame shape of `data/data`). Optional, as NXRefine defaults them:
 * yaw/pitch/roll, chi/omega/theta, xs/ys/zs → 0; detector_orientation → '-y +z -x';
 * phi → start 0, step 0.1 (a scalar phi without @step keeps the step 0.1).
 */
import type { NexusReader } from '../../nexus/port.ts';
import { HC_KEV_ANGSTROM } from '../../nexus/units/convert-units.ts';
import { checkGeometry } from '../../refine/geometry/check-geometry.ts';
import type { Geometry, Mat3, Vec3 } from '../../refine/geometry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { readMatrix3, readNumbers, readScalar, readText, readVector, required } from './read-fields.ts';

/** '/f1/instrument/detector/distance' etc. */
function p(entry: string, rel: string): string {
  return `/${entry.replace(/^\/+/, '')}/${rel}`;
}

export const DEFAULT_DETECTOR_ORIENTATION = '-y +z -x';

/** Frames in an entry: the length of data/data (or of data/frame_number when the raw file is missing). */
export function readEntryFrameCount(f: NexusReader, entry: string): number | undefined {
  const data = p(entry, 'data/data');
  if (f.has(data)) {
    const shape = f.entity(data, { attrs: false, maxDepth: 0 }).shape;
    if (shape && shape.length === 3) return shape[0];
  }
  const frames = p(entry, 'data/frame_number');
  if (f.has(frames)) {
    const shape = f.entity(frames, { attrs: false, maxDepth: 0 }).shape;
    if (shape && shape.length === 1) return shape[0];
  }
  return undefined;
}

/** Detector shape [ny, nx]: detector/shape, else the frame shape of data/data. */
export function readDetectorShape(f: NexusReader, entry: string): [number, number] | undefined {
  const shapePath = p(entry, 'instrument/detector/shape');
  const s = readNumbers(f, shapePath);
  if (s !== undefined) {
    if (s.length !== 2 || !s.every((v) => Number.isInteger(v) && v > 0))
      throw new NxrError({
        code: 'WRONG_SHAPE',
        message: `detector shape must be [ny, nx] positive integers, found [${s.join(', ')}]`,
        file: f.file,
        path: shapePath,
      });
    return [s[0]!, s[1]!];
  }
  const data = p(entry, 'data/data');
  if (f.has(data)) {
    const shape = f.entity(data, { attrs: false, maxDepth: 0 }).shape;
    if (shape && shape.length === 3) return [shape[1]!, shape[2]!];
  }
  return undefined;
}

/** The detector_orientation string or 3×3 matrix (default '-y +z -x'). */
export function readDetectorOrientation(f: NexusReader, entry: string): string | Mat3 {
  const path = p(entry, 'instrument/detector/detector_orientation');
  if (!f.has(path)) return DEFAULT_DETECTOR_ORIENTATION;
  const node = f.entity(path, { attrs: false, maxDepth: 0 });
  if (node.type?.class === 'string') return readText(f, path) ?? DEFAULT_DETECTOR_ORIENTATION;
  return readMatrix3(f, path)!;
}

/** φ start and step, degrees: a scalar with @step, or an array (φ0 = phi[0], Δφ = phi[1] − phi[0]). */
export async function readPhi(f: NexusReader, entry: string): Promise<{ phiStart: number; phiStep: number }> {
  const path = p(entry, 'instrument/goniometer/phi');
  const values = await readVector(f, path, 'deg');
  if (values === undefined) return { phiStart: 0, phiStep: 0.1 };
  if (values.length === 0)
    throw new NxrError({ code: 'WRONG_SHAPE', message: 'phi is empty', file: f.file, path });
  if (values.length > 1) return { phiStart: values[0]!, phiStep: values[1]! - values[0]! };
  const node = f.entity(path, { attrs: true, maxDepth: 0 });
  const stepAttr = node.attributes.find((a) => a.name === 'step')?.value;
  const step = Array.isArray(stepAttr) ? stepAttr[0] : stepAttr;
  if (step === undefined || step === null) return { phiStart: values[0]!, phiStep: 0.1 };
  if (typeof step !== 'number' || !Number.isFinite(step))
    throw new NxrError({
      code: 'WRONG_DTYPE',
      message: `phi@step is not a number (${String(step)})`,
      file: f.file,
      path,
    });
  return { phiStart: values[0]!, phiStep: step };
}

/** Wavelength in Å: monochromator/wavelength, else 12.398…/energy (keV). */
export async function readWavelength(f: NexusReader, entry: string): Promise<number | undefined> {
  const lam = await readScalar(f, p(entry, 'instrument/monochromator/wavelength'), 'angstrom', {
    first: true,
  });
  if (lam !== undefined) return lam;
  const e = await readScalar(f, p(entry, 'instrument/monochromator/energy'), 'keV', { first: true });
  return e !== undefined ? HC_KEV_ANGSTROM / e : undefined;
}

/** The full geometry of entry `entry` (e.g. 'f1'); see the module comment for defaults and units. */
export async function readEntryGeometry(f: NexusReader, entry: string): Promise<Geometry> {
  const e = entry.replace(/^\/+/, '');
  if (!f.has(`/${e}`))
    throw new NxrError({ code: 'MISSING_PATH', message: `no entry '${e}'`, file: f.file, path: `/${e}` });
  const det = (rel: string): string => p(e, `instrument/detector/${rel}`);
  const gon = (rel: string): string => p(e, `instrument/goniometer/${rel}`);
  const opt = async (path: string, unit: string): Promise<number> =>
    (await readScalar(f, path, unit, { first: true })) ?? 0;

  const wavelength = required(
    f,
    p(e, 'instrument/monochromator/wavelength'),
    await readWavelength(f, e),
    'wavelength',
  );
  const distance = required(
    f,
    det('distance'),
    await readScalar(f, det('distance'), 'mm', { first: true }),
    'detector distance',
  );
  const pixelSize = required(
    f,
    det('pixel_size'),
    (await readScalar(f, det('pixel_size'), 'mm', { first: true })) ??
      (await readScalar(f, det('x_pixel_size'), 'mm', { first: true })),
    'pixel size',
  );
  const beamCenterX = required(
    f,
    det('beam_center_x'),
    await readScalar(f, det('beam_center_x'), 'pixel', { first: true }),
    'beam centre x',
  );
  const beamCenterY = required(
    f,
    det('beam_center_y'),
    await readScalar(f, det('beam_center_y'), 'pixel', { first: true }),
    'beam centre y',
  );
  const shape = required(f, det('shape'), readDetectorShape(f, e), 'detector shape');
  let theta = await readScalar(f, gon('theta'), 'deg', { first: true });
  theta ??= await readScalar(f, gon('goniometer_pitch'), 'deg', { first: true });
  theta ??= await readScalar(f, gon('gonpitch'), 'deg', { first: true });
  const offset: Vec3 = [await opt(gon('xs'), 'mm'), await opt(gon('ys'), 'mm'), await opt(gon('zs'), 'mm')];
  const g: Geometry = {
    wavelength,
    distance,
    pixelSize,
    shape,
    beamCenterX,
    beamCenterY,
    yaw: await opt(det('yaw'), 'deg'),
    pitch: await opt(det('pitch'), 'deg'),
    roll: await opt(det('roll'), 'deg'),
    detectorOrientation: readDetectorOrientation(f, e),
    ...(await readPhi(f, e)),
    chi: await opt(gon('chi'), 'deg'),
    omega: await opt(gon('omega'), 'deg'),
    theta: theta ?? 0,
  };
  if (offset.some((v) => v !== 0)) g.sampleOffset = offset;
  try {
    return checkGeometry(g);
  } catch (err) {
    if (err instanceof NxrError)
      throw new NxrError(
        { code: err.code, message: err.message, file: f.file, path: `/${e}/instrument` },
        { cause: err },
      );
    throw err;
  }
}

/** The orientation matrix U of an entry (instrument/detector/orientation_matrix), if defined. */
export function readOrientationMatrix(f: NexusReader, entry: string): Mat3 | undefined {
  return readMatrix3(f, p(entry, 'instrument/detector/orientation_matrix'));
}
