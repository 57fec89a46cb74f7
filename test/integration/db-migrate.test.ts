import { describe, expect, it } from 'vitest';
import { MIGRATIONS_SCHEMA, MIGRATIONS_TABLE, migrateDatabase } from '../../src/db/migrate.ts';
import { useEmptyDatabase, useTestDatabase } from '../support/database.ts';

const migrated = await useTestDatabase();
const empty = await useEmptyDatabase();

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

async function appliedMigrations(pool: typeof migrated.pool): Promise<string[]> {
  const { rows } = await pool.query<{ hash: string }>(
    `select hash from ${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE} order by id`,
  );
  return rows.map((row) => row.hash);
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

  it('creates the nine contract tables, the raw archive, quarantine and API budget in schema fastmoss', async () => {
    const { rows } = await migrated.pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables
        where table_schema = 'fastmoss' and table_type = 'BASE TABLE' and table_name not like '\\_\\_%'
        order by table_name`,
    );
    expect(rows.map((row) => row.table_name)).toEqual([
      'api_budget',
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
