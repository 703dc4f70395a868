import { editSettings, readSettings, type SettingsView } from '../../engine/experiment/settings.ts';
import { formatSettingValue } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import { parseCommandArgs, type CliIo, type Command } from '../command.ts';

const usage = `usage: nxr settings EXPDIR [--set section.key=value …]
       nxr settings --server [--server-dir DIR] [--set section.key=value …]

Experiment ▸ Edit Settings / Server ▸ Edit Settings: prints every value of the experiment's
tasks/settings.ini (or of the server's nxserver/settings.ini) with where it comes from ('file', or
'default' when the file lacks it), as NXRefine reads it: missing keys filled from the defaults,
unknown keys dropped. With --set, the values are checked (the instrument must be a registered
beamline, last > first, …) and the whole file is written (through a temp file renamed into place).
Values are settings.ini text: numbers, True/False, None, or text.

options:
  --set section.key=value   set a value (repeatable), e.g. --set nxreduce.threshold=20000
  --server                  the server settings ($NX_SERVER, or [setup] directory of
                            ~/.nxserver/settings.ini)
  --server-dir DIR          the server directory to use instead
  --json                    print the result as JSON`;

function printView(io: CliIo, r: SettingsView): void {
  io.out(`${r.scope} settings ${r.file}${r.exists ? '' : ' (does not exist: defaults)'}`);
  for (const s of r.sections) {
    io.out(`[${s.name}]`);
    const w = Math.max(0, ...s.entries.map((e) => e.key.length));
    const wv = Math.max(0, ...s.entries.map((e) => e.text.length));
    for (const e of s.entries) io.out(`  ${e.key.padEnd(w)} = ${e.text.padEnd(wv)}  ${e.origin}`);
  }
  for (const d of r.dropped)
    io.out(`dropped: [${d.section}] ${d.key} = ${formatSettingValue(d.value)} (not a ${r.scope} setting)`);
  for (const p of r.problems) io.out(`problem: [${p.section}] ${p.key}: ${p.message}`);
}

const command: Command = {
  summary: 'show or set experiment or server settings.ini values (Edit Settings)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      set: { type: 'string', multiple: true },
      server: { type: 'boolean', default: false },
      'server-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const server = values.server || values['server-dir'] !== undefined;
    if (server ? positionals.length !== 0 : positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give one experiment directory, or --server (nxr settings EXPDIR | nxr settings --server)',
      });
    const target = server
      ? {
          scope: 'server' as const,
          ...(values['server-dir'] !== undefined
            ? { server: { serverDirectory: values['server-dir'] } }
            : {}),
        }
      : { scope: 'experiment' as const, directory: positionals[0]! };
    const sets = values.set ?? [];
    if (sets.length === 0) {
      const r = await readSettings(target, { signal: io.signal });
      if (values.json) io.out(JSON.stringify(r, null, 2));
      else printView(io, r);
      return 0;
    }
    const assignments: Record<string, string> = {};
    for (const s of sets) {
      const eq = s.indexOf('=');
      if (eq <= 0)
        throw new NxrError({ code: 'BAD_PARAMETER', message: `--set needs section.key=value, got '${s}'` });
      assignments[s.slice(0, eq).trim()] = s.slice(eq + 1);
    }
    const r = await editSettings({ ...target, values: assignments }, { signal: io.signal });
    if (values.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    printView(io, r);
    io.out(
      r.changed.length === 0
        ? `saved ${r.file} (no value changed)`
        : `saved ${r.file}: ${r.changed.map((c) => `[${c.section}] ${c.key} ${formatSettingValue(c.from ?? null)} → ${formatSettingValue(c.to)}`).join('; ')}`,
    );
    return 0;
  },
};

export default command;
