#!/usr/bin/env node
// The `nxr` command: every Refine step headless. Runs the TypeScript sources through tsx,
// so `npx nxr …` works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
