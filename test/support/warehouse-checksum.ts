import type pg from 'pg';

/*
 * One md5 per warehouse table, over every row in key order. Surrogate ids and load times are left
 * out (they differ between two loads of the same data); snapshots are named by their ranking key.
 */
const SNAPSHOT_KEY = `s.region, s.product_category_id, s.creator_category_id, s.period_type, s.period_value, s.order_field`;

const TABLE_ROWS: Record<string, string> = {
  ranking_snapshots: `SELECT ${SNAPSHOT_KEY}, s.period_start, s.period_end, s.total, s.entry_count
    FROM fastmoss.ranking_snapshots s`,
  ranking_entries: `SELECT ${SNAPSHOT_KEY}, e.rank, e.creator_uid, e.sale_product_count, e.live_units_sold,
      e.live_gmv, e.live_usd_gmv, e.currency, e.live_count, e.follower_count
    FROM fastmoss.ranking_entries e JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id`,
  ranking_top_lives: `SELECT ${SNAPSHOT_KEY}, t.rank, t.position, t.room_id, t.units_sold, t.gmv, t.currency
    FROM fastmoss.ranking_top_lives t JOIN fastmoss.ranking_snapshots s ON s.id = t.snapshot_id`,
  // A creator keeps the follower count of the ranking fetched last, and followers change from
  // period to period: two loads in another order keep another (equally true) count. What does
  // not depend on the order: that the count is one its rankings showed.
  creators: `SELECT c.uid, c.unique_id, c.nickname, c.avatar_url, c.region, c.creator_category_id,
      c.follower_count IN (SELECT e.follower_count FROM fastmoss.ranking_entries e
                            WHERE e.creator_uid = c.uid) AS follower_count_ranked
    FROM fastmoss.creators c`,
  live_streams: `SELECT room_id, creator_uid, region, title, cover_url FROM fastmoss.live_streams`,
  creator_categories: `SELECT id, name FROM fastmoss.creator_categories`,
  product_categories: `SELECT id, name FROM fastmoss.product_categories`,
};

export type WarehouseChecksum = Record<string, { rows: number; md5: string }>;

export async function warehouseChecksum(pool: pg.Pool): Promise<WarehouseChecksum> {
  const checksum: WarehouseChecksum = {};
  for (const [table, rows] of Object.entries(TABLE_ROWS)) {
    const result = await pool.query<{ rows: string; md5: string | null }>(
      `SELECT count(*) AS rows, md5(string_agg(r::text, E'\\n' ORDER BY r::text)) AS md5 FROM (${rows}) r`,
    );
    checksum[table] = { rows: Number(result.rows[0]?.rows ?? 0), md5: result.rows[0]?.md5 ?? '' };
  }
  return checksum;
}
