#!/usr/bin/env node
// The `nxr` command: every Refine step headless. Runs the TypeScript sources directly (our own
// type-stripping hooks, bin/ts-hooks.mjs), so `npx nxr …` works right after `npm install`.
import './register-ts.mjs';

// `nxr tree big.nxs | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
