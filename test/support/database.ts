import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, inject } from 'vitest';
import { createPool } from '../../src/db/connect.ts';
import { databaseUrl } from './postgres-server.ts';

export interface TestDatabase {
  /** Name of this file's database, e.g. to connect with psql when a test failed. */
  name: string;
  url: string;
  pool: pg.Pool;
}

async function createFileDatabase(prefix: string, template?: string): Promise<TestDatabase> {
  const serverUrl = inject('postgresServerUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = createPool(serverUrl, { max: 1 });
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  const url = databaseUrl(serverUrl, name);
  const pool = createPool(url, { max: 4 });

  let failed = false;
  afterEach(({ task }) => {
    if (task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    await pool.end();
    if (failed) {
      // Only outlives the run on a TEST_DATABASE_URL server; an embedded one goes with the run.
      console.warn(`kept the database of a failed test file: ${name} (${url})`);
    } else {
      await admin.query(`drop database if exists ${name} with (force)`);
    }
    await admin.end();
  });

  return { name, url, pool };
}

/**
 * A fresh, migrated database for the calling test file, copied from the template the global setup
 * migrated. Dropped after the file's tests, unless one failed: then kept, and its name printed.
 */
export function useTestDatabase(): Promise<TestDatabase> {
  return createFileDatabase('fastmoss_test', inject('postgresTemplateDatabase'));
}

/** An empty database (no migrations yet), for tests of migrating itself. */
export function useEmptyDatabase(): Promise<TestDatabase> {
  return createFileDatabase('fastmoss_empty');
}

/**
 * Backends of `observer`'s database waiting for a lock, and the locks not granted, right now:
 * what a test samples to show that a load waited, or did not, without timing it.
 */
export async function lockWaits(
  observer: pg.Pool,
): Promise<{ waiting: number; ungranted: number }> {
  const { rows } = await observer.query<{ waiting: number; ungranted: number }>(
    `SELECT (SELECT count(*)::int FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock') AS waiting,
            (SELECT count(*)::int FROM pg_locks l JOIN pg_database d ON d.oid = l.database
              WHERE d.datname = current_database() AND NOT l.granted) AS ungranted`,
  );
  return rows[0] ?? { waiting: 0, ungranted: 0 };
}
