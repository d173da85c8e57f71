import { defineConfig } from 'vitest/config';

/**
 * The suites that also run with the directory on PostgreSQL (the `postgres` project):
 * the store must behave exactly as the in-memory one. One embedded server per file keeps it lean.
 */
const suitesOnPostgres = [
  'test/directory/session-conformance.test.ts',
  'test/directory/status-codes.test.ts',
  'test/directory/handles.test.ts',
  'test/directory/timers.test.ts',
  'test/directory/rate-limits.test.ts',
  'test/directory/concurrency.test.ts',
  // Session change taps reach a subscriber whichever process wrote (LISTEN/NOTIFY).
  'test/directory/session-subscriptions.test.ts',
  // 200 launchers join through a directory answering 30 % faults: all joined, once, no ghosts.
  'test/main/join/fault-injection.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real servers, child processes and Chromium: two cores, so keep workers modest.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/secret-equality.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: suitesOnPostgres,
          setupFiles: ['test/secret-equality.ts', 'test/directory/postgres-store-setup.ts'],
        },
      },
    ],
  },
});
