import { copyParameters } from '../../engine/jobs/copy-parameters.ts';
import { NxrError } from '../../shared/errors.ts';
import { parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr copy-parameters [--from PARENT] FILE [options]

Copies from the parent scan file into FILE (Refine ▸ Copy Parameters): for every entry fN both files
have, the geometry and orientation (wavelength, distance, detector orientation, yaw/pitch/roll, beam
centre, pixel size and mask, translations, frame time, orientation matrix, phi (@step, @end), chi,
omega, theta); the lattice (/entry/sample); the reduction parameters (/entry/nxreduce). Each entry
gets an nxcopy NXprocess. Refused when the space groups or detector shapes differ.

options:
  --from PARENT       the parent file                  [the <sample>_parent.nxs link next to FILE]
  --entries f1,f2     only these entries (each must be in both files)
  --overwrite         copy again into entries that already have nxcopy (otherwise skipped)
  --json              print the result as JSON`;

const command: Command = {
  summary: "copy the parent's geometry, orientation, lattice and parameters into a scan file",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      from: { type: 'string' },
      entries: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr copy-parameters --from PARENT FILE)',
      });
    const entries = values.entries
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (values.entries !== undefined && (!entries || entries.length === 0))
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--entries needs entry names such as f1,f2, got '${values.entries}'`,
      });
    const logs: string[] = [];
    const r = await copyParameters(
      {
        file: positionals[0]!,
        ...(values.from !== undefined ? { from: values.from } : {}),
        ...(entries ? { entries } : {}),
        overwrite: values.overwrite,
      },
      { signal: io.signal, onLog: (m) => logs.push(m) },
    );
    if (values.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    if (r.isParent) {
      io.out(`${r.file}: set as parent; no parameters copied`);
      return 0;
    }
    io.out(`from ${r.parent}`);
    for (const c of r.copied)
      io.out(
        `  ${c.entry}: ${c.fields.length} fields copied${c.missing.length ? ` (not in the parent: ${c.missing.map((m) => m.split('/').pop()).join(', ')})` : ''}`,
      );
    for (const s of r.skipped) io.out(`  ${s.entry}: skipped (${s.reason})`);
    if (r.sampleFields.length) io.out(`  /entry/sample: ${r.sampleFields.length} lattice fields`);
    if (r.reduction) io.out('  /entry/nxreduce: reduction parameters');
    if (r.copied.length === 0) io.out('nothing copied');
    return 0;
  },
};

export default command;
