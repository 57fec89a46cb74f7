import type pg from 'pg';
import { MAX_RANKING_ROWS, type RankingKey } from '../domain/ranking.ts';
import { adjacentPeriodValues, type PeriodBounds } from '../plan/periods.ts';
import { matchesRankingSeries, seriesParams } from './ranking-key-sql.ts';

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

function seriesName(key: RankingKey): string {
  return [
    key.region,
    key.productCategoryId ?? 'all',
    key.creatorCategoryId ?? 'all',
    key.periodType,
    key.orderField,
  ].join('/');
}

/**
 * Serialises the loads of each series (a ranking key without its period) of `keys` until
 * commit. Taken before any other lock of the load, in name order, so two loads of neighbouring
 * periods see each other's snapshot when they flag, and cannot deadlock on each other's rows.
 * One process writes through one writer at a time, so only another process's load of the same
 * series can make this wait.
 */
export async function lockRankingSeries(tx: pg.ClientBase, keys: RankingKey[]): Promise<void> {
  const series = [...new Set(keys.map(seriesName))].sort();
  await tx.query(
    `SELECT pg_advisory_xact_lock($1, hashtext(s.name))
       FROM unnest($2::text[]) WITH ORDINALITY AS s(name, n) ORDER BY s.n`,
    [SERIES_LOCK_CLASS_ID, series],
  );
}

/**
 * Recomputes the flags of the snapshot of `key` (period `bounds`) and of the next period's
 * snapshot. The snapshots and their previous periods are found by their whole key (the period
 * values computed here), so each is one probe of the key's unique index at any history size.
 */
export async function refreshQualityFlags(
  tx: pg.ClientBase,
  key: RankingKey,
  bounds: PeriodBounds,
): Promise<void> {
  const { previous, next } = adjacentPeriodValues(key.periodType, bounds);
  await tx.query(
    `WITH figures AS (
       SELECT s.id, s.total, s.entry_count,
              (SELECT p.entry_count FROM fastmoss.ranking_snapshots p
                WHERE ${matchesRankingSeries('p', 5)}
                  AND p.period_value = CASE WHEN s.period_value = $2::text THEN $4::text
                                            ELSE $2::text END) AS previous_entry_count
         FROM fastmoss.ranking_snapshots s
        WHERE ${matchesRankingSeries('s', 5)} AND s.period_value IN ($2::text, $3::text))
     UPDATE fastmoss.ranking_snapshots s
        SET previous_entry_count = f.previous_entry_count,
            flags = array_remove(ARRAY[
              CASE WHEN f.total > $1 THEN 'truncated' END,
              CASE WHEN f.entry_count < least(f.total, $1) THEN 'short' END,
              CASE WHEN f.entry_count * 2 < f.previous_entry_count THEN 'drop' END
            ]::text[], NULL)
       FROM figures f
      WHERE s.id = f.id`,
    [MAX_RANKING_ROWS, key.periodValue, next, previous, ...seriesParams(key)],
  );
}
