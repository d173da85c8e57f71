/**
 * The test run StrykerJS uses for mutation testing (`npm run mutation`, stryker.config.mjs).
 *
 * The same tests as `npm test`, less two kinds. Those that only drive packaging or a real Chromium
 * take seconds each, would run for every mutant they reach, and the core modules have direct tests
 * that must kill their mutants on their own. Those that run the built programs (dist/) as child
 * processes cannot kill a mutant at all: Stryker switches a mutant on inside its own test process
 * only. The global setup still builds dist/ once per run, in Stryker's sandbox, because the game
 * hand-off and join tests start the built demo game.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        '**/node_modules/**',
        'test/installer/**',
        'test/renderer/**',
        'test/main/window-csp-chromium.test.ts',
        'test/main/electron-binary.test.ts',
        'test/cli/**',
        'test/directory/directory-cli.test.ts',
        'test/main/composition-bundle.test.ts',
      ],
    },
  }),
);
