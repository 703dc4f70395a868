/**
 * NXprocess records written by the jobs, filled as NXReduce.record fills them (spec §3.4): the
 * machine, the scan directory of the wrapper file, the program version, keyword lines.
 */
import { readFileSync } from 'node:fs';

import type { KeywordValue, NxProcessRecord } from '../../nexus/schema/nxprocess.ts';
import { currentHost } from '../io/nexus-writer.ts';
import { scanLayout } from './scan-layout.ts';

let version: string | undefined;

/** This program's version (package.json), '0.0.0' when it cannot be read. */
export function appVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version?: unknown;
      };
      version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}

/** The record of `task` for a wrapper file (directory = its scan directory, as NXReduce uses). */
export function processRecordFor(
  wrapperFile: string,
  task: string,
  keywords: Record<string, KeywordValue>,
): NxProcessRecord {
  return {
    task,
    version: appVersion(),
    host: currentHost(),
    directory: scanLayout(wrapperFile).scanDir,
    keywords,
  };
}
