import { combineTransforms, type TransformKind } from '../../engine/jobs/combine.ts';
import { NxrError } from '../../shared/errors.ts';
import { parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr combine FILE [options]

Combine: the transforms of the detector entries (f1, f2 …, all on the same grid) summed voxel by
voxel, v and n separately, into <scan>/transform.nxs and <scan>/masked_transform.nxs, linked from
/entry/transform and /entry/masked_transform (NXdata), recorded as /entry/nxcombine and
/entry/nxmasked_combine.

options:
  --entries f1,f2     entries to combine                       [every fN with the transform]
  --only KIND         transform | masked_transform                          [both that exist]
  --json              print the result as JSON`;

const command: Command = {
  summary: "sum the entries' transforms (nxcombine)",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      entries: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({ code: 'BAD_PARAMETER', message: 'give exactly one scan file (nxr combine FILE)' });
    const only = values.only;
    if (only !== undefined && only !== 'transform' && only !== 'masked_transform')
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--only must be transform or masked_transform, got '${only}'`,
      });
    const r = await combineTransforms(
      {
        file: positionals[0]!,
        ...(values.entries !== undefined ? { entries: values.entries.split(',').map((s) => s.trim()) } : {}),
        ...(only !== undefined ? { kinds: [only as TransformKind] } : {}),
      },
      { signal: io.signal, onLog: (m, level) => level === 'warn' && io.err(`warning: ${m}`) },
    );
    if (values.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    for (const c of r.combined)
      io.out(
        `${c.kind}: ${c.entries.join(' + ')} → ${c.outputFile} (Σv = ${c.sumCounts.toPrecision(8)}, Σn = ${c.sumWeights.toPrecision(8)})`,
      );
    io.out(`${r.seconds.toFixed(1)} s`);
    return 0;
  },
};

export default command;
