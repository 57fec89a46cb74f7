import { beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { ensurePartitions } from '../../src/db/partitions.ts';
import { type TestDatabase, useEmptyDatabase } from '../support/database.ts';
import { migratePartway } from '../support/migrate-partway.ts';

/*
 * raw_pages.snapshot_id (migration 0017): pages archived before it take their ranking's snapshot
 * id, matched by the whole ranking key (categories NULL for "all" included); a page whose
 * snapshot is gone stays NULL until a rebuild.
 */

const MIGRATION = 'raw_pages_snapshot_id';

let db: TestDatabase;
beforeAll(async () => {
  db = await useEmptyDatabase();
  await migratePartway(db, MIGRATION, { through: false });
  await ensurePartitions(db.pool, ['2026-04-01']);
  await db.pool.query(
    `INSERT INTO fastmoss.ranking_snapshots (region, product_category_id, creator_category_id,
            period_type, period_value, period_start, period_end, order_field, total,
            entry_count, fetched_at)
     VALUES ('US', NULL, NULL, 'day', '2026-04-01', '2026-04-01', '2026-04-01', 'gmv', 200, 200, now()),
            ('US', 14, NULL, 'day', '2026-04-01', '2026-04-01', '2026-04-01', 'gmv', 200, 200, now()),
            ('US', NULL, 4, 'day', '2026-04-01', '2026-04-01', '2026-04-01', 'gmv', 200, 200, now()),
            ('GB', NULL, NULL, 'day', '2026-04-01', '2026-04-01', '2026-04-01', 'gmv', 200, 200, now())`,
  );
  // Two pages of each ranking above, and of one whose snapshot was deleted (GB units_sold).
  await db.pool.query(
    `INSERT INTO fastmoss.raw_pages (region, product_category_id, creator_category_id,
            period_type, period_value, order_field, period_start, period_end, page,
            http_status, attempts, received_at, body)
     SELECT k.region, k.product_category_id, k.creator_category_id, 'day', '2026-04-01',
            k.order_field, '2026-04-01', '2026-04-01', p, 200, 1, now(), '{}'
       FROM (VALUES ('US', NULL::integer, NULL::integer, 'gmv'), ('US', 14, NULL, 'gmv'),
                    ('US', NULL, 4, 'gmv'), ('GB', NULL, NULL, 'gmv'),
                    ('GB', NULL, NULL, 'units_sold'))
            AS k(region, product_category_id, creator_category_id, order_field),
            generate_series(1, 2) p`,
  );
  await migrateDatabase(db.pool);
});

describe('migration 0017: raw_pages.snapshot_id for pages already archived', () => {
  it("fills every page whose ranking has a snapshot with that snapshot's id", async () => {
    const { rows } = await db.pool.query<{ region: string; category: string; pages: number }>(
      `SELECT s.region, coalesce(s.product_category_id::text, '-') || '/' ||
              coalesce(s.creator_category_id::text, '-') AS category, count(r.*)::int AS pages
         FROM fastmoss.ranking_snapshots s
         LEFT JOIN fastmoss.raw_pages r ON r.snapshot_id = s.id
        GROUP BY s.region, s.product_category_id, s.creator_category_id
        ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { region: 'GB', category: '-/-', pages: 2 },
      { region: 'US', category: '-/-', pages: 2 },
      { region: 'US', category: '-/4', pages: 2 },
      { region: 'US', category: '14/-', pages: 2 },
    ]);
    // Matched by the whole key: no page points at the snapshot of another ranking.
    const { rows: mismatched } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM fastmoss.raw_pages r
         JOIN fastmoss.ranking_snapshots s ON s.id = r.snapshot_id
        WHERE (r.region, r.order_field) IS DISTINCT FROM (s.region, s.order_field)
           OR r.product_category_id IS DISTINCT FROM s.product_category_id
           OR r.creator_category_id IS DISTINCT FROM s.creator_category_id`,
    );
    expect(mismatched[0]?.n).toBe(0);
  });

  it('leaves NULL the pages of a ranking without a snapshot', async () => {
    const { rows } = await db.pool.query<{ region: string; order_field: string; n: number }>(
      `SELECT region, order_field, count(*)::int AS n FROM fastmoss.raw_pages
        WHERE snapshot_id IS NULL GROUP BY region, order_field`,
    );
    expect(rows).toEqual([{ region: 'GB', order_field: 'units_sold', n: 2 }]);
  });
});
