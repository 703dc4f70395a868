import { prepareMask } from '../../engine/jobs/prepare-mask.ts';
import type { BraggMaskParameters } from '../../refine/mask/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command, progressPrinter } from '../command.ts';

const usage = `usage: nxr prepare-mask FILE --entry fN [options]

Refine ▸ Prepare 3D Mask: an int8 volume like the raw frames, 1 where a pixel of a frame belongs
to a Bragg peak. For each frame difference D: S1 = |h1×h1 box mean of D| ≥ t1 (detector gaps
filled from their neighbours); masked where more than a fraction t2 of the h2×h2 box around the
pixel has S1; a frame is masked where the difference into it or out of it is. Frames outside
first…last are masked whole. Writes <scan>/fN_mask.nxs (/entry/mask), links it as
fN/data/data_mask and records fN/nxprepare_mask; then nxr transform --masked leaves it out.

NXRefine's defaults suit the wide wings of strong peaks on real detectors; sharp peaks (σ ≈ 1 px)
need a smaller second box (e.g. --t1 1 --h2 5), see docs/guide/prepare-mask.md.

options:
  --entry fN          detector entry (required)
  --t1 COUNTS         threshold 1: box-mean frame difference                       [2]
  --h1 PIXELS         horizontal size 1                                            [11]
  --t2 FRACTION       threshold 2: flagged fraction of the second box              [0.8]
  --h2 PIXELS         horizontal size 2                                            [51]
  --first N --last N  frames computed, inclusive  [/entry/nxreduce, settings.ini, 10 / nframes−10]
  --workers N         worker threads                                    [min(2, cores)]
  --json              print the result as JSON`;

const command: Command = {
  summary: 'prepare the 3-D Bragg-peak mask (nxprepare_mask)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      entry: { type: 'string' },
      t1: { type: 'string' },
      h1: { type: 'string' },
      t2: { type: 'string' },
      h2: { type: 'string' },
      first: { type: 'string' },
      last: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr prepare-mask FILE --entry f1)',
      });
    if (values.entry === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--entry fN is required' });
    const params: Partial<BraggMaskParameters> = {};
    for (const k of ['t1', 'h1', 't2', 'h2'] as const) {
      const v = numberOption(k, values[k]);
      if (v !== undefined) params[k] = v;
    }
    const first = numberOption('first', values.first);
    const last = numberOption('last', values.last);
    const workers = numberOption('workers', values.workers);
    const r = await prepareMask(
      {
        file: positionals[0]!,
        entry: values.entry,
        params,
        ...(first !== undefined ? { first } : {}),
        ...(last !== undefined ? { last } : {}),
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
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    const p = r.params;
    io.out(
      `${r.file} ${r.entry}: 3-D mask of frames ${r.first}…${r.last} of ${r.nframes} (t1 ${p.t1}, h1 ${p.h1}, t2 ${p.t2}, h2 ${p.h2})`,
    );
    io.out(`${r.maskedVoxels} pixel-frames masked (${(100 * r.maskedFraction).toFixed(3)} % of first…last)`);
    io.out(`wrote ${r.maskFile}; ${r.seconds.toFixed(1)} s`);
    return 0;
  },
};

export default command;
