import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPool } from './connect.ts';
import { MigrationError } from './errors.ts';

/** The committed migrations, found from this file so any working directory works. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Drizzle's bookkeeping table lives in a schema of its own, out of the analysts' `fastmoss`: BI
 * tools browsing the warehouse, and the role `grant-reader` makes, see only the warehouse. Not
 * drizzle's default `drizzle`, which another drizzle app on the same database may already use.
 */
export const MIGRATIONS_SCHEMA = 'fastmoss_meta';
export const MIGRATIONS_TABLE = '__drizzle_migrations';
/** Where earlier versions kept the bookkeeping; `migrateDatabase` moves it from there. */
export const LEGACY_MIGRATIONS_SCHEMA = 'fastmoss';

const QUOTED_SCHEMA = pg.escapeIdentifier(MIGRATIONS_SCHEMA);
const QUOTED_TABLE = `${QUOTED_SCHEMA}.${pg.escapeIdentifier(MIGRATIONS_TABLE)}`;
const QUOTED_LEGACY_TABLE = `${pg.escapeIdentifier(LEGACY_MIGRATIONS_SCHEMA)}.${pg.escapeIdentifier(MIGRATIONS_TABLE)}`;

/** Arbitrary but fixed: every fastmoss-etl process migrating this database queues on it. */
export const MIGRATION_LOCK_ID = 7_291_972_001;

/**
 * Makes the bookkeeping schema, commented, before drizzle would make it bare; and moves the
 * bookkeeping of a database migrated by an earlier version out of schema fastmoss. Moved as it
 * is (rows, ids and sequence), drizzle finds every migration applied and re-applies none. Called
 * under the migration lock, so two upgrading processes cannot both move it.
 */
async function prepareBookkeeping(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{
    schema: string | null;
    legacy: string | null;
    current: string | null;
  }>(
    'select to_regnamespace($1) as schema, to_regclass($2) as legacy, to_regclass($3) as current',
    [QUOTED_SCHEMA, QUOTED_LEGACY_TABLE, QUOTED_TABLE],
  );
  const found = rows[0];
  const createSchema = found?.schema === null;
  const moveLegacy = found?.legacy != null && found.current === null;
  if (!createSchema && !moveLegacy) return;
  await client.query('begin');
  try {
    if (createSchema) {
      await client.query(`create schema if not exists ${QUOTED_SCHEMA}`);
      await client.query(
        `comment on schema ${QUOTED_SCHEMA} is 'fastmoss-etl''s own bookkeeping (which migrations are applied); not part of the warehouse, and not granted to readers.'`,
      );
    }
    if (moveLegacy)
      await client.query(`alter table ${QUOTED_LEGACY_TABLE} set schema ${QUOTED_SCHEMA}`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** The `when` of the newest committed migration (drizzle-kit's journal), read once. */
let newestMigration: number | undefined;
function newestMigrationMillis(): number {
  if (newestMigration === undefined) {
    const journal = JSON.parse(
      readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
    ) as { entries: { when: number }[] };
    newestMigration = Math.max(...journal.entries.map((entry) => entry.when));
  }
  return newestMigration;
}

/**
 * Whether every committed migration is applied already, by drizzle's own rule (it applies the
 * migrations newer than the newest `created_at` in its table): two reads, no lock, no
 * migration file read. Every command that writes starts with this; only a database that needs
 * something goes through the locked path (and loads drizzle).
 */
async function isUpToDate(pool: pg.Pool): Promise<boolean> {
  const { rows: found } = await pool.query<{ table: string | null }>(
    'select to_regclass($1)::text as table',
    [QUOTED_TABLE],
  );
  if (found[0]?.table == null) return false;
  const { rows } = await pool.query<{ newest: string | null }>(
    `select max(created_at)::text as newest from ${QUOTED_TABLE}`,
  );
  const newest = rows[0]?.newest;
  return newest != null && Number(newest) >= newestMigrationMillis();
}

/**
 * Applies pending migrations. Safe to run any number of times and from several processes at once:
 * the work happens under a session advisory lock, so a second runner waits, then finds nothing
 * left to apply. An up-to-date database costs two small statements (`isUpToDate`).
 */
export async function migrateDatabase(target: pg.Pool | string): Promise<void> {
  const pool = typeof target === 'string' ? createPool(target, { max: 1 }) : target;
  try {
    if (await isUpToDate(pool)) return;
    const [{ drizzle }, { migrate }] = await Promise.all([
      import('drizzle-orm/node-postgres'),
      import('drizzle-orm/node-postgres/migrator'),
    ]);
    const client = await pool.connect();
    // A connection lost while checked out is an 'error' event that would crash the process; the
    // next statement fails instead and becomes a MigrationError.
    const ignoreLost = () => undefined;
    client.on('error', ignoreLost);
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      try {
        await prepareBookkeeping(client);
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
