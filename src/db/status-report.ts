import type pg from 'pg';
import {
  type OrderField,
  type PeriodType,
  type Region,
  rankingKeyLabel,
} from '../domain/ranking.ts';
import { RUN_WORKER_GONE, WORKER_GONE_MESSAGE } from './ledger.ts';
import {
  RANKING_KEY_COLUMNS,
  type RankingKeyRow,
  rankingKeyOf,
  sameRankingKey,
} from './ranking-key-sql.ts';

/** What `status` reports: coverage, recent runs and failures, all read from the warehouse. */
export interface StatusReport {
  coverage: {
    periodType: string;
    region: string;
    /** Rankings with a snapshot. */
    loaded: number;
    /** Planned rankings whose last attempt failed. */
    failed: number;
    /** Planned rankings not loaded yet (pending, or running now). */
    missing: number;
    /** Planned rankings FastMoss had no data for yet at their last try (code 20001). */
    notAvailable: number;
    firstPeriod: string | null;
    lastPeriod: string | null;
  }[];
  runs: {
    id: string;
    trigger: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    planned: number | null;
    skipped: number | null;
    succeeded: number | null;
    failed: number | null;
    notAvailable: number | null;
    apiCalls: number | null;
    /**
     * Why it ended without every ranking loaded (etl_runs.end_reason and end_message); null while
     * running and when it succeeded.
     */
    end: { reason: string; message: string | null } | null;
    /**
     * For an `abandoned` run: when a later run marked it so, or, when none has yet (status writes
     * nothing), when this report saw its worker gone.
     */
    abandonedAt: string | null;
  }[];
  failures: {
    ranking: string;
    /** Times the ranking was claimed and tried (each try made its own request retries). */
    attempts: number;
    /** API requests spent on it, every try and retry included. */
    apiCalls: number;
    reason: string | null;
    at: string | null;
  }[];
  failuresTotal: number;
  /** Rankings FastMoss had no data for yet (code 20001), latest first: not failures. */
  notAvailable: StatusReport['failures'];
  notAvailableTotal: number;
  /** Rankings whose pages failed validation, kept for `replay`, latest first. */
  quarantined: {
    ranking: string;
    page: number | null;
    field: string | null;
    value: string | null;
    reason: string;
    runId: string | null;
    at: string;
  }[];
  quarantinedTotal: number;
  /** Loaded snapshots with quality flags, with the figures behind them; latest period first. */
  flagged: {
    ranking: string;
    flags: string[];
    total: number;
    entryCount: number;
    previousEntryCount: number | null;
  }[];
  flaggedTotal: number;
}

const MAX_FAILURES = 100;

export async function readStatusReport(
  pool: pg.Pool,
  options: { runs?: number } = {},
): Promise<StatusReport> {
  const coverage = await pool.query<{
    period_type: string;
    region: string;
    loaded: string;
    failed: string;
    missing: string;
    not_available: string;
    first_period: string | null;
    last_period: string | null;
  }>(
    `WITH loaded AS (
       SELECT period_type, region, count(*) AS loaded,
              min(period_value) AS first_period, max(period_value) AS last_period
       FROM fastmoss.ranking_snapshots GROUP BY period_type, region),
     jobs AS (
       SELECT j.period_type, j.region,
              count(*) FILTER (WHERE j.status = 'failed' AND s.id IS NULL) AS failed,
              count(*) FILTER (WHERE j.status IN ('pending', 'running') AND s.id IS NULL) AS missing,
              count(*) FILTER (WHERE j.status = 'not_available' AND s.id IS NULL) AS not_available
       FROM fastmoss.etl_jobs j
       LEFT JOIN fastmoss.ranking_snapshots s ON ${sameRankingKey('s', 'j')}
       GROUP BY j.period_type, j.region)
     SELECT coalesce(l.period_type, j.period_type) AS period_type,
            coalesce(l.region, j.region) AS region,
            coalesce(l.loaded, 0) AS loaded, coalesce(j.failed, 0) AS failed,
            coalesce(j.missing, 0) AS missing, coalesce(j.not_available, 0) AS not_available,
            l.first_period, l.last_period
     FROM loaded l FULL JOIN jobs j ON j.period_type = l.period_type AND j.region = l.region
     ORDER BY array_position(ARRAY['day', 'week', 'month'], coalesce(l.period_type, j.period_type)),
              coalesce(l.region, j.region)`,
  );
  const runs = await pool.query<{
    id: string;
    trigger: string;
    status: string;
    started_at: Date;
    finished_at: Date | null;
    planned: number | null;
    skipped: number | null;
    succeeded: number | null;
    failed: number | null;
    not_available: number | null;
    api_calls: number | null;
    end_reason: string | null;
    end_message: string | null;
    abandoned_at: Date | null;
  }>(
    // A run whose worker is gone shows as abandoned now; the next run records it (status writes
    // nothing, and may be the read-only role).
    `SELECT id, trigger, started_at, finished_at, planned, skipped, succeeded, failed, api_calls,
            not_available,
            CASE WHEN ${RUN_WORKER_GONE} THEN 'abandoned' ELSE status END AS status,
            CASE WHEN ${RUN_WORKER_GONE} THEN 'worker_gone' ELSE end_reason END AS end_reason,
            CASE WHEN ${RUN_WORKER_GONE}
                 THEN $2 || ' (' || coalesce(host, '?') || ', pid ' || coalesce(pid::text, '?') || ')'
                 ELSE end_message END AS end_message,
            CASE WHEN ${RUN_WORKER_GONE} THEN now() ELSE abandoned_at END AS abandoned_at
     FROM fastmoss.etl_runs r ORDER BY id DESC LIMIT $1`,
    [options.runs ?? 10, WORKER_GONE_MESSAGE],
  );
  const failures = await jobsWithStatus(pool, 'failed');
  const notAvailable = await jobsWithStatus(pool, 'not_available');
  const quarantined = await pool.query<
    RankingKeyRow & {
      page: number | null;
      field: string | null;
      value: string | null;
      reason: string;
      run_id: string | null;
      quarantined_at: Date;
      total: string;
    }
  >(
    `SELECT ${RANKING_KEY_COLUMNS}, page, field, value, reason, run_id, quarantined_at,
            count(*) OVER () AS total
     FROM fastmoss.quarantine ORDER BY quarantined_at DESC, id DESC LIMIT $1`,
    [MAX_FAILURES],
  );
  const flagged = await pool.query<
    RankingKeyRow & {
      flags: string[];
      total: number;
      entry_count: number;
      previous_entry_count: number | null;
      total_flagged: string;
    }
  >(
    `SELECT ${RANKING_KEY_COLUMNS}, flags, total, entry_count, previous_entry_count,
            count(*) OVER () AS total_flagged
     FROM fastmoss.ranking_snapshots WHERE cardinality(flags) > 0
     ORDER BY period_start DESC, id DESC LIMIT $1`,
    [MAX_FAILURES],
  );
  return {
    quarantined: quarantined.rows.map((row) => ({
      ranking: rankingKeyLabel(rankingKeyOf(row)),
      page: row.page,
      field: row.field,
      value: row.value,
      reason: row.reason,
      runId: row.run_id,
      at: row.quarantined_at.toISOString(),
    })),
    quarantinedTotal: Number(quarantined.rows[0]?.total ?? 0),
    flagged: flagged.rows.map((row) => ({
      ranking: rankingKeyLabel(rankingKeyOf(row)),
      flags: row.flags,
      total: row.total,
      entryCount: row.entry_count,
      previousEntryCount: row.previous_entry_count,
    })),
    flaggedTotal: Number(flagged.rows[0]?.total_flagged ?? 0),
    coverage: coverage.rows.map((row) => ({
      periodType: row.period_type,
      region: row.region,
      loaded: Number(row.loaded),
      failed: Number(row.failed),
      missing: Number(row.missing),
      notAvailable: Number(row.not_available),
      firstPeriod: row.first_period,
      lastPeriod: row.last_period,
    })),
    runs: runs.rows.map((row) => ({
      id: row.id,
      trigger: row.trigger,
      status: row.status,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
      planned: row.planned,
      skipped: row.skipped,
      succeeded: row.succeeded,
      failed: row.failed,
      notAvailable: row.not_available,
      apiCalls: row.api_calls,
      end: row.end_reason === null ? null : { reason: row.end_reason, message: row.end_message },
      abandonedAt: row.abandoned_at?.toISOString() ?? null,
    })),
    failures: failures.jobs,
    failuresTotal: failures.total,
    notAvailable: notAvailable.jobs,
    notAvailableTotal: notAvailable.total,
  };
}

/** The latest MAX_FAILURES jobs in `status`, with their reasons, and how many there are. */
async function jobsWithStatus(
  pool: pg.Pool,
  status: 'failed' | 'not_available',
): Promise<{ jobs: StatusReport['failures']; total: number }> {
  const result = await pool.query<{
    region: Region;
    product_category_id: number | null;
    creator_category_id: number | null;
    period_type: PeriodType;
    period_value: string;
    order_field: OrderField;
    attempts: number;
    api_calls: number;
    last_error: string | null;
    finished_at: Date | null;
    total: string;
  }>(
    `SELECT region, product_category_id, creator_category_id, period_type, period_value,
            order_field, attempts, api_calls, last_error, finished_at, count(*) OVER () AS total
     FROM fastmoss.etl_jobs WHERE status = $2
     ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT $1`,
    [MAX_FAILURES, status],
  );
  return {
    jobs: result.rows.map((row) => ({
      ranking: rankingKeyLabel(rankingKeyOf(row)),
      attempts: row.attempts,
      apiCalls: row.api_calls,
      reason: row.last_error,
      at: row.finished_at?.toISOString() ?? null,
    })),
    total: Number(result.rows[0]?.total ?? 0),
  };
}
