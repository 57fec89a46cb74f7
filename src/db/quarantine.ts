import type pg from 'pg';
import { z } from 'zod';
import { MAX_PAGE_SIZE, type RankingKey, type RawPage } from '../domain/ranking.ts';
import { periodBounds } from '../plan/periods.ts';
import { RankingLoadError } from './errors.ts';
import {
  matchesRankingKey,
  RANKING_KEY_COLUMNS,
  type RankingKeyRow,
  rankingKeyOf,
  rankingKeyParams,
} from './ranking-key-sql.ts';

/*
 * fastmoss.quarantine: rankings whose pages failed validation, one row per key (the latest
 * failure), with every page as received, so `replay` can load them after a fix with no API call.
 */

/** Why a ranking was refused: the error, and the field, page and value it names when known. */
export interface QuarantineReason {
  reason: string;
  field: string | null;
  page: number | null;
  value: string | null;
}

export interface QuarantinedRanking extends QuarantineReason {
  key: RankingKey;
  pages: RawPage[];
  runId: string | null;
  quarantinedAt: Date;
}

/** The stored form of `pages`: JSON, so dates travel as ISO text. */
const storedPagesSchema = z.array(
  z.object({
    page: z.number().int().min(1),
    // Entries quarantined before page sizes were recorded were all asked at 100.
    pagesize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
    body: z.string(),
    requestId: z.string().nullable(),
    status: z.number().int(),
    attempts: z.number().int(),
    receivedAt: z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
  }),
);

/** Keeps (or replaces) the quarantine entry of `key`. */
export async function quarantineRanking(
  db: pg.Pool | pg.ClientBase,
  entry: { key: RankingKey; pages: RawPage[]; runId: string | null } & QuarantineReason,
): Promise<void> {
  const bounds = periodBounds(entry.key.periodType, entry.key.periodValue);
  if (!bounds) throw new RankingLoadError(`not a valid period: ${entry.key.periodValue}`);
  await db.query(
    `INSERT INTO fastmoss.quarantine
       (${RANKING_KEY_COLUMNS}, period_start, period_end, reason, field, page, value, pages, run_id,
        quarantined_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10, $11, $12, $13::jsonb, $14, now())
     ON CONFLICT (${RANKING_KEY_COLUMNS}) DO UPDATE SET
       reason = EXCLUDED.reason, field = EXCLUDED.field, page = EXCLUDED.page,
       value = EXCLUDED.value, pages = EXCLUDED.pages, run_id = EXCLUDED.run_id,
       quarantined_at = EXCLUDED.quarantined_at`,
    [
      ...rankingKeyParams(entry.key),
      bounds.start,
      bounds.end,
      entry.reason,
      entry.field,
      entry.page,
      entry.value,
      JSON.stringify(entry.pages),
      entry.runId,
    ],
  );
}

/** Records a new reason for an entry that still fails (e.g. replayed without a fix). */
export async function updateQuarantineReason(
  db: pg.Pool | pg.ClientBase,
  key: RankingKey,
  reason: QuarantineReason,
): Promise<void> {
  await db.query(
    `UPDATE fastmoss.quarantine q SET reason = $7, field = $8, page = $9, value = $10
      WHERE ${matchesRankingKey('q', 1)}`,
    [...rankingKeyParams(key), reason.reason, reason.field, reason.page, reason.value],
  );
}

export async function releaseFromQuarantine(
  db: pg.Pool | pg.ClientBase,
  key: RankingKey,
): Promise<void> {
  await db.query(
    `DELETE FROM fastmoss.quarantine q WHERE ${matchesRankingKey('q', 1)}`,
    rankingKeyParams(key),
  );
}

/** Every quarantined ranking with its pages, oldest period first. */
export async function readQuarantine(db: pg.Pool | pg.ClientBase): Promise<QuarantinedRanking[]> {
  const result = await db.query<
    RankingKeyRow & {
      reason: string;
      field: string | null;
      page: number | null;
      value: string | null;
      pages: unknown;
      run_id: string | null;
      quarantined_at: Date;
    }
  >(
    `SELECT ${RANKING_KEY_COLUMNS}, reason, field, page, value, pages, run_id, quarantined_at
       FROM fastmoss.quarantine ORDER BY period_start, id`,
  );
  return result.rows.map((row) => ({
    key: rankingKeyOf(row),
    reason: row.reason,
    field: row.field,
    page: row.page,
    value: row.value,
    pages: storedPagesSchema.parse(row.pages),
    runId: row.run_id,
    quarantinedAt: row.quarantined_at,
  }));
}
