import { newSample } from '../../engine/experiment/new-sample.ts';
import { NxrError } from '../../shared/errors.ts';
import { parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr new-sample EXPDIR SAMPLE LABEL
       nxr new-sample EXPDIR SAMPLE/LABEL

Experiment ▸ New Sample: makes the sample directory <EXPDIR>/<SAMPLE>/<LABEL> (kept as it is when
it exists). Names are letters, digits, _ - . + (a sample may not be called tasks, configurations …).

options:
  --json     print the result as JSON`;

const command: Command = {
  summary: 'make a <sample>/<label> directory in an experiment (Experiment ▸ New Sample)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } });
    let sample: string | undefined;
    let label: string | undefined;
    if (positionals.length === 3) [, sample, label] = positionals;
    else if (positionals.length === 2 && positionals[1]!.split('/').length === 2)
      [sample, label] = positionals[1]!.split('/');
    else
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message:
          'give the experiment directory, the sample and the label (nxr new-sample EXPDIR SAMPLE LABEL)',
      });
    const r = await newSample(
      { directory: positionals[0]!, sample: sample!, label: label! },
      { signal: io.signal },
    );
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else io.out(`${r.created ? 'made' : 'exists already:'} ${r.labelDir}`);
    return 0;
  },
};

export default command;
