import type pg from 'pg';
import { REGIONS } from '../../src/domain/ranking.ts';

/*
 * A warehouse of many years generated inside Postgres (INSERT ... SELECT over generate_series),
 * one month of periods per transaction: ten years of the queries benchmark's market (15 regions x
 * {all, category 14} x 2 order fields, days, ISO weeks and months) is ~67 M entries and ~118 M top
 * lives, which the simulator and the loader would take hours to produce. The rows are shaped like
 * the loader's: ~260 entries a ranking, 1-3 top lives an entry, 19-digit ids, numeric money,
 * the same creators recurring across periods and both order fields.
 */

export interface SqlWarehouseSpec {
  /** First year generated; years run from 1 January of it. */
  firstYear: number;
  years: number;
  creatorsPerRegion: number;
}

export interface SqlWarehouseCounts {
  snapshots: number;
  entries: number;
  topLives: number;
}

const CREATOR_UID_BASE = 7_200_000_000_000_000_000n;
const ROOM_ID_BASE = 7_400_000_000_000_000_000n;

/** Creators of every region; uid = base + region number x 10^7 + index: 19 digits, > 2^53. */
async function insertCreators(client: pg.ClientBase, spec: SqlWarehouseSpec): Promise<void> {
  await client.query(
    `INSERT INTO fastmoss.creator_categories (id, name)
     SELECT id, 'Category ' || id FROM generate_series(1, 20) id ON CONFLICT (id) DO NOTHING`,
  );
  await client.query(
    `INSERT INTO fastmoss.product_categories (id, name) VALUES (14, 'Beauty & Personal Care')
     ON CONFLICT (id) DO NOTHING`,
  );
  await client.query(
    `INSERT INTO fastmoss.creators (uid, unique_id, nickname, avatar_url, region,
                                    creator_category_id, follower_count, first_seen_at,
                                    last_seen_at)
     SELECT $1::bigint + r.n * 10000000 + i, lower(r.region) || '_creator_' || i,
            'Creator ' || r.region || ' ' || i, 'https://p16.example/avatar/' || i || '.jpeg',
            r.region, 1 + i % 20, 1000 + (i * 7919) % 5000000, now(), now()
       FROM unnest($2::text[]) WITH ORDINALITY AS r(region, n),
            generate_series(0, $3::int - 1) i`,
    [String(CREATOR_UID_BASE), [...REGIONS], spec.creatorsPerRegion],
  );
}

/** The snapshots of every period starting in [monthStart, monthStart + 1 month). */
async function insertSnapshots(client: pg.ClientBase, monthStart: string): Promise<number> {
  const { rowCount } = await client.query(
    `WITH month AS (SELECT $1::date AS start, ($1::date + interval '1 month')::date AS next),
     periods AS (
       SELECT 'day' AS period_type, to_char(d, 'YYYY-MM-DD') AS period_value,
              d::date AS period_start, d::date AS period_end
         FROM month, generate_series(month.start, month.next - 1, interval '1 day') d
       UNION ALL
       SELECT 'week', to_char(d, 'IYYY-IW'), d::date, (d + interval '6 days')::date
         FROM month, generate_series(month.start, month.next - 1, interval '1 day') d
        WHERE extract(isodow FROM d) = 1
       UNION ALL
       SELECT 'month', to_char(month.start, 'YYYY-MM'), month.start, month.next - 1 FROM month
     )
     INSERT INTO fastmoss.ranking_snapshots
       (region, product_category_id, creator_category_id, period_type, period_value,
        order_field, period_start, period_end, total, entry_count, api_calls, fetched_at)
     SELECT region, pc, NULL, p.period_type, p.period_value, o, p.period_start, p.period_end,
            n, n, ceil(n / 100.0), p.period_end + interval '30 hours'
       FROM periods p,
            unnest($2::text[]) region,
            unnest(ARRAY[NULL, 14]::int[]) pc,
            unnest(ARRAY['units_sold', 'gmv']) o,
            -- ~260 entries a ranking, 20 to 500, the same for a key's two order fields
            LATERAL (SELECT 20 + abs(hashtext(region || coalesce(pc, 0) || p.period_value))
                                 % 481 AS n) sizes
      ORDER BY p.period_start, region, pc NULLS FIRST, o`,
    [monthStart, [...REGIONS]],
  );
  return rowCount ?? 0;
}

/**
 * Entries, top lives and their live streams of the snapshots starting in the month. A creator's
 * index in its region moves a little from period to period, so the same creators recur near the
 * top; ranks are contiguous and each ranking names a creator once.
 */
async function insertFacts(
  client: pg.ClientBase,
  spec: SqlWarehouseSpec,
  monthStart: string,
): Promise<{ entries: number; topLives: number }> {
  const snapshotsOfMonth = `
    SELECT s.id, s.region, s.period_start, s.entry_count, s.order_field,
           array_position($2::text[], s.region) AS region_no,
           abs(hashtext(s.period_value || s.region)) % 50 AS drift
      FROM fastmoss.ranking_snapshots s
     WHERE s.period_start >= $1::date AND s.period_start < ($1::date + interval '1 month')`;
  const entries = await client.query(
    `INSERT INTO fastmoss.ranking_entries
       (snapshot_id, period_start, rank, creator_uid, sale_product_count, live_units_sold,
        live_gmv, live_usd_gmv, currency, live_count, follower_count)
     SELECT s.id, s.period_start, r,
            $3::bigint + s.region_no * 10000000 + (r * 7 + s.drift * 3) % $4::int,
            1 + (r * 31) % 40, 20000 / r + (s.id % 97),
            round((2000000.0 / r) * (1 + (s.id % 13) / 100.0), 2),
            round((2000000.0 / r) * (1 + (s.id % 13) / 100.0) / 3.7, 2),
            CASE s.region WHEN 'US' THEN 'USD' WHEN 'GB' THEN 'GBP' ELSE 'EUR' END,
            1 + r % 9, 1000 + ((r * 7 + s.drift * 3) * 7919) % 5000000
       FROM (${snapshotsOfMonth}) s, generate_series(1, s.entry_count) r`,
    [monthStart, [...REGIONS], String(CREATOR_UID_BASE), spec.creatorsPerRegion],
  );
  // 1-3 top lives an entry (1.76 on average); a room belongs to one creator and one period
  // start, so both order fields and both product categories of a period name the same rooms.
  const topLives = await client.query(
    `WITH lives AS (
       SELECT e.snapshot_id, e.period_start, e.rank, pos, e.creator_uid, e.live_gmv,
              $3::bigint + (e.creator_uid - $4::bigint) * 4096
                + (e.period_start - date '2000-01-01') % 1024 * 4 + pos AS room_id
         FROM fastmoss.ranking_entries e,
              LATERAL generate_series(1, CASE WHEN (e.snapshot_id + e.rank) % 25 < 10 THEN 1
                                               WHEN (e.snapshot_id + e.rank) % 25 < 21 THEN 2
                                               ELSE 3 END) pos
        WHERE e.period_start >= $1::date AND e.period_start < ($1::date + interval '1 month')
     ), rooms AS (
       INSERT INTO fastmoss.live_streams (room_id, creator_uid, region, title, cover_url,
                                          first_seen_at, last_seen_at)
       SELECT DISTINCT ON (room_id) room_id, creator_uid,
              ($2::text[])[((creator_uid - $4::bigint) / 10000000)::int], 'Live ' || room_id,
              NULL, now(), now()
         FROM lives
       ON CONFLICT (room_id) DO NOTHING
     )
     INSERT INTO fastmoss.ranking_top_lives
       (snapshot_id, period_start, rank, position, room_id, units_sold, gmv, currency)
     SELECT snapshot_id, period_start, rank, pos, room_id, 1000 / pos + rank % 50,
            round(live_gmv / (pos + 1), 2), 'USD'
       FROM lives`,
    [monthStart, [...REGIONS], String(ROOM_ID_BASE), String(CREATOR_UID_BASE)],
  );
  return { entries: entries.rowCount ?? 0, topLives: topLives.rowCount ?? 0 };
}

export function monthsOf(spec: SqlWarehouseSpec): string[] {
  const months: string[] = [];
  for (let year = spec.firstYear; year < spec.firstYear + spec.years; year += 1) {
    for (let month = 1; month <= 12; month += 1) {
      months.push(`${year}-${String(month).padStart(2, '0')}-01`);
    }
  }
  return months;
}

/** Fills an empty, migrated warehouse, a month a transaction, then VACUUM ANALYZE. */
export async function buildSqlWarehouse(
  pool: pg.Pool,
  spec: SqlWarehouseSpec,
  ensureMonth: (monthStart: string) => Promise<void>,
  onProgress: (done: number, total: number, counts: SqlWarehouseCounts) => void,
): Promise<SqlWarehouseCounts> {
  const counts: SqlWarehouseCounts = { snapshots: 0, entries: 0, topLives: 0 };
  const months = monthsOf(spec);
  const client = await pool.connect();
  try {
    // Consistent by construction: skip the per-row foreign-key triggers (superuser only).
    await client.query('SET session_replication_role = replica').catch(() => {});
    await client.query('SET synchronous_commit = off');
    await insertCreators(client, spec);
    for (const [index, month] of months.entries()) {
      await ensureMonth(month);
      await client.query('BEGIN');
      counts.snapshots += await insertSnapshots(client, month);
      const facts = await insertFacts(client, spec, month);
      await client.query('COMMIT');
      counts.entries += facts.entries;
      counts.topLives += facts.topLives;
      onProgress(index + 1, months.length, counts);
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return counts;
}
