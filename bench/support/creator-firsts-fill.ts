import type pg from 'pg';

/**
 * Fills fastmoss.ranking_creator_firsts from the entries, as migration 0019 does for an existing
 * warehouse: the generated warehouses write their entries straight into the fact tables, past the
 * loader that keeps the firsts, and without them creators_new_to_top_100 joins an empty table and
 * measures nothing. Run once, after the entries are written and before the statistics.
 */
export async function fillCreatorFirsts(db: pg.Pool | pg.ClientBase): Promise<void> {
  await db.query(
    `INSERT INTO fastmoss.ranking_creator_firsts
       (creator_uid, region, product_category_id, creator_category_id, period_type, order_field,
        first_period_start, first_top_100_start)
     SELECT e.creator_uid, s.region, s.product_category_id, s.creator_category_id, s.period_type,
            s.order_field, min(s.period_start), min(s.period_start) FILTER (WHERE e.rank <= 100)
       FROM fastmoss.ranking_entries e
       JOIN fastmoss.ranking_snapshots s ON s.id = e.snapshot_id AND s.period_start = e.period_start
      GROUP BY e.creator_uid, s.region, s.product_category_id, s.creator_category_id,
               s.period_type, s.order_field
     ON CONFLICT DO NOTHING`,
  );
}
