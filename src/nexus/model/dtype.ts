import type { NxDtype } from './types.ts';

/**
 * Short readable dtype, numpy style for numbers: '<u4', '>f4', '<i8', '|u1'; 'string' (vlen) or
 * 'string[12]' (fixed length); 'compound', 'enum', 'bool' (h5py's FALSE/TRUE enum), 'array',
 * 'vlen', 'reference', 'opaque', 'bitfield'.
 */
export function dtypeString(t: NxDtype): string {
  switch (t.class) {
    case 'integer': {
      const endian = t.size === 1 ? '|' : t.endian;
      return `${endian}${t.signed ? 'i' : 'u'}${t.size}`;
    }
    case 'float':
      return `${t.size === 1 ? '|' : t.endian}f${t.size}`;
    case 'string':
      return t.vlen ? 'string' : `string[${t.size}]`;
    case 'enum':
      return isBooleanEnum(t) ? 'bool' : 'enum';
    default:
      return t.class;
  }
}

/** h5py stores bool as an enum {FALSE: 0, TRUE: 1}. */
export function isBooleanEnum(t: NxDtype): boolean {
  const m = t.enumMembers;
  if (t.class !== 'enum' || !m) return false;
  const keys = Object.keys(m);
  return keys.length === 2 && m['FALSE'] === 0 && m['TRUE'] === 1;
}

export function isNumericDtype(t: NxDtype): boolean {
  return t.class === 'integer' || t.class === 'float';
}

/** Number of elements of a shape ([] → 1 scalar, null → 0). */
export function shapeSize(shape: readonly number[] | null | undefined): number {
  if (shape === null || shape === undefined) return 0;
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** '(488, 4362, 4148)' style; 'scalar' for [], 'null' for a null dataspace. */
export function formatShape(shape: readonly number[] | null | undefined): string {
  if (shape === null || shape === undefined) return 'null';
  if (shape.length === 0) return 'scalar';
  return `(${shape.join(', ')})`;
}
