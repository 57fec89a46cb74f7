import pg from 'pg';
import { partitionName } from '../../src/db/partitions.ts';
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
 * Entries and top lives of the snapshots starting in the month, written into `entriesTable` and
 * `topLivesTable` (the month's partitions-to-be, still without indexes), and the month's rooms
 * into the session's `rooms_stage`. A creator's index in its region moves a little from period
 * to period, so the same creators recur near the top; ranks are contiguous and each ranking
 * names a creator once.
 */
async function insertFacts(
  client: pg.ClientBase,
  spec: SqlWarehouseSpec,
  monthStart: string,
  entriesTable: string,
  topLivesTable: string,
): Promise<{ entries: number; topLives: number }> {
  const snapshotsOfMonth = `
    SELECT s.id, s.region, s.period_start, s.entry_count, s.order_field,
           array_position($2::text[], s.region) AS region_no,
           abs(hashtext(s.period_value || s.region)) % 50 AS drift
      FROM fastmoss.ranking_snapshots s
     WHERE s.period_start >= $1::date AND s.period_start < ($1::date + interval '1 month')`;
  const entries = await client.query(
    `INSERT INTO fastmoss.${pg.escapeIdentifier(entriesTable)}
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
       SELECT e.snapshot_id, e.period_start, e.rank, pos, e.live_gmv,
              $2::bigint + (e.creator_uid - $3::bigint) * 4096
                + (e.period_start - date '2000-01-01') % 1024 * 4 + pos AS room_id
         FROM fastmoss.${pg.escapeIdentifier(entriesTable)} e,
              LATERAL generate_series(1, CASE WHEN (e.snapshot_id + e.rank) % 25 < 10 THEN 1
                                               WHEN (e.snapshot_id + e.rank) % 25 < 21 THEN 2
                                               ELSE 3 END) pos
        WHERE e.period_start >= $1::date AND e.period_start < ($1::date + interval '1 month')
     ), rooms AS (
       INSERT INTO rooms_stage (room_id) SELECT DISTINCT room_id FROM lives
     )
     INSERT INTO fastmoss.${pg.escapeIdentifier(topLivesTable)}
       (snapshot_id, period_start, rank, position, room_id, units_sold, gmv, currency)
     SELECT snapshot_id, period_start, rank, pos, room_id, 1000 / pos + rank % 50,
            round(live_gmv / (pos + 1), 2), 'USD'
       FROM lives`,
    [monthStart, String(ROOM_ID_BASE), String(CREATOR_UID_BASE)],
  );
  return { entries: entries.rowCount ?? 0, topLives: topLives.rowCount ?? 0 };
}

/** Every room the top lives name, once, in room_id order (so both its indexes are appended to). */
async function insertLiveStreams(client: pg.ClientBase): Promise<number> {
  const { rowCount } = await client.query(
    `INSERT INTO fastmoss.live_streams (room_id, creator_uid, region, title, cover_url,
                                        first_seen_at, last_seen_at)
     SELECT room_id, creator_uid, ($1::text[])[((creator_uid - $2::bigint) / 10000000)::int],
            'Live ' || room_id, NULL, now(), now()
       FROM (SELECT room_id, $2::bigint + (room_id - $3::bigint) / 4096 AS creator_uid
               FROM (SELECT DISTINCT room_id FROM rooms_stage) r) rooms
      ORDER BY room_id`,
    [[...REGIONS], String(CREATOR_UID_BASE), String(ROOM_ID_BASE)],
  );
  return rowCount ?? 0;
}

/** The statements that make `table`'s partition for a month: as src/db/partitions.ts makes them. */
function standaloneTable(table: 'ranking_entries' | 'ranking_top_lives', month: string) {
  const name = partitionName(table, month);
  const next = new Date(`${month}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const until = next.toISOString().slice(0, 10);
  const q = pg.escapeIdentifier;
  return {
    name,
    // The bound as a CHECK lets ATTACH skip its scan of the rows; dropped once attached.
    create: `CREATE TABLE fastmoss.${q(name)}
               (LIKE fastmoss.${q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS
                INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS,
                CONSTRAINT scale_build_bound CHECK (period_start >= ${pg.escapeLiteral(month)}
                                                    AND period_start < ${pg.escapeLiteral(until)}))`,
    attach: `ALTER TABLE fastmoss.${q(table)} ATTACH PARTITION fastmoss.${q(name)}
               FOR VALUES FROM (${pg.escapeLiteral(month)}) TO (${pg.escapeLiteral(until)})`,
    dropBound: `ALTER TABLE fastmoss.${q(name)} DROP CONSTRAINT scale_build_bound`,
    comment: `COMMENT ON TABLE fastmoss.${q(name)} IS ${pg.escapeLiteral(
      `The rows of ${table} whose period starts in ${month.slice(0, 7)} (a partition; query ${table} itself).`,
    )}`,
  };
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

/**
 * Fills an empty, migrated warehouse, a month at a time: the month's entries and top lives are
 * written into standalone tables shaped like the partitions (no indexes yet), vacuumed, then
 * attached, which builds each partition's indexes and keys in one sort with the names the
 * pipeline's own partitions get; `ensureMonth` then makes the month's raw_pages partition the
 * pipeline's way. The live streams the top lives name are inserted last, in room_id order.
 * Indexes maintained row by row took most of the 50 minutes the first version needed.
 */
export async function buildSqlWarehouse(
  pool: pg.Pool,
  spec: SqlWarehouseSpec,
  ensureMonth: (monthStart: string) => Promise<void>,
  onProgress: (done: number, total: number, counts: SqlWarehouseCounts) => void,
): Promise<SqlWarehouseCounts & { liveStreams: number; phaseMs: Record<string, number> }> {
  const counts: SqlWarehouseCounts = { snapshots: 0, entries: 0, topLives: 0 };
  const phaseMs: Record<string, number> = {};
  const months = monthsOf(spec);
  const client = await pool.connect();
  try {
    // Consistent by construction: skip the per-row foreign-key triggers (superuser only).
    await client.query('SET session_replication_role = replica').catch(() => {});
    await client.query('SET synchronous_commit = off');
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`SET work_mem = '256MB'`);
    await client.query('CREATE TEMP TABLE rooms_stage (room_id bigint NOT NULL)');
    await insertCreators(client, spec);
    for (const [index, month] of months.entries()) {
      let mark = performance.now();
      const lap = (phase: string) => {
        const now = performance.now();
        phaseMs[phase] = (phaseMs[phase] ?? 0) + (now - mark);
        mark = now;
      };
      const entries = standaloneTable('ranking_entries', month);
      const topLives = standaloneTable('ranking_top_lives', month);
      await client.query('BEGIN');
      await client.query(entries.create);
      await client.query(topLives.create);
      counts.snapshots += await insertSnapshots(client, month);
      const facts = await insertFacts(client, spec, month, entries.name, topLives.name);
      await client.query('COMMIT');
      lap('rows');
      // Hint bits and the visibility map while the month is still in memory, before its indexes.
      await client.query(
        `VACUUM (ANALYZE) fastmoss.${pg.escapeIdentifier(entries.name)}, fastmoss.${pg.escapeIdentifier(topLives.name)}`,
      );
      lap('vacuum');
      await client.query('BEGIN');
      for (const table of [entries, topLives]) {
        await client.query(table.attach);
        await client.query(table.dropBound);
        await client.query(table.comment);
      }
      await client.query('COMMIT');
      lap('attach');
      await ensureMonth(month);
      lap('raw_pages partition');
      counts.entries += facts.entries;
      counts.topLives += facts.topLives;
      onProgress(index + 1, months.length, counts);
    }
    const mark = performance.now();
    const liveStreams = await insertLiveStreams(client);
    await client.query('DROP TABLE rooms_stage');
    phaseMs['live streams'] = performance.now() - mark;
    return { ...counts, liveStreams, phaseMs };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
