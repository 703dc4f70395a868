import { findPeaks, type FindPeaksResult } from '../../engine/jobs/find-peaks.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command, progressPrinter } from '../command.ts';

const usage = `usage: nxr find-peaks FILE --entry fN [options]

Refine ▸ Find Peaks: per-frame local maxima above the threshold (min_pixels apart, never on a
masked pixel), linked across frames into 3-D peaks with background-subtracted centroids, widths
and intensities, in the worker pool. Writes fN/peaks (NXreflections: intensity, x, y, z, sigx,
sigy, sigz, polar_angle, azimuthal_angle; @first @last @threshold) and fN/nxfind.
Run find-maximum first: it masks the hot pixels.

options:
  --entry fN            detector entry (required)
  --threshold COUNTS    a peak's brightest pixel must exceed this  [/entry/nxreduce, settings.ini, 50000]
  --first N --last N    frame range [first, last)   [/entry/nxreduce, settings.ini, 10 / nframes−10]
  --min-pixels N        minimum distance between peaks, pixels                 [cascade, 10]
  --workers N           worker threads                                        [min(2, cores)]
  --dry-run             search and print, write nothing
  --json                print the result as JSON`;

function toJson(r: FindPeaksResult): unknown {
  return {
    file: r.file,
    entry: r.entry,
    first: r.first,
    last: r.last,
    parameters: r.parameters,
    seconds: r.seconds,
    written: r.written,
    paths: r.paths,
    peaks: r.peaks.map((p) => ({
      x: p.x,
      y: p.y,
      z: p.z,
      sigx: p.sigx,
      sigy: p.sigy,
      sigz: p.sigz,
      intensity: p.intensity,
      polar_angle: p.polarAngle,
      azimuthal_angle: p.azimuthalAngle,
      max_value: p.maxValue,
    })),
  };
}

const command: Command = {
  summary: 'find 3-D Bragg peaks above a threshold (nxfind)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      entry: { type: 'string' },
      threshold: { type: 'string' },
      first: { type: 'string' },
      last: { type: 'string' },
      'min-pixels': { type: 'string' },
      workers: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr find-peaks FILE --entry f1)',
      });
    if (values.entry === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--entry fN is required' });
    const threshold = numberOption('threshold', values.threshold);
    const first = numberOption('first', values.first);
    const last = numberOption('last', values.last);
    const minPixels = numberOption('min-pixels', values['min-pixels']);
    const workers = numberOption('workers', values.workers);
    const r = await findPeaks(
      {
        file: positionals[0]!,
        entry: values.entry,
        write: !values['dry-run'],
        ...(threshold !== undefined ? { threshold } : {}),
        ...(first !== undefined ? { first } : {}),
        ...(last !== undefined ? { last } : {}),
        ...(minPixels !== undefined ? { minPixels } : {}),
        ...(workers !== undefined ? { workers } : {}),
      },
      {
        signal: io.signal,
        onLog: (m, level) => {
          if (level === 'warn') io.err(`warning: ${m}`);
        },
        onProgress: progressPrinter(io, !values.json),
      },
    );
    if (values.json) {
      io.out(JSON.stringify(toJson(r), null, 2));
      return 0;
    }
    io.out(
      `${r.file} ${r.entry}: frames ${r.first}…${r.last - 1}, threshold ${r.parameters.threshold}, min_pixels ${r.parameters.minPixels}`,
    );
    io.out(`${r.peaks.length} peaks found`);
    io.out('      i         x         y         z   polar   azimuth   intensity');
    r.peaks.forEach((p, i) => {
      io.out(
        `${String(i).padStart(7)} ${p.x.toFixed(2).padStart(9)} ${p.y.toFixed(2).padStart(9)} ${p.z.toFixed(2).padStart(9)} ` +
          `${p.polarAngle.toFixed(3).padStart(7)} ${p.azimuthalAngle.toFixed(2).padStart(9)} ${p.intensity.toPrecision(5).padStart(11)}`,
      );
    });
    io.out(
      `${r.seconds.toFixed(1)} s${r.written ? `; wrote ${r.paths.join(', ')}` : ' (dry run: nothing written)'}`,
    );
    return 0;
  },
};

export default command;
