import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { createPool } from './connect.ts';
import { MigrationError } from './errors.ts';

/** The committed migrations, found from this file so any working directory works. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Drizzle's bookkeeping table lives with our tables, so one schema holds the whole warehouse. */
export const MIGRATIONS_SCHEMA = 'fastmoss';
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/** Arbitrary but fixed: every fastmoss-etl process migrating this database queues on it. */
const MIGRATION_LOCK_ID = 7_291_972_001;

/**
 * Applies pending migrations. Safe to run any number of times and from several processes at once:
 * the work happens under a session advisory lock, so a second runner waits, then finds nothing
 * left to apply.
 */
export async function migrateDatabase(target: pg.Pool | string): Promise<void> {
  const pool = typeof target === 'string' ? createPool(target, { max: 1 }) : target;
  try {
    const client = await pool.connect();
    // A connection lost while checked out is an 'error' event that would crash the process; the
    // next statement fails instead and becomes a MigrationError.
    const ignoreLost = () => undefined;
    client.on('error', ignoreLost);
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      try {
        await migrate(drizzle({ client }), {
          migrationsFolder: MIGRATIONS_FOLDER,
          migrationsSchema: MIGRATIONS_SCHEMA,
          migrationsTable: MIGRATIONS_TABLE,
        });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      }
    } finally {
      client.off('error', ignoreLost);
      client.release();
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`could not apply migrations: ${reason}`, { cause: error });
  } finally {
    if (typeof target === 'string') await pool.end();
  }
}
