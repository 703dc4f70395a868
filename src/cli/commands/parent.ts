import { makeParent, showParent } from '../../engine/jobs/parent.ts';
import { NxrError } from '../../shared/errors.ts';
import { parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr parent FILE          make FILE the parent of its sample/label directory
       nxr parent DIR --show    tell which file is the parent (DIR or a scan file in it)

The parent is the scan whose parameters the other scans copy (nxr copy-parameters). As in NXRefine,
<sample>/<label>/<sample>_parent.nxs becomes a symbolic link to FILE (an existing link is replaced
atomically) and FILE gets an /entry/nxcopy NXprocess ("Parent: <FILE>"; field parent = its name).

options:
  --show     report the parent instead of setting it (also lists files carrying a parent record)
  --json     print the result as JSON`;

const command: Command = {
  summary: 'designate the parent scan file (<sample>_parent.nxs), or show it',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      show: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({ code: 'BAD_PARAMETER', message: 'give exactly one scan file or directory' });
    const onLog = (m: string, level?: 'info' | 'warn'): void => {
      if (!values.json && level === 'warn') io.err(`warning: ${m}`);
    };
    if (values.show) {
      const r = await showParent({ path: positionals[0]! }, { signal: io.signal, onLog });
      if (values.json) {
        io.out(JSON.stringify(r, null, 2));
        return 0;
      }
      if (r.target !== undefined) io.out(`parent: ${r.target}  (${r.link} -> ${r.linkText ?? '?'})`);
      else if (r.dangling) io.out(`no parent: ${r.link} -> ${r.linkText ?? '?'} is a dangling link`);
      else io.out(`no parent: ${r.link} does not exist`);
      for (const c of r.claims.filter((x) => !x.current))
        io.out(
          `stale: ${c.file} was made parent${c.date ? ` on ${c.date}` : ''} but the link points elsewhere`,
        );
      return r.target !== undefined ? 0 : 1;
    }
    const r = await makeParent({ file: positionals[0]! }, { signal: io.signal, onLog });
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else {
      io.out(`${r.link} -> ${r.file}`);
      if (r.previous !== undefined && r.previous !== r.file) io.out(`(was ${r.previous})`);
      io.out(`recorded ${r.file}:${r.recordPath}`);
    }
    return 0;
  },
};

export default command;
