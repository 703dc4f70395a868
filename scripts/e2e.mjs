// `npm run test:e2e`: build the app bundles, then the tests that drive them: the browser-mode UI in
// Debian Chromium (test/e2e) and the bundled engine process (test/main/engine-bundle.test.ts).
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('node_modules/.bin/electron-vite', ['build', '--logLevel', 'warn']);
run('node_modules/.bin/vitest', [
  'run',
  'test/e2e',
  'test/main/engine-bundle.test.ts',
  ...process.argv.slice(2),
]);
