// `npm test`: typecheck, lint, build the app bundles (the e2e tests drive the built renderer),
// then every vitest suite (unit, integration against ../shared/realdata, e2e in Debian Chromium).
import { spawnSync } from 'node:child_process';

const run = (cmd, args, env = {}) => {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n'${cmd} ${args.join(' ')}' failed (exit ${r.status ?? r.signal})`);
    console.log('0 passed, 1 failed');
    process.exit(r.status ?? 1);
  }
};
const bin = (name) => `node_modules/.bin/${name}`;
run(process.execPath, ['scripts/typecheck.mjs']);
run(bin('eslint'), ['.', '--max-warnings=0']);
run(bin('prettier'), ['--check', '.', '--log-level', 'warn']);
run(bin('electron-vite'), ['build', '--logLevel', 'warn']);
run(bin('vitest'), ['run', ...process.argv.slice(2)]);
