import type pg from 'pg';
import { MAX_RANKING_ROWS, type RankingKey } from '../domain/ranking.ts';
import { sameRankingSeries } from './ranking-key-sql.ts';

/*
 * Quality flags of a snapshot, stored on ranking_snapshots.flags with their figures:
 * - truncated: total above the 500 rows the API serves (figures: total, entry_count);
 * - short: fewer rows than the total promises, the list ended early (total, entry_count);
 * - drop: fewer than half the rows of the same ranking's previous period
 *   (entry_count, previous_entry_count).
 * A load refreshes its own snapshot and the next period's, whose drop flag compares with it, so
 * the flags do not depend on the order in which periods were loaded.
 */

/** First key of the advisory lock serialising loads of one ranking series: "FMQF" in ASCII. */
const SERIES_LOCK_CLASS_ID = 0x464d5146;

/**
 * Serialises the loads of one series (a ranking key without its period) until commit. Taken
 * before any other lock of the load, so two loads of neighbouring periods see each other's
 * snapshot when they flag, and cannot deadlock on each other's rows.
 */
export async function lockRankingSeries(tx: pg.ClientBase, key: RankingKey): Promise<void> {
  const series = [
    key.region,
    key.productCategoryId ?? 'all',
    key.creatorCategoryId ?? 'all',
    key.periodType,
    key.orderField,
  ].join('/');
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SERIES_LOCK_CLASS_ID, series]);
}

/** Recomputes the flags of snapshot `snapshotId` and of the next period's snapshot. */
export async function refreshQualityFlags(tx: pg.ClientBase, snapshotId: string): Promise<void> {
  await tx.query(
    `WITH target AS (SELECT * FROM fastmoss.ranking_snapshots WHERE id = $1::bigint),
     affected AS (
       SELECT s.id FROM fastmoss.ranking_snapshots s, target t
        WHERE s.id = t.id OR (${sameRankingSeries('s', 't')} AND s.period_start = t.period_end + 1)),
     figures AS (
       SELECT s.id, s.total, s.entry_count, previous.entry_count AS previous_entry_count
         FROM fastmoss.ranking_snapshots s
         LEFT JOIN fastmoss.ranking_snapshots previous
           ON ${sameRankingSeries('previous', 's')} AND previous.period_end = s.period_start - 1
        WHERE s.id IN (SELECT id FROM affected))
     UPDATE fastmoss.ranking_snapshots s
        SET previous_entry_count = f.previous_entry_count,
            flags = array_remove(ARRAY[
              CASE WHEN f.total > $2 THEN 'truncated' END,
              CASE WHEN f.entry_count < least(f.total, $2) THEN 'short' END,
              CASE WHEN f.entry_count * 2 < f.previous_entry_count THEN 'drop' END
            ]::text[], NULL)
       FROM figures f
      WHERE s.id = f.id`,
    [snapshotId, MAX_RANKING_ROWS],
  );
}
