import type pg from 'pg';
import type { RankingKey, RawPage } from '../domain/ranking.ts';
import type { PeriodBounds } from '../plan/periods.ts';
import { copyIn, copyNumber, copyText } from './copy-in.ts';
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

/** The pages of one ranking to archive, as fetched. */
export interface RankingPages {
  key: RankingKey;
  bounds: PeriodBounds;
  pages: RawPage[];
  runId: string | null;
}

const RAW_PAGES_COPY = `COPY fastmoss.raw_pages
  (${RANKING_KEY_COLUMNS}, period_start, period_end, page, request_id, http_status, attempts,
   received_at, body, page_size, run_id) FROM STDIN`;

/**
 * Replaces the archived pages of each ranking with its new pages. Call inside the load's
 * transaction. The pages go in by COPY: each body as sent, not inside an array literal that
 * would be escaped here and parsed again by the server.
 */
export async function archivePages(tx: pg.ClientBase, rankings: RankingPages[]): Promise<void> {
  let text = '';
  for (const { key, bounds, pages, runId } of rankings) {
    await tx.query(
      `DELETE FROM fastmoss.raw_pages r WHERE ${matchesRankingKey('r', 1)}`,
      rankingKeyParams(key),
    );
    const keyFields = [
      copyText(key.region),
      copyNumber(key.productCategoryId),
      copyNumber(key.creatorCategoryId),
      key.periodType,
      copyText(key.periodValue),
      key.orderField,
      bounds.start,
      bounds.end,
    ].join('\t');
    for (const page of pages) {
      text += `${keyFields}\t${page.page}\t${copyText(page.requestId)}\t${page.status}\t${page.attempts}\t${page.receivedAt.toISOString()}\t${copyText(page.body)}\t${page.pagesize}\t${copyNumber(runId)}\n`;
    }
  }
  await copyIn(tx, RAW_PAGES_COPY, text);
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
