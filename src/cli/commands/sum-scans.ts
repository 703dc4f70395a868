import { sumScans, type SumScansResult } from '../../engine/jobs/sum-scans.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, progressPrinter, type Command } from '../command.ts';

const usage = `usage: nxr sum-scans SAMPLEDIR SCAN1 SCAN2 ... --output NAME [options]

Experiment ▸ Sum Scans (nxsum): add scans of one sample taken under identical conditions into a
new scan SAMPLEDIR/<sample>_NAME.nxs with frames SAMPLEDIR/NAME/fN.h5. SCANs are scan names (300K)
or file names (LaB6_300K.nxs) in SAMPLEDIR; the first one's wrapper is copied. Frames are added
voxel by voxel (streamed, in the worker pool); every NXmonitor and data/monitor_weight is summed;
fN/nxsum records scans='a,b,…'. Refused: different frame counts or shapes, wavelength, distance,
phi start/step, chi/omega/theta or monitors (docs/guide/sum-scans.md gives the tolerances).
Find Maximum, Find Peaks, 3-D mask and transform results of the first scan are not copied.

options:
  --output NAME         the sum's scan name (or file name <sample>_NAME.nxs)       (required)
  --entries f1,f2       entries to sum                          [every fN of the first scan]
  --update              keep summed frame files that exist; redo the wrapper and monitors
  --overwrite           redo everything
  --workers N           worker threads (0 = none)                            [min(2, cores)]
  --json                print the result as JSON`;

function print(r: SumScansResult, out: (t: string) => void): void {
  out(`${r.wrapper} = ${r.scans.join(' + ')}`);
  for (const e of r.entries)
    out(
      `  ${e.entry}: ${e.frames} frames (${e.dtype}) → ${e.rawFile}${e.summedFrames ? '' : ' (kept)'}` +
        `${e.monitors.length > 0 ? `; ${e.monitors.join(', ')} summed` : ''}` +
        `${e.monitorWeight === 'summed' ? '; monitor_weight summed' : e.monitorWeight === 'dropped' ? '; monitor_weight left out (not in every scan)' : ''}`,
    );
  if (r.removed.length > 0) out(`  not copied from the first scan: ${r.removed.join(', ')}`);
  out(`${r.seconds.toFixed(1)} s`);
}

const command: Command = {
  summary: 'add scans taken under identical conditions into one scan (Experiment ▸ Sum Scans, nxsum)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string' },
      entries: { type: 'string' },
      update: { type: 'boolean', default: false },
      overwrite: { type: 'boolean', default: false },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length < 3)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message:
          'give the sample directory and at least two scans (nxr sum-scans SAMPLEDIR SCAN1 SCAN2 --output NAME)',
      });
    if (values.output === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--output NAME is required' });
    const workers = numberOption('workers', values.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--workers must be an integer 0…64, got ${workers}`,
      });
    const entries = values.entries
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const r = await sumScans(
      {
        sampleDir: positionals[0]!,
        scans: positionals.slice(1),
        output: values.output,
        update: values.update,
        overwrite: values.overwrite,
        ...(entries !== undefined ? { entries } : {}),
        ...(workers !== undefined ? { workers } : {}),
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
    else print(r, io.out);
    return 0;
  },
};

export default command;
