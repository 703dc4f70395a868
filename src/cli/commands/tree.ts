import { treeToText } from '../../nexus/model/tree-text.ts';
import { openNexusFile } from '../../engine/io/nexus-file.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr tree FILE [--attrs] [--json] [--depth N]

Prints the NeXus/HDF5 tree of FILE: one line per object with its NX_class, dtype, shape, chunks
and filter ids; links show their target (soft '-> /path', external '-> file:/path', hard
'= /first/path'); links whose target is missing are marked [DANGLING]; virtual datasets list
their sources. External links are followed (relative to FILE's directory).

options:
  --attrs      also print every attribute (@name = value; non-UTF-8 bytes shown as \\xHH)
  --json       print the tree as JSON (NxNode objects; attributes included with --attrs)
  --depth N    stop N levels below the root`;

const command: Command = {
  summary: 'print the NeXus/HDF5 tree of a file (classes, shapes, dtypes, links)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      attrs: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      depth: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new NxrError({ code: 'BAD_PARAMETER', message: 'nxr tree needs exactly one FILE' });
    const depth = numberOption('depth', values.depth);
    if (depth !== undefined && (!Number.isInteger(depth) || depth < 0)) {
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--depth must be a whole number ≥ 0' });
    }
    const file = positionals[0]!;
    const f = await openNexusFile(file);
    try {
      const tree = f.tree({ attrs: values.attrs, ...(depth !== undefined ? { maxDepth: depth } : {}) });
      io.out(values.json ? JSON.stringify(tree, null, 2) : treeToText(tree, { attrs: values.attrs }));
    } finally {
      f.close();
    }
    return 0;
  },
};

export default command;
