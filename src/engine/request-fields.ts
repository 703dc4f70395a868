/**
 * Checking job requests, which are untrusted input (a page in browser mode may send anything):
 * every field must be known and of its declared JS type before a job starts.
 */
import { NxrError } from '../shared/errors.ts';

/** 'array' is a list of strings; 'numbers' a list of finite numbers; 'list' any array. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'numbers' | 'list';

export interface RequestFieldSpec {
  fields: Record<string, FieldKind>;
  required?: readonly string[];
}

const describe = (want: FieldKind): string =>
  want === 'number'
    ? 'a finite number'
    : want === 'array'
      ? 'a list of names'
      : want === 'numbers'
        ? 'a list of finite numbers'
        : want === 'list'
          ? 'a list'
          : `a ${want}`;

function matches(value: unknown, want: FieldKind): boolean {
  switch (want) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'numbers':
      return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
    case 'list':
      return Array.isArray(value);
    default:
      return typeof value === want;
  }
}

/**
 * Throws BAD_PARAMETER naming the job kind and the field for an unknown, missing or mistyped
 * field. `kind` and `fileId` are the engine's own and always allowed.
 */
export function checkRequestFields(req: { kind: string }, spec: RequestFieldSpec): void {
  const bad = (message: string): never => {
    throw new NxrError({ code: 'BAD_PARAMETER', message: `${req.kind}: ${message}` });
  };
  for (const [key, value] of Object.entries(req)) {
    if (key === 'kind' || key === 'fileId' || value === undefined) continue;
    const want = spec.fields[key];
    if (want === undefined) bad(`unknown field '${key}'`);
    else if (!matches(value, want)) bad(`'${key}' must be ${describe(want)}`);
  }
  for (const key of spec.required ?? []) {
    if ((req as unknown as Record<string, unknown>)[key] === undefined) bad(`'${key}' is required`);
  }
  const entry = (req as { entry?: unknown }).entry;
  if (typeof entry === 'string' && !/^[A-Za-z][A-Za-z0-9_]*$/.test(entry)) bad(`bad entry name '${entry}'`);
}
