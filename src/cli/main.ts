/**
 * `nxr`: every Refine step as a headless command. A subcommand is the module
 * src/cli/commands/<name>.ts whose default export is a {@link Command}; there is no list to edit.
 */
import { readdirSync } from 'node:fs';

import { isNxrError } from '../shared/errors.ts';
import type { CliIo, Command } from './command.ts';

const commandsDir = new URL('./commands/', import.meta.url);

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !commandNames().includes(name)) return undefined;
  const mod = (await import(new URL(`${name}.ts`, commandsDir).href)) as { default: Command };
  return mod.default;
}

async function help(io: CliIo): Promise<void> {
  io.out('usage: nxr <command> [options]    (nxr <command> --help for its options)\n\ncommands:');
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    io.out(`  ${name.padEnd(20)} ${cmd?.summary ?? ''}`);
  }
}

export async function main(argv: string[], ioOverride?: Partial<CliIo>): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const io: CliIo = {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    signal: controller.signal,
    ...ioOverride,
  };
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      await help(io);
      return name === undefined ? 2 : 0;
    }
    const cmd = await loadCommand(name);
    if (!cmd) {
      io.err(`nxr: unknown command '${name}'`);
      await help(io);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(cmd.usage);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    if (isNxrError(e)) {
      io.err(`nxr: ${e.message}`);
      return e.code === 'BAD_PARAMETER' ? 2 : 1;
    }
    io.err(`nxr: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
