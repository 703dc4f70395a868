import { chooseParameters, type ChooseParametersResult } from '../../engine/jobs/choose-parameters.ts';
import {
  describeOrigin,
  REDUCTION_FIELDS,
  REDUCTION_KEYS,
  type ReductionParameters,
} from '../../engine/jobs/reduction-parameters.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type CliIo, type Command } from '../command.ts';

const usage = `usage: nxr choose-parameters FILE [options]

Sets the reduction parameters of a scan file (Refine ▸ Choose Parameters) in /entry/nxreduce.
Each value comes from, in order: the option below, the parent's /entry/nxreduce (the
<sample>_parent.nxs link next to FILE, unless FILE is the parent), FILE's own /entry/nxreduce, the
experiment's tasks/settings.ini [nxreduce], the built-in default. Inherited frame limits are
corrected as NXRefine does (last > frames → frames − 10; first < 0 → 10). The values are checked
(first < last ≤ frames, threshold > 0, 0 < polar-max ≤ 90, hkl-tolerance > 0, qmin < qmax, …).

options:
  --threshold N        peak threshold, counts                          [50000]
  --first N            first frame                                      [10]
  --last N             last frame                                       [3640 → frames − 10]
  --polar-max DEG      maximum polar angle, degrees                     [10]
  --hkl-tolerance X    HKL tolerance, Å⁻¹ (1/d units, no 2π)            [0.05]
  --monitor NAME       normalization monitor                            [monitor1]
  --norm N             normalization value                              [50000]
  --qmin X             minimum scattering Q, Å⁻¹ (2π units)             [5]
  --qmax X             maximum taper Q, Å⁻¹ (2π units)                  [10]
  --radius X           punch radius, Å⁻¹ (2π units)                     [0.2]
  --min-pixels N       minimum pixels between peaks                     [10]
  --print              show the effective values and their origin; write nothing
  --no-parent          leave the parent out of the cascade
  --settings FILE      settings.ini to use instead of <experiment>/tasks/settings.ini
  --set-parent         also make FILE the parent (<sample>_parent.nxs → FILE, /entry/nxcopy)
  --json               print the result as JSON`;

const NUMERIC = [
  ['threshold', 'threshold'],
  ['first', 'first'],
  ['last', 'last'],
  ['polar-max', 'polar_max'],
  ['hkl-tolerance', 'hkl_tolerance'],
  ['norm', 'norm'],
  ['qmin', 'qmin'],
  ['qmax', 'qmax'],
  ['radius', 'radius'],
  ['min-pixels', 'min_pixels'],
] as const satisfies ReadonlyArray<readonly [string, keyof ReductionParameters]>;

export function printParameters(io: CliIo, r: ChooseParametersResult): void {
  const rows = REDUCTION_KEYS.map((k) => {
    const o = r.origins[k];
    return [
      REDUCTION_FIELDS[k].field,
      String(r.values[k]),
      describeOrigin(o) + (o.note ? ` (${o.note})` : ''),
    ];
  });
  const w0 = Math.max(...rows.map((x) => x[0]!.length), 'field'.length);
  const w1 = Math.max(...rows.map((x) => x[1]!.length), 'value'.length);
  io.out(`${'field'.padEnd(w0)}  ${'value'.padEnd(w1)}  source`);
  for (const [a, b, c] of rows) io.out(`${a!.padEnd(w0)}  ${b!.padEnd(w1)}  ${c}`);
  if (r.nframes !== undefined) io.out(`frames: ${r.nframes}`);
}

const command: Command = {
  summary: 'set the reduction parameters (/entry/nxreduce) of a scan file',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      threshold: { type: 'string' },
      first: { type: 'string' },
      last: { type: 'string' },
      'polar-max': { type: 'string' },
      'hkl-tolerance': { type: 'string' },
      monitor: { type: 'string' },
      norm: { type: 'string' },
      qmin: { type: 'string' },
      qmax: { type: 'string' },
      radius: { type: 'string' },
      'min-pixels': { type: 'string' },
      print: { type: 'boolean', default: false },
      'no-parent': { type: 'boolean', default: false },
      settings: { type: 'string' },
      'set-parent': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr choose-parameters FILE)',
      });
    const given: Partial<ReductionParameters> = {};
    for (const [opt, key] of NUMERIC) {
      const v = numberOption(opt, values[opt]);
      if (v !== undefined) (given as Record<string, number>)[key] = v;
    }
    if (values.monitor !== undefined) given.monitor = values.monitor;
    if (values.print && values['set-parent'])
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: '--print writes nothing: it cannot be combined with --set-parent',
      });
    const result = await chooseParameters(
      {
        file: positionals[0]!,
        values: given,
        write: !values.print,
        ...(values['no-parent'] ? { parent: null } : {}),
        ...(values.settings !== undefined ? { settingsFile: values.settings } : {}),
        setParent: values['set-parent'],
      },
      {
        signal: io.signal,
        onLog: (m, level) =>
          values.json ? undefined : level === 'warn' ? io.err(`warning: ${m}`) : undefined,
      },
    );
    if (values.json) {
      io.out(JSON.stringify(result, null, 2));
      return 0;
    }
    printParameters(io, result);
    if (result.written) io.out(`saved in ${result.file}:${result.path}`);
    if (result.parent) io.out(`parent: ${result.parent.link} -> ${result.parent.file}`);
    return 0;
  },
};

export default command;
