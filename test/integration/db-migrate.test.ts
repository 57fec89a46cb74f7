import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { describe, expect, it } from 'vitest';
import {
  LEGACY_MIGRATIONS_SCHEMA,
  MIGRATION_LOCK_ID,
  MIGRATIONS_FOLDER,
  MIGRATIONS_SCHEMA,
  MIGRATIONS_TABLE,
  migrateDatabase,
} from '../../src/db/migrate.ts';
import { useEmptyDatabase, useTestDatabase } from '../support/database.ts';

const migrated = await useTestDatabase();
const empty = await useEmptyDatabase();
const legacy = await useEmptyDatabase();
const beforeAsOf = await useEmptyDatabase();

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

/**
 * A copy of the migrations folder holding only its first `count` migrations, or those up to and
 * including the one tagged `count`.
 */
async function migrationsUpTo(count: number | string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'fastmoss-etl-migrations-'));
  const journal = JSON.parse(
    await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'),
  ) as { entries: { tag: string }[] };
  const last =
    typeof count === 'number' ? count : journal.entries.findIndex((e) => e.tag === count) + 1;
  if (last === 0) throw new Error(`no migration tagged ${count}`);
  journal.entries = journal.entries.slice(0, last);
  await mkdir(join(folder, 'meta'));
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) {
    await copyFile(join(MIGRATIONS_FOLDER, `${tag}.sql`), join(folder, `${tag}.sql`));
  }
  return folder;
}

/** Applies the migrations `migrationsUpTo(count)` holds with drizzle's bare migrator. */
async function migrateOnly(
  pool: typeof migrated.pool,
  count: number | string,
  migrationsSchema: string,
): Promise<void> {
  const folder = await migrationsUpTo(count);
  try {
    const client = await pool.connect();
    try {
      await migrate(drizzle({ client }), {
        migrationsFolder: folder,
        migrationsSchema,
        migrationsTable: MIGRATIONS_TABLE,
      });
    } finally {
      client.release();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
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

  it('checks an up-to-date database without the migration lock: a command starts while another migrates', async () => {
    const holder = await migrated.pool.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      const outcome = await Promise.race([
        migrateDatabase(migrated.url).then(() => 'done'),
        new Promise((resolve) => setTimeout(() => resolve('waited for the lock'), 5000)),
      ]);
      expect(outcome).toBe('done');
    } finally {
      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      holder.release();
    }
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
    await migrateOnly(legacy.pool, 6, LEGACY_MIGRATIONS_SCHEMA);
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

  it('creates the nine contract tables, the raw archive, quarantine, API budget, daily calls, run stops, plan limits and creator firsts in schema fastmoss', async () => {
    const { rows } = await migrated.pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables
        where table_schema = 'fastmoss' and table_type = 'BASE TABLE'
        order by table_name`,
    );
    expect(rows.map((row) => row.table_name)).toEqual([
      'api_budget',
      'api_daily_calls',
      'api_plan_limits',
      'api_run_stops',
      'creator_categories',
      'creators',
      'etl_jobs',
      'etl_runs',
      'live_streams',
      'product_categories',
      'quarantine',
      'ranking_creator_firsts',
      'ranking_entries',
      'ranking_snapshots',
      'ranking_top_lives',
      'raw_pages',
    ]);
  });

  it("gives rows loaded before attributes_as_of existed the latest period listing them, and that period's follower count", async () => {
    // Migrated as the versions before attributes_as_of were (0000-0011), then loaded the way they
    // loaded: the attributes of the ranking fetched last, here the older period.
    await migrateOnly(beforeAsOf.pool, '0011_daily_call_cap', MIGRATIONS_SCHEMA);
    await beforeAsOf.pool.query(`
      INSERT INTO fastmoss.creators (uid, unique_id, nickname, follower_count, first_seen_at, last_seen_at)
      VALUES (7000000000000000001, 'a', 'A', 100, '2026-04-01T01:00Z', '2026-04-05T01:00Z'),
             (7000000000000000002, 'b', 'B', 900, '2026-04-01T01:00Z', '2026-04-05T01:00Z'),
             (7000000000000000003, 'c', 'C', 5, '2026-04-01T01:00Z', '2026-04-01T01:00Z');
      INSERT INTO fastmoss.live_streams (room_id, creator_uid, title, first_seen_at, last_seen_at)
      VALUES (7600000000000000001, 7000000000000000001, 't', '2026-04-01T01:00Z', '2026-04-05T01:00Z');
      INSERT INTO fastmoss.ranking_snapshots (region, period_type, period_value, period_start,
          period_end, order_field, total, entry_count, fetched_at)
      VALUES ('US', 'day', '2026-03-31', '2026-03-31', '2026-03-31', 'gmv', 2, 2, '2026-04-01T01:00Z'),
             ('US', 'month', '2026-03', '2026-03-01', '2026-03-31', 'gmv', 2, 2, '2026-04-01T02:00Z'),
             ('US', 'day', '2026-03-10', '2026-03-10', '2026-03-10', 'gmv', 2, 2, '2026-04-05T01:00Z');
      INSERT INTO fastmoss.ranking_entries (snapshot_id, rank, creator_uid, follower_count)
      SELECT s.id, e.rank, e.uid, e.followers
        FROM (VALUES ('2026-03-31', 1, 7000000000000000001, 300),
                     ('2026-03-31', 2, 7000000000000000002, 800),
                     ('2026-03', 1, 7000000000000000001, 310),
                     ('2026-03', 2, 7000000000000000002, NULL),
                     ('2026-03-10', 1, 7000000000000000001, 100),
                     ('2026-03-10', 2, 7000000000000000002, 900))
             AS e(period_value, rank, uid, followers)
        JOIN fastmoss.ranking_snapshots s ON s.period_value = e.period_value;
      INSERT INTO fastmoss.ranking_top_lives (snapshot_id, rank, position, room_id)
      SELECT id, 1, 1, 7600000000000000001 FROM fastmoss.ranking_snapshots
       WHERE period_value IN ('2026-03-10', '2026-03');`);

    await migrateDatabase(beforeAsOf.url);

    const creators = await beforeAsOf.pool.query(
      `SELECT uid::text, follower_count::int, attributes_as_of::text, attributes_fetched_at
         FROM fastmoss.creators ORDER BY uid`,
    );
    expect(creators.rows).toEqual([
      // The month ending 2026-03-31 was fetched after the day: its count.
      {
        uid: '7000000000000000001',
        follower_count: 310,
        attributes_as_of: '2026-03-31',
        attributes_fetched_at: new Date('2026-04-01T02:00Z'),
      },
      // The month has no count: the day's, the latest listing that has one.
      {
        uid: '7000000000000000002',
        follower_count: 800,
        attributes_as_of: '2026-03-31',
        attributes_fetched_at: new Date('2026-04-01T02:00Z'),
      },
      // In no ranking now: unknown, kept as it was.
      {
        uid: '7000000000000000003',
        follower_count: 5,
        attributes_as_of: null,
        attributes_fetched_at: null,
      },
    ]);
    const lives = await beforeAsOf.pool.query(
      `SELECT attributes_as_of::text, attributes_fetched_at FROM fastmoss.live_streams`,
    );
    expect(lives.rows).toEqual([
      { attributes_as_of: '2026-03-31', attributes_fetched_at: new Date('2026-04-01T02:00Z') },
    ]);
  });

  it('fills ranking_creator_firsts from the entries the database already holds (migration 0019)', async () => {
    // The database of the test above, loaded before 0019 and migrated since.
    const { rows } = await beforeAsOf.pool.query(
      `SELECT creator_uid::text, region, period_type, order_field, first_period_start::text,
              first_top_100_start::text
         FROM fastmoss.ranking_creator_firsts ORDER BY creator_uid, period_type`,
    );
    const firsts = (uid: string, periodType: string, first: string) => ({
      creator_uid: uid,
      region: 'US',
      period_type: periodType,
      order_field: 'gmv',
      first_period_start: first,
      first_top_100_start: first,
    });
    expect(rows).toEqual([
      firsts('7000000000000000001', 'day', '2026-03-10'),
      firsts('7000000000000000001', 'month', '2026-03-01'),
      firsts('7000000000000000002', 'day', '2026-03-10'),
      firsts('7000000000000000002', 'month', '2026-03-01'),
    ]);
  });
});
