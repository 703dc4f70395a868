// Type-checks every TypeScript project with its own lib/types. The core project (src/nexus,
// src/refine, src/shared) has neither DOM nor Node types, so purity is enforced by the compiler.
import { spawnSync } from 'node:child_process';
const projects = ['tsconfig.core.json', 'tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.test.json'];
let failed = false;
for (const p of projects) {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', p], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`typecheck failed: ${p}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
