import { describeAnnulus, findMaximum, type FindMaximumResult } from '../../engine/jobs/find-maximum.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command, progressPrinter } from '../command.ts';

const usage = `usage: nxr find-maximum FILE --entry fN [options]

Refine ▸ Find Maximum: one pass over the frames first…last−1 of fN in the worker pool. Writes the
maximum counts over the unmasked pixels (fN/data@maximum, @first, @last), hot and dead pixels OR-ed
into fN/instrument/detector/pixel_mask, fN/summed_data, fN/summed_frames (with partial_frames, the
trimmed annulus sums), fN/radial_sum (2θ and Q), fN/instrument/sample/transmission and fN/nxmax.

options:
  --entry fN            detector entry (required)
  --first N --last N    frame range [first, last)   [/entry/nxreduce, settings.ini, 10 / nframes−10]
  --qmin Å⁻¹ --qmax Å⁻¹ transmission annulus (2π units)   [/entry/nxreduce, else automatic]
  --workers N           worker threads                                        [min(2, cores)]
  --dry-run             compute and print, write nothing
  --json                print the result (without the per-pixel arrays) as JSON`;

function summary(r: FindMaximumResult): Record<string, unknown> {
  return {
    file: r.file,
    entry: r.entry,
    first: r.first,
    last: r.last,
    maximum: r.maximum,
    maximum_pixel: [r.maximumX, r.maximumY],
    hot_pixels: r.hotPixels,
    dead_pixels: r.deadPixels,
    missing_frames: r.missingFrames,
    annulus: r.annulus,
    monitor: r.monitorPath,
    transmission_median: r.transmission?.median ?? null,
    summed_frames: Array.from(r.summedFrames),
    partial_frames: Array.from(r.partialFrames),
    transmission: r.transmission ? Array.from(r.transmission.transmission) : null,
    seconds: r.seconds,
    written: r.written,
    paths: r.paths,
  };
}

const command: Command = {
  summary: 'maximum counts, summed data and frames, radial sum, transmission, hot/dead pixels (nxmax)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      entry: { type: 'string' },
      first: { type: 'string' },
      last: { type: 'string' },
      qmin: { type: 'string' },
      qmax: { type: 'string' },
      workers: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr find-maximum FILE --entry f1)',
      });
    if (values.entry === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--entry fN is required' });
    const num = (k: 'first' | 'last' | 'qmin' | 'qmax' | 'workers'): number | undefined =>
      numberOption(k, values[k]);
    const opts = Object.fromEntries(
      (['first', 'last', 'qmin', 'qmax', 'workers'] as const)
        .map((k) => [k, num(k)])
        .filter(([, v]) => v !== undefined),
    ) as Partial<Record<'first' | 'last' | 'qmin' | 'qmax' | 'workers', number>>;
    const r = await findMaximum(
      { file: positionals[0]!, entry: values.entry, write: !values['dry-run'], ...opts },
      {
        signal: io.signal,
        onLog: (m, level) => {
          if (level === 'warn') io.err(`warning: ${m}`);
        },
        onProgress: progressPrinter(io, !values.json),
      },
    );
    if (values.json) {
      io.out(JSON.stringify(summary(r), null, 2));
      return 0;
    }
    io.out(`${r.file} ${r.entry}: frames ${r.first}…${r.last - 1}`);
    io.out(`Maximum Value: ${r.maximum} at pixel (${r.maximumX}, ${r.maximumY})`);
    io.out(
      `hot pixels (${r.hotPixels.length}): ${r.hotPixels.map((p) => `(${p.x}, ${p.y}) = ${p.value}`).join(', ') || '-'}`,
    );
    io.out(
      `dead pixels (${r.deadPixels.length}): ${r.deadPixels.map((p) => `(${p.x}, ${p.y})`).join(', ') || '-'}`,
    );
    if (r.missingFrames.length > 0) io.out(`frames without data: ${r.missingFrames.join(', ')}`);
    io.out(describeAnnulus(r.annulus));
    io.out(
      r.transmission
        ? `transmission: median baseline ${r.transmission.median.toPrecision(6)} (monitor ${r.monitorPath ?? 'none'})`
        : 'transmission: no finite baseline',
    );
    io.out(
      `${r.seconds.toFixed(1)} s${r.written ? `; wrote ${r.paths.join(', ')}` : ' (dry run: nothing written)'}`,
    );
    return 0;
  },
};

export default command;
