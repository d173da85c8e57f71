/**
 * The test run StrykerJS uses for mutation testing (`npm run mutation`, stryker.config.mjs).
 *
 * The same tests as `npm test`, less three kinds. Those that only drive packaging or a real Chromium
 * take seconds each, would run for every mutant they reach, and the core modules have direct tests
 * that must kill their mutants on their own. Those that run the built programs (dist/) as child
 * processes cannot kill a mutant at all: Stryker switches a mutant on inside its own test process
 * only. And the `postgres` project, which runs some directory suites a second time on an embedded
 * PostgreSQL: it doubles their time per mutant, and the session logic it reaches is the same code
 * the in-memory runs already test (the PostgreSQL store is not in the `mutate` list). The global
 * setup still builds dist/ once per run, in Stryker's sandbox, because the game hand-off and join
 * tests start the built demo game.
 */
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import base from './vitest.config';

const inMemoryOnly = (base.test?.projects ?? []).filter(
  (project): project is TestProjectInlineConfiguration =>
    typeof project === 'object' && 'test' in project && project.test?.name === 'main',
);

/**
 * `MUTATION_TEST_FILES=a.test.ts,b.test.ts` runs only those files. Static mutants (a module-level
 * constant changed) take effect only in a run without `--testFiles` (docs/testing.md), and a run
 * over every related test is hours; this measures them against a module's own tests instead.
 */
const onlyFiles = process.env.MUTATION_TEST_FILES?.split(',').filter(Boolean);
const projects = onlyFiles
  ? inMemoryOnly.map((project) => ({ ...project, test: { ...project.test, include: onlyFiles } }))
  : inMemoryOnly;

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    projects,
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
});
