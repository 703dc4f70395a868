import { REDUCE_STEPS, reduce, type ReduceOptions, type ReduceStep } from '../../engine/jobs/reduce.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command } from '../command.ts';
import { parseFitList } from './refine-lattice.ts';

const usage = `usage: nxr reduce FILE|FOLDER [options]

The automated workflow (NXRefine's nxreduce): for each scan file (FILE, or every *.nxs in FOLDER,
the parent first) and each detector entry, run in order

  max → find → copy → refine → prepare → transform → masked-transform

skipping steps whose NXprocess record already exists (unless --overwrite). Each step updates the
file atomically and the file is locked while it is reduced, so a killed reduction resumes where it
stopped when run again. Log: <experiment>/tasks/nxlogger.log (else FILE.log).

options:
  --parent FILE            parent scan file (copy and refine start from it)  [<sample>_parent.nxs link]
  --entries LIST           entries, e.g. f1,f2                                [all]
  --steps LIST             steps to run, from: ${REDUCE_STEPS.join(', ')}     [all]
  --threshold N            Find Peaks threshold                               [reduction parameters]
  --fit LIST               Refine Lattice flags (see nxr refine-lattice)      [lattice,U,distance,beam on f1; U,distance,beam on the others]
  --overwrite              run steps again even if done
  --json                   print the outcome of every step as JSON`;

const command: Command = {
  summary: 'run the automated workflow on scan files: max, find, copy, refine, prepare, transform',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      parent: { type: 'string' },
      entries: { type: 'string' },
      steps: { type: 'string' },
      threshold: { type: 'string' },
      fit: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give one scan FILE or FOLDER (nxr reduce --help)',
      });
    const split = (s: string): string[] =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
    const steps = values.steps !== undefined ? split(values.steps) : undefined;
    for (const s of steps ?? [])
      if (!(REDUCE_STEPS as readonly string[]).includes(s))
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `--steps: unknown step '${s}' (${REDUCE_STEPS.join(', ')})`,
        });
    const options: ReduceOptions = {
      target: positionals[0]!,
      overwrite: values.overwrite,
      ...(values.parent !== undefined ? { parent: values.parent } : {}),
      ...(values.entries !== undefined ? { entries: split(values.entries) } : {}),
      ...(steps ? { steps: steps as ReduceStep[] } : {}),
      ...(values.threshold !== undefined ? { threshold: numberOption('threshold', values.threshold)! } : {}),
      ...(values.fit !== undefined ? { fit: parseFitList(values.fit) } : {}),
    };
    const result = await reduce(options, {
      signal: io.signal,
      onLog: values.json ? undefined : (m, level) => io.err(level === 'warn' ? `warning: ${m}` : m),
    });
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else {
      for (const o of result.outcomes)
        io.out(`${o.file} ${o.entry} ${o.step.padEnd(16)} ${o.status}${o.message ? ` (${o.message})` : ''}`);
      io.out(`log: ${result.logFile.join(', ')}`);
    }
    return result.failures > 0 ? 1 : 0;
  },
};

export default command;
