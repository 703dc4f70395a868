/** Turning h5wasm/HDF5 exceptions into NxrErrors that name the file and path. */
import { NxrError, type NxrErrorCode } from '../../shared/errors.ts';

/** The useful lines of an HDF5-DIAG trace: the function messages and minor codes, without source paths. */
export function summarizeHdf5Error(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  if (!raw.includes('HDF5-DIAG')) return raw.length > 300 ? `${raw.slice(0, 300)}…` : raw;
  const msgs: string[] = [];
  for (const line of raw.split('\n')) {
    const m = /#\d+: .* in (\w+\(\)): (.*)$/.exec(line.trim());
    if (m?.[2] && !msgs.includes(m[2])) msgs.push(m[2]);
  }
  const text = msgs.slice(0, 4).join('; ');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text || 'HDF5 error';
}

const FILTER_RE = /filter|plugin|H5Z|can't dlopen|decompress/i;

export function isFilterError(e: unknown): boolean {
  const raw = e instanceof Error ? e.message : String(e);
  return (
    FILTER_RE.test(raw) &&
    /(not registered|not available|can't (open|find|load|dlopen)|filter returned failure|failed)/i.test(raw)
  );
}

export function toNxrError(
  e: unknown,
  where: { file: string; path?: string },
  fallback: NxrErrorCode = 'INTERNAL',
  what?: string,
): NxrError {
  if (e instanceof NxrError) return e;
  const message = `${what ? `${what}: ` : ''}${summarizeHdf5Error(e)}`;
  const info = {
    code: fallback,
    message,
    file: where.file,
    ...(where.path !== undefined ? { path: where.path } : {}),
  };
  return new NxrError(info, { cause: e });
}
