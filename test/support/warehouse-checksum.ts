import type pg from 'pg';

/*
 * One md5 per warehouse table, over every row in key order. Surrogate ids and load times are left
 * out (they differ between two loads of the same data); snapshots are named by their ranking key.
 * A creator's or live stream's attributes must be those of the latest period that lists it, as
 * the writer keeps them (src/db/load.ts), and ranking_creator_firsts what the entries say: the
 * checksum throws when one is not.
 */
const SNAPSHOT_KEY = `s.region, s.product_category_id, s.creator_category_id, s.period_type, s.period_value, s.order_field`;

/*
 * The latest period listing a creator or live stream is the latest period_end; of two rankings
 * ending the same day (a day, its week, its month), the later fetch. A missing follower count
 * keeps the one known before, so the count to expect is the latest listing's that has one.
 */
const CREATOR_LATEST = `SELECT c.uid,
      c.attributes_as_of IS NOT DISTINCT FROM (
        SELECT max(s.period_end) FROM fastmoss.ranking_entries e
          JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id
         WHERE e.creator_uid = c.uid) AS as_of_latest,
      c.follower_count IS NOT DISTINCT FROM (
        SELECT e.follower_count FROM fastmoss.ranking_entries e
          JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id
         WHERE e.creator_uid = c.uid AND e.follower_count IS NOT NULL
         ORDER BY s.period_end DESC, s.fetched_at DESC, e.rank DESC LIMIT 1) AS follower_count_latest
    FROM fastmoss.creators c`;

const LIVE_STREAM_LATEST = `SELECT l.room_id,
      l.attributes_as_of IS NOT DISTINCT FROM (
        SELECT max(s.period_end) FROM fastmoss.ranking_top_lives t
          JOIN fastmoss.ranking_snapshots s ON s.id = t.snapshot_id
         WHERE t.room_id = l.room_id) AS as_of_latest
    FROM fastmoss.live_streams l`;

export const FIRSTS_COLUMNS = `creator_uid, region, product_category_id, creator_category_id, period_type,
  order_field, first_period_start, first_top_100_start`;

/**
 * ranking_creator_firsts as computed from scratch from the entries (migration 0019's fill), in
 * FIRSTS_COLUMNS order. The benchmarks' generated warehouses fill the table with it too.
 */
export const FIRSTS_FROM_ENTRIES = `SELECT e.creator_uid, s.region, s.product_category_id,
      s.creator_category_id, s.period_type, s.order_field, min(s.period_start) AS first_period_start,
      min(s.period_start) FILTER (WHERE e.rank <= 100) AS first_top_100_start
    FROM fastmoss.ranking_entries e
    JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id AND s.period_start = e.period_start
   GROUP BY e.creator_uid, s.region, s.product_category_id, s.creator_category_id, s.period_type,
            s.order_field`;

const TABLE_ROWS: Record<string, string> = {
  ranking_snapshots: `SELECT ${SNAPSHOT_KEY}, s.period_start, s.period_end, s.total, s.entry_count
    FROM fastmoss.ranking_snapshots s`,
  ranking_entries: `SELECT ${SNAPSHOT_KEY}, e.rank, e.creator_uid, e.sale_product_count, e.live_units_sold,
      e.live_gmv, e.live_usd_gmv, e.currency, e.live_count, e.follower_count
    FROM fastmoss.ranking_entries e JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id`,
  ranking_top_lives: `SELECT ${SNAPSHOT_KEY}, t.rank, t.position, t.room_id, t.units_sold, t.gmv, t.currency
    FROM fastmoss.ranking_top_lives t JOIN fastmoss.ranking_snapshots s ON s.id = t.snapshot_id`,
  creators: `SELECT uid, unique_id, nickname, avatar_url, region, creator_category_id, follower_count,
      attributes_as_of FROM fastmoss.creators`,
  live_streams: `SELECT room_id, creator_uid, region, title, cover_url, attributes_as_of
    FROM fastmoss.live_streams`,
  ranking_creator_firsts: `SELECT ${FIRSTS_COLUMNS} FROM fastmoss.ranking_creator_firsts`,
  creator_categories: `SELECT id, name FROM fastmoss.creator_categories`,
  product_categories: `SELECT id, name FROM fastmoss.product_categories`,
};

export type WarehouseChecksum = Record<string, { rows: number; md5: string }>;

/** Creators and live streams whose attributes are not those of their latest period, by id. */
export async function staleAttributes(
  pool: pg.Pool,
): Promise<{ creators: string[]; liveStreams: string[] }> {
  const creators = await pool.query<{ uid: string }>(
    `SELECT uid FROM (${CREATOR_LATEST}) c WHERE NOT (as_of_latest AND follower_count_latest)
      ORDER BY uid`,
  );
  const liveStreams = await pool.query<{ room_id: string }>(
    `SELECT room_id FROM (${LIVE_STREAM_LATEST}) l WHERE NOT as_of_latest ORDER BY room_id`,
  );
  return {
    creators: creators.rows.map((row) => String(row.uid)),
    liveStreams: liveStreams.rows.map((row) => String(row.room_id)),
  };
}

/**
 * Rows of ranking_creator_firsts that differ from a from-scratch computation over the entries:
 * `stored` rows it has and should not, `expected` rows it lacks (at most `limit` of each).
 */
export async function creatorFirstsDrift(
  pool: pg.Pool,
  limit = 5,
): Promise<{ stored: unknown[]; expected: unknown[] }> {
  const stored = await pool.query(
    `SELECT ${FIRSTS_COLUMNS} FROM fastmoss.ranking_creator_firsts
     EXCEPT ALL ${FIRSTS_FROM_ENTRIES} LIMIT ${limit}`,
  );
  const expected = await pool.query(
    `${FIRSTS_FROM_ENTRIES} EXCEPT ALL
     SELECT ${FIRSTS_COLUMNS} FROM fastmoss.ranking_creator_firsts LIMIT ${limit}`,
  );
  return { stored: stored.rows, expected: expected.rows };
}

export async function warehouseChecksum(pool: pg.Pool): Promise<WarehouseChecksum> {
  const drift = await creatorFirstsDrift(pool);
  if (drift.stored.length > 0 || drift.expected.length > 0) {
    throw new Error(
      `ranking_creator_firsts differs from the entries: has ${JSON.stringify(drift.stored)}, lacks ${JSON.stringify(drift.expected)}`,
    );
  }
  const stale = await staleAttributes(pool);
  if (stale.creators.length > 0 || stale.liveStreams.length > 0) {
    throw new Error(
      `attributes not of the latest period: ${stale.creators.length} creators (${stale.creators.slice(0, 3).join(', ')}), ${stale.liveStreams.length} live streams (${stale.liveStreams.slice(0, 3).join(', ')})`,
    );
  }
  const checksum: WarehouseChecksum = {};
  for (const [table, rows] of Object.entries(TABLE_ROWS)) {
    const result = await pool.query<{ rows: string; md5: string | null }>(
      `SELECT count(*) AS rows, md5(string_agg(r::text, E'\\n' ORDER BY r::text)) AS md5 FROM (${rows}) r`,
    );
    checksum[table] = { rows: Number(result.rows[0]?.rows ?? 0), md5: result.rows[0]?.md5 ?? '' };
  }
  return checksum;
}
