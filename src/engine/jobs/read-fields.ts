/**
 * Reading single NXRefine parameters from a NeXus file: scalars (also stored as 1-element arrays,
 * as GDA/DLS write them), strings, 3×3 matrices, with the `units` attribute honoured — a distance
 * stored in m comes back in mm, an angle in rad comes back in degrees. Missing fields give
 * undefined; a field that exists but cannot be used gives an NxrError naming file and path.
 */
import { normalizeUnit, loadUnitConverter } from '../../nexus/units/convert-units.ts';
import type { NexusReader } from '../../nexus/port.ts';
import type { Mat3 } from '../../refine/geometry/models.ts';
import { NxrError } from '../../shared/errors.ts';

/** Units treated as "pixels" (no conversion; mathjs has no pixel unit). */
const PIXEL_UNITS = new Set(['', 'pixel', 'pixels', 'px', 'pix']);

function bad(
  f: NexusReader,
  path: string,
  message: string,
  code: 'WRONG_DTYPE' | 'WRONG_SHAPE' | 'BAD_PARAMETER' = 'WRONG_DTYPE',
): NxrError {
  return new NxrError({ code, message, file: f.file, path });
}

/** The `units` attribute of a field ('' when absent or not a string). */
export function readUnits(f: NexusReader, path: string): string {
  const node = f.entity(path, { attrs: true, maxDepth: 0 });
  const a = node.attributes.find((x) => x.name === 'units');
  if (!a) return '';
  const v = Array.isArray(a.value) ? a.value[0] : a.value;
  return typeof v === 'string' ? v.trim() : '';
}

/** All numbers of a field, flattened (bigint → number). Undefined when the field is missing. */
export function readNumbers(f: NexusReader, path: string): number[] | undefined {
  if (!f.has(path)) return undefined;
  const node = f.entity(path, { attrs: false, maxDepth: 0 });
  if (node.kind !== 'dataset') throw bad(f, path, `expected a numeric field, found a ${node.kind}`);
  const v = f.readValue(path);
  if (typeof v === 'number') return [v];
  if (typeof v === 'bigint') return [Number(v)];
  if (typeof v === 'boolean') return [v ? 1 : 0];
  if (ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<number | bigint>, Number);
  if (Array.isArray(v)) {
    const flat = (v as unknown[]).flat(8);
    if (flat.every((x) => typeof x === 'number' || typeof x === 'boolean')) return flat.map((x) => Number(x));
    // numbers stored as text ('0.2'), as some hand-made files do
    if (
      flat.length > 0 &&
      flat.every((x) => typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x)))
    )
      return flat.map((x) => Number(x));
  }
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return [Number(v)];
  throw bad(f, path, `expected a number, found ${node.dtype ?? 'a non-numeric value'}`);
}

/**
 * Convert `value` from the field's `units` to `unit`. Fields without units are taken to be in
 * `unit` already (NXRefine writes most fields without units).
 */
async function toUnit(f: NexusReader, path: string, values: number[], unit: string): Promise<number[]> {
  const units = readUnits(f, path);
  if (unit === 'pixel') {
    if (PIXEL_UNITS.has(units.toLowerCase())) return values;
    throw bad(f, path, `units '${units}' cannot be read as pixels`, 'BAD_PARAMETER');
  }
  if (units === '' || normalizeUnit(units) === normalizeUnit(unit)) return values;
  const conv = await loadUnitConverter();
  try {
    return values.map((v) => conv.convert(v, units, unit));
  } catch (e) {
    throw new NxrError(
      {
        code: 'BAD_PARAMETER',
        message: `units '${units}' cannot be converted to ${unit}`,
        file: f.file,
        path,
      },
      { cause: e },
    );
  }
}

/**
 * One number, converted to `unit` when given ('mm', 'angstrom', 'deg', 's', 'pixel', …).
 * Undefined when the field is missing. An array must have exactly one element unless `first`.
 */
export async function readScalar(
  f: NexusReader,
  path: string,
  unit?: string,
  options: { first?: boolean } = {},
): Promise<number | undefined> {
  const values = readNumbers(f, path);
  if (values === undefined) return undefined;
  if (values.length === 0) throw bad(f, path, 'empty field', 'WRONG_SHAPE');
  if (values.length !== 1 && options.first !== true)
    throw bad(f, path, `expected one number, found ${values.length}`, 'WRONG_SHAPE');
  const [v] = unit !== undefined ? await toUnit(f, path, [values[0]!], unit) : [values[0]!];
  if (!Number.isFinite(v)) throw bad(f, path, `value is not a finite number (${String(v)})`, 'BAD_PARAMETER');
  return v;
}

/** All numbers of a field converted to `unit` (undefined when missing). */
export async function readVector(f: NexusReader, path: string, unit?: string): Promise<number[] | undefined> {
  const values = readNumbers(f, path);
  if (values === undefined) return undefined;
  return unit !== undefined ? toUnit(f, path, values, unit) : values;
}

/** A text field ((1,) string arrays give their element). Undefined when missing or empty. */
export function readText(f: NexusReader, path: string): string | undefined {
  if (!f.has(path)) return undefined;
  const node = f.entity(path, { attrs: false, maxDepth: 0 });
  if (node.kind !== 'dataset') throw bad(f, path, `expected a text field, found a ${node.kind}`);
  const v = f.readValue(path);
  const s = Array.isArray(v) ? (v as unknown[]).flat(8)[0] : v;
  if (typeof s === 'string') return s.trim() === '' ? undefined : s.trim();
  if (typeof s === 'number' || typeof s === 'bigint') return String(s);
  throw bad(f, path, `expected text, found ${node.dtype ?? 'another type'}`);
}

/** A 3×3 matrix (also (1, 3, 3) as DLS stores per-frame matrices: the first is used). */
export function readMatrix3(f: NexusReader, path: string): Mat3 | undefined {
  const values = readNumbers(f, path);
  if (values === undefined) return undefined;
  const shape = f.entity(path, { attrs: false, maxDepth: 0 }).shape ?? [];
  const tail = shape.slice(-2);
  if (values.length < 9 || tail[0] !== 3 || tail[1] !== 3)
    throw bad(f, path, `expected a 3×3 matrix, found shape [${shape.join(', ')}]`, 'WRONG_SHAPE');
  if (!values.slice(0, 9).every(Number.isFinite))
    throw bad(f, path, 'matrix has non-finite values', 'BAD_PARAMETER');
  const v = values;
  return [
    [v[0]!, v[1]!, v[2]!],
    [v[3]!, v[4]!, v[5]!],
    [v[6]!, v[7]!, v[8]!],
  ];
}

/** A required value: `read` result or MISSING_PATH naming the field. */
export function required<T>(f: NexusReader, path: string, value: T | undefined, what: string): T {
  if (value === undefined)
    throw new NxrError({ code: 'MISSING_PATH', message: `${what} is not defined`, file: f.file, path });
  return value;
}
