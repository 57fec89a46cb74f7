import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { describe, expect, it } from 'vitest';
import {
  LEGACY_MIGRATIONS_SCHEMA,
  MIGRATIONS_FOLDER,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
  migrateDatabase,
} from '../../src/db/migrate.ts';
import { useEmptyDatabase, useTestDatabase } from '../support/database.ts';

const migrated = await useTestDatabase();
const empty = await useEmptyDatabase();
const legacy = await useEmptyDatabase();

/** Every column of schema fastmoss with its type, default and nullability, in a stable order. */
async function describeSchema(pool: typeof migrated.pool): Promise<string[]> {
  const { rows } = await pool.query<{ line: string }>(
    `select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
              || ' ' || coalesce(column_default, '') as line
       from information_schema.columns
      where table_schema = 'fastmoss'
      order by table_name, column_name`,
  );
  return rows.map((row) => row.line);
}

async function appliedMigrations(
  pool: typeof migrated.pool,
  schema = MIGRATIONS_SCHEMA,
): Promise<string[]> {
  const { rows } = await pool.query<{ id: number; hash: string; created_at: string }>(
    `select id, hash, created_at from ${schema}.${MIGRATIONS_TABLE} order by id`,
  );
  return rows.map((row) => `${row.id} ${row.hash} ${row.created_at}`);
}

const withoutId = (line: string) => line.slice(line.indexOf(' ') + 1);

/** A copy of the migrations folder holding only its first `count` migrations. */
async function migrationsUpTo(count: number): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'fastmoss-etl-migrations-'));
  const journal = JSON.parse(
    await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, count);
  await mkdir(join(folder, 'meta'));
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) {
    await copyFile(join(MIGRATIONS_FOLDER, `${tag}.sql`), join(folder, `${tag}.sql`));
  }
  return folder;
}

/** Schemas holding a table named like drizzle's bookkeeping. */
async function bookkeepingSchemas(pool: typeof migrated.pool): Promise<string[]> {
  const { rows } = await pool.query<{ table_schema: string }>(
    `select table_schema from information_schema.tables where table_name = $1 order by 1`,
    [MIGRATIONS_TABLE],
  );
  return rows.map((row) => row.table_schema);
}

describe('migrateDatabase', () => {
  it('changes nothing when run again on a migrated database', async () => {
    const schemaBefore = await describeSchema(migrated.pool);
    const migrationsBefore = await appliedMigrations(migrated.pool);
    expect(migrationsBefore.length).toBeGreaterThan(0);

    await migrateDatabase(migrated.pool);
    await migrateDatabase(migrated.url);

    expect(await describeSchema(migrated.pool)).toEqual(schemaBefore);
    expect(await appliedMigrations(migrated.pool)).toEqual(migrationsBefore);
  });

  it('applies every migration exactly once when several processes migrate at the same time', async () => {
    await Promise.all([
      migrateDatabase(empty.url),
      migrateDatabase(empty.url),
      migrateDatabase(empty.url),
    ]);

    expect(await appliedMigrations(empty.pool)).toEqual(await appliedMigrations(migrated.pool));
    expect(await describeSchema(empty.pool)).toEqual(await describeSchema(migrated.pool));
  });

  it('keeps its bookkeeping out of schema fastmoss, in schema fastmoss_meta', async () => {
    expect(await bookkeepingSchemas(migrated.pool)).toEqual(['fastmoss_meta']);
  });

  it('upgrades a database migrated the old way (bookkeeping in fastmoss): moved, nothing re-applied', async () => {
    // What earlier versions did: drizzle's migrator, its table in schema fastmoss, the six migrations
    // they had (0000-0005).
    const oldMigrations = await migrationsUpTo(6);
    try {
      const client = await legacy.pool.connect();
      try {
        await migrate(drizzle({ client }), {
          migrationsFolder: oldMigrations,
          migrationsSchema: LEGACY_MIGRATIONS_SCHEMA,
          migrationsTable: MIGRATIONS_TABLE,
        });
      } finally {
        client.release();
      }
    } finally {
      await rm(oldMigrations, { recursive: true, force: true });
    }
    await legacy.pool.query(
      `insert into fastmoss.creator_categories (id, name) values (4, 'Beauty')`,
    );
    const applied = await appliedMigrations(legacy.pool, LEGACY_MIGRATIONS_SCHEMA);
    expect(applied).toHaveLength(6);
    expect(await bookkeepingSchemas(legacy.pool)).toEqual(['fastmoss']);

    await migrateDatabase(legacy.url);
    await migrateDatabase(legacy.url);

    expect(await bookkeepingSchemas(legacy.pool)).toEqual(['fastmoss_meta']);
    const after = await appliedMigrations(legacy.pool);
    // The old rows kept as they were (same ids), the newer migrations applied after them.
    expect(after.slice(0, applied.length)).toEqual(applied);
    expect(after.map(withoutId)).toEqual((await appliedMigrations(migrated.pool)).map(withoutId));
    expect(await describeSchema(legacy.pool)).toEqual(await describeSchema(migrated.pool));
    const kept = await legacy.pool.query('select id, name from fastmoss.creator_categories');
    expect(kept.rows).toEqual([{ id: 4, name: 'Beauty' }]);
  });

  it('creates the nine contract tables, the raw archive, quarantine, API budget, daily calls and plan limits in schema fastmoss', async () => {
    const { rows } = await migrated.pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables
        where table_schema = 'fastmoss' and table_type = 'BASE TABLE'
        order by table_name`,
    );
    expect(rows.map((row) => row.table_name)).toEqual([
      'api_budget',
      'api_daily_calls',
      'api_plan_limits',
      'creator_categories',
      'creators',
      'etl_jobs',
      'etl_runs',
      'live_streams',
      'product_categories',
      'quarantine',
      'ranking_entries',
      'ranking_snapshots',
      'ranking_top_lives',
      'raw_pages',
    ]);
  });
});
