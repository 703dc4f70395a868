/** Running Debian's h5py (/usr/bin/python3, not a pyenv python) as an independent reader/writer. */
import { execFileSync } from 'node:child_process';

/** Run a Python snippet; what it prints on stdout is parsed as JSON. */
export function pyJson<T = unknown>(code: string, args: string[] = []): T {
  const out = execFileSync('/usr/bin/python3', ['-c', code, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  return JSON.parse(out) as T;
}

/** Run a Python snippet for its side effects (e.g. writing a fixture file). */
export function pyRun(code: string, args: string[] = []): string {
  return execFileSync('/usr/bin/python3', ['-c', code, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
}
