// ESLint flat config. Beyond style, it enforces the dependency direction of docs/architecture.md:
// src/nexus and src/refine are pure; the renderer never reaches main, engine or Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'url',
  'crypto',
  'zlib',
];
const upward = (...dirs) => dirs.flatMap((d) => [`**/${d}`, `**/${d}/**`]);

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'demo/', 'tmp/', '.bench/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/nexus/**', 'src/refine/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'react-dom', 'h5wasm', 'h5wasm/node', 'zustand'].map((name) => ({
            name,
            message: 'src/nexus and src/refine are pure: no Electron, React, h5wasm or I/O here.',
          })),
          patterns: [
            { group: nodeBuiltins, message: 'src/nexus and src/refine are pure: no node:* here.' },
            {
              group: upward('engine', 'main', 'preload', 'renderer', 'cli'),
              message: 'nothing in the core imports upward',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'h5wasm', 'h5wasm/node'],
          patterns: [
            { group: nodeBuiltins },
            { group: upward('engine', 'main', 'preload', 'renderer', 'cli') },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'h5wasm/node'],
          patterns: [
            { group: nodeBuiltins, message: 'the renderer talks to the engine only through the bridge' },
            {
              group: upward('engine', 'main', 'preload', 'cli'),
              message: 'the renderer imports shared, nexus, refine only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/engine/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'the engine runs under plain Node too (CLI, tests, browser mode)' },
          ],
          patterns: [{ group: upward('main', 'preload', 'renderer') }],
        },
      ],
    },
  },
  {
    files: ['src/main/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: upward('renderer', 'engine') }] }],
    },
  },
);
