import pg from 'pg';
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
import { inTransaction } from './transaction.ts';

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
  /** The snapshot the pages are loaded as (raw_pages.snapshot_id). */
  snapshotId: string;
}

const RAW_PAGES_COPY = `COPY fastmoss.raw_pages
  (${RANKING_KEY_COLUMNS}, period_start, period_end, page, request_id, http_status, attempts,
   received_at, body, page_size, run_id, snapshot_id) FROM STDIN`;

/**
 * Replaces the archived pages of each ranking with its new pages. Call inside the load's
 * transaction. The pages go in by COPY: each body as sent, not inside an array literal that
 * would be escaped here and parsed again by the server.
 */
export async function archivePages(tx: pg.ClientBase, rankings: RankingPages[]): Promise<void> {
  const chunks: string[] = [];
  for (const { key, bounds, pages, runId, snapshotId } of rankings) {
    // period_start, the partition key, keeps the delete to the ranking's month.
    await tx.query(
      `DELETE FROM fastmoss.raw_pages r
        WHERE ${matchesRankingKey('r', 1)} AND r.period_start = $7::date`,
      [...rankingKeyParams(key), bounds.start],
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
      // The body as its own chunk: sent as it is, not copied into the line around it.
      chunks.push(
        `${keyFields}\t${page.page}\t${copyText(page.requestId)}\t${page.status}\t${page.attempts}\t${page.receivedAt.toISOString()}\t`,
        copyText(page.body),
        `\t${page.pagesize}\t${copyNumber(runId)}\t${copyNumber(snapshotId)}\n`,
      );
    }
  }
  await copyIn(tx, RAW_PAGES_COPY, chunks);
}

/**
 * Points the archived pages of each ranking at its snapshot, where they name another (a rebuild
 * after the snapshots were emptied gives them new ids; the pages themselves stay as they are).
 * Call inside the load's transaction. Pages already pointing at it are not touched.
 */
export async function relinkArchivedPages(
  tx: pg.ClientBase,
  rankings: { key: RankingKey; bounds: PeriodBounds; snapshotId: string }[],
): Promise<void> {
  for (const { key, bounds, snapshotId } of rankings) {
    await tx.query(
      `UPDATE fastmoss.raw_pages r SET snapshot_id = $8::bigint
        WHERE ${matchesRankingKey('r', 1)} AND r.period_start = $7::date
          AND r.snapshot_id IS DISTINCT FROM $8::bigint`,
      [...rankingKeyParams(key), bounds.start, snapshotId],
    );
  }
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

/** What RAW_RETENTION_DAYS removed: whole monthly partitions, then single pages elsewhere. */
export interface ExpiredPages {
  /** Pages removed, in dropped partitions and one by one. */
  deleted: number;
  /** The raw_pages partitions dropped whole (every page in them had expired). */
  droppedPartitions: string[];
}

/** How long dropping a partition may wait for the locks; past it, its pages are deleted instead. */
const DROP_LOCK_TIMEOUT = '2s';

/**
 * Drops the raw_pages partition `name` if it holds pages and every one was received before
 * `cutoff`, checked under an ACCESS EXCLUSIVE lock on raw_pages, so no load can add a page in
 * between (a reload of an old period writes fresh pages into an old month). The lock waits at
 * most DROP_LOCK_TIMEOUT, holding loads off only for the check; a timeout leaves the partition
 * to the row deletes. Returns the pages dropped, or undefined when it was kept.
 */
async function dropIfExpired(
  pool: pg.Pool,
  name: string,
  cutoff: Date,
): Promise<number | undefined> {
  try {
    return await inTransaction(pool, async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
      await tx.query('LOCK TABLE ONLY fastmoss.raw_pages IN ACCESS EXCLUSIVE MODE');
      const { rows } = await tx.query<{ pages: string; fresh: boolean }>(
        `SELECT count(*) AS pages, coalesce(bool_or(received_at >= $1), false) AS fresh
           FROM fastmoss.${pg.escapeIdentifier(name)}`,
        [cutoff],
      );
      const pages = Number(rows[0]?.pages ?? 0);
      if (pages === 0 || rows[0]?.fresh) return undefined;
      await tx.query(`DROP TABLE fastmoss.${pg.escapeIdentifier(name)}`);
      return pages;
    });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === '55P03') return undefined;
    throw error;
  }
}

/**
 * Removes archived pages received more than `days` days ago. A monthly partition whose pages
 * have all expired is dropped whole (no dead rows, no vacuum); in the others, the expired pages
 * are deleted. A partition is judged by its rows, never by its name or month: a month reloaded
 * lately keeps its fresh pages.
 */
export async function deleteExpiredPages(db: pg.Pool, days: number): Promise<ExpiredPages> {
  const { rows: cut } = await db.query<{ cutoff: Date }>(
    'SELECT now() - make_interval(days => $1) AS cutoff',
    [days],
  );
  const cutoff = cut[0]?.cutoff ?? new Date(0);
  const { rows: partitions } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'fastmoss.raw_pages'::regclass ORDER BY c.relname`,
  );
  const result: ExpiredPages = { deleted: 0, droppedPartitions: [] };
  for (const { name } of partitions) {
    // A candidate when its newest page is older than the cutoff (one index read, no lock).
    const { rows } = await db.query<{ newest: Date | null }>(
      `SELECT max(received_at) AS newest FROM fastmoss.${pg.escapeIdentifier(name)}`,
    );
    const newest = rows[0]?.newest ?? null;
    if (newest === null || newest >= cutoff) continue;
    const dropped = await dropIfExpired(db, name, cutoff);
    if (dropped === undefined) continue;
    result.deleted += dropped;
    result.droppedPartitions.push(name);
  }
  const deleted = await db.query('DELETE FROM fastmoss.raw_pages WHERE received_at < $1', [cutoff]);
  result.deleted += deleted.rowCount ?? 0;
  return result;
}
