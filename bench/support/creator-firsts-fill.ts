import type pg from 'pg';
import { FIRSTS_COLUMNS, FIRSTS_FROM_ENTRIES } from '../../test/support/warehouse-checksum.ts';

/**
 * Fills fastmoss.ranking_creator_firsts from the entries, as migration 0019 does for an existing
 * warehouse, with the same from-scratch query the tests compare the loader's table against: the
 * generated warehouses write their entries straight into the fact tables, past the loader that
 * keeps the firsts, and without them creators_new_to_top_100 joins an empty table and measures
 * nothing. Run once, after the entries are written and before the statistics.
 */
export async function fillCreatorFirsts(db: pg.Pool | pg.ClientBase): Promise<void> {
  await db.query(
    `INSERT INTO fastmoss.ranking_creator_firsts (${FIRSTS_COLUMNS})
     ${FIRSTS_FROM_ENTRIES}
     ON CONFLICT DO NOTHING`,
  );
}
