import {
  findRawScans,
  importScans,
  listConfigurations,
  resolveImportSource,
  type ImportScansResult,
} from '../../engine/jobs/import-scans.ts';
import { NxrError } from '../../shared/errors.ts';
import { parseCommandArgs, progressPrinter, type Command } from '../command.ts';

const usage = `usage: nxr import-scans EXPDIR SAMPLE/LABEL --configuration NAME [options]
       nxr import-scans EXPDIR SAMPLE/LABEL --list [options]
       nxr import-scans EXPDIR --list [options]

Experiment ▸ Import Scans: every raw scan of SAMPLE/LABEL in the beamline's raw data directory
becomes a scan file EXPDIR/SAMPLE/LABEL/SAMPLE_<scan>.nxs (copied from configurations/NAME.nxs,
with the scan's monitors, goniometer angles, temperature and logs) and its frames
EXPDIR/SAMPLE/LABEL/<scan>/fN.h5 (float32, NaN for missing images). The raw data are only read.
QM2 (CHESS): <raw>/SAMPLE/LABEL/<scan>/SAMPLE_<nnn>/*.cbf|*.tif, one entry fN per SPEC scan nnn;
the SPEC file is <raw>/../SAMPLE (or --spec).

options:
  --configuration NAME  configuration in EXPDIR/configurations (required to import)
  --raw DIR             raw data directory holding SAMPLE/LABEL/
                        [tasks/settings.ini: <raw_home>/<experiment>/<raw_path>]
  --spec FILE           the SPEC file                                   [<raw>/../SAMPLE]
  --beamline NAME       beamline adapter            [tasks/settings.ini [instrument] instrument]
  --monitors A,B        log columns imported as monitor1, monitor2      [QM2: flyc1,flyc2]
  --scans A,B           import only these raw scans                                  [all]
  --overwrite           replace existing scan files and frames
  --list                list the samples (without SAMPLE/LABEL) or the raw scans; write nothing
  --json                print the result as JSON`;

function splitSampleLabel(s: string): { sample: string; label: string } {
  const parts = s.split('/').filter((p) => p !== '');
  if (parts.length !== 2)
    throw new NxrError({ code: 'BAD_PARAMETER', message: `give SAMPLE/LABEL (e.g. LaB6/xtal1), got '${s}'` });
  return { sample: parts[0]!, label: parts[1]! };
}

const list = (raw: string | undefined): string[] | undefined =>
  raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

function printResult(r: ImportScansResult, out: (t: string) => void): void {
  for (const s of r.imported) {
    out(`${s.wrapper}`);
    for (const e of s.entries)
      out(
        `  ${e.entry}: ${e.frames} frames${e.missingFrames > 0 ? ` (${e.missingFrames} missing → NaN)` : ''}` +
          `${e.scanNumber !== undefined ? `, scan ${e.scanNumber}` : ''} → ${e.rawFile}` +
          `${e.monitors.length > 0 ? `; ${e.monitors.join(', ')}` : ''}`,
      );
  }
  for (const s of r.skipped) out(`skipped ${s.scan}: ${s.reason}`);
  out(`${r.imported.length} scan(s) imported from ${r.rawDir} (${r.beamline}) in ${r.seconds.toFixed(1)} s`);
}

const command: Command = {
  summary: 'import raw beamline scans (SPEC + images) as scan files (Experiment ▸ Import Scans)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      configuration: { type: 'string' },
      raw: { type: 'string' },
      spec: { type: 'string' },
      beamline: { type: 'string' },
      monitors: { type: 'string' },
      scans: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length < 1 || positionals.length > 2)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give the experiment directory and SAMPLE/LABEL (nxr import-scans EXPDIR SAMPLE/LABEL …)',
      });
    const experimentDir = positionals[0]!;
    const common = {
      experimentDir,
      ...(values.raw !== undefined ? { rawDir: values.raw } : {}),
      ...(values.beamline !== undefined ? { beamline: values.beamline } : {}),
    };
    if (positionals.length === 1) {
      if (!values.list)
        throw new NxrError({ code: 'BAD_PARAMETER', message: 'give SAMPLE/LABEL to import (or --list)' });
      const src = resolveImportSource(common);
      const samples = await src.beamline.listSamples(src.rawDir);
      const configurations = listConfigurations(src.experimentDir);
      if (values.json)
        io.out(
          JSON.stringify(
            { beamline: src.beamline.name, rawDir: src.rawDir, samples, configurations },
            null,
            2,
          ),
        );
      else {
        io.out(`${src.beamline.name} raw data in ${src.rawDir}:`);
        for (const s of samples) io.out(`  ${s}`);
        io.out(`configurations: ${configurations.join(', ') || 'none'}`);
      }
      return 0;
    }
    const { sample, label } = splitSampleLabel(positionals[1]!);
    const monitors = list(values.monitors);
    const scans = list(values.scans);
    if (values.list) {
      const r = await findRawScans({ ...common, sample, label });
      if (values.json) io.out(JSON.stringify({ rawDir: r.source.rawDir, scans: r.scans }, null, 2));
      else {
        for (const s of r.scans) {
          io.out(`${s.scan}${s.exists ? '  (imported)' : ''}  → ${s.wrapper}`);
          for (const e of s.entries)
            io.out(
              `  ${e.entry}: scan ${e.scanNumber ?? '?'}, ${e.frames} frames${e.missingFrames > 0 ? `, ${e.missingFrames} missing` : ''}`,
            );
          for (const n of s.notes) io.out(`  note: ${n}`);
        }
      }
      return 0;
    }
    if (values.configuration === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--configuration NAME is required' });
    const r = await importScans(
      {
        ...common,
        sample,
        label,
        configuration: values.configuration,
        overwrite: values.overwrite,
        ...(values.spec !== undefined ? { logFile: values.spec } : {}),
        ...(monitors !== undefined ? { monitors } : {}),
        ...(scans !== undefined ? { scans } : {}),
      },
      {
        signal: io.signal,
        onLog: (m, level) => {
          if (level === 'warn' && !values.json) io.err(`warning: ${m}`);
        },
        onProgress: progressPrinter(io, !values.json),
      },
    );
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else printResult(r, io.out);
    return 0;
  },
};

export default command;
