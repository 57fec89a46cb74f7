import type { ClientBase, Pool } from 'pg';
import type { RunEndReason } from '../domain/errors.ts';
import { compareRankingKeys, type RankingKey } from '../domain/ranking.ts';
import type { PlannedRanking } from '../plan/plan.ts';
import {
  matchesRankingKey,
  RANKING_KEY_COLUMNS,
  type RankingKeyRow,
  rankingKeyOf,
  rankingKeyParams,
  sameRankingKey,
} from './ranking-key-sql.ts';

/*
 * The job ledger: fastmoss.etl_jobs (one row per ranking key ever planned) and fastmoss.etl_runs
 * (one row per run). Planning, claiming and finishing are plain SQL here so a DBA can read the
 * whole protocol in one file.
 *
 * Claims use FOR UPDATE SKIP LOCKED and a lease. A worker also keeps one connection open whose
 * application_name names it, so a job held by a worker whose process died (its connection gone
 * from pg_stat_activity) is free again at once instead of when its lease runs out.
 */

export type RunTrigger = 'scheduled' | 'backfill' | 'manual' | 'demo';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'abandoned';

/** Why a run ended without every ranking loaded: a kind to branch on, and words for a person. */
export interface RunEnd {
  reason: RunEndReason;
  message: string;
}

/** Scheduled cycles outrank backfills when workers choose what to claim next. */
export const PRIORITY = { backfill: 0, scheduled: 10 } as const;

export const WORKER_APPLICATION_PREFIX = 'fastmoss-etl/';

export interface ClaimedJob {
  id: string;
  key: RankingKey;
  attempts: number;
}

export interface PlanResult {
  /** Jobs this run must see finished, oldest period first. */
  jobIds: string[];
  /** Rankings already loaded and left alone (no `--force`). */
  skipped: number;
}

type Queryable = Pool | ClientBase;

/** The planned rankings as the parameter arrays of `PLANNED_INPUT` ($1..$8). */
export function keyArrays(planned: PlannedRanking[]) {
  return [
    planned.map((p) => p.key.region),
    planned.map((p) => p.key.productCategoryId),
    planned.map((p) => p.key.creatorCategoryId),
    planned.map((p) => p.key.periodType),
    planned.map((p) => p.key.periodValue),
    planned.map((p) => p.key.orderField),
    planned.map((p) => p.periodStart),
    planned.map((p) => p.periodEnd),
  ];
}

/**
 * The planned rankings as rows (`keyArrays` bound to $1..$8): the key, period_start, period_end,
 * and `n`, the row's place in the arrays.
 */
export const PLANNED_INPUT = `
  SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[],
                       $7::date[], $8::date[]) WITH ORDINALITY
    AS t(${RANKING_KEY_COLUMNS}, period_start, period_end, n)`;

/** True for an `input` row `i` whose ranking has a snapshot. */
export const SNAPSHOT_EXISTS = `
  EXISTS (SELECT 1 FROM fastmoss.ranking_snapshots s WHERE ${sameRankingKey('s', 'i')})`;

/**
 * Upserts one job per planned ranking. A ranking already loaded is skipped (marked succeeded)
 * unless `force`; a failed, not_available or pending one becomes pending; one running stays with
 * its holder. The rows are written, and so locked, in key order (compareRankingKeys), the order
 * a load marks its batch's jobs in: a plan and a load of the same jobs in two processes cannot
 * deadlock.
 */
export async function planJobs(
  db: Queryable,
  planned: PlannedRanking[],
  options: { force: boolean; priority: number; runId: string },
): Promise<PlanResult> {
  if (planned.length === 0) return { jobIds: [], skipped: 0 };
  const inKeyOrder = [...planned].sort((a, b) => compareRankingKeys(a.key, b.key));
  const result = await db.query<{ id: string; status: string }>(
    `WITH input AS (${PLANNED_INPUT}),
     marked AS (SELECT i.*, ${SNAPSHOT_EXISTS} AS loaded FROM input i)
     INSERT INTO fastmoss.etl_jobs AS j
       (${RANKING_KEY_COLUMNS}, period_start, period_end, status, priority, run_id, created_at, updated_at)
     SELECT ${RANKING_KEY_COLUMNS}, period_start, period_end,
            CASE WHEN loaded AND NOT $9::boolean THEN 'succeeded' ELSE 'pending' END,
            $10, $11, now(), now()
     FROM marked ORDER BY n
     ON CONFLICT (${RANKING_KEY_COLUMNS}) DO UPDATE SET
       status = CASE
         WHEN j.status = 'running' THEN j.status
         -- A job another worker finished while this plan ran stays done: no double fetch.
         WHEN j.status = 'succeeded' AND NOT $9::boolean THEN j.status
         ELSE EXCLUDED.status END,
       priority = GREATEST(j.priority, EXCLUDED.priority),
       updated_at = now()
     RETURNING j.id, j.status, j.period_start`,
    [...keyArrays(inKeyOrder), options.force, options.priority, options.runId],
  );
  const jobIds: string[] = [];
  let skipped = 0;
  const ordered = [...result.rows].sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  for (const row of ordered) {
    if (row.status === 'succeeded') skipped++;
    else jobIds.push(row.id);
  }
  return { jobIds, skipped };
}

/** How many of the planned rankings are already loaded, without writing anything. */
export async function countLoaded(db: Queryable, planned: PlannedRanking[]): Promise<number> {
  if (planned.length === 0) return 0;
  const result = await db.query<{ loaded: string }>(
    `WITH input AS (${PLANNED_INPUT})
     SELECT count(*) FILTER (WHERE ${SNAPSHOT_EXISTS}) AS loaded FROM input i`,
    keyArrays(planned),
  );
  return Number(result.rows[0]?.loaded ?? 0);
}

const FREE_TO_CLAIM = `
  (j.status = 'pending'
   OR (j.status = 'running'
       AND (j.locked_until < now()
            OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                           WHERE a.application_name = '${WORKER_APPLICATION_PREFIX}' || j.locked_by))))`;

interface JobRow extends RankingKeyRow {
  id: string;
  attempts: number;
}

function toClaimedJob(row: JobRow): ClaimedJob {
  return { id: row.id, attempts: row.attempts, key: rankingKeyOf(row) };
}

/**
 * Claims up to `limit` of `candidateIds` that are free, with a lease: the highest priority first
 * across all the candidates (a scheduled cycle's rankings before a backfill's), then the oldest.
 * Fewer than `limit` claimed means no other candidate was free at that moment. A candidate this
 * worker already holds is claimed again (a retried claim whose answer was lost), so candidates
 * must not include the jobs the worker is working on.
 */
export async function claimJobs(
  db: Queryable,
  candidateIds: string[],
  options: { workerId: string; leaseSeconds: number; runId: string; limit?: number },
): Promise<ClaimedJob[]> {
  if (candidateIds.length === 0) return [];
  const result = await db.query<JobRow & { priority: number }>(
    `UPDATE fastmoss.etl_jobs AS target
     SET status = 'running', locked_by = $2, locked_until = now() + make_interval(secs => $3),
         attempts = target.attempts + 1, run_id = $4, started_at = now(), updated_at = now()
     WHERE target.id IN (
       -- Each candidate looked up by primary key, whatever the planner's statistics say of the
       -- status index: a fresh plan of 100k pending jobs would otherwise scan them all.
       SELECT j.id FROM unnest($1::bigint[]) AS candidate(id)
         JOIN fastmoss.etl_jobs j ON j.id = candidate.id
       -- Or already ours: a claim whose answer was lost with its connection, now retried.
       WHERE (${FREE_TO_CLAIM} OR (j.status = 'running' AND j.locked_by = $2))
       ORDER BY j.priority DESC, j.id
       LIMIT $5
       FOR UPDATE OF j SKIP LOCKED)
     RETURNING target.id, ${RANKING_KEY_COLUMNS}, target.attempts, target.priority`,
    [candidateIds, options.workerId, options.leaseSeconds, options.runId, options.limit ?? null],
  );
  return result.rows
    .sort((a, b) => b.priority - a.priority || Number(BigInt(a.id) - BigInt(b.id)))
    .map(toClaimedJob);
}

/** Status of jobs this run waits for but could not claim (held by another worker, or done). */
export async function jobStatuses(
  db: Queryable,
  ids: string[],
): Promise<Map<string, { status: string; claimable: boolean }>> {
  const result = await db.query<{ id: string; status: string; claimable: boolean }>(
    `SELECT j.id, j.status, ${FREE_TO_CLAIM} AS claimable
     FROM fastmoss.etl_jobs j WHERE j.id = ANY($1::bigint[])`,
    [ids],
  );
  return new Map(result.rows.map((row) => [row.id, row]));
}

/**
 * Marks a claimed job loaded; false if this worker no longer holds it. Call inside the load's
 * transaction so both commit together. A load retried because its connection was lost during
 * COMMIT may find its first commit landed (the job already succeeded by this run, unlocked): that
 * counts as held, so the retry rewrites the same ranking and succeeds instead of giving it back.
 */
export async function markSucceeded(
  db: Queryable,
  jobId: string,
  outcome: {
    workerId: string;
    runId: string;
    apiCalls: number;
    rowsLoaded: number;
    durationMs: number;
  },
): Promise<boolean> {
  const result = await db.query(
    `UPDATE fastmoss.etl_jobs
     SET status = 'succeeded',
         api_calls = CASE WHEN locked_by = $2 THEN api_calls + $3 ELSE api_calls END,
         rows_loaded = $4, duration_ms = $5,
         last_error = NULL, locked_by = NULL, locked_until = NULL, finished_at = now(),
         updated_at = now()
     WHERE id = $1
       AND (locked_by = $2 OR (status = 'succeeded' AND locked_by IS NULL AND run_id = $6))`,
    [
      jobId,
      outcome.workerId,
      outcome.apiCalls,
      outcome.rowsLoaded,
      outcome.durationMs,
      outcome.runId,
    ],
  );
  return result.rowCount === 1;
}

/**
 * Marks the job of a ranking loaded from stored pages (replay), whoever last ran it; a job a
 * worker is running now is left to that worker. Call inside the load's transaction.
 */
export async function markReplayed(
  db: Queryable,
  key: RankingKey,
  outcome: { rowsLoaded: number },
): Promise<void> {
  await db.query(
    `UPDATE fastmoss.etl_jobs j
     SET status = 'succeeded', rows_loaded = $7, last_error = NULL, finished_at = now(),
         updated_at = now()
     WHERE ${matchesRankingKey('j', 1)} AND j.status <> 'running'`,
    [...rankingKeyParams(key), outcome.rowsLoaded],
  );
}

type JobEndOutcome = { workerId: string; apiCalls: number; durationMs: number; error: string };

/** Ends a claimed job as `status`, with why; a job this worker no longer holds is left alone. */
async function markEnded(
  db: Queryable,
  jobId: string,
  status: 'failed' | 'not_available',
  outcome: JobEndOutcome,
): Promise<void> {
  await db.query(
    `UPDATE fastmoss.etl_jobs
     SET status = $6, api_calls = api_calls + $3, duration_ms = $4, last_error = $5,
         locked_by = NULL, locked_until = NULL, finished_at = now(), updated_at = now()
     WHERE id = $1 AND locked_by = $2`,
    [jobId, outcome.workerId, outcome.apiCalls, outcome.durationMs, outcome.error, status],
  );
}

export function markFailed(db: Queryable, jobId: string, outcome: JobEndOutcome): Promise<void> {
  return markEnded(db, jobId, 'failed', outcome);
}

/**
 * Marks a claimed job "not available yet": FastMoss had no data for it (code 20001). Not a
 * failure and not loaded; the next plan that selects it makes it pending again.
 */
export function markNotAvailable(
  db: Queryable,
  jobId: string,
  outcome: JobEndOutcome,
): Promise<void> {
  return markEnded(db, jobId, 'not_available', outcome);
}

/** Gives a claimed job back untouched (shutdown, or a run-wide error such as a rejected token). */
export async function releaseJob(
  db: Queryable,
  jobId: string,
  outcome: { workerId: string; apiCalls: number; error: string | null },
): Promise<void> {
  await db.query(
    `UPDATE fastmoss.etl_jobs
     SET status = 'pending', api_calls = api_calls + $3, last_error = COALESCE($4, last_error),
         locked_by = NULL, locked_until = NULL, updated_at = now()
     WHERE id = $1 AND locked_by = $2`,
    [jobId, outcome.workerId, outcome.apiCalls, outcome.error],
  );
}

/**
 * Extends the lease of every job this worker holds. A job locked by a load that is committing
 * right now is skipped (that load ends its lease); waiting for it, while holding the other jobs'
 * rows, could deadlock with the load's next job.
 */
export async function renewLeases(
  db: Queryable,
  workerId: string,
  leaseSeconds: number,
): Promise<void> {
  await db.query(
    `UPDATE fastmoss.etl_jobs SET locked_until = now() + make_interval(secs => $2)
     WHERE id IN (SELECT id FROM fastmoss.etl_jobs
                   WHERE locked_by = $1 AND status = 'running'
                   FOR UPDATE SKIP LOCKED)`,
    [workerId, leaseSeconds],
  );
}

/**
 * True for a `running` run (alias `r`) whose worker session is gone from pg_stat_activity: its
 * process died without finishing it. application_name is visible to every role, so the reader
 * role computes the same answer as the owner.
 */
export const RUN_WORKER_GONE = `
  (r.status = 'running' AND r.worker_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                   WHERE a.application_name = '${WORKER_APPLICATION_PREFIX}' || r.worker_id))`;

export const WORKER_GONE_MESSAGE = 'its process ended without finishing the run';

/** Marks `abandoned` every running run whose worker is gone; returns their ids. */
export async function markAbandonedRuns(db: Queryable): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `UPDATE fastmoss.etl_runs r
     SET status = 'abandoned', abandoned_at = now(), end_reason = 'worker_gone',
         end_message = $1 || ' (' || coalesce(r.host, '?') || ', pid ' || coalesce(r.pid::text, '?') || ')'
     WHERE ${RUN_WORKER_GONE}
     RETURNING r.id`,
    [WORKER_GONE_MESSAGE],
  );
  return result.rows.map((row) => row.id);
}

export async function startRun(
  db: Queryable,
  run: { trigger: RunTrigger; options: unknown; host: string; pid: number; workerId?: string },
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO fastmoss.etl_runs (trigger, status, started_at, options, host, pid, worker_id)
     VALUES ($1, 'running', now(), $2, $3, $4, $5) RETURNING id`,
    [run.trigger, JSON.stringify(run.options), run.host, run.pid, run.workerId ?? null],
  );
  const id = result.rows[0]?.id;
  if (id === undefined) throw new Error('etl_runs insert returned no id');
  return id;
}

export interface RunCounts {
  planned: number;
  skipped: number;
  succeeded: number;
  failed: number;
  /** FastMoss had no data for them yet (20001). */
  notAvailable: number;
  apiCalls: number;
  rowsLoaded: number;
}

/**
 * Records how a run ended. A run another process marked abandoned while this one's worker
 * session was reconnecting (a Postgres restart) gets its real end, and abandoned_at is cleared.
 */
export async function finishRun(
  db: Queryable,
  runId: string,
  status: Exclude<RunStatus, 'running' | 'abandoned'>,
  counts: RunCounts,
  end: RunEnd | undefined,
): Promise<void> {
  await db.query(
    `UPDATE fastmoss.etl_runs
     SET status = $2, finished_at = now(), planned = $3, skipped = $4, succeeded = $5, failed = $6,
         api_calls = $7, rows_loaded = $8, end_reason = $9, end_message = $10, abandoned_at = NULL,
         not_available = $11
     WHERE id = $1`,
    [
      runId,
      status,
      counts.planned,
      counts.skipped,
      counts.succeeded,
      counts.failed,
      counts.apiCalls,
      counts.rowsLoaded,
      end?.reason ?? null,
      end?.message ?? null,
      counts.notAvailable,
    ],
  );
}

/**
 * The last scheduled run (a cycle or a start-up catch-up) that loaded every ranking: when it
 * finished, and how long ago on the database's clock. What /healthz and the
 * etl_last_good_cycle_timestamp_seconds gauge both report.
 */
export async function readLastGoodCycle(
  db: Queryable,
): Promise<{ at: Date | null; ageSeconds: number | null }> {
  const result = await db.query<{ at: Date | null; age: number | null }>(
    `SELECT max(finished_at) AS at, extract(epoch FROM now() - max(finished_at))::float8 AS age
     FROM fastmoss.etl_runs WHERE trigger = 'scheduled' AND status = 'succeeded'`,
  );
  return { at: result.rows[0]?.at ?? null, ageSeconds: result.rows[0]?.age ?? null };
}
