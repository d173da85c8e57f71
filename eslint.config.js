// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Only these files may touch Electron's raw IPC objects: everything else goes through the typed wrappers. */
const typedIpcModules = ['src/main/electron/ipc-main.ts', 'src/preload/ipc-renderer.ts'];

const rawIpcBan = {
  paths: [
    {
      name: 'electron',
      importNames: ['ipcMain', 'ipcRenderer'],
      message:
        'Use the typed IPC wrappers (src/main/electron/ipc-main.ts, src/preload/ipc-renderer.ts).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'test-results/**',
      'node_modules/**',
      'reports/**',
      '.stryker-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': ['error', rawIpcBan],
    },
  },
  {
    // Logic lives outside Electron so it can be tested without the binary: only the thin
    // adapters in src/main/electron and the preload may import it at all.
    files: ['src/**/*.ts'],
    ignores: ['src/main/electron/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only src/main/electron/** and src/preload/** may import electron.',
            },
          ],
        },
      ],
    },
  },
  {
    // `import { z } from 'zod'` hands the bundler zod's whole namespace object (about 730 KB in
    // main.cjs); `import * as z` lets esbuild keep only what is used (docs/benchmarks.md).
    files: ['**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use `import * as z from 'zod'`: the named `z` defeats tree-shaking.",
        },
      ],
    },
  },
  {
    files: typedIpcModules,
    rules: { 'no-restricted-imports': 'off' },
  },
);
