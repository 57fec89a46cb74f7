import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { isConnectionLost, retryOnConnectionLoss } from '../db/connection-retry.ts';
import {
  finishRun,
  markAbandonedRuns,
  planJobs,
  type RunEnd,
  type RunStatus,
  type RunTrigger,
  startRun,
} from '../db/ledger.ts';
import { RANKING_KEY_COLUMNS, type RankingKeyRow, rankingKeyOf } from '../db/ranking-key-sql.ts';
import { deleteExpiredPages } from '../db/raw-archive.ts';
import { runEndReasonOf } from '../domain/errors.ts';
import { rankingKeyLabel } from '../domain/ranking.ts';
import type { PlannedRanking } from '../plan/plan.ts';
import {
  describeError,
  type JobEnd,
  type RankingOutcome,
  type RunJobsOptions,
  runJobs,
} from './run-jobs.ts';
import { openWorkerSession } from './worker-session.ts';

export interface RankingFailure {
  ranking: string;
  reason: string;
}

/** What a run did, as the CLI prints it and `--json` emits it. */
export interface RunSummary {
  runId: string;
  trigger: RunTrigger;
  status: RunStatus;
  /** Rankings selected by the plan. */
  selected: number;
  /** Already loaded before this run, left alone. */
  skipped: number;
  succeeded: number;
  failed: number;
  /**
   * FastMoss had no data for them yet (code 20001): neither loaded nor failed; a later run, or
   * the schedule's lookback, tries them again. They do not fail the run.
   */
  notAvailable: number;
  /** Selected but not finished: the run was stopped, or a run-wide error ended it. */
  unfinished: number;
  apiCalls: number;
  /** Requests retried during the run (each retry is one more API call). */
  retries: number;
  rowsLoaded: number;
  durationMs: number;
  failures: RankingFailure[];
  /** The rankings counted in `notAvailable`, each with FastMoss's answer. */
  notAvailableRankings: RankingFailure[];
  /** The run-wide error that stopped the run, if any (a rejected token, an exhausted quota). */
  fatal: string | undefined;
  /** Why the run ended without every ranking loaded, as etl_runs records it; null when it did. */
  end: RunEnd | null;
}

export interface LoadRankingsRequest
  extends Pick<
    RunJobsOptions,
    | 'fetchRanking'
    | 'writeRankings'
    | 'maxBatch'
    | 'queueBound'
    | 'isRunFatal'
    | 'isNotAvailable'
    | 'apiCallsOf'
    | 'quarantineOf'
    | 'stopSignal'
    | 'abortSignal'
    | 'pollMs'
  > {
  pool: Pool;
  databaseUrl: string;
  trigger: RunTrigger;
  /** What to load; a group with `force` reloads rankings that are already loaded. */
  plans: { planned: PlannedRanking[]; force: boolean }[];
  priority: number;
  leaseSeconds: number;
  rankingsInFlight: number;
  /** Recorded with the run in etl_runs.options. */
  runOptions: unknown;
  /** Archived raw pages older than this many days are deleted once the run ends; unset: kept. */
  rawRetentionDays?: number;
  onPlanned?: (plan: { selected: number; skipped: number; toLoad: number }) => void;
  onOutcome?: (outcome: RankingOutcome) => void;
  /** Retries the API client has scheduled since this run started; unknown: 0. */
  retries?: () => number;
}

/** How a run ended, from how its rankings ended: the status and, unless all loaded, why. */
export function runEndOf(outcome: {
  fatal: Error | undefined;
  interrupted: boolean;
  selected: number;
  failed: number;
  unfinished: number;
}): { status: Exclude<RunStatus, 'running' | 'abandoned'>; end: RunEnd | undefined } {
  if (outcome.fatal) {
    return {
      status: 'failed',
      end: {
        reason: runEndReasonOf(outcome.fatal) ?? 'error',
        message: describeError(outcome.fatal),
      },
    };
  }
  if (outcome.interrupted || outcome.unfinished > 0) {
    return {
      status: 'interrupted',
      end: {
        reason: 'interrupted',
        message: `stopped with ${outcome.unfinished} of ${outcome.selected} rankings unfinished`,
      },
    };
  }
  if (outcome.failed > 0) {
    return {
      status: 'failed',
      end: {
        reason: 'rankings_failed',
        message: `${outcome.failed} of ${outcome.selected} rankings failed after their retries`,
      },
    };
  }
  return { status: 'succeeded', end: undefined };
}

/**
 * One run: record it, plan its jobs, work them to the end, and summarise from the ledger. Every
 * statement is tried again on a fresh connection when its connection is lost (a Postgres restart,
 * a killed backend), so a short outage costs a pause. An error that ends the run anyway is
 * recorded on it (status failed, reason `database` or `error`) before it reaches the caller.
 */
export async function loadRankings(request: LoadRankingsRequest): Promise<RunSummary> {
  const started = performance.now();
  const { pool } = request;
  // The worker session first: the run row names it, so other processes can tell it is alive.
  const session = await retryOnConnectionLoss(() =>
    openWorkerSession(request.databaseUrl, { leaseSeconds: request.leaseSeconds }),
  );
  let runId: string | undefined;
  try {
    await retryOnConnectionLoss(() => markAbandonedRuns(pool));
    const startedRunId = await retryOnConnectionLoss(() =>
      startRun(pool, {
        trigger: request.trigger,
        options: request.runOptions,
        host: hostname(),
        pid: process.pid,
        workerId: session.workerId,
      }),
    );
    runId = startedRunId;
    return await workRun(request, startedRunId, session.workerId, started);
  } catch (error) {
    if (runId !== undefined) await recordRunError(pool, runId, error);
    throw error;
  } finally {
    await session.close();
  }
}

/** Best effort: a run that ends with an error is recorded as failed, with why, not left running. */
async function recordRunError(pool: Pool, runId: string, error: unknown): Promise<void> {
  const end: RunEnd = {
    reason: isConnectionLost(error) ? 'database' : (runEndReasonOf(error) ?? 'error'),
    message: describeError(error),
  };
  const counts = {
    planned: 0,
    skipped: 0,
    succeeded: 0,
    failed: 0,
    notAvailable: 0,
    apiCalls: 0,
    rowsLoaded: 0,
  };
  await retryOnConnectionLoss(() => finishRun(pool, runId, 'failed', counts, end)).catch(
    () => undefined,
  );
}

async function workRun(
  request: LoadRankingsRequest,
  runId: string,
  workerId: string,
  started: number,
): Promise<RunSummary> {
  const { pool } = request;
  const plan = { jobIds: [] as string[], skipped: 0 };
  let selected = 0;
  for (const group of request.plans) {
    const planned = await retryOnConnectionLoss(() =>
      planJobs(pool, group.planned, { force: group.force, priority: request.priority, runId }),
    );
    plan.jobIds.push(...planned.jobIds);
    plan.skipped += planned.skipped;
    selected += group.planned.length;
  }
  request.onPlanned?.({ selected, skipped: plan.skipped, toLoad: plan.jobIds.length });

  const result = await runJobs({ ...request, jobIds: plan.jobIds, runId, workerId });

  const finishedWith = (status: JobEnd) =>
    [...result.finished].filter(([, outcome]) => outcome === status).map(([id]) => id);
  const failures = await reasonsOf(pool, finishedWith('failed'));
  const notAvailableRankings = await reasonsOf(pool, finishedWith('not_available'));
  const succeeded = finishedWith('succeeded').length;
  const failed = failures.length;
  const notAvailable = notAvailableRankings.length;
  const unfinished = plan.jobIds.length - succeeded - failed - notAvailable;
  const { status, end } = runEndOf({
    fatal: result.fatal,
    interrupted: result.interrupted,
    selected,
    failed,
    unfinished,
  });
  const summary: RunSummary = {
    runId,
    trigger: request.trigger,
    status,
    selected,
    skipped: plan.skipped,
    succeeded,
    failed,
    notAvailable,
    unfinished,
    apiCalls: result.apiCalls,
    retries: request.retries?.() ?? 0,
    rowsLoaded: result.rowsLoaded,
    durationMs: Math.round(performance.now() - started),
    failures,
    notAvailableRankings,
    fatal: result.fatal ? describeError(result.fatal) : undefined,
    end: end ?? null,
  };
  await retryOnConnectionLoss(() =>
    finishRun(
      pool,
      runId,
      status,
      {
        planned: summary.selected,
        skipped: summary.skipped,
        succeeded,
        failed,
        notAvailable,
        apiCalls: summary.apiCalls,
        rowsLoaded: summary.rowsLoaded,
      },
      end,
    ),
  );
  const retentionDays = request.rawRetentionDays;
  if (retentionDays !== undefined) {
    await retryOnConnectionLoss(() => deleteExpiredPages(pool, retentionDays));
  }
  return summary;
}

/** The rankings of these jobs with their last error, in job order. */
async function reasonsOf(pool: Pool, jobIds: string[]): Promise<RankingFailure[]> {
  if (jobIds.length === 0) return [];
  const rows = await retryOnConnectionLoss(() =>
    pool.query<RankingKeyRow & { last_error: string | null }>(
      `SELECT ${RANKING_KEY_COLUMNS}, last_error
       FROM fastmoss.etl_jobs WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [jobIds],
    ),
  );
  return rows.rows.map((row) => ({
    ranking: rankingKeyLabel(rankingKeyOf(row)),
    reason: row.last_error ?? 'unknown',
  }));
}
