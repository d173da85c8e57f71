// @ts-check
/**
 * Mutation testing of the core (`npm run mutation`): StrykerJS plants one small bug at a time in
 * the modules below and runs only the tests that cover it (per-test coverage from the vitest
 * runner). A surviving mutant is a bug no test would catch. See docs/testing.md.
 *
 * One module: `npm run mutation -- --mutate src/shared/invite-link.ts`
 * Only what changed since the last run: `npm run mutation -- --incremental`
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: !process.env.MUTATION_TEST_FILES },
  plugins: ['@stryker-mutator/vitest-runner', '@stryker-mutator/typescript-checker'],
  coverageAnalysis: 'perTest',
  mutate: [
    // The invite parser and intake: untrusted links from the OS.
    'src/shared/invite-link.ts',
    'src/shared/invite-routes.ts',
    'src/main/intake/**/*.ts',
    // Joining: the machine, the directory client and its error mapping, the retry policy.
    'src/main/join/**/*.ts',
    // Account/token code and the game channel (their own folders once they move there).
    'src/main/account/**/*.ts',
    'src/main/game/**/*.ts',
    // Security: IPC checks, the asset handler and navigation policy, redaction.
    'src/main/ipc/**/*.ts',
    'src/main/security/**/*.ts',
    'src/main/logging/**/*.ts',
    // The directory's sessions: write, access, timers, handles, queries.
    'src/directory/session-*.ts',
    'src/directory/directory-service.ts',
    'src/directory/memory-session-store.ts',
    'src/directory/http-routes.ts',
    'src/directory/json-merge.ts',
    'src/directory/timeout-limits.ts',
    // The directory's request guards: Host/Origin/body type, connections, SCID access, binding.
    'src/directory/request-guard.ts',
    'src/directory/connection-guard.ts',
    'src/directory/binding-policy.ts',
    'src/directory/service-config-access.ts',
    'src/directory/sessions/**/*.ts',
  ],
  // Two cores shared by the whole team: one test process. Raise it on a machine of your own.
  concurrency: 1,
  // The TypeScript checker is off by default (measured in docs/quality.md: it costs more than the
  // tests it saves on these modules); `--checkers typescript` turns it on for one run.
  checkers: [],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // A planted infinite loop is a timeout (counted as killed); tests here start servers and games.
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // The incremental file is a local cache, not committed: see docs/testing.md.
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  // Built output and old reports are not part of the sandbox; the sandbox builds its own dist/.
  ignorePatterns: ['dist', 'release', 'test-results', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
