// `node --import ./bin/register-ts.mjs file.ts`: run TypeScript sources (see ts-hooks.mjs).
import { register } from 'node:module';

register(new URL('./ts-hooks.mjs', import.meta.url));
