import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantReader } from '../../src/db/grant-reader.ts';
import { loadRanking } from '../../src/db/load.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { type TestDatabase, useEmptyDatabase } from '../support/database.ts';
import { migratePartway } from '../support/migrate-partway.ts';
import { makeRanking, US_DAY_KEY } from '../support/rankings.ts';

/*
 * The partitioning migration (0013) turns the unpartitioned fact tables of an existing database into partitioned
 * ones: every row and id kept, the views (ours and a user's own) as they were, grants kept.
 */

const PARTITIONING = 'partitioned_facts';

/** The migrations before the partitioning one or, `through`, up to and including it. */
const migrateAround = (db: TestDatabase, through: boolean) =>
  migratePartway(db, PARTITIONING, { through });

/**
 * A small warehouse in the unpartitioned shape: rankings of February (a month), March (a day and
 * the ISO week starting 2026-03-30, which ends in April) and April (a day), 30 entries each with
 * 2 top lives, 2 archived pages each (one deleted, so raw page ids have a gap).
 */
const OLD_WAREHOUSE = `
  INSERT INTO fastmoss.creators (uid, unique_id, nickname, region, follower_count,
                                 first_seen_at, last_seen_at)
  SELECT 7000000000000000000 + n, 'creator' || n, 'Creator ' || n, 'US', 1000 + n, now(), now()
    FROM generate_series(1, 30) n;
  INSERT INTO fastmoss.live_streams (room_id, creator_uid, region, title, first_seen_at,
                                     last_seen_at)
  SELECT 7600000000000000000 + n, 7000000000000000000 + (n + 1) / 2, 'US', 'live ' || n, now(), now()
    FROM generate_series(1, 60) n;
  INSERT INTO fastmoss.ranking_snapshots (region, period_type, period_value, period_start,
                                          period_end, order_field, total, entry_count, fetched_at)
  VALUES ('US', 'month', '2026-02', '2026-02-01', '2026-02-28', 'gmv', 900, 30, now()),
         ('US', 'day', '2026-03-30', '2026-03-30', '2026-03-30', 'gmv', 900, 30, now()),
         ('US', 'week', '2026-14', '2026-03-30', '2026-04-05', 'gmv', 900, 30, now()),
         ('US', 'day', '2026-04-01', '2026-04-01', '2026-04-01', 'units_sold', 900, 30, now());
  INSERT INTO fastmoss.ranking_entries (snapshot_id, rank, creator_uid, live_units_sold, live_gmv,
                                        live_usd_gmv, currency, live_count, follower_count)
  SELECT s.id, n, 7000000000000000000 + n, 500 - n, 900.25 - n, 900.25 - n, 'USD',
         3, 1000 + n
    FROM fastmoss.ranking_snapshots s, generate_series(1, 30) n;
  INSERT INTO fastmoss.ranking_top_lives (snapshot_id, rank, position, room_id, units_sold, gmv,
                                          currency)
  SELECT e.snapshot_id, e.rank, p, 7600000000000000000 + e.rank * 2 - 2 + p, 10 * p, 1.5, 'USD'
    FROM fastmoss.ranking_entries e, generate_series(1, 2) p;
  INSERT INTO fastmoss.raw_pages (region, product_category_id, creator_category_id, period_type,
                                  period_value, order_field, period_start, period_end, page,
                                  http_status, attempts, received_at, body)
  SELECT region, product_category_id, creator_category_id, period_type, period_value, order_field,
         period_start, period_end, p, 200, 1, now() - p * interval '1 minute', '{"page":' || p || '}'
    FROM fastmoss.ranking_snapshots, generate_series(1, 2) p;
  DELETE FROM fastmoss.raw_pages WHERE id = 3;
`;

const ENTRIES = `SELECT snapshot_id, rank, creator_uid, sale_product_count, live_units_sold,
    live_gmv, live_usd_gmv, currency, live_count, follower_count
  FROM fastmoss.ranking_entries ORDER BY snapshot_id, rank`;
const TOP_LIVES = `SELECT snapshot_id, rank, position, room_id, units_sold, gmv, currency
  FROM fastmoss.ranking_top_lives ORDER BY snapshot_id, rank, position`;
const RAW_PAGES = `SELECT id, region, period_type, period_value, order_field, period_start,
    period_end, page, page_size, http_status, attempts, received_at, body, run_id
  FROM fastmoss.raw_pages ORDER BY id`;
/** Every view reading the fact tables, with its definition, comments and who may read it. */
const VIEWS = `SELECT n.nspname || '.' || c.relname AS view, pg_get_viewdef(c.oid) AS definition,
    obj_description(c.oid, 'pg_class') AS comment, c.relacl::text AS acl,
    (SELECT json_agg(json_build_array(a.attname, col_description(c.oid, a.attnum)) ORDER BY a.attnum)
       FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0) AS columns
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'v' AND n.nspname IN ('fastmoss', 'analyst_own')
  ORDER BY 1`;

const reader = `premigration_reader_${randomBytes(4).toString('hex')}`;
let db: TestDatabase;
const before: Record<string, unknown[]> = {};
let rawPageIdMax = 0;

beforeAll(async () => {
  db = await useEmptyDatabase();
  await migrateAround(db, false);
  await db.pool.query(OLD_WAREHOUSE);
  await db.pool.query(`CREATE ROLE ${reader} LOGIN PASSWORD 'reader'`);
  await grantReader(db.pool, reader);
  // An analyst's own views over the facts, one over one of ours.
  await db.pool.query(`
    CREATE SCHEMA analyst_own;
    CREATE VIEW analyst_own.top10 AS
      SELECT snapshot_id, rank, creator_uid FROM fastmoss.ranking_entries WHERE rank <= 10;
    CREATE VIEW analyst_own.top10_named AS
      SELECT t.*, r.creator_unique_id FROM analyst_own.top10 t
        JOIN fastmoss.v_rankings r USING (snapshot_id, rank);
    COMMENT ON VIEW analyst_own.top10 IS 'the top ten of every ranking';
    GRANT USAGE ON SCHEMA analyst_own TO ${reader};
    GRANT SELECT ON analyst_own.top10_named TO ${reader};
  `);
  for (const [name, query] of Object.entries({ ENTRIES, TOP_LIVES, RAW_PAGES, VIEWS })) {
    before[name] = (await db.pool.query(query)).rows;
  }
  const max = await db.pool.query<{ id: string }>('SELECT max(id) AS id FROM fastmoss.raw_pages');
  rawPageIdMax = Number(max.rows[0]?.id);
  // The partitioning migration alone: the later ones change the views on purpose.
  await migrateAround(db, true);
}, 120_000);

afterAll(async () => {
  await db.pool.query('DROP SCHEMA IF EXISTS analyst_own CASCADE');
  await db.pool.query(`DROP OWNED BY ${reader}`);
  await db.pool.query(`DROP ROLE ${reader}`);
});

describe('migrating an unpartitioned warehouse', () => {
  it('partitions the three fact tables by month, one partition per month with data', async () => {
    const { rows } = await db.pool.query<{ relname: string; relkind: string; parts: string[] }>(
      `SELECT c.relname, c.relkind,
              array(SELECT p.relname::text FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
                     WHERE i.inhparent = c.oid ORDER BY 1) AS parts
         FROM pg_class c WHERE c.relnamespace = 'fastmoss'::regnamespace
          AND c.relname IN ('ranking_entries', 'ranking_top_lives', 'raw_pages') ORDER BY 1`,
    );
    expect(rows).toEqual(
      ['ranking_entries', 'ranking_top_lives', 'raw_pages'].map((table) => ({
        relname: table,
        relkind: 'p',
        parts: ['2026_02', '2026_03', '2026_04'].map((month) => `${table}_p${month}`),
      })),
    );
    // No table of the conversion is left behind.
    const leftovers = await db.pool.query(
      `SELECT relname FROM pg_class WHERE relname LIKE '%unpartitioned%'`,
    );
    expect(leftovers.rows).toEqual([]);
  });

  it('keeps every entry, top live and archived page, ids included', async () => {
    expect((await db.pool.query(ENTRIES)).rows).toEqual(before.ENTRIES);
    expect((await db.pool.query(TOP_LIVES)).rows).toEqual(before.TOP_LIVES);
    expect((await db.pool.query(RAW_PAGES)).rows).toEqual(before.RAW_PAGES);
    expect(before.ENTRIES).toHaveLength(120);
    expect(before.TOP_LIVES).toHaveLength(240);
    expect(before.RAW_PAGES).toHaveLength(7);
    // period_start is each row's snapshot's, and each row sits in that month's partition.
    const { rows } = await db.pool.query<{ wrong: string }>(
      `SELECT (SELECT count(*) FROM fastmoss.ranking_entries e
                 JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id
                WHERE e.period_start <> s.period_start
                   OR e.tableoid::regclass::text <> 'fastmoss.ranking_entries_p' || to_char(s.period_start, 'YYYY_MM'))
            + (SELECT count(*) FROM fastmoss.ranking_top_lives t
                 JOIN fastmoss.ranking_snapshots s ON s.id = t.snapshot_id
                WHERE t.period_start <> s.period_start) AS wrong`,
    );
    expect(rows[0]?.wrong).toBe('0');
  });

  it('puts back every view over the facts, ours and the analysts own, as it was', async () => {
    const after = (await db.pool.query(VIEWS)).rows;
    expect(after).toEqual(before.VIEWS);
    expect(after.map((row) => row.view)).toEqual(
      expect.arrayContaining([
        'analyst_own.top10',
        'analyst_own.top10_named',
        'fastmoss.v_creator_history',
        'fastmoss.v_rankings',
        'fastmoss.v_top_lives',
      ]),
    );
  });

  it('lets the reader granted before the migration read the tables, views and new partitions', async () => {
    const url = new URL(db.url);
    url.username = reader;
    url.password = 'reader';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      for (const relation of [
        'fastmoss.ranking_entries',
        'fastmoss.ranking_top_lives',
        'fastmoss.raw_pages',
        'fastmoss.v_rankings',
        'fastmoss.v_top_lives',
        'fastmoss.v_creator_history',
        'analyst_own.top10_named',
      ]) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${relation}`);
        expect(Number(rows[0]?.n), relation).toBeGreaterThan(0);
      }
    } finally {
      await client.end();
    }
  });

  it('after the later migrations, loads on top: a reload keeps its snapshot id, raw page ids go on', async () => {
    await migrateDatabase(db.url);
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT id FROM fastmoss.ranking_snapshots WHERE period_value = '2026-04-01'`,
    );
    const key = { ...US_DAY_KEY, periodValue: '2026-04-01', orderField: 'units_sold' as const };
    const loaded = await loadRanking(db.pool, {
      ...makeRanking({ size: 12, key }),
      pages: [
        {
          page: 1,
          pagesize: 100,
          body: '{"code":0}',
          requestId: null,
          status: 200,
          attempts: 1,
          receivedAt: new Date(),
        },
      ],
    });
    expect(loaded.snapshotId).toBe(rows[0]?.id);
    const pages = await db.pool.query<{ id: string }>(
      `SELECT id FROM fastmoss.raw_pages WHERE period_value = '2026-04-01'`,
    );
    expect(rawPageIdMax).toBe(8);
    expect(pages.rows.map((row) => Number(row.id))).toEqual([rawPageIdMax + 1]);
    // A month the old warehouse never had gets its partitions.
    await loadRanking(
      db.pool,
      makeRanking({ size: 3, key: { ...key, periodValue: '2026-09-01' } }),
    );
    const sept = await db.pool.query(
      `SELECT 1 FROM pg_class WHERE relname = 'ranking_entries_p2026_09'`,
    );
    expect(sept.rowCount).toBe(1);
  });
});
