import {
  transformData,
  type AxisSpec,
  type OutputCompression,
  type TransformDataResult,
} from '../../engine/jobs/transform.ts';
import { axisStop } from '../../refine/transform/models.ts';
import { NxrError } from '../../shared/errors.ts';
import {
  numberListOption,
  numberOption,
  parseCommandArgs,
  type Command,
  progressPrinter,
} from '../command.ts';

const usage = `usage: nxr transform FILE --entry fN [options]

Refine ▸ Transform Data: every unmasked pixel of frames first…last mapped through the refined
geometry (orientation_matrix, /entry/sample lattice, tilts, goniometer, sample offset) to (h, k, l)
and summed on a regular grid in the worker pool: v = summed counts, n = summed weights
(NXRefine's monitor_weight when norm > 0: Savitzky–Golay-smoothed monitor/norm × attenuator,
filter and sample transmissions; else 1), so v/n is the normalised intensity.
Writes <scan>/fN_transform.nxs (/entry/data/v, /entry/data/n, (L, K, H)), <scan>/fN_transform.pars
(CCTW settings), fN/transform (NXdata: data, weights, Ql, Qk, Qh), fN/data/monitor_weight and
fN/nxtransform. With --masked the voxels of the 3-D mask (nxr prepare-mask) are left out:
fN_masked_transform.nxs, fN/masked_transform, fN/nxmasked_transform.

Grid: axis values are voxel centres; an axis not given comes from fN/transform, else NXRefine's
default (±evenceil(0.8·Qmax/a*) in steps of 1, 2 or 5 × 10ⁿ, about 1000 voxels a side).
Pixels: index = pixel centre (as peak positions and Refine Lattice); --pixel-convention cctw adds ½.

options:
  --entry fN                  detector entry (required)
  --qh START,STEP,STOP        H axis, r.l.u. (also --qk, --ql)
  --masked                    leave out the 3-D mask → masked_transform
  --first N --last N          frames, inclusive           [/entry/nxreduce, settings.ini, 10 / nframes−10]
  --no-normalize              unit weights even when norm is set
  --pixel-convention NAME     centre | cctw                                   [centre]
  --pars NAME                 CCTW settings: consistent (CCTW reproduces this transform) | nxrefine [consistent]
  --compression NAME          none | bslz4 | lz4 | gzip for v and n                  [none, as CCTW]
  --memory GB                 peak memory of the whole process                             [4]
  --workers N                 worker threads                                   [min(2, cores)]
  --json                      print the result as JSON`;

function axis(name: string, raw: string | undefined): AxisSpec | undefined {
  const v = numberListOption(name, raw, 3);
  return v ? [v[0]!, v[1]!, v[2]!] : undefined;
}

function summary(r: TransformDataResult): string[] {
  const ax = (k: 'h' | 'k' | 'l'): string => {
    const a = r.grid[k];
    return `${k.toUpperCase()} ${a.start}…${+axisStop(a).toFixed(10)} step ${a.step} (${a.count})`;
  };
  return [
    `${r.file} ${r.entry}: ${r.masked ? 'masked transform' : 'transform'} of frames ${r.first}…${r.last} (${r.framesUsed} used)`,
    `grid (${r.gridSource}): ${ax('h')}, ${ax('k')}, ${ax('l')}`,
    `${r.pixels} pixel-frames; Σv = ${r.sumCounts.toPrecision(8)}, Σn = ${r.sumWeights.toPrecision(8)} (${r.weights === 'monitor' ? 'monitor weights' : 'unit weights'})`,
    `wrote ${r.outputFile}, ${r.parsFile}`,
    `${r.seconds.total.toFixed(1)} s (accumulate ${r.seconds.accumulate.toFixed(1)} s, merge ${r.seconds.merge.toFixed(1)} s; ` +
      `${(r.spillBytes / 2 ** 20).toFixed(0)} MiB of bricks, cache ${(r.cacheBytesPerWorker / 2 ** 20).toFixed(0)} MiB per worker)`,
  ];
}

const command: Command = {
  summary: 'transform frames to a reciprocal-space (HKL) grid: v, n (nxtransform)',
  usage,
  async run(rawArgv, io) {
    // --qh -3,0.02,3: a value starting with '-' would be read as an option
    const argv = rawArgv.flatMap((a, i) =>
      /^--q[hkl]$/.test(a) && /^-[\d.]/.test(rawArgv[i + 1] ?? '')
        ? [`${a}=${rawArgv[i + 1]}`]
        : /^-[\d.]/.test(a) && /^--q[hkl]$/.test(rawArgv[i - 1] ?? '')
          ? []
          : [a],
    );
    const { values, positionals } = parseCommandArgs(argv, {
      entry: { type: 'string' },
      qh: { type: 'string' },
      qk: { type: 'string' },
      ql: { type: 'string' },
      masked: { type: 'boolean', default: false },
      first: { type: 'string' },
      last: { type: 'string' },
      'no-normalize': { type: 'boolean', default: false },
      'pixel-convention': { type: 'string', default: 'centre' },
      pars: { type: 'string', default: 'consistent' },
      compression: { type: 'string', default: 'none' },
      memory: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr transform FILE --entry f1)',
      });
    if (values.entry === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--entry fN is required' });
    const convention = values['pixel-convention'];
    if (convention !== 'centre' && convention !== 'cctw')
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--pixel-convention must be centre or cctw, got '${convention}'`,
      });
    const pars = values.pars;
    if (pars !== 'consistent' && pars !== 'nxrefine')
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--pars must be consistent or nxrefine, got '${pars}'`,
      });
    const compression = values.compression as OutputCompression;
    if (!['none', 'bslz4', 'lz4', 'gzip'].includes(compression))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--compression must be none, bslz4, lz4 or gzip, got '${compression}'`,
      });
    const memory = numberOption('memory', values.memory);
    if (memory !== undefined && !(memory > 0))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--memory must be a positive number of GB, got ${memory}`,
      });
    const first = numberOption('first', values.first);
    const last = numberOption('last', values.last);
    const workers = numberOption('workers', values.workers);
    const grid = { h: axis('qh', values.qh), k: axis('qk', values.qk), l: axis('ql', values.ql) };
    const r = await transformData(
      {
        file: positionals[0]!,
        entry: values.entry,
        masked: values.masked,
        grid: Object.fromEntries(Object.entries(grid).filter(([, v]) => v !== undefined)),
        normalize: !values['no-normalize'],
        pixelConvention: convention,
        parsConvention: pars,
        compression,
        ...(first !== undefined ? { first } : {}),
        ...(last !== undefined ? { last } : {}),
        ...(memory !== undefined ? { memoryLimitBytes: memory * 1e9 } : {}),
        ...(workers !== undefined ? { workers } : {}),
      },
      {
        signal: io.signal,
        onLog: (m, level) => {
          if (level === 'warn') io.err(`warning: ${m}`);
          else if (!values.json) io.err(m);
        },
        onProgress: progressPrinter(io, !values.json),
      },
    );
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else for (const line of summary(r)) io.out(line);
    return 0;
  },
};

export default command;
