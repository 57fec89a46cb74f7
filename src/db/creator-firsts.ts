import type pg from 'pg';
import { arrayLiteral } from './array-literal.ts';

/*
 * ranking_creator_firsts (migration 0019): per ranking series and creator, the first period the
 * series listed them and the first it ranked them TOP_RANK or better. The writer keeps it in the
 * transaction of the entries, under the series' advisory lock (quality-flags.ts), so it always
 * equals what the entries say:
 * - after new entries are copied, each (series, creator) they name moves to their period if it is
 *   earlier (or is added): one probe of the key a creator, and a write only where a first moves;
 * - a ranking replaced in place (a --force reload, a rebuild) may have dropped a creator, or moved
 *   them out of the top: a pair whose first was that period and that the new rows no longer
 *   confirm is recomputed from ranking_entries (its creator index) and moves later, or vanishes.
 * No other path deletes entries (retention drops raw pages only).
 */

/** The rank a creator needs to count as in a ranking's top (`first_top_100_start`). */
export const TOP_RANK = 100;

/** A replaced ranking's rows before the reload: who it listed, at what rank. */
export interface ReplacedEntries {
  snapshotIds: string[];
  creatorUids: string[];
  ranks: number[];
}

const SERIES_COLUMNS = 'region, product_category_id, creator_category_id, period_type, order_field';

/** `f`'s row of the series of snapshot `s` for creator `uid` (NULL categories match NULL). */
function firstsRowOf(f: string, s: string, uid: string): string {
  return `${f}.creator_uid = ${uid} AND ${f}.region = ${s}.region
    AND ${f}.product_category_id IS NOT DISTINCT FROM ${s}.product_category_id
    AND ${f}.creator_category_id IS NOT DISTINCT FROM ${s}.creator_category_id
    AND ${f}.period_type = ${s}.period_type AND ${f}.order_field = ${s}.order_field`;
}

/**
 * Moves the firsts of every creator the snapshots `snapshotIds` (periods starting `months`) list
 * to their period where it is earlier, adding the pairs not yet there. Run after their entries
 * are copied. Compare-first, like the dimension upserts of load.ts: a pair whose firsts stay is
 * never offered to ON CONFLICT, so it is neither rewritten nor locked.
 */
export async function recordCreatorFirsts(
  tx: pg.ClientBase,
  snapshotIds: string[],
  months: string[],
): Promise<void> {
  if (snapshotIds.length === 0) return;
  await tx.query(
    `WITH listed AS (
       SELECT e.creator_uid, s.region, s.product_category_id, s.creator_category_id,
              s.period_type, s.order_field, min(s.period_start) AS first_period_start,
              min(s.period_start) FILTER (WHERE e.rank <= ${TOP_RANK}) AS first_top_100_start
         FROM fastmoss.ranking_snapshots s
         JOIN fastmoss.ranking_entries e ON e.snapshot_id = s.id AND e.period_start = s.period_start
        WHERE s.id = ANY($1::bigint[]) AND e.snapshot_id = ANY($1::bigint[])
          AND e.period_start = ANY($2::date[])
        GROUP BY e.creator_uid, s.region, s.product_category_id, s.creator_category_id,
                 s.period_type, s.order_field),
     moved AS (
       SELECT i.* FROM listed i
        WHERE NOT EXISTS (
          SELECT 1 FROM fastmoss.ranking_creator_firsts f
           WHERE ${firstsRowOf('f', 'i', 'i.creator_uid')}
             AND f.first_period_start <= i.first_period_start
             AND (i.first_top_100_start IS NULL
                  OR f.first_top_100_start <= i.first_top_100_start)))
     INSERT INTO fastmoss.ranking_creator_firsts AS f
       (creator_uid, ${SERIES_COLUMNS}, first_period_start, first_top_100_start)
     SELECT creator_uid, ${SERIES_COLUMNS}, first_period_start, first_top_100_start
       FROM moved ORDER BY creator_uid, ${SERIES_COLUMNS}
     ON CONFLICT (creator_uid, ${SERIES_COLUMNS}) DO UPDATE SET
       first_period_start = least(f.first_period_start, excluded.first_period_start),
       first_top_100_start = least(f.first_top_100_start, excluded.first_top_100_start)`,
    [arrayLiteral(snapshotIds), arrayLiteral(months)],
  );
}

/**
 * After snapshots were replaced in place (their old rows `replaced`, their new rows copied and
 * recorded): the pairs whose first, or first in the top, was a replaced snapshot's period and
 * whose new rows no longer list them there (or no longer in the top) are recomputed from every
 * entry of their series (ranking_entries_creator_idx, one probe a month); a pair no longer
 * listed anywhere is deleted.
 */
export async function recomputeReplacedFirsts(
  tx: pg.ClientBase,
  replaced: ReplacedEntries,
): Promise<void> {
  if (replaced.snapshotIds.length === 0) return;
  await tx.query(
    `WITH old AS (
       SELECT DISTINCT o.snapshot_id, o.creator_uid, o.rank <= ${TOP_RANK} AS was_top
         FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS o(snapshot_id, creator_uid, rank)),
     unconfirmed AS (
       SELECT DISTINCT f.creator_uid, f.region, f.product_category_id, f.creator_category_id,
              f.period_type, f.order_field
         FROM old o
         JOIN fastmoss.ranking_snapshots s ON s.id = o.snapshot_id
         JOIN fastmoss.ranking_creator_firsts f ON ${firstsRowOf('f', 's', 'o.creator_uid')}
         LEFT JOIN LATERAL (
           SELECT min(n.rank) AS rank FROM fastmoss.ranking_entries n
            WHERE n.creator_uid = o.creator_uid AND n.snapshot_id = s.id
              AND n.period_start = s.period_start) now ON true
        WHERE (f.first_period_start = s.period_start AND now.rank IS NULL)
           OR (f.first_top_100_start = s.period_start
               AND (now.rank IS NULL OR now.rank > ${TOP_RANK}))),
     recomputed AS (
       SELECT u.*, r.first_period_start, r.first_top_100_start
         FROM unconfirmed u
         CROSS JOIN LATERAL (
           SELECT min(s.period_start) AS first_period_start,
                  min(s.period_start) FILTER (WHERE e.rank <= ${TOP_RANK}) AS first_top_100_start
             FROM fastmoss.ranking_entries e
             JOIN fastmoss.ranking_snapshots s
               ON s.id = e.snapshot_id AND s.period_start = e.period_start
            WHERE ${firstsRowOf('u', 's', 'e.creator_uid')} AND e.creator_uid = u.creator_uid) r),
     vanished AS (
       DELETE FROM fastmoss.ranking_creator_firsts f USING recomputed r
        WHERE ${firstsRowOf('f', 'r', 'r.creator_uid')} AND r.first_period_start IS NULL)
     UPDATE fastmoss.ranking_creator_firsts f
        SET first_period_start = r.first_period_start,
            first_top_100_start = r.first_top_100_start
       FROM recomputed r
      WHERE ${firstsRowOf('f', 'r', 'r.creator_uid')} AND r.first_period_start IS NOT NULL`,
    [
      arrayLiteral(replaced.snapshotIds),
      arrayLiteral(replaced.creatorUids),
      arrayLiteral(replaced.ranks),
    ],
  );
}
