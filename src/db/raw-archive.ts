import type pg from 'pg';
import type { RankingKey, RawPage } from '../domain/ranking.ts';
import type { PeriodBounds } from '../plan/periods.ts';
import {
  matchesRankingKey,
  RANKING_KEY_COLUMNS,
  type RankingKeyRow,
  rankingKeyOf,
  rankingKeyParams,
} from './ranking-key-sql.ts';

/*
 * fastmoss.raw_pages: every page of every loaded ranking as received. One version per ranking
 * and page: a reload replaces them in the load's transaction, so the archive always holds exactly
 * the pages behind the warehouse's snapshot, and a rebuild reproduces that snapshot.
 */

/** Replaces the archived pages of `key` with `pages`. Call inside the load's transaction. */
export async function archivePages(
  tx: pg.ClientBase,
  key: RankingKey,
  bounds: PeriodBounds,
  pages: RawPage[],
  runId: string | null,
): Promise<void> {
  await tx.query(
    `DELETE FROM fastmoss.raw_pages r WHERE ${matchesRankingKey('r', 1)}`,
    rankingKeyParams(key),
  );
  await tx.query(
    `INSERT INTO fastmoss.raw_pages
       (${RANKING_KEY_COLUMNS}, period_start, period_end, page, request_id, http_status, attempts,
        received_at, body, page_size, run_id)
     SELECT $1, $2::int, $3::int, $4, $5, $6, $7::date, $8::date, p.*, $16::bigint
       FROM unnest($9::int[], $10::text[], $11::int[], $12::int[], $13::timestamptz[], $14::text[],
                   $15::int[])
         AS p(page, request_id, http_status, attempts, received_at, body, page_size)`,
    [
      ...rankingKeyParams(key),
      bounds.start,
      bounds.end,
      pages.map((page) => page.page),
      pages.map((page) => page.requestId),
      pages.map((page) => page.status),
      pages.map((page) => page.attempts),
      pages.map((page) => page.receivedAt),
      pages.map((page) => page.body),
      pages.map((page) => page.pagesize),
      runId,
    ],
  );
}

export interface ArchivedRanking {
  key: RankingKey;
  /** The run that fetched the pages. */
  runId: string | null;
  pageCount: number;
}

/**
 * The archived rankings whose period overlaps [from, to] (all when unset), in the order they
 * were received, so replaying them gives "latest attributes" the same winners as the original.
 */
export async function listArchivedRankings(
  db: pg.Pool | pg.ClientBase,
  range: { from?: string; to?: string },
): Promise<ArchivedRanking[]> {
  const result = await db.query<RankingKeyRow & { run_id: string | null; pages: string }>(
    `SELECT ${RANKING_KEY_COLUMNS}, max(run_id) AS run_id, count(*) AS pages
       FROM fastmoss.raw_pages
      WHERE ($1::date IS NULL OR period_end >= $1::date)
        AND ($2::date IS NULL OR period_start <= $2::date)
      GROUP BY ${RANKING_KEY_COLUMNS}
      ORDER BY max(received_at), ${RANKING_KEY_COLUMNS}`,
    [range.from ?? null, range.to ?? null],
  );
  return result.rows.map((row) => ({
    key: rankingKeyOf(row),
    runId: row.run_id,
    pageCount: Number(row.pages),
  }));
}

/** The archived pages of one ranking, page 1 first. */
export async function readArchivedPages(
  db: pg.Pool | pg.ClientBase,
  key: RankingKey,
): Promise<RawPage[]> {
  const result = await db.query<{
    page: number;
    page_size: number;
    body: string;
    request_id: string | null;
    http_status: number;
    attempts: number;
    received_at: Date;
  }>(
    `SELECT page, page_size, body, request_id, http_status, attempts, received_at
       FROM fastmoss.raw_pages r WHERE ${matchesRankingKey('r', 1)} ORDER BY page`,
    rankingKeyParams(key),
  );
  return result.rows.map((row) => ({
    page: row.page,
    pagesize: row.page_size,
    body: row.body,
    requestId: row.request_id,
    status: row.http_status,
    attempts: row.attempts,
    receivedAt: row.received_at,
  }));
}

/** Deletes archived pages received more than `days` days ago; returns how many. */
export async function deleteExpiredPages(db: pg.Pool, days: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM fastmoss.raw_pages WHERE received_at < now() - make_interval(days => $1)`,
    [days],
  );
  return result.rowCount ?? 0;
}
